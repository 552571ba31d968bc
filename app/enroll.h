/* enroll — taking a probationer's fingers from the scanner, shared by `haazri-ctl enroll` and the
 * kiosk's officer screens so both refuse a duplicate finger the same way and audit the same rows.
 *
 * Asynchronous on the thread-default main context (the kiosk's one loop must keep drawing while
 * an officer's finger is read). A scanner still winding down a scan cancelled a moment ago (the
 * check-in machine's, when the kiosk pauses it) answers "busy" for a few ms: both calls wait that
 * out rather than fail. */
#pragma once

#include <glib.h>

#include "app/store/store.h"
#include "drivers/scanner.h"

/* `owner_case` is the case the finger belongs to, with a STORE_ERROR_EXISTS error; else NULL. */
typedef void (*EnrollCheckFunc)(const GError *error, const char *owner_case, gpointer user_data);

/* One touch, identified against every enrolled finger: the same finger must not be enrolled under
 * two case numbers (one person checking in for another, or two identities). `done` gets NULL when
 * the finger is nobody else's (or `self_id`'s own), a STORE_ERROR_EXISTS error naming the case it
 * belongs to (the refusal is written to the audit trail as `actor`), an FP_DEVICE_RETRY error for an
 * unclear touch (take it again), or the scanner's own error. */
void enroll_check_finger(Scanner *scanner, Store *store, gint64 self_id, const char *case_number,
                         const char *actor, GCancellable *cancellable, EnrollCheckFunc done, gpointer user_data);

/* scanner_enroll(), waiting out a busy scanner. An enrollment later touches could not match (a touch
 * with too few ridge details, or one sharing too little with the others: engine.h) is refused with
 * an ENGINE_ERROR_POOR error whose message says which touch and what to do. */
void enroll_capture(Scanner *scanner, FpFinger finger, GCancellable *cancellable, ScannerProgressFunc progress,
                    ScannerEnrollFunc done, gpointer user_data);

typedef struct {
    const char *case_number, *name_en, *name_ur, *cnic, *office;
} EnrollPerson;

/* Stores what was captured: the probationer first when `existing_id` is 0 (`person` says who),
 * then each print (FpPrint*) as fingers[i] (names as scanner_finger_name()), replacing a finger
 * the person had enrolled before. Every change is audited as `actor`. Returns the probationer's
 * id, 0 on error. */
gint64 enroll_save(Store *store, gint64 existing_id, const EnrollPerson *person, char *const *fingers,
                   GPtrArray *prints, const char *driver, const char *actor, GError **error);
