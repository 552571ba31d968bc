/* haazri — the check-in kiosk.
 *
 * The table of contents: load config → open store (and lay its device settings over the config) →
 * wait until the database can be written (app/ready) → load the search gallery → look for the
 * scanner → build the check-in machine → attach the view, the lights and the officer screens → start
 * the links out (app/uplink) → run one main loop → close in reverse. The only file of app/ that
 * may see ui/: it wires the screens to the machine. */
#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/checkin.h"
#include "app/config.h"
#include "app/health.h"
#include "app/log.h"
#include "app/match-report.h"
#include "app/ready.h"
#include "app/search.h"
#include "app/service.h"
#include "app/settings.h"
#include "app/store/store.h"
#include "app/uplink.h"
#include "app/version.h"
#include "drivers/leds.h"
#include "drivers/scanner.h"
#include "drivers/virtual-hand.h"
#include "sync/adms.h"
#include "sync/sync.h"
#include "app/lights.h"
#include "ui/screen.h"
#include "ui/sound.h"
#include "ui/term.h"

static Checkin *machine; /* set once built; the scanner may report before that */

/* The scanner's news goes to the demo's hand first (it places a held finger when the sensor asks),
 * then to the machine. */
static void on_scanner_state(ScannerState state, const char *why, gpointer hand)
{
    virtual_hand_sensor_busy(hand);
    if (machine)
        checkin_on_scanner_state(machine, state, why);
}

static void on_finger_needed(gpointer hand)
{
    virtual_hand_sensor_waiting(hand);
    if (machine)
        checkin_on_finger_needed(machine);
}

static void on_finger(gpointer hand)
{
    virtual_hand_sensor_busy(hand);
    if (machine)
        checkin_on_finger(machine);
}

#ifdef HAAZRI_TEST_HOOKS
static gboolean stall_forever(gpointer data)
{
    (void)data;
    g_message("test hook: stalling the main loop");
    for (;;)
        g_usleep(G_USEC_PER_SEC);
    return G_SOURCE_REMOVE;
}
#endif

static void on_disk(const HealthDisk *disk, gpointer term)
{
    term_show_disk(term, disk->low, disk->free_bytes);
}

typedef struct {
    Search *search;
    Store *store;
    Checkin *checkin;
    MatchReporter *reporter;
} GalleryWatch;

/* The scanner's own numbers from the enrolled fingers (app/match-report.h), for the centre: again
 * when the gallery changed, at most this often (tens of seconds of one core each time, on a thread). */
#define MATCH_REPORT_INTERVAL_S 3600

/* Enrollments and deactivations made from haazri-ctl (or by sync) reach the kiosk within seconds. */
static gboolean on_gallery_poll(gpointer data)
{
    GalleryWatch *w = data;
    g_autoptr(GError) error = NULL;
    if (search_reload_if_changed(w->search, w->store, &error))
        checkin_on_gallery_changed(w->checkin);
    else if (error)
        g_warning("could not reload the enrolled fingers: %s", error->message);
    match_reporter_poll(w->reporter, store_get_gallery_version(w->store));
    return G_SOURCE_CONTINUE;
}

/* How the link to the central server is doing, on the terminal, the lights and the screen. */
static struct {
    Term *term;
    Screen *screen; /* may be NULL: no display */
    Leds *leds;
} sync_view;

static void on_sync_status(const SyncStatus *st, gpointer data)
{
    (void)data;
    gboolean offline = !st->online && st->pending > 0;
    term_show_sync(sync_view.term, offline, st->pending);
    leds_set_offline(sync_view.leds, offline);
    if (sync_view.screen)
        screen_set_online(sync_view.screen, st->online);
}

static gboolean on_signal(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
    log_use_utf8();
    screen_prepare_process();
    g_autofree char *config_path = NULL;
    g_autofree char *demo_images = NULL;
    gboolean version = FALSE;
    GOptionEntry entries[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "configuration file (default /etc/haazri/haazri.conf)", "PATH"},
        {"demo-images", 0, 0, G_OPTION_ARG_FILENAME, &demo_images, "demo: sample fingerprint folder for the virtual scanner", "DIR"},
        {"version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) opts = g_option_context_new("— Haazri fingerprint check-in kiosk");
    g_option_context_add_main_entries(opts, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(opts, &argc, &argv, &error)) {
        g_printerr("haazri: %s (see --help)\n", error->message);
        return 2;
    }
    if (version) {
        printf("haazri %s\n", HAAZRI_VERSION);
        return 0;
    }
    if (!config_path && g_file_test("/etc/haazri/haazri.conf", G_FILE_TEST_EXISTS))
        config_path = g_strdup("/etc/haazri/haazri.conf");

    g_autoptr(Config) config = config_load(config_path, &error);
    if (!config) {
        g_printerr("haazri: %s\n", error->message);
        return 2;
    }
    if (g_mkdir_with_parents(config->data_dir, 0700) != 0) {
        g_printerr("haazri: cannot create the data folder %s: %s\n", config->data_dir, g_strerror(errno));
        return 1;
    }
    /* The store first: settings an administrator changed on the device lie over the file's. */
    g_autofree char *db_path = config_get_db_path(config);
    g_autoptr(Store) store = store_open(db_path, &error);
    if (!store) {
        g_printerr("haazri: %s\n", error->message);
        return 1;
    }
    if (!settings_overlay(store, config->keyfile, &error) || !config_reread(config, &error)) {
        g_printerr("haazri: %s\n", error->message);
        return 1;
    }
    g_auto(LedsConfig) leds_config;
    leds_config_init(&leds_config);
    if (config->keyfile && !leds_config_load(config->keyfile, config->path, &leds_config, &error)) {
        g_printerr("haazri: %s\n", error->message);
        return 2;
    }
    g_auto(SyncConfig) sync_config;
    sync_config_init(&sync_config);
    if (config->keyfile && !sync_config_load(config->keyfile, config->path, &sync_config, &error)) {
        g_printerr("haazri: %s\n", error->message);
        return 2;
    }
    WaitResult waited = ready_wait_writable(&store, db_path, &leds_config, config, &sync_config);
    if (waited != WAIT_READY)
        return waited == WAIT_BROKEN ? 1 : 0;

    g_auto(AdmsConfig) adms_config;
    adms_config_init(&adms_config);
    if (!adms_config_load(config->keyfile, config->path, config->device_id, &adms_config, &error)) {
        g_printerr("haazri: %s\n", error->message);
        return 2;
    }

    g_auto(ScreenConfig) screen_config;
    screen_config_init(&screen_config);
    g_auto(SoundConfig) sound_config;
    sound_config_init(&sound_config);
    /* Prompts built by `make prompts` next to the program, unless the config names a folder. */
    g_autofree char *exe_dir = g_path_get_dirname(argv[0]);
    g_autofree char *built_prompts = g_build_filename(exe_dir, "prompts", NULL);
    if (g_file_test(built_prompts, G_FILE_TEST_IS_DIR)) {
        g_free(sound_config.prompts_dir);
        sound_config.prompts_dir = g_strdup(built_prompts);
    }
    g_auto(OfficerScreenConfig) officer_config;
    officer_screen_config_init(&officer_config);
    if (config->keyfile && (!screen_config_load(config->keyfile, config->path, &screen_config, &error) ||
                            !sound_config_load(config->keyfile, config->path, &sound_config, &error) ||
                            !officer_screen_config_load(config->keyfile, config->path, &officer_config, &error))) {
        g_printerr("haazri: %s\n", error->message);
        return 2;
    }
    g_autoptr(Search) search = search_new(config->search, &error);
    guint skipped = 0;
    if (search)
        search_set_rule(search, config->match_threshold, config->match_margin);
    if (!search || !search_load(search, store, &skipped, &error)) {
        g_printerr("haazri: %s\n", error->message);
        return 1;
    }
    g_message("gallery: %u enrolled fingers (%u unreadable, skipped), search: %s",
              search_get_size(search), skipped, config->search);
    g_autoptr(MatchReporter) reporter = match_reporter_new(db_path, config->match_threshold,
                                                           MATCH_REPORT_KIOSK_FINGERS, MATCH_REPORT_INTERVAL_S);
    match_reporter_poll(reporter, store_get_gallery_version(store));

    g_autoptr(VirtualHand) hand = virtual_hand_new(demo_images);
    ScannerCallbacks scanner_cb = {.state_changed = on_scanner_state, .finger_needed = on_finger_needed,
                                   .finger_on = on_finger};
    g_autoptr(Scanner) scanner = scanner_new(config->scanner_driver, config->scanner_device, &scanner_cb, hand);
    /* Give a plugged-in scanner a moment to open, so the first screen isn't "scanner problem". */
    scanner_wait_ready(scanner, 3000, NULL);
    g_autoptr(Checkin) checkin = checkin_new(config, store, scanner, search);
    machine = checkin;
    g_autoptr(Term) term = term_new(checkin, config->office, demo_images ? virtual_hand_command : NULL, hand);
    g_autoptr(Health) health = health_new(config->data_dir, (guint)config->disk_warn_mb, 60, on_disk, term);
    /* No chip, wrong line, busy line: one warning and a kiosk without lights, never a stop. */
    g_autoptr(Leds) leds = leds_new(&leds_config, NULL);
    lights_attach(checkin, leds);
    /* No display or no sound card: one line, and a kiosk that still counts check-ins. */
    g_autoptr(Sound) sound = sound_new(&sound_config, &error);
    if (error) {
        g_printerr("haazri: %s\n", error->message);
        g_clear_error(&error);
    }
    g_autoptr(Screen) screen = NULL;
    if (screen_config.enabled) {
        screen = screen_new(&screen_config, checkin, store, sound, config->office, &error);
        if (!screen) {
            g_printerr("haazri: %s; running without the screen\n", error->message);
            g_clear_error(&error);
        }
    }
    if (screen) {
        OfficerScreenParts officer_parts = {.store = store, .checkin = checkin, .scanner = scanner, .leds = leds,
                                            .device_id = config->device_id, .office = config->office,
                                            .data_dir = config->data_dir, .settings = config->keyfile};
        screen_attach_officer(screen, &officer_config, &officer_parts);
    }
    sync_view.term = term;
    sync_view.screen = screen;
    sync_view.leds = leds;
    uplink_set_match_reporter(reporter); /* the latest report, in every heartbeat */
    g_autoptr(Sync) sync = uplink_start_sync(config, &sync_config, store, scanner, NULL, on_sync_status, NULL);
    g_autoptr(Adms) adms = uplink_start_adms(config, &adms_config, store);
    uplink_follow(checkin, sync, adms);

    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    g_unix_signal_add(SIGINT, on_signal, loop);
    g_unix_signal_add(SIGTERM, on_signal, loop);
    GalleryWatch watch = {search, store, checkin, reporter};
    guint gallery_poll = g_timeout_add_seconds(3, on_gallery_poll, &watch);
    checkin_start(checkin);
    g_autofree char *status = g_strdup_printf("%u fingers enrolled; scanner: %s", search_get_size(search),
                                              scanner_get_name(scanner) ? scanner_get_name(scanner) : "none yet");
    service_notify_ready(status);
#ifdef HAAZRI_TEST_HOOKS
    /* Test build only (build/tests/haazri-hooks): SIGUSR1 hangs the main loop, as a stuck callback
     * would, so tests can see the watchdog pings stop (a signal, not a delay: a loaded machine may
     * take longer than any delay just to start). */
    g_unix_signal_add(SIGUSR1, stall_forever, NULL);
#endif
    g_main_loop_run(loop);

    service_notify_stopping();
    g_source_remove(gallery_poll);
    g_message("shutting down");
    g_clear_pointer(&sync, sync_free);
    uplink_set_match_reporter(NULL);
    g_clear_pointer(&reporter, match_reporter_free); /* a report under way is left to finish alone */
    g_clear_pointer(&adms, adms_free);
    g_clear_pointer(&health, health_free);
    g_clear_pointer(&term, term_free);
    g_clear_pointer(&screen, screen_free);
    g_clear_pointer(&sound, sound_free);
    machine = NULL;
    g_clear_pointer(&checkin, checkin_free);
    g_clear_pointer(&leds, leds_free); /* lights off */
    return 0;
}
