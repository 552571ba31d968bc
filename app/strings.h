/* strings — the one translation table of everything the kiosk shows or says, English and Urdu.
 * No drawing code holds a sentence of its own: it asks here by id (or by the English sentence the
 * check-in machine gave as a reason). Strings marked "spoken" are also synthesised into prompts at
 * build time (make prompts → build/prompts/<id>-<lang>.wav, with espeak-ng). */
#pragma once

#include <glib.h>

typedef enum { LANG_EN, LANG_UR, LANG_COUNT } Lang;

typedef enum {
    STR_PLACE_FINGER,
    STR_TOUCH_TO_START,
    STR_SCANNING,
    STR_KEEP_STILL,
    STR_CHECKED_IN,
    STR_CHECKED_IN_AT,        /* %s = time */
    STR_NEXT_REPORT,          /* %s = date */
    STR_MAY_LEAVE,
    STR_ALREADY,
    STR_ALREADY_AT,           /* %s = time */
    STR_NOT_RECOGNISED,
    STR_TRY_AGAIN_OR_OTHER,
    STR_OR_CASE_NUMBER,
    STR_ENTER_CASE_NUMBER,    /* button */
    STR_RETRY,
    STR_TOUCH_AGAIN,
    STR_SAME_FINGER,
    STR_RESTING,
    STR_SCANNER_PROBLEM,
    STR_STORE_PROBLEM,
    STR_TELL_OFFICER,
    STR_CASE_ENTRY,           /* %s = case number */
    STR_KEYPAD_TITLE,
    STR_OK,
    STR_CANCEL,
    STR_MESSAGE_TITLE,
    STR_QUESTION_TITLE,       /* %d of %d */
    STR_YES,
    STR_NO,
    STR_THANK_YOU,
    STR_OFFLINE,              /* %d = check-ins waiting */
    STR_WAITING_TO_SEND,      /* %d = check-ins waiting (online but behind) */
    STR_CASE_NUMBER_SHORT,    /* idle screen's small button */
    /* Officer mode (ui/officer-*.c); never spoken. */
    STR_OFF_TITLE,
    STR_OFF_CHOOSE_NAME,
    STR_OFF_ENTER_PIN,
    STR_OFF_WRONG_PIN,
    STR_OFF_LOCKED,           /* %s = time left, e.g. "1:30" */
    STR_OFF_NO_OFFICERS,
    STR_OFF_SIGNED_IN,        /* %s = name */
    STR_OFF_ROLE_OFFICER,
    STR_OFF_ROLE_ADMIN,
    STR_OFF_TODAY,
    STR_OFF_LOG,
    STR_OFF_ENROLL,
    STR_OFF_EXPORT,
    STR_OFF_DEVICE,
    STR_OFF_LOGOUT,
    STR_OFF_DUE,
    STR_OFF_PRESENT,
    STR_OFF_LATE,
    STR_OFF_MISSING,
    STR_OFF_EXPECTED,
    STR_OFF_NOT_DUE,
    STR_OFF_NOBODY_TODAY,
    STR_OFF_HISTORY,          /* %s = case number */
    STR_OFF_NO_CHECKINS,
    STR_OFF_ALL_RESULTS,
    STR_OFF_RES_RECORDED,
    STR_OFF_RES_DUPLICATE,
    STR_OFF_RES_NOT_RECOGNISED,
    STR_OFF_RANGE_TODAY,
    STR_OFF_RANGE_WEEK,
    STR_OFF_RANGE_ALL,
    STR_OFF_RANGE_MONTH,
    STR_OFF_RANGE_LAST_MONTH,
    STR_OFF_SEARCH,
    STR_OFF_SEARCH_FOR,       /* %s = what is searched */
    STR_OFF_NEWER,
    STR_OFF_OLDER,
    STR_OFF_CASE_NUMBER,
    STR_OFF_NAME_EN,
    STR_OFF_NEW_PERSON,
    STR_OFF_FOUND,            /* %d = fingers enrolled */
    STR_OFF_INACTIVE,
    STR_OFF_CHOOSE_FINGERS,
    STR_OFF_CAPTURE,
    STR_OFF_REENROLL,
    STR_OFF_DEACTIVATE,
    STR_OFF_ACTIVATE,
    STR_OFF_NEED_NAME,
    STR_OFF_CHECK_TOUCH,      /* %s = finger */
    STR_OFF_TOUCH_OF,         /* %s = finger, %d of %d */
    STR_OFF_TOUCH_REJECTED,
    STR_OFF_ENROLLED,         /* %s = case number */
    STR_OFF_DUPLICATE,        /* %s = case number it belongs to */
    STR_OFF_NOT_ENROLLED,
    STR_OFF_FINGER_RIGHT_THUMB,
    STR_OFF_FINGER_RIGHT_INDEX,
    STR_OFF_FINGER_RIGHT_MIDDLE,
    STR_OFF_FINGER_LEFT_THUMB,
    STR_OFF_FINGER_LEFT_INDEX,
    STR_OFF_FINGER_LEFT_MIDDLE,
    STR_OFF_EXPORT_TITLE,
    STR_OFF_EXPORT_DONE,      /* %d = check-ins, %s = file */
    STR_OFF_NO_STICK,
    STR_OFF_STICK_FULL,
    STR_OFF_STICK_READ_ONLY,
    STR_OFF_EXPORT_FAILED,
    STR_OFF_DEVICE_TITLE,
    STR_OFF_DEV_ID,
    STR_OFF_DEV_SCANNER,
    STR_OFF_DEV_ENROLLED,
    STR_OFF_DEV_TODAY,
    STR_OFF_DEV_UNSENT,
    STR_OFF_DEV_DISK,
    STR_OFF_DEV_ADMS,
    STR_OFF_ADMS_APPROVED,
    STR_OFF_ADMS_WAITING,
    STR_OFF_ADMS_DOWN,
    STR_OFF_ADMS_STARTING,
    STR_OFF_LED_TEST,
    STR_OFF_LED_TESTING,
    STR_OFF_FINGER_TITLE,
    STR_OFF_FINGER_PROMPT,
    STR_OFF_FINGER_WRONG,
    STR_OFF_FINGER_NEEDED,
    STR_OFF_FINGER_NO_SCANNER,
    STR_OFF_SETTINGS,         /* the device settings' heading */
    STR_OFF_SET_LANGUAGES,
    STR_OFF_SET_VOLUME,
    STR_OFF_SET_SPEAK,
    STR_OFF_SET_CAPTURE,
    STR_OFF_VAL_UR_FIRST,
    STR_OFF_VAL_EN_FIRST,
    STR_OFF_VAL_SILENT,
    STR_OFF_VAL_ON,
    STR_OFF_VAL_OFF,
    STR_OFF_VAL_CONTINUOUS,
    STR_OFF_VAL_TAP,
    STR_OFF_NO_SCANNER,
    STR_OFF_LANGUAGE,         /* the other language's name: the toggle */
    STR_OFF_SPACE,
    STR_OFF_PAGE_UP,
    STR_OFF_PAGE_DOWN,
    STR_OFF_PAGE,             /* %d = page number */
    STR_OFF_FINGER_OF,        /* %d of %d */
    STR_OFF_BY_FINGER,
    STR_OFF_DONE,
    STR_OFF_PHOTO,            /* the Enroll screen's button and the photo view's title */
    STR_OFF_PHOTO_STICK,      /* the list's heading */
    STR_OFF_PHOTO_LOOK_AGAIN,
    STR_OFF_PHOTO_CAMERA,
    STR_OFF_PHOTO_TAKING,
    STR_OFF_PHOTO_SAVE,
    STR_OFF_PHOTO_SAVED,      /* %s = case number */
    STR_OFF_PHOTO_CHOOSE,
    STR_OFF_PHOTO_NO_IMAGES,
    STR_OFF_PHOTO_TOO_BIG,
    STR_OFF_PHOTO_NOT_IMAGE,
    STR_OFF_PHOTO_TOO_WIDE,
    STR_OFF_PHOTO_UNREADABLE,
    STR_OFF_PHOTO_CAMERA_FAILED,
    STR_OFF_PHOTO_SAVE_FAILED,
    STR_COUNT
} StringId;

/* The text of `id` in `lang` (static; may contain one printf conversion, see above). */
const char *strings_get(StringId id, Lang lang);
/* The stable name of `id`, e.g. "checked_in" (prompt file names). */
const char *strings_name(StringId id);
/* Whether `id` is spoken as a prompt. */
gboolean strings_is_spoken(StringId id);
/* A sentence the check-in machine or scanner gave (English) in `lang`; NULL when the table has no
 * translation (the caller shows the English alone then). */
const char *strings_translate(const char *english, Lang lang);
/* "en" / "ur"; and the reverse (FALSE for anything else). */
const char *strings_lang_code(Lang lang);
gboolean strings_parse_lang(const char *code, Lang *out);

/* Built-in yes/no questions for after a check-in, by id (e.g. "address_changed"). NULL if unknown. */
const char *strings_question(const char *question_id, Lang lang);
/* A few words for a "yes" to that question, as the officer's history marks it ("ARRESTED"); the
 * id itself for a question that is not built in. */
const char *strings_question_yes(const char *question_id, Lang lang);
/* The ids of the built-in questions (NULL-terminated, static). */
const char *const *strings_question_ids(void);
