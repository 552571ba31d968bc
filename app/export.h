/* export — check-ins for a date range as CSV on a USB stick (or a configured folder), with a
 * SHA-256 manifest so the receiving office can tell the file arrived whole.
 *
 * The CSV is written to a temporary name, fsync'd, then renamed; the manifest last. A missing stick,
 * a read-only one or a full one is a clear sentence and leaves no half-written file behind. */
#pragma once

#include <glib.h>

#include "app/store/store.h"

/* Failures to write carry the errno as their code (ENOSPC: full, EROFS: read-only, ...), so a
 * screen can say which it was in its own words. */
#define EXPORT_ERROR (g_quark_from_static_string("haazri-export"))

typedef struct {
    char *csv_path;
    char *manifest_path;
    gint64 rows;
    char sha256[65];
} ExportResult;

/* Mounted removable media (USB sticks) under /media or /run/media, most recently mounted first;
 * an empty array when none. */
GPtrArray *export_find_removable_media(void);
/* Writes haazri-<device>-<from>_<to>.csv and its .sha256 into `folder`. Dates are YYYY-MM-DD. */
gboolean export_checkins(Store *store, const char *device_id, const char *from, const char *to,
                         const char *folder, ExportResult *out, GError **error);
void export_result_clear(ExportResult *result);
/* One CSV cell appended to `line` (no separator): quoted when it must be, and a cell a spreadsheet
 * would run as a formula (= + - @, tab, CR first) is prefixed with ' inside quotes, so it is shown
 * as text. The kiosk's export and the receiver's both write cells with it. */
void export_csv_append_cell(GString *line, const char *value);
