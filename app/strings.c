/* strings — the translation table. See strings.h.
 *
 * Urdu is written as a person at a district office would say it, not word for word. Numbers and
 * case numbers inside Urdu sentences stay in Western digits (as on Pakistani forms and receipts);
 * ui/text.c lays such runs out left-to-right inside the right-to-left line. */
#include "app/strings.h"

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
    [STR_TOUCH_AGAIN] = {"touch_again", TRUE,
        {"Touch again", "دوبارہ انگلی لگائیں"}},
    [STR_SAME_FINGER] = {"same_finger", FALSE,
        {"Place the same finger on the scanner once more", "وہی انگلی ایک بار پھر سکینر پر رکھیں"}},
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
    /* Officer mode. Terms as an officer at a district office uses them; "PIN" stays PIN. */
    [STR_OFF_TITLE] = {"off_title", FALSE, {"Officer mode", "افسر موڈ"}},
    [STR_OFF_CHOOSE_NAME] = {"off_choose_name", FALSE, {"Tap your name", "اپنا نام چنیں"}},
    [STR_OFF_ENTER_PIN] = {"off_enter_pin", FALSE, {"Enter your PIN", "اپنا PIN درج کریں"}},
    [STR_OFF_WRONG_PIN] = {"off_wrong_pin", FALSE, {"Wrong PIN", "غلط PIN"}},
    [STR_OFF_LOCKED] = {"off_locked", FALSE,
        {"Too many wrong PINs: locked, try again in %s", "بہت زیادہ غلط PIN: بند ہے، %s بعد کوشش کریں"}},
    [STR_OFF_NO_OFFICERS] = {"off_no_officers", FALSE,
        {"No officer accounts yet: add one with haazri-ctl officer add",
         "ابھی کوئی افسر درج نہیں: haazri-ctl officer add سے شامل کریں"}},
    [STR_OFF_SIGNED_IN] = {"off_signed_in", FALSE, {"Signed in: %s", "داخل: %s"}},
    [STR_OFF_ROLE_OFFICER] = {"off_role_officer", FALSE, {"Officer", "افسر"}},
    [STR_OFF_ROLE_ADMIN] = {"off_role_admin", FALSE, {"Administrator", "منتظم"}},
    [STR_OFF_TODAY] = {"off_today", FALSE, {"Today", "آج"}},
    [STR_OFF_LOG] = {"off_log", FALSE, {"Log", "ریکارڈ"}},
    [STR_OFF_ENROLL] = {"off_enroll", FALSE, {"Enroll", "اندراج"}},
    [STR_OFF_EXPORT] = {"off_export", FALSE, {"Export", "USB پر نقل"}},
    [STR_OFF_DEVICE] = {"off_device", FALSE, {"Device", "مشین"}},
    [STR_OFF_LOGOUT] = {"off_logout", FALSE, {"Log out", "باہر نکلیں"}},
    [STR_OFF_DUE] = {"off_due", FALSE, {"Due", "مقررہ"}},
    [STR_OFF_PRESENT] = {"off_present", FALSE, {"Present", "حاضر"}},
    [STR_OFF_LATE] = {"off_late", FALSE, {"Late", "دیر سے"}},
    [STR_OFF_MISSING] = {"off_missing", FALSE, {"Missing", "غیر حاضر"}},
    [STR_OFF_EXPECTED] = {"off_expected", FALSE, {"Expected", "متوقع"}},
    [STR_OFF_NOT_DUE] = {"off_not_due", FALSE, {"Not due", "غیر مقررہ"}},
    [STR_OFF_NOBODY_TODAY] = {"off_nobody_today", FALSE,
        {"Nobody is due today and nobody has come.", "آج کسی کی حاضری مقرر نہیں اور کوئی نہیں آیا۔"}},
    [STR_OFF_HISTORY] = {"off_history", FALSE, {"Check-ins of %s", "%s کی حاضریاں"}},
    [STR_OFF_NO_CHECKINS] = {"off_no_checkins", FALSE, {"No check-ins.", "کوئی حاضری نہیں۔"}},
    [STR_OFF_ALL_RESULTS] = {"off_all_results", FALSE, {"All", "سب"}},
    [STR_OFF_RES_RECORDED] = {"off_res_recorded", FALSE, {"Checked in", "حاضری لگی"}},
    [STR_OFF_RES_DUPLICATE] = {"off_res_duplicate", FALSE, {"Repeat", "دوبارہ"}},
    [STR_OFF_RES_NOT_RECOGNISED] = {"off_res_not_recognised", FALSE, {"Not recognised", "پہچانا نہیں گیا"}},
    [STR_OFF_RANGE_TODAY] = {"off_range_today", FALSE, {"Today", "آج"}},
    [STR_OFF_RANGE_WEEK] = {"off_range_week", FALSE, {"7 days", "7 دن"}},
    [STR_OFF_RANGE_ALL] = {"off_range_all", FALSE, {"All days", "تمام دن"}},
    [STR_OFF_RANGE_MONTH] = {"off_range_month", FALSE, {"This month", "یہ مہینہ"}},
    [STR_OFF_RANGE_LAST_MONTH] = {"off_range_last_month", FALSE, {"Last month", "پچھلا مہینہ"}},
    [STR_OFF_SEARCH] = {"off_search", FALSE, {"Search", "تلاش"}},
    [STR_OFF_SEARCH_FOR] = {"off_search_for", FALSE, {"Name or case number: %s", "نام یا کیس نمبر: %s"}},
    [STR_OFF_NEWER] = {"off_newer", FALSE, {"Newer", "نئے"}},
    [STR_OFF_OLDER] = {"off_older", FALSE, {"Older", "پرانے"}},
    [STR_OFF_CASE_NUMBER] = {"off_case_number", FALSE, {"Case number", "کیس نمبر"}},
    [STR_OFF_NAME_EN] = {"off_name_en", FALSE, {"Name (English)", "نام (انگریزی میں)"}},
    [STR_OFF_NEW_PERSON] = {"off_new_person", FALSE,
        {"New probationer: the Urdu name can follow from the centre.", "نیا ریکارڈ: اردو نام مرکز سے بعد میں آ سکتا ہے۔"}},
    [STR_OFF_FOUND] = {"off_found", FALSE, {"Already enrolled: %d fingers", "پہلے سے درج: %d انگلیاں"}},
    [STR_OFF_INACTIVE] = {"off_inactive", FALSE, {"Deactivated: cannot check in", "غیر فعال: حاضری نہیں لگا سکتا"}},
    [STR_OFF_CHOOSE_FINGERS] = {"off_choose_fingers", FALSE, {"Fingers to capture (two or more)", "کون سی انگلیاں (دو یا زیادہ)"}},
    [STR_OFF_CAPTURE] = {"off_capture", FALSE, {"Capture", "نشان لیں"}},
    [STR_OFF_REENROLL] = {"off_reenroll", FALSE, {"Re-enroll", "دوبارہ درج"}},
    [STR_OFF_DEACTIVATE] = {"off_deactivate", FALSE, {"Deactivate", "غیر فعال کریں"}},
    [STR_OFF_ACTIVATE] = {"off_activate", FALSE, {"Activate", "فعال کریں"}},
    [STR_OFF_NEED_NAME] = {"off_need_name", FALSE,
        {"Type the case number and the name first.", "پہلے کیس نمبر اور نام درج کریں۔"}},
    [STR_OFF_CHECK_TOUCH] = {"off_check_touch", FALSE,
        {"%s: touch once, to check it is not enrolled already", "%s: ایک بار رکھیں، تاکہ دیکھا جائے کہ پہلے سے درج نہیں"}},
    [STR_OFF_TOUCH_OF] = {"off_touch_of", FALSE, {"%s: touch %d of %d", "%s: %d از %d بار رکھیں"}},
    [STR_OFF_TOUCH_REJECTED] = {"off_touch_rejected", FALSE, {"That touch was not usable:", "یہ نشان کام کا نہیں تھا:"}},
    [STR_OFF_ENROLLED] = {"off_enrolled", FALSE, {"Enrolled: case %s", "درج ہو گیا: کیس %s"}},
    [STR_OFF_DUPLICATE] = {"off_duplicate", FALSE,
        {"This finger is already enrolled for case %s. It was not enrolled again.",
         "یہ انگلی پہلے ہی کیس %s کے لیے درج ہے۔ دوبارہ درج نہیں کی گئی۔"}},
    [STR_OFF_NOT_ENROLLED] = {"off_not_enrolled", FALSE, {"Not enrolled", "درج نہیں ہوا"}},
    [STR_OFF_FINGER_RIGHT_THUMB] = {"off_f_right_thumb", FALSE, {"Right thumb", "دایاں انگوٹھا"}},
    [STR_OFF_FINGER_RIGHT_INDEX] = {"off_f_right_index", FALSE, {"Right index", "دائیں شہادت کی انگلی"}},
    [STR_OFF_FINGER_RIGHT_MIDDLE] = {"off_f_right_middle", FALSE, {"Right middle", "دائیں درمیانی انگلی"}},
    [STR_OFF_FINGER_LEFT_THUMB] = {"off_f_left_thumb", FALSE, {"Left thumb", "بایاں انگوٹھا"}},
    [STR_OFF_FINGER_LEFT_INDEX] = {"off_f_left_index", FALSE, {"Left index", "بائیں شہادت کی انگلی"}},
    [STR_OFF_FINGER_LEFT_MIDDLE] = {"off_f_left_middle", FALSE, {"Left middle", "بائیں درمیانی انگلی"}},
    [STR_OFF_EXPORT_TITLE] = {"off_export_title", FALSE, {"Copy check-ins to the USB stick", "حاضریاں USB پر نقل کریں"}},
    [STR_OFF_EXPORT_DONE] = {"off_export_done", FALSE, {"%d check-ins written to %s", "%d حاضریاں %s میں لکھ دی گئیں"}},
    [STR_OFF_NO_STICK] = {"off_no_stick", FALSE, {"No USB stick found. Insert one and try again.", "کوئی USB نہیں ملی۔ لگا کر دوبارہ کوشش کریں۔"}},
    [STR_OFF_STICK_FULL] = {"off_stick_full", FALSE, {"The stick is full. Nothing was written.", "USB بھری ہوئی ہے۔ کچھ نہیں لکھا گیا۔"}},
    [STR_OFF_STICK_READ_ONLY] = {"off_stick_read_only", FALSE,
        {"The stick is read-only (check its lock switch). Nothing was written.", "USB صرف پڑھنے کے لیے ہے (اس کا لاک دیکھیں)۔ کچھ نہیں لکھا گیا۔"}},
    [STR_OFF_EXPORT_FAILED] = {"off_export_failed", FALSE, {"Export failed. Nothing was written.", "نقل نہیں ہو سکی۔ کچھ نہیں لکھا گیا۔"}},
    [STR_OFF_DEVICE_TITLE] = {"off_device_title", FALSE, {"This kiosk", "یہ کیوسک"}},
    [STR_OFF_DEV_ID] = {"off_dev_id", FALSE, {"Device", "مشین"}},
    [STR_OFF_DEV_SCANNER] = {"off_dev_scanner", FALSE, {"Scanner", "سکینر"}},
    [STR_OFF_DEV_ENROLLED] = {"off_dev_enrolled", FALSE, {"Enrolled", "درج شدہ"}},
    [STR_OFF_DEV_TODAY] = {"off_dev_today", FALSE, {"Check-ins today", "آج کی حاضریاں"}},
    [STR_OFF_DEV_UNSENT] = {"off_dev_unsent", FALSE, {"Waiting to send", "بھیجنا باقی"}},
    [STR_OFF_DEV_DISK] = {"off_dev_disk", FALSE, {"Free space", "خالی جگہ"}},
    [STR_OFF_DEV_ADMS] = {"off_dev_adms", FALSE, {"ADMS server", "ADMS سرور"}},
    [STR_OFF_ADMS_APPROVED] = {"off_adms_approved", FALSE, {"approved", "منظور شدہ"}},
    [STR_OFF_ADMS_WAITING] = {"off_adms_waiting", FALSE, {"waiting approval", "منظوری کا انتظار"}},
    [STR_OFF_ADMS_DOWN] = {"off_adms_down", FALSE, {"unreachable", "رابطہ نہیں"}},
    [STR_OFF_ADMS_STARTING] = {"off_adms_starting", FALSE, {"starting", "شروع ہو رہا ہے"}},
    [STR_OFF_LED_TEST] = {"off_led_test", FALSE, {"Test the lights", "روشنیاں جانچیں"}},
    [STR_OFF_LED_TESTING] = {"off_led_testing", FALSE, {"Green, then red: watch the lights.", "پہلے سبز، پھر سرخ: روشنیاں دیکھیں۔"}},
    [STR_OFF_FINGER_TITLE] = {"off_finger_title", FALSE, {"Your finger", "آپ کی انگلی"}},
    [STR_OFF_FINGER_PROMPT] = {"off_finger_prompt", FALSE, {"Now place your own finger on the scanner", "اب اپنی انگلی سکینر پر رکھیں"}},
    [STR_OFF_FINGER_WRONG] = {"off_finger_wrong", FALSE, {"That is not the finger enrolled for you.", "یہ آپ کی درج شدہ انگلی نہیں ہے۔"}},
    [STR_OFF_FINGER_NEEDED] = {"off_finger_needed", FALSE, {"Your finger is not enrolled: an administrator can add it (haazri-ctl officer finger).", "آپ کی انگلی درج نہیں: منتظم اسے درج کر سکتا ہے۔"}},
    [STR_OFF_FINGER_NO_SCANNER] = {"off_finger_no_scanner", FALSE, {"The scanner is not ready, so your finger cannot be checked.", "سکینر تیار نہیں، اس لیے آپ کی انگلی جانچی نہیں جا سکتی۔"}},
    [STR_OFF_SETTINGS] = {"off_settings", FALSE, {"Settings (tap to change)", "ترتیبات (بدلنے کے لیے چھوئیں)"}},
    [STR_OFF_SET_LANGUAGES] = {"off_set_languages", FALSE, {"Screen language", "سکرین کی زبان"}},
    [STR_OFF_SET_VOLUME] = {"off_set_volume", FALSE, {"Volume", "آواز"}},
    [STR_OFF_SET_SPEAK] = {"off_set_speak", FALSE, {"Spoken prompts", "بول کر بتانا"}},
    [STR_OFF_SET_CAPTURE] = {"off_set_capture", FALSE, {"Scanner listens", "سکینر کب سنے"}},
    [STR_OFF_VAL_UR_FIRST] = {"off_val_ur_first", FALSE, {"Urdu first", "پہلے اردو"}},
    [STR_OFF_VAL_EN_FIRST] = {"off_val_en_first", FALSE, {"English first", "پہلے انگریزی"}},
    [STR_OFF_VAL_SILENT] = {"off_val_silent", FALSE, {"Silent", "خاموش"}},
    [STR_OFF_VAL_ON] = {"off_val_on", FALSE, {"On", "ہاں"}},
    [STR_OFF_VAL_OFF] = {"off_val_off", FALSE, {"Off", "نہیں"}},
    [STR_OFF_VAL_CONTINUOUS] = {"off_val_continuous", FALSE, {"All the time", "ہر وقت"}},
    [STR_OFF_VAL_TAP] = {"off_val_tap", FALSE, {"After a touch", "سکرین چھونے کے بعد"}},
    [STR_OFF_NO_SCANNER] = {"off_no_scanner", FALSE, {"no scanner", "سکینر نہیں"}},
    [STR_OFF_LANGUAGE] = {"off_language", FALSE, {"اردو", "English"}},
    [STR_OFF_SPACE] = {"off_space", FALSE, {"Space", "خالی جگہ"}},
    [STR_OFF_PAGE_UP] = {"off_page_up", FALSE, {"Page up", "اوپر"}},
    [STR_OFF_PAGE_DOWN] = {"off_page_down", FALSE, {"Page down", "نیچے"}},
    [STR_OFF_PAGE] = {"off_page", FALSE, {"Page %d", "صفحہ %d"}},
    [STR_OFF_FINGER_OF] = {"off_finger_of", FALSE, {"Finger %d of %d", "انگلی %d از %d"}},
    [STR_OFF_BY_FINGER] = {"off_by_finger", FALSE, {"By finger", "انگلی سے"}},
    [STR_OFF_DONE] = {"off_done", FALSE, {"Done", "مکمل"}},
    [STR_OFF_PHOTO] = {"off_photo", FALSE, {"Photo", "تصویر"}},
    [STR_OFF_PHOTO_STICK] = {"off_photo_stick", FALSE, {"Photos on the USB stick", "USB پر تصویریں"}},
    [STR_OFF_PHOTO_LOOK_AGAIN] = {"off_photo_look_again", FALSE, {"Look again", "دوبارہ دیکھیں"}},
    [STR_OFF_PHOTO_CAMERA] = {"off_photo_camera", FALSE, {"Take with camera", "کیمرے سے لیں"}},
    [STR_OFF_PHOTO_TAKING] = {"off_photo_taking", FALSE, {"Taking the photo: look at the camera.", "تصویر لی جا رہی ہے: کیمرے کی طرف دیکھیں۔"}},
    [STR_OFF_PHOTO_SAVE] = {"off_photo_save", FALSE, {"Keep this photo", "یہ تصویر رکھیں"}},
    [STR_OFF_PHOTO_SAVED] = {"off_photo_saved", FALSE, {"Photo kept for case %s.", "کیس %s کی تصویر محفوظ ہو گئی۔"}},
    [STR_OFF_PHOTO_CHOOSE] = {"off_photo_choose", FALSE, {"Choose a photo from the stick, or take one.", "USB سے تصویر چنیں، یا نئی لیں۔"}},
    [STR_OFF_PHOTO_NO_IMAGES] = {"off_photo_no_images", FALSE,
        {"No JPEG or PNG photo on the stick.", "USB پر کوئی JPEG یا PNG تصویر نہیں۔"}},
    [STR_OFF_PHOTO_TOO_BIG] = {"off_photo_too_big", FALSE,
        {"This photo is larger than 200 KB. Copy a smaller one to the stick.", "تصویر 200 KB سے بڑی ہے۔ چھوٹی تصویر ڈالیں۔"}},
    [STR_OFF_PHOTO_NOT_IMAGE] = {"off_photo_not_image", FALSE,
        {"This file is not a JPEG or PNG photo.", "یہ فائل JPEG یا PNG تصویر نہیں ہے۔"}},
    [STR_OFF_PHOTO_TOO_WIDE] = {"off_photo_too_wide", FALSE,
        {"This photo is more than 1024 pixels wide or high. Copy a smaller one to the stick.", "تصویر 1024 پکسل سے بڑی ہے۔ چھوٹی تصویر ڈالیں۔"}},
    [STR_OFF_PHOTO_UNREADABLE] = {"off_photo_unreadable", FALSE,
        {"This photo is damaged and cannot be read.", "یہ تصویر خراب ہے، پڑھی نہیں جا سکتی۔"}},
    [STR_OFF_PHOTO_CAMERA_FAILED] = {"off_photo_camera_failed", FALSE,
        {"The camera gave no picture. Check its cable and try again.", "کیمرے سے تصویر نہیں ملی۔ اس کی تار دیکھ کر دوبارہ کوشش کریں۔"}},
    [STR_OFF_PHOTO_SAVE_FAILED] = {"off_photo_save_failed", FALSE,
        {"The photo could not be kept. Please tell the administrator.", "تصویر محفوظ نہیں ہو سکی۔ منتظم کو بتائیں۔"}},
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
    {"Almost: touch the scanner again with the same finger.",
     "تقریباً ہو گیا: وہی انگلی دوبارہ سکینر پر لگائیں۔"},
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

/* The same questions as a "yes" is marked in the officer's history: a few words each. */
static const char *const question_yes[][LANG_COUNT] = {
    {"Address changed", "پتہ بدلا"},
    {"ARRESTED", "گرفتاری"},
    {"Phone changed", "فون بدلا"},
    {"Job changed", "کام بدلا"},
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

const char *strings_question_yes(const char *question_id, Lang lang)
{
    for (size_t i = 0; question_ids[i]; i++)
        if (g_strcmp0(question_ids[i], question_id) == 0)
            return question_yes[i][lang];
    return question_id; /* a question configured here but not built in: its id */
}

const char *const *strings_question_ids(void)
{
    return question_ids;
}
