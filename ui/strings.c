/* strings — the translation table. See strings.h.
 *
 * Urdu is written as a person at a district office would say it, not word for word. Numbers and
 * case numbers inside Urdu sentences stay in Western digits (as on Pakistani forms and receipts);
 * ui/text.c lays such runs out left-to-right inside the right-to-left line. */
#include "ui/strings.h"

#include <string.h>

typedef struct {
    const char *name;
    gboolean spoken;
    const char *text[LANG_COUNT];
} Entry;

static const Entry table[STR_COUNT] = {
    [STR_PLACE_FINGER] = {"place_finger", TRUE,
        {"Place your finger on the scanner", "اپنی انگلی سکینر پر رکھیں"}},
    [STR_TOUCH_TO_START] = {"touch_to_start", TRUE,
        {"Touch the screen to check in", "حاضری کے لیے سکرین کو چھوئیں"}},
    [STR_SCANNING] = {"scanning", FALSE,
        {"Reading your fingerprint…", "انگلی کا نشان پڑھا جا رہا ہے"}},
    [STR_KEEP_STILL] = {"keep_still", FALSE,
        {"Keep your finger still", "انگلی کو ہلائیں نہیں"}},
    [STR_CHECKED_IN] = {"checked_in", TRUE,
        {"You are checked in", "آپ کی حاضری لگ گئی ہے"}},
    [STR_CHECKED_IN_AT] = {"checked_in_at", FALSE,
        {"Time: %s", "وقت: %s"}},
    [STR_NEXT_REPORT] = {"next_report", FALSE,
        {"Next reporting date: %s", "اگلی حاضری کی تاریخ: %s"}},
    [STR_MAY_LEAVE] = {"may_leave", FALSE,
        {"Thank you. You may go now.", "شکریہ۔ اب آپ جا سکتے ہیں۔"}},
    [STR_ALREADY] = {"already", TRUE,
        {"You are already checked in today", "آپ کی آج کی حاضری پہلے ہی لگ چکی ہے"}},
    [STR_ALREADY_AT] = {"already_at", FALSE,
        {"Checked in at %s", "حاضری کا وقت: %s"}},
    [STR_NOT_RECOGNISED] = {"not_recognised", TRUE,
        {"Fingerprint not recognised", "انگلی کا نشان پہچانا نہیں گیا"}},
    [STR_TRY_AGAIN_OR_OTHER] = {"try_again_or_other", TRUE,
        {"Try again, or try another finger.", "دوبارہ کوشش کریں، یا دوسری انگلی لگائیں۔"}},
    [STR_OR_CASE_NUMBER] = {"or_case_number", FALSE,
        {"Or enter your case number.", "یا اپنا کیس نمبر درج کریں۔"}},
    [STR_ENTER_CASE_NUMBER] = {"enter_case_number", FALSE,
        {"Enter case number", "کیس نمبر درج کریں"}},
    [STR_RETRY] = {"retry", TRUE,
        {"Please try again", "براہِ کرم دوبارہ کوشش کریں"}},
    [STR_RESTING] = {"resting", FALSE,
        {"The scanner is resting", "سکینر آرام کر رہا ہے"}},
    [STR_SCANNER_PROBLEM] = {"scanner_problem", TRUE,
        {"The fingerprint scanner is not working", "انگلی کے نشان کا سکینر کام نہیں کر رہا"}},
    [STR_STORE_PROBLEM] = {"store_problem", TRUE,
        {"This check-in could not be saved", "یہ حاضری محفوظ نہیں ہو سکی"}},
    [STR_TELL_OFFICER] = {"tell_officer", TRUE,
        {"Please tell the officer.", "براہِ کرم افسر کو بتائیں۔"}},
    [STR_CASE_ENTRY] = {"case_entry", FALSE,
        {"Case %s: now place your finger on the scanner", "کیس %s: اب اپنی انگلی سکینر پر رکھیں"}},
    [STR_KEYPAD_TITLE] = {"keypad_title", TRUE,
        {"Enter your case number", "اپنا کیس نمبر درج کریں"}},
    [STR_OK] = {"ok", FALSE, {"OK", "ٹھیک ہے"}},
    [STR_CANCEL] = {"cancel", FALSE, {"Back", "واپس"}},
    [STR_MESSAGE_TITLE] = {"message_title", TRUE,
        {"A message from your officer", "آپ کے افسر کا پیغام"}},
    [STR_QUESTION_TITLE] = {"question_title", FALSE,
        {"Question %d of %d", "سوال %d از %d"}},
    [STR_YES] = {"yes", FALSE, {"Yes", "ہاں"}},
    [STR_NO] = {"no", FALSE, {"No", "نہیں"}},
    [STR_THANK_YOU] = {"thank_you", TRUE, {"Thank you", "شکریہ"}},
    [STR_OFFLINE] = {"offline", FALSE,
        {"Offline: %d to send", "آف لائن: %d بھیجنا باقی"}},
    [STR_WAITING_TO_SEND] = {"waiting_to_send", FALSE,
        {"%d to send", "%d بھیجنا باقی"}},
    [STR_CASE_NUMBER_SHORT] = {"case_number", FALSE, {"Case number", "کیس نمبر"}},
};

/* The check-in machine's and the scanner's sentences (app/checkin.c, drivers/scanner.c), by their
 * exact English. A sentence missing here is shown in English alone: test-screen checks every
 * sentence those files can give is here. */
static const char *const reasons[][LANG_COUNT] = {
    {"This check-in could not be saved: the kiosk's storage is full. Please tell the officer.",
     "یہ حاضری محفوظ نہیں ہو سکی: کیوسک کی میموری بھر گئی ہے۔ براہِ کرم افسر کو بتائیں۔"},
    {"This check-in could not be saved. Please tell the officer.",
     "یہ حاضری محفوظ نہیں ہو سکی۔ براہِ کرم افسر کو بتائیں۔"},
    {"This finger does not match that case number. Try another enrolled finger, or see the officer.",
     "یہ انگلی اس کیس نمبر سے میل نہیں کھاتی۔ کوئی اور درج شدہ انگلی لگائیں، یا افسر سے ملیں۔"},
    {"Fingerprint not recognised. Try again, or try another finger.",
     "انگلی کا نشان پہچانا نہیں گیا۔ دوبارہ کوشش کریں، یا دوسری انگلی لگائیں۔"},
    {"No active probationer has that case number. Check it, or see the officer.",
     "اس کیس نمبر پر کوئی فعال ریکارڈ نہیں۔ نمبر دوبارہ دیکھیں، یا افسر سے ملیں۔"},
    {"No finger is enrolled for that case number. Please see the officer.",
     "اس کیس نمبر کے لیے کوئی انگلی درج نہیں۔ براہِ کرم افسر سے ملیں۔"},
    {"The scanner is resting to cool down. Please wait a few minutes.",
     "سکینر ٹھنڈا ہو رہا ہے۔ براہِ کرم چند منٹ انتظار کریں۔"},
    {"The fingerprint scanner is not connected. Please tell the officer.",
     "انگلی کے نشان کا سکینر جڑا ہوا نہیں۔ براہِ کرم افسر کو بتائیں۔"},
    {"the swipe was too short; try again", "انگلی بہت جلدی ہٹ گئی؛ دوبارہ کوشش کریں"},
    {"put the finger in the middle of the scanner", "انگلی سکینر کے بیچ میں رکھیں"},
    {"lift the finger and try again", "انگلی اٹھا کر دوبارہ رکھیں"},
    {"the scan was not clear; try again", "نشان صاف نہیں آیا؛ دوبارہ کوشش کریں"},
    {"the scanner is resting to cool down", "سکینر ٹھنڈا ہو رہا ہے"},
    {"the scanner is not connected", "سکینر جڑا ہوا نہیں"},
};

static const char *const question_ids[] = {"address_changed", "arrested", "phone_changed", "job_changed", NULL};
static const char *const questions[][LANG_COUNT] = {
    {"Has your address changed since your last visit?", "کیا پچھلی حاضری کے بعد آپ کا پتہ بدلا ہے؟"},
    {"Have you been arrested since your last visit?", "کیا پچھلی حاضری کے بعد آپ کو گرفتار کیا گیا ہے؟"},
    {"Has your phone number changed?", "کیا آپ کا فون نمبر بدلا ہے؟"},
    {"Has your job or work changed?", "کیا آپ کی نوکری یا کام بدلا ہے؟"},
};

const char *strings_get(StringId id, Lang lang)
{
    g_return_val_if_fail(id < STR_COUNT && lang < LANG_COUNT, "");
    return table[id].text[lang];
}

const char *strings_name(StringId id)
{
    g_return_val_if_fail(id < STR_COUNT, "");
    return table[id].name;
}

gboolean strings_is_spoken(StringId id)
{
    return id < STR_COUNT && table[id].spoken;
}

const char *strings_translate(const char *english, Lang lang)
{
    if (!english)
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(reasons); i++)
        if (strcmp(reasons[i][LANG_EN], english) == 0)
            return reasons[i][lang];
    return lang == LANG_EN ? english : NULL;
}

const char *strings_lang_code(Lang lang)
{
    return lang == LANG_UR ? "ur" : "en";
}

gboolean strings_parse_lang(const char *code, Lang *out)
{
    if (g_strcmp0(code, "en") == 0)
        *out = LANG_EN;
    else if (g_strcmp0(code, "ur") == 0)
        *out = LANG_UR;
    else
        return FALSE;
    return TRUE;
}

const char *strings_question(const char *question_id, Lang lang)
{
    for (size_t i = 0; question_ids[i]; i++)
        if (g_strcmp0(question_ids[i], question_id) == 0)
            return questions[i][lang];
    return NULL;
}

const char *const *strings_question_ids(void)
{
    return question_ids;
}
