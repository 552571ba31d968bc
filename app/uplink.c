/* uplink — the kiosk's links to the central server and an ADMS server. See uplink.h. */
#include "app/uplink.h"

#include "app/health.h"

/* What the heartbeat says of this kiosk; one kiosk, one link at a time. */
static struct {
    Scanner *scanner;
    const char *data_dir;
    MatchReporter *reporter; /* NULL while the kiosk waits for a writable database */
} beat;

static void on_heartbeat(ProtocolHeartbeat *hb, gpointer data)
{
    (void)data;
    const char *name = beat.scanner ? scanner_get_name(beat.scanner) : NULL;
    hb->scanner = g_strdup(name ? name : beat.scanner ? "no scanner" : "not opened yet");
    HealthDisk disk;
    if (health_check_disk(beat.data_dir, 0, &disk, NULL))
        hb->disk_free_mb = (gint64)(disk.free_bytes >> 20);
    if (beat.reporter)
        hb->match = match_reporter_get_latest(beat.reporter); /* the latest, in every heartbeat */
}

void uplink_set_match_reporter(MatchReporter *reporter)
{
    beat.reporter = reporter;
}

Sync *uplink_start_sync(const Config *config, const SyncConfig *sc, Store *store, Scanner *scanner,
                        const char *unwritable, SyncStatusFunc status, gpointer status_data)
{
    beat.scanner = scanner;
    beat.data_dir = config->data_dir;
    g_auto(SyncCredentials) creds = {0};
    g_autoptr(GError) error = NULL;
    if (!sync_credentials_load(config->data_dir, &creds, &error)) {
        g_message("sync: off — %s", error->message);
        return NULL;
    }
    Sync *sync = sync_new(sc, &creds, store, &error);
    if (!sync) {
        g_message("sync: off — %s", error->message);
        return NULL;
    }
    if (unwritable) {
        sync_set_unwritable(sync, unwritable);
    } else if (status) {
        sync_subscribe(sync, status, status_data);
    }
    sync_set_heartbeat_func(sync, on_heartbeat, NULL);
    sync_start(sync);
    return sync;
}

Adms *uplink_start_adms(const Config *config, const AdmsConfig *ac, Store *store)
{
    if (!*ac->server) {
        g_autoptr(GError) error = NULL;
        if (!store_set_meta(store, &error, "adms.state", "", NULL)) /* off: no stale state on the screen */
            g_warning("adms: %s", error->message);
        return NULL;
    }
    g_autoptr(GError) error = NULL;
    Adms *adms = adms_new(ac, store, config->office, &error);
    if (!adms) {
        g_message("adms: off — %s", error->message);
        return NULL;
    }
    g_message("adms: pushing to %s as serial %s", ac->server, ac->serial);
    adms_start(adms);
    return adms;
}

/* A check-in was written (committed, queued in the same transaction): send it soon. */
static void on_checkin_for_sync(const CheckinEvent *ev, gpointer sync)
{
    if (ev->checkin)
        sync_poke(sync);
}

/* An answer to the questionnaire was stored: send it soon too. */
static void on_answer_for_sync(gpointer sync)
{
    sync_poke(sync);
}

/* The same for an ADMS attendance server, its own target with its own queue position. */
static void on_checkin_for_adms(const CheckinEvent *ev, gpointer adms)
{
    if (ev->checkin)
        adms_poke(adms);
}

void uplink_follow(Checkin *checkin, Sync *sync, Adms *adms)
{
    if (sync) {
        checkin_subscribe(checkin, on_checkin_for_sync, sync);
        checkin_on_answered(checkin, on_answer_for_sync, sync);
    }
    if (adms)
        checkin_subscribe(checkin, on_checkin_for_adms, adms);
}
