/* ready — waiting for a writable database. See ready.h. */
#include "app/ready.h"

#include <glib-unix.h>

#include "app/service.h"
#include "app/uplink.h"

typedef struct {
    GMainLoop *loop;
    Store *probe;         /* the database opened again, writable at last; NULL while waiting */
    const char *db_path;
    gboolean broken;      /* it could not be opened at all any more */
} WriteWait;

static gboolean on_write_check(gpointer data)
{
    WriteWait *w = data;
    g_autoptr(GError) error = NULL;
    /* SQLite keeps a file it opened read-only read-only: open it again. */
    Store *probe = store_open(w->db_path, &error);
    if (!probe) {
        g_printerr("haazri: %s\n", error->message);
        w->broken = TRUE;
    } else if (store_check_writable(probe, w->db_path, NULL)) {
        w->probe = probe;
    } else {
        store_close(probe);
        return G_SOURCE_CONTINUE;
    }
    g_main_loop_quit(w->loop);
    return G_SOURCE_REMOVE;
}

static gboolean on_signal(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE;
}

WaitResult ready_wait_writable(Store **store, const char *db_path, const LedsConfig *leds_config,
                               const Config *config, const SyncConfig *sync_config)
{
    g_autoptr(GError) error = NULL;
    if (store_check_writable(*store, db_path, &error))
        return WAIT_READY;
    g_printerr("haazri: not ready: %s\n", error->message);
    g_autofree char *status = g_strdup_printf("not ready: %s", error->message);
    service_notify_status(status);
    g_autoptr(Leds) leds = leds_new(leds_config, NULL);
    leds_set_offline(leds, TRUE); /* steady amber: something needs someone's attention */
    Sync *sync = uplink_start_sync(config, sync_config, *store, NULL, error->message, NULL, NULL);
    WriteWait w = {.loop = g_main_loop_new(NULL, FALSE), .db_path = db_path};
    guint check = g_timeout_add_seconds(2, on_write_check, &w);
    guint sigint = g_unix_signal_add(SIGINT, on_signal, w.loop);
    guint sigterm = g_unix_signal_add(SIGTERM, on_signal, w.loop);
    g_main_loop_run(w.loop);
    g_source_remove(sigint);
    g_source_remove(sigterm);
    if (!w.probe && !w.broken)
        g_source_remove(check); /* stopped by a signal */
    g_main_loop_unref(w.loop);
    sync_free(sync); /* it read the read-only store; the kiosk's own sync starts on the writable one */
    if (!w.probe)
        return w.broken ? WAIT_BROKEN : WAIT_STOPPED;
    g_clear_pointer(store, store_close);
    *store = w.probe;
    g_message("the database can be written now; starting");
    return WAIT_READY;
}
