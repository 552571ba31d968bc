/* officer-private — what the officer-mode files share: officer-screen.c (lifecycle, the session's
 * events), officer-input.c (PIN, typing, buttons, keys), officer-views.c (today, history, log,
 * export), officer-finger.c, officer-enroll.c, officer-device.c, officer-photo.c (each view's touches
 * and events) and officer-draw.c (drawing).
 * The decisions are the session's (app/officer-session.h): these hold what is shown. */
#pragma once

#include "app/officer.h"
#include "app/roster.h"
#include "ui/keyboard.h"
#include "ui/keypad.h"
#include "ui/officer-screen.h"

typedef enum {
    OV_CLOSED,
    OV_PIN,
    OV_FINGER,          /* after the right PIN: the officer's own finger */
    OV_MENU,
    OV_TODAY,
    OV_HISTORY,
    OV_LOG,
    OV_TYPING,          /* the QWERTY keyboard for one field */
    OV_ENROLL_FORM,
    OV_ENROLL_PROGRESS,
    OV_ENROLL_RESULT,
    OV_EXPORT,
    OV_DEVICE,
    OV_PHOTO,           /* a photo for the person on the Enroll form: from the stick or the camera */
} OfficerView;

typedef enum { FIELD_SEARCH, FIELD_CASE, FIELD_NAME } OfficerField;

typedef enum {
    OA_OFFICER,        /* arg: index into officers */
    OA_GO,             /* arg: OfficerView */
    OA_BACK,
    OA_LOGOUT,
    OA_LANGUAGE,
    OA_ROW,            /* arg: roster row */
    OA_NEWER,
    OA_OLDER,
    OA_RESULT,         /* arg: 0 all, 1 recorded, 2 duplicate, 3 not recognised */
    OA_RANGE,          /* arg: 0 today, 1 seven days, 2 all */
    OA_FIELD,          /* arg: OfficerField */
    OA_FINGER,         /* arg: index into officer_fingers */
    OA_CAPTURE,
    OA_SET_ACTIVE,     /* arg: 1 activate, 0 deactivate */
    OA_CANCEL,         /* stop an enrollment in progress */
    OA_EXPORT,         /* arg: 0 today, 1 seven days, 2 this month, 3 last month */
    OA_LED_TEST,
    OA_SETTING,        /* arg: index into settings_list() */
    OA_PHOTO,          /* open the photo view for the person on the Enroll form */
    OA_PHOTO_FILE,     /* arg: index into photo_files */
    OA_PHOTO_STICK,    /* list the stick again */
    OA_PHOTO_CAMERA,
    OA_PHOTO_SAVE,
} OfficerAction;

typedef struct {
    SDL_Rect rect;
    OfficerAction action;
    int arg;
    char name[32];     /* for officer_screen_locate */
} OfficerButton;

#define OFFICER_MAX_BUTTONS 48
#define OFFICER_FINGERS 6

typedef enum { RESULT_NONE, RESULT_OK, RESULT_DUPLICATE, RESULT_NO_STICK, RESULT_FULL, RESULT_READ_ONLY,
               RESULT_FAILED } OfficerResultKind;

typedef struct {
    const char *name;  /* scanner_finger_name() spelling */
    StringId label;
} OfficerFinger;
extern const OfficerFinger officer_fingers[OFFICER_FINGERS];

struct OfficerScreen {
    OfficerScreenConfig config;  /* own copy */
    OfficerScreenParts parts;    /* for what the views read (the store, the settings in force) */
    OfficerSession *session;     /* what officer mode decides and does */
    OfficerScreenHost host;
    SDL_Renderer *renderer;
    Text *text;
    const Layout *layout;        /* the host's, kept up to date by it */
    Lang lang;

    OfficerView view;
    OfficerButton buttons[OFFICER_MAX_BUTTONS];
    int n_buttons;
    guint idle_id, tick_id;

    /* PIN */
    GPtrArray *officers;         /* Officer*, active ones */
    int chosen;                  /* index, -1 none */
    Keypad pin;
    gboolean wrong_pin;
    gint64 locked_until_us;      /* monotonic; 0 = not locked */
    Officer who;                 /* logged in (who.username NULL: nobody), as the session says */
    StringId pin_note;           /* why the PIN screen is shown again (0: nothing to say) */

    /* The finger after the PIN */
    Officer pending;             /* PIN accepted, finger not yet, as the session says */
    StringId finger_note;        /* the last touch's outcome (0: none yet) */
    char *finger_reason;         /* an unclear touch's reason (English, translated when drawn) */

    /* Today and a person's history */
    GPtrArray *roster;           /* RosterRow* */
    RosterCounts counts;
    int first_row;               /* scrolled this far */
    StoreProbationer person;
    GPtrArray *history;          /* StoreCheckinRow* */
    GHashTable *history_yes;     /* uuid → the questions answered "yes" with it ("arrested,...") */
    SDL_Surface *person_photo;   /* the person's photo in their history, or NULL */

    /* Log */
    int result_filter, range_filter;
    char search[KEYBOARD_MAX + 1];
    GArray *pages;               /* gint64 before_id of each page shown so far (0 = the newest) */
    GPtrArray *log;              /* StoreCheckinRow* of this page */
    gboolean more;               /* an older page exists */

    /* Typing */
    Keyboard keyboard;
    OfficerField field;
    OfficerView typing_from;

    /* Enrollment */
    char case_number[KEYBOARD_MAX + 1], name_en[KEYBOARD_MAX + 1];
    gboolean found;              /* case_number is enrolled already: `person` */
    guint finger_mask;           /* which officer_fingers to capture */
    char *form_note;             /* a sentence for the form (English; see enroll) */
    StringId form_note_id;
    GPtrArray *finger_names;     /* char*, the fingers being captured, in order */
    guint finger_at;
    gboolean checking;           /* the duplicate-check touch, before the capture */
    int stage, stages;
    char *retry_reason;          /* English, why the last touch was not usable */

    /* A photo for the person on the Enroll form (officer-photo.c) */
    GPtrArray *photo_files;      /* PhotoFile* on the stick, NULL: no stick */
    GBytes *photo_new;           /* checked, not yet kept */
    SDL_Surface *photo_preview;  /* photo_new's pixels, or the person's current photo */
    const char *photo_source;    /* "the USB stick" | "the camera" (for the audit trail) */
    StringId photo_note;         /* what the last step came to (STR_COUNT: nothing yet) */
    gboolean photo_busy;         /* the camera is taking one */
    char *camera;                /* the camera's device, NULL when none */

    /* Results (export, enrollment) */
    OfficerResultKind result;
    char *result_text;           /* English sentence (for logs and tests) */
    char *result_arg;            /* what fills the sentence's %s */
    gint64 result_rows;
    gboolean led_testing;
};

/* officer-screen.c */
void officer_go(OfficerScreen *o, OfficerView view);
/* An input: the inactivity timer starts again. */
void officer_touched(OfficerScreen *o);
void officer_redraw(OfficerScreen *o);
void officer_set_result(OfficerScreen *o, OfficerResultKind kind, const char *english, const char *arg);
/* A report of the session's (export, enrollment, a setting) as the result shown. */
void officer_show_report(OfficerScreen *o, const OfficerReport *report);
gboolean officer_is_admin(OfficerScreen *o);
/* A lockout of `retry_after_s` (0: none) on the PIN screen, counting down. */
void officer_set_locked(OfficerScreen *o, int retry_after_s);
/* The session signed an officer in: the menu. */
void officer_signed_in(OfficerScreen *o);
/* `to` becomes a copy of `from` (NULL: cleared). */
void officer_copy(Officer *to, const Officer *from);

/* officer-views.c: loading what a view shows, and the views' own actions. */
void officer_load_today(OfficerScreen *o);
void officer_load_history(OfficerScreen *o, gint64 probationer_id);
void officer_load_log(OfficerScreen *o, gint64 before_id);
void officer_log_newer(OfficerScreen *o);
void officer_log_older(OfficerScreen *o);
void officer_export(OfficerScreen *o, int range);
void officer_views_clear(OfficerScreen *o);
/* Rows that fit one page of the log / today list on this panel. */
int officer_rows_per_page(OfficerScreen *o);

/* officer-finger.c: the officer's own finger after the PIN. */
/* The session asks for the finger of the officer whose PIN was right. */
void officer_finger_begin(OfficerScreen *o);
void officer_finger_cancel(OfficerScreen *o);
void officer_finger_on_event(OfficerScreen *o, const OfficerEvent *ev);
void officer_draw_finger(OfficerScreen *o);

/* officer-device.c: the administrators' Device view. */
void officer_draw_device(OfficerScreen *o);
void officer_led_test(OfficerScreen *o);
void officer_device_on_event(OfficerScreen *o, const OfficerEvent *ev);
/* The next choice of device setting `index` (settings_list()), stored, audited and applied. */
void officer_change_setting(OfficerScreen *o, guint index);

/* officer-enroll.c */
void officer_enroll_reset(OfficerScreen *o);
void officer_enroll_lookup(OfficerScreen *o);   /* after the case number was typed */
void officer_enroll_start(OfficerScreen *o);
void officer_enroll_cancel(OfficerScreen *o);
void officer_enroll_set_active(OfficerScreen *o, gboolean active);
void officer_enroll_on_event(OfficerScreen *o, const OfficerEvent *ev);

/* officer-photo.c */
void officer_photo_open(OfficerScreen *o);
void officer_photo_list(OfficerScreen *o);
void officer_photo_pick(OfficerScreen *o, guint index);
void officer_photo_camera(OfficerScreen *o);
void officer_photo_save(OfficerScreen *o);
void officer_photo_clear(OfficerScreen *o);
void officer_draw_photo(OfficerScreen *o);
void officer_photo_on_event(OfficerScreen *o, const OfficerEvent *ev);

/* The folder the USB stick is mounted at ([officer] export_dir when set), or NULL (the session's). */
char *officer_stick_folder(OfficerScreen *o);

/* officer-draw.c: the frame, the PIN, menu, typing, enrollment, export and device views, and the
 * helpers officer-lists.c shares. Rectangles are laid out from the reading side of the officer's
 * language: od_mirror() turns them for Urdu (keypads and the keyboard stay as they are). */
void officer_draw(OfficerScreen *o);
SDL_Rect od_mirror(OfficerScreen *o, SDL_Rect r);
/* The top bar: Back (when `back`), the title, who is signed in, the language toggle. */
void officer_draw_top(OfficerScreen *o, const char *title, gboolean back);
const char *od_str(OfficerScreen *o, StringId id);
gboolean od_has_arabic(const char *s);
/* One line in `r` (already mirrored), shrunk until it fits. Latin text is drawn as English (from the
 * Urdu side on an Urdu screen): right-to-left shaping would reverse its words. */
void od_label(OfficerScreen *o, SDL_Rect r, Lang lang, int size, TextWeight weight, const char *s, SDL_Color ink,
              TextAlign align);
/* A button laid out from the reading side: mirrored, drawn, and recorded for touches as `name`. */
void od_button(OfficerScreen *o, SDL_Rect r, const char *label, SDL_Color fill, SDL_Color ink, OfficerAction action,
               int arg, const char *name);
/* The view's area below the top bar. */
SDL_Rect od_body(OfficerScreen *o);
int od_chip_h(OfficerScreen *o);
int od_row_h(OfficerScreen *o);
/* A name in the officer's language when known, else in English. */
const char *od_name(OfficerScreen *o, const char *name_en, const char *name_ur);
extern const SDL_Color OD_WHITE, OD_BG, OD_PANEL, OD_ACCENT, OD_GREEN, OD_RED, OD_AMBER, OD_DIM;

/* officer-lists.c */
void officer_draw_today(OfficerScreen *o);
void officer_draw_history(OfficerScreen *o);
void officer_draw_log(OfficerScreen *o);
