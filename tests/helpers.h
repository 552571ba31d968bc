/* helpers — what several tests share: temp folders, test data paths, a virtual scanner with a hand
 * that places fingers exactly when the sensor asks for one, and waiting on the main loop. */
#pragma once

#include <glib.h>

#include "app/config.h"
#include "app/store/store.h"
#include "drivers/scanner.h"

/* A fresh folder under the system temp dir, removed (with contents) at exit. */
const char *tu_tmpdir(void);
/* A file under tests/data (HAAZRI_TESTDATA, else ./tests/data). Newly allocated. */
char *tu_data(const char *relative);
/* FVC2002 DB2_B image `finger` (101..110), impression 1..8. Newly allocated. */
char *tu_fvc(int finger, int impression);

/* Points libfprint at a virtual_image socket in the temp folder; call before any FpContext. */
const char *tu_use_virtual_scanner(void);
/* Queues images: each is sent when the sensor next reports it needs a finger (the hand). */
void tu_hand_queue(const char *png_path);
/* Queues an unplug (-5) for the next time a finger is needed. */
void tu_hand_queue_unplug(void);
/* Queues a retry report (FpDeviceRetry code) for the next time a finger is needed. */
void tu_hand_queue_retry(int code);
guint tu_hand_pending(void);
/* Scanner callbacks for tests: the hand, plus forwarding to `forward` (may be NULL). */
Scanner *tu_scanner_new(const ScannerCallbacks *forward, gpointer user_data);
/* The hand is told a finger is needed (use when wiring callbacks yourself). */
void tu_hand_on_finger_needed(void);

/* Iterates the default main context until *flag is TRUE or timeout; returns *flag. */
gboolean tu_run_until(const gboolean *flag, int timeout_ms);
/* Runs the main context for `ms` milliseconds. */
void tu_run_for(int ms);
typedef struct Screen Screen;
/* Runs the main context until `screen` shows `want` (screen_describe); fails the test after timeout_ms. */
void tu_wait_for_view(Screen *screen, const char *want, int timeout_ms);

/* One finger from five images through the scanner's enrollment: fp_print_serialize() output. */
GBytes *tu_capture(Scanner *scanner, const char *finger, char *const images[5]);
/* Enrolls one finger from five images through the scanner and stores it; returns the finger id. */
gint64 tu_enroll(Scanner *scanner, Store *store, gint64 probationer_id, const char *finger,
                 char *const images[5]);
/* The same from FVC2002 DB2_B finger `finger`'s impressions 1-5, as the right index. */
GBytes *tu_capture_fvc(Scanner *scanner, int finger);
gint64 tu_enroll_fvc(Scanner *scanner, Store *store, gint64 probationer_id, int finger);
/* Whether the check-in `uuid` is committed in the database at `db_path`: looked up through a
 * separate connection, which sees only committed rows. */
gboolean tu_checkin_committed(const char *db_path, const char *uuid);
/* The start of a kiosk under test: `text` written as haazri.conf in tu_tmpdir(), loaded, its data
 * folder made and its store opened (`db_path` and `store` set). */
Config *tu_kiosk_config(const char *text, char **db_path, Store **store);
/* Adds a probationer with a case number derived from `n` ("TEST-<n>"). */
gint64 tu_add_probationer(Store *store, int n, const char *name_en, const char *name_ur);
