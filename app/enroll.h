/* enroll — taking a probationer's fingers from the scanner: one flow (enroll_run_start), shared by
 * `haazri-ctl enroll` and the kiosk's officer session (app/officer-session.c), so both refuse a
 * duplicate finger the same way, take the same touches and audit the same rows.
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

/* ---- the whole flow: for each finger, the duplicate check, then its capture; then the save ---- */

typedef enum {
    ENROLL_CHECKING,  /* finger `finger`: one touch, checked against everyone enrolled (enroll_check_finger) */
    ENROLL_UNCLEAR,   /* that touch was unclear (`retry`): the check is asked again */
    ENROLL_CAPTURING, /* finger `finger` is nobody else's: now captured in `stages` touches */
    ENROLL_TOUCH,     /* a capture touch: `stage` of `stages` taken, or `retry` why it was not usable */
    ENROLL_DONE,      /* the end: saved (`id`), or `error` at step `at` (and `owner_case` for a duplicate) */
} EnrollEventKind;

typedef enum { ENROLL_AT_CHECK, ENROLL_AT_CAPTURE, ENROLL_AT_SAVE } EnrollStep;

typedef struct {
    EnrollEventKind kind;
    guint finger;            /* index into the fingers */
    const char *finger_name; /* scanner_finger_name() spelling */
    int stage, stages;       /* stages: the scanner's touches per finger */
    const GError *retry;     /* ENROLL_UNCLEAR, ENROLL_TOUCH */
    gint64 id;               /* ENROLL_DONE: the probationer's id when all was saved, else 0 */
    guint enrolled;          /* ENROLL_DONE: fingers saved */
    const GError *error;     /* ENROLL_DONE: why not */
    EnrollStep at;           /* ENROLL_DONE: where it stopped */
    const char *owner_case;  /* a STORE_ERROR_EXISTS error: whose finger it is */
} EnrollEvent;

typedef void (*EnrollEventFunc)(const EnrollEvent *event, gpointer user_data);
typedef struct EnrollRun EnrollRun;

/* Takes `fingers` (NULL-terminated names) of `person` (`existing_id`: already enrolled, else 0)
 * through the check and the capture, then enroll_save() with `actor`. The scanner must be ready.
 * Events arrive on the thread-default main context, the first (ENROLL_CHECKING) before this returns;
 * after ENROLL_DONE the run is gone (NULL is returned when that came at once). `max_unclear`: unclear check touches allowed per finger before
 * the run fails ("three unclear touches"), 0 = no limit. */
EnrollRun *enroll_run_start(Scanner *scanner, Store *store, gint64 existing_id, const EnrollPerson *person,
                            char *const *fingers, const char *actor, int max_unclear, EnrollEventFunc func,
                            gpointer user_data);
/* Stops the run: no event after this one (also from inside an event handler). */
void enroll_run_cancel(EnrollRun *run);
