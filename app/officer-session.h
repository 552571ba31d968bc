/* officer-session — officer mode's decisions, apart from the screens that show them: who signs in
 * (the PIN, then the officer's own finger when enrolled or required; the lockout is officer_login's),
 * enrollment (app/enroll.c's flow, the one `haazri-ctl enroll` runs), (de)activation, export to the
 * USB stick, the administrators' device settings and light test, a photo from the camera. Each step
 * decides, writes the audit trail and reports what happened, as a return value or as events;
 * ui/officer-*.c only draws them and forwards touches. While a session is open the check-in machine
 * is paused: the screen and the scanner are the officer's. */
#pragma once

#include <glib.h>

#include "app/checkin.h"
#include "app/officer.h"
#include "app/store/store.h"
#include "drivers/leds.h"
#include "drivers/scanner.h"

/* What officer mode works with; borrowed, must outlive it. Only `store` is required. */
typedef struct {
    Store *store;
    Checkin *checkin;     /* paused while open; NULL for screenshots */
    Scanner *scanner;     /* enrollment and the officer's finger; NULL: there is no scanner */
    Leds *leds;           /* the administrator's light test; NULL: no lights */
    const char *device_id, *office, *data_dir;
    GKeyFile *settings;   /* the configuration in force (app/settings.h); the Device view shows and
                           * updates it. NULL: no settings to change */
} OfficerParts;

typedef enum {
    OFFICER_OUTCOME_NONE,
    OFFICER_OUTCOME_OK,
    OFFICER_OUTCOME_DUPLICATE, /* the finger is someone else's already */
    OFFICER_OUTCOME_NO_STICK,
    OFFICER_OUTCOME_FULL,
    OFFICER_OUTCOME_READ_ONLY,
    OFFICER_OUTCOME_FAILED,
} OfficerOutcome;

/* What a step came to. */
typedef struct {
    OfficerOutcome outcome;
    char *text;  /* one English sentence (the log, tests), NULL: nothing to say */
    char *arg;   /* what fills the shown sentence's %s (a case number, a file name) */
    gint64 rows; /* an export's rows */
} OfficerReport;
void officer_report_clear(OfficerReport *report);

typedef enum {
    OFFICER_REFUSED_NOTHING,
    OFFICER_REFUSED_NO_FINGER,  /* a finger is required and this officer has none enrolled */
    OFFICER_REFUSED_NO_SCANNER, /* the finger can't be read: no scanner ready, or it failed */
} OfficerRefusal;

typedef enum {
    /* The finger after the PIN */
    OFFICER_EVENT_FINGER_AGAIN,     /* no one signed in, listening again: `wrong` (a finger not theirs) or
                                     * `reason` (an unclear touch, English) */
    OFFICER_EVENT_SIGNED_IN,        /* the finger was theirs (officer_session_get_officer) */
    OFFICER_EVENT_PIN_AGAIN,        /* back to the PIN: `refusal`, or locked for `retry_after_s` */
    /* Enrollment */
    OFFICER_EVENT_ENROLL_CHECKING,  /* finger `finger` (index): one touch checked against everyone;
                                     * `stages`: touches per capture */
    OFFICER_EVENT_ENROLL_UNCLEAR,   /* that touch was unclear (`reason`): asked again */
    OFFICER_EVENT_ENROLL_CAPTURING, /* finger `finger` is nobody else's: its capture */
    OFFICER_EVENT_ENROLL_TOUCH,     /* a capture touch: `stage` of `stages`; `reason` when not usable */
    OFFICER_EVENT_ENROLL_DONE,      /* `report`: OK (saved), DUPLICATE or FAILED */
    /* Device */
    OFFICER_EVENT_LED_TEST_DONE,    /* the light test's green, then red, is over */
    OFFICER_EVENT_SETTING_CHANGED,  /* `name` is `value` now, stored and audited: use it from now on */
    /* Photo */
    OFFICER_EVENT_PHOTO_TAKEN,      /* the camera's `photo`, or `reason` why there is none (English) */
} OfficerEventKind;

typedef struct {
    OfficerEventKind kind;
    gboolean wrong;
    const char *reason;
    OfficerRefusal refusal;
    int retry_after_s;
    guint finger;
    int stage, stages;
    const OfficerReport *report;
    const char *name, *value;
    GBytes *photo;
} OfficerEvent;
typedef void (*OfficerEventFunc)(const OfficerEvent *event, gpointer user_data);

typedef struct OfficerSession OfficerSession;

/* `require_finger`: every officer's finger after the PIN ([officer] require_finger; else only of those
 * who enrolled one); `export_dir`: a fixed folder for exports (NULL or "": the USB stick); `camera`:
 * "auto", "none" or a device ([officer] camera). Events go to `func` on the main loop. */
OfficerSession *officer_session_new(const OfficerParts *parts, gboolean require_finger, const char *export_dir,
                                    const char *camera, OfficerEventFunc func, gpointer user_data);
void officer_session_free(OfficerSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OfficerSession, officer_session_free)
void officer_session_set_require_finger(OfficerSession *session, gboolean require);
void officer_session_set_export_dir(OfficerSession *session, const char *dir);

/* Pauses the check-in machine; returns the active officers (Officer*) to choose from. */
GPtrArray *officer_session_open(OfficerSession *session);
/* Stops whatever is in flight (no more events), logs out (audited when someone was in), resumes
 * check-ins. */
void officer_session_close(OfficerSession *session);

typedef enum {
    OFFICER_PIN_WRONG,     /* locked when `retry_after_s` > 0 */
    OFFICER_PIN_SIGNED_IN, /* no finger needed: in */
    OFFICER_PIN_FINGER,    /* right; now the officer's finger (officer_session_get_pending): events follow */
    OFFICER_PIN_REFUSED,   /* right, but the finger step can't be done: `refusal` (audited) */
} OfficerPinResult;
OfficerPinResult officer_session_enter_pin(OfficerSession *session, const char *username, const char *pin,
                                           int *retry_after_s, OfficerRefusal *refusal);
/* Stops listening for the officer's finger (back to the PIN). */
void officer_session_cancel_finger(OfficerSession *session);
/* Signed in (NULL: nobody); the officer whose finger is asked for (NULL: none). */
const Officer *officer_session_get_officer(OfficerSession *session);
const Officer *officer_session_get_pending(OfficerSession *session);
gboolean officer_session_is_admin(OfficerSession *session);

/* Enrolls `fingers` (NULL-terminated) for `case_number` (`existing_id`: already enrolled, else 0 and
 * `name_en` needed). FALSE: something is missing (case number, name, a finger), nothing started.
 * Else the events follow, the first before this returns (ENROLL_DONE at once when no scanner is
 * ready). */
gboolean officer_session_enroll(OfficerSession *session, const char *case_number, const char *name_en,
                                gint64 existing_id, const char *const *fingers);
void officer_session_enroll_cancel(OfficerSession *session);
/* Activates or deactivates an enrolled person, audited. */
void officer_session_set_active(OfficerSession *session, const StoreProbationer *person, gboolean active);

/* The folder the USB stick is mounted at (or the fixed export folder), NULL: none. g_free(). */
char *officer_session_stick_folder(OfficerSession *session);
/* Check-ins to the stick as CSV: `range` 0 today, 1 seven days, 2 this month, 3 last month. Audited. */
void officer_session_export(OfficerSession *session, int range, OfficerReport *out);

/* What the Device view shows of the kiosk. */
typedef struct {
    StoreSummary summary;  /* zeros when unreadable */
    char *scanner;         /* its name, NULL: none */
    gboolean have_disk;
    guint64 disk_free_bytes;
    char *adms_state;      /* an ADMS attendance server's state, NULL: none */
    gint64 adms_pending;
} OfficerDeviceFacts;
void officer_session_read_device(OfficerSession *session, OfficerDeviceFacts *out);
void officer_device_facts_clear(OfficerDeviceFacts *facts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(OfficerDeviceFacts, officer_device_facts_clear)
gboolean officer_session_has_leds(OfficerSession *session);
/* Green (the "checked in" pattern), then red: the two an installer must see work; audited.
 * FALSE: no lights, or a test is under way. OFFICER_EVENT_LED_TEST_DONE at its end. */
gboolean officer_session_led_test(OfficerSession *session);
/* Moves device setting `index` (settings_list()) to its next choice: stored and audited first (it must
 * survive a power cut), then OFFICER_EVENT_SETTING_CHANGED. Administrators only. FALSE: nothing to
 * do; else `out` says FAILED (why) or NONE. */
gboolean officer_session_change_setting(OfficerSession *session, guint index, OfficerReport *out);

/* The camera to offer ([officer] camera), NULL: none. g_free(). */
char *officer_session_find_camera(OfficerSession *session);
/* One photo from `device`, on a worker thread: OFFICER_EVENT_PHOTO_TAKEN. */
void officer_session_take_photo(OfficerSession *session, const char *device);
void officer_session_photo_cancel(OfficerSession *session);
/* Keeps `photo` as the person's photo (app/photo-set.c, audited; `source` says where from). */
gboolean officer_session_keep_photo(OfficerSession *session, const StoreProbationer *person, GBytes *photo,
                                    const char *source, GError **error);
