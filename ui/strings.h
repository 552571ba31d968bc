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
/* The ids of the built-in questions (NULL-terminated, static). */
const char *const *strings_question_ids(void);
