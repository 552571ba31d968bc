/* status — one picture of the kiosk's health, for `haazri-ctl status` and the sync heartbeat:
 * version, identity, database, queue, scanner, lights, display, disk. Collecting it never changes
 * anything (the scanner is only enumerated, not opened; the GPIO chip opened but no line taken). */
#pragma once

#include <glib.h>

#include "app/config.h"
#include "app/store/store.h"

typedef struct {
    const char *version;
    char *device_id, *office, *config_path, *db_path;
    gboolean store_ok;
    char *store_error;       /* when !store_ok */
    StoreSummary store;
    char *scanners;          /* libfprint devices seen, "driver/id: name; ..." or "none" */
    char *leds;              /* "gpiochip0 [label]", "disabled", or why not */
    char *display;           /* what an SDL screen would use: DRM card, X11/Wayland, or "none" */
    guint64 disk_free_mb, disk_total_mb;
    gboolean disk_low;
    char *ownership;         /* NULL, or which files in the data folder are not the service user's */
} Status;

/* Fills `out` from the config and the store (opened read-only by the caller, may be NULL). */
void status_collect(const Config *config, Store *store, const char *store_error, Status *out);
void status_clear(Status *status);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Status, status_clear)
