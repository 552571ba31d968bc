/* checkin — the kiosk's check-in state machine. It alone decides; the screen, LEDs, sound and sync
 * subscribe to its events and never call back into it with side effects.
 *
 *   idle ──(continuous mode, or a tap)──▶ waiting for finger ──(finger on)──▶ searching
 *   searching ──▶ recorded | already checked in | not recognised | retry (unclear scan)
 *              | scanner problem | store problem          ──(result_seconds)──▶ waiting / idle
 *   searching ──(the engine unsure)──▶ touch again ──(finger on)──▶ searching ──▶ a result above
 *              (once per attempt; nobody touches within tap_window_s ──▶ waiting / idle)
 *   any ──(case number typed)──▶ waiting for that person's finger (1:1) ──▶ the results above
 *   scanner hot or unplugged ──▶ resting / scanner problem ──(cooled / plugged back)──▶ waiting
 *
 * A result that says "recorded" is only emitted after store_record_checkin() returned, i.e. after
 * the row was fsync'd. */
#pragma once

#include <glib.h>

#include "app/config.h"
#include "app/search.h"
#include "app/store/store.h"
#include "drivers/scanner.h"

typedef struct Checkin Checkin;

typedef enum {
    CHECKIN_STATE_IDLE,            /* tap mode: the scanner sleeps until someone touches */
    CHECKIN_STATE_WAITING,         /* the scanner is listening for a finger */
    CHECKIN_STATE_SEARCHING,       /* a finger is on the scanner */
    CHECKIN_STATE_RECORDED,        /* attendance counted (committed to disk) */
    CHECKIN_STATE_ALREADY,         /* recognised, but already counted inside the window */
    CHECKIN_STATE_NOT_RECOGNISED,  /* nobody matched (or the 1:1 check failed) */
    CHECKIN_STATE_RETRY,           /* the scan was unclear: try again (reason given) */
    CHECKIN_STATE_RESTING,         /* the scanner is cooling down */
    CHECKIN_STATE_SCANNER_PROBLEM, /* no scanner, or it failed */
    CHECKIN_STATE_STORE_PROBLEM,   /* the check-in could not be saved: nothing half-written */
    CHECKIN_STATE_CASE_ENTRY,      /* a case number was entered: waiting for that person's finger */
    CHECKIN_STATE_TOUCH_AGAIN,     /* the engine was unsure: the same finger once more (app/second-opinion.h) */
} CheckinState;

typedef struct {
    CheckinState state;
    const StoreProbationer *who;     /* recorded / already / case entry (and its touch again); else NULL */
    const StoreCheckin *checkin;     /* the row written (recorded / already / not recognised) */
    const char *reason;              /* one sentence for a person, or NULL */
    gboolean offer_case_number;      /* enough failed touches: suggest the case-number fallback */
    const char *next_due;            /* recorded / already: next reporting day YYYY-MM-DD, or NULL */
} CheckinEvent;

typedef void (*CheckinListener)(const CheckinEvent *event, gpointer user_data);

/* Borrows config, store, scanner and search; they must outlive the machine. */
Checkin *checkin_new(const Config *config, Store *store, Scanner *scanner, Search *search);
void checkin_free(Checkin *checkin);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Checkin, checkin_free)

void checkin_subscribe(Checkin *checkin, CheckinListener listener, gpointer user_data);
/* Starts the machine (call once the listeners are attached). */
void checkin_start(Checkin *checkin);
CheckinState checkin_get_state(Checkin *checkin);
const char *checkin_state_name(CheckinState state);

/* Officer mode: the machine lets go of the scanner (no listening, no results, no events) so the
 * officer screens can enroll with it; resume reloads the enrolled fingers and listens again. */
void checkin_pause(Checkin *checkin);
void checkin_resume(Checkin *checkin);
gboolean checkin_is_paused(Checkin *checkin);
/* An administrator's change of [scanner] capture on the device (app/settings.h). */
void checkin_set_capture(Checkin *checkin, CaptureMode mode);

/* A person's inputs. */
void checkin_tap(Checkin *checkin);   /* wake the scanner (tap mode) */
/* Fallback: case number typed on the keypad → that person's finger is checked 1:1. */
void checkin_enter_case_number(Checkin *checkin, const char *case_number);

/* After a recorded check-in the screen may ask yes/no questions ([screen] questions); each answer
 * is stored with that check-in. FALSE (and nothing stored) if the check-in is unknown. */
gboolean checkin_answer_question(Checkin *checkin, const char *checkin_uuid, const char *question_id,
                                 gboolean yes, GError **error);
/* `func` runs after each answer is stored (sync sends it soon: an "arrested: yes" must not wait for
 * the next interval). One at a time; NULL removes it. */
void checkin_on_answered(Checkin *checkin, void (*func)(gpointer data), gpointer data);

/* The gallery was reloaded (enrollments, deactivations, the centre's roster): a scanner waiting
 * for a finger starts again with the new one. */
void checkin_on_gallery_changed(Checkin *checkin);

/* Scanner callbacks that hand the scanner's reports to the machine in *slot (a Checkin **, given as
 * the callbacks' user_data): the scanner exists before the machine that needs it, so the slot is
 * NULL until then and reports are dropped. */
ScannerCallbacks checkin_scanner_callbacks(void);

/* The scanner layer's reports (wired by main from ScannerCallbacks). */
void checkin_on_scanner_state(Checkin *checkin, ScannerState state, const char *why);
void checkin_on_finger_needed(Checkin *checkin);
void checkin_on_finger(Checkin *checkin);
