/* officer-input — every input of officer mode: the PIN keypad, typing on the keyboard, the buttons
 * (acting on the view, or asking the session), keys and scrolling. See officer-screen.h. */
#include "ui/officer-private.h"

#include <string.h>

static void check_pin(OfficerScreen *o)
{
    if (o->chosen < 0 || (guint)o->chosen >= o->officers->len)
        return;
    const Officer *of = o->officers->pdata[o->chosen];
    int retry_after = 0;
    OfficerRefusal refusal;
    /* Argon2id takes a moment on purpose; the screen shows the PIN dots until it answers. */
    OfficerPinResult r = officer_session_enter_pin(o->session, of->username, o->pin.text, &retry_after, &refusal);
    keypad_clear(&o->pin);
    o->wrong_pin = r == OFFICER_PIN_WRONG;
    o->pin_note = 0;
    officer_set_locked(o, retry_after);
    switch (r) {
    case OFFICER_PIN_WRONG: officer_redraw(o); break;
    case OFFICER_PIN_SIGNED_IN: officer_signed_in(o); break;
    case OFFICER_PIN_FINGER: officer_finger_begin(o); break;
    case OFFICER_PIN_REFUSED:
        /* Required but impossible: not in, and said why (the PIN was right, so no lockout). */
        o->pin_note = refusal == OFFICER_REFUSED_NO_FINGER ? STR_OFF_FINGER_NEEDED : STR_OFF_FINGER_NO_SCANNER;
        officer_go(o, OV_PIN);
        break;
    }
}

static void pin_key(OfficerScreen *o, const char *key)
{
    gboolean locked = o->locked_until_us > g_get_monotonic_time();
    if (locked || o->chosen < 0)
        return;
    if (g_strcmp0(key, "-") == 0 || g_strcmp0(key, "/") == 0)
        return;
    if (g_ascii_isdigit(key[0]) && strlen(o->pin.text) >= OFFICER_PIN_MAX)
        return;
    o->wrong_pin = FALSE;
    if (keypad_press(&o->pin, key) == KEYPAD_DONE)
        check_pin(o);
    officer_redraw(o);
}

/* ---- typing ---- */

static void start_typing(OfficerScreen *o, OfficerField field)
{
    const char *now = field == FIELD_SEARCH ? o->search : field == FIELD_CASE ? o->case_number : o->name_en;
    keyboard_set(&o->keyboard, now, field == FIELD_NAME ? KEYBOARD_WORDS : KEYBOARD_UPPER);
    o->field = field;
    o->typing_from = o->view;
    officer_go(o, OV_TYPING);
}

static void finish_typing(OfficerScreen *o)
{
    char *to = o->field == FIELD_SEARCH ? o->search : o->field == FIELD_CASE ? o->case_number : o->name_en;
    g_strlcpy(to, g_strstrip(o->keyboard.text), KEYBOARD_MAX + 1);
    officer_go(o, o->typing_from);
    if (o->field == FIELD_SEARCH)
        officer_load_log(o, 0);
    else if (o->field == FIELD_CASE)
        officer_enroll_lookup(o);
}

static void keyboard_key(OfficerScreen *o, const char *key)
{
    if (keyboard_press(&o->keyboard, key) == KEYBOARD_DONE)
        finish_typing(o);
    officer_redraw(o);
}

/* ---- actions ---- */

static void go_back(OfficerScreen *o)
{
    switch (o->view) {
    case OV_PIN:
        officer_screen_close(o);
        return;
    case OV_FINGER:
        officer_finger_cancel(o);
        officer_go(o, OV_PIN);
        return;
    case OV_HISTORY:
        officer_go(o, OV_TODAY);
        return;
    case OV_TYPING:
        officer_go(o, o->typing_from);
        return;
    case OV_ENROLL_PROGRESS:
        officer_enroll_cancel(o);
        officer_go(o, OV_ENROLL_FORM);
        return;
    case OV_ENROLL_RESULT:
        officer_enroll_reset(o);
        officer_go(o, OV_ENROLL_FORM);
        return;
    case OV_PHOTO: /* back to the person's Enroll form */
        officer_photo_clear(o);
        officer_enroll_lookup(o);
        officer_go(o, OV_ENROLL_FORM);
        return;
    default:
        officer_go(o, OV_MENU);
    }
}

static void open_view(OfficerScreen *o, OfficerView v)
{
    officer_set_result(o, RESULT_NONE, NULL, NULL);
    if (v == OV_TODAY)
        officer_load_today(o);
    else if (v == OV_LOG) {
        o->search[0] = '\0';
        officer_load_log(o, 0);
    } else if (v == OV_ENROLL_FORM)
        officer_enroll_reset(o);
    else if (v == OV_DEVICE && !officer_is_admin(o))
        return; /* administrators only */
    officer_go(o, v);
}

static void act(OfficerScreen *o, const OfficerButton *b)
{
    switch (b->action) {
    case OA_OFFICER:
        o->chosen = b->arg;
        keypad_clear(&o->pin);
        o->wrong_pin = FALSE;
        o->locked_until_us = 0;
        officer_redraw(o);
        break;
    case OA_GO: open_view(o, (OfficerView)b->arg); break;
    case OA_BACK: go_back(o); break;
    case OA_LOGOUT: officer_screen_close(o); break;
    case OA_LANGUAGE:
        o->lang = o->lang == LANG_UR ? LANG_EN : LANG_UR;
        officer_redraw(o);
        break;
    case OA_ROW:
        if (o->roster && (guint)b->arg < o->roster->len) {
            officer_load_history(o, ((RosterRow *)o->roster->pdata[b->arg])->probationer_id);
            officer_go(o, OV_HISTORY);
        }
        break;
    case OA_NEWER: officer_log_newer(o); break;
    case OA_OLDER: officer_log_older(o); break;
    case OA_RESULT:
        o->result_filter = b->arg;
        officer_load_log(o, 0);
        break;
    case OA_RANGE:
        o->range_filter = b->arg;
        officer_load_log(o, 0);
        break;
    case OA_FIELD: start_typing(o, (OfficerField)b->arg); break;
    case OA_FINGER:
        o->finger_mask ^= 1u << b->arg;
        officer_redraw(o);
        break;
    case OA_CAPTURE: officer_enroll_start(o); break;
    case OA_SET_ACTIVE: officer_enroll_set_active(o, b->arg); break;
    case OA_CANCEL: go_back(o); break;
    case OA_EXPORT: officer_export(o, b->arg); break;
    case OA_LED_TEST: officer_led_test(o); break;
    case OA_SETTING: officer_change_setting(o, (guint)b->arg); break;
    case OA_PHOTO:
        if (o->view == OV_ENROLL_RESULT) /* just enrolled: the person is now found */
            officer_enroll_lookup(o);
        officer_photo_open(o);
        break;
    case OA_PHOTO_FILE: officer_photo_pick(o, (guint)b->arg); break;
    case OA_PHOTO_STICK: officer_photo_list(o); break;
    case OA_PHOTO_CAMERA: officer_photo_camera(o); break;
    case OA_PHOTO_SAVE: officer_photo_save(o); break;
    }
}

void officer_screen_press(OfficerScreen *o, int x, int y)
{
    if (o->view == OV_CLOSED)
        return;
    officer_touched(o);
    if (o->view == OV_PIN) {
        const char *key = keypad_hit(&o->pin, x, y);
        if (key) {
            pin_key(o, key);
            return;
        }
    }
    if (o->view == OV_TYPING) {
        const char *key = keyboard_hit(&o->keyboard, x, y);
        if (key) {
            keyboard_key(o, key);
            return;
        }
    }
    SDL_Point p = {x, y};
    for (int i = 0; i < o->n_buttons; i++)
        if (SDL_PointInRect(&p, &o->buttons[i].rect)) {
            OfficerButton b = o->buttons[i]; /* acting redraws, which refills the buttons */
            act(o, &b);
            return;
        }
}

void officer_screen_key(OfficerScreen *o, SDL_Keycode k)
{
    if (o->view == OV_CLOSED)
        return;
    officer_touched(o);
    char ch[2] = {0};
    if ((k >= SDLK_0 && k <= SDLK_9) || (k >= SDLK_a && k <= SDLK_z) || k == SDLK_MINUS || k == SDLK_SLASH ||
        k == SDLK_PERIOD)
        ch[0] = (char)k;
    else if (k >= SDLK_KP_1 && k <= SDLK_KP_9)
        ch[0] = (char)('1' + (k - SDLK_KP_1));
    else if (k == SDLK_KP_0)
        ch[0] = '0';
    gboolean enter = k == SDLK_RETURN || k == SDLK_KP_ENTER;
    if (k == SDLK_ESCAPE) {
        go_back(o);
    } else if (o->view == OV_PIN) {
        if (g_ascii_isdigit(ch[0]))
            pin_key(o, ch);
        else if (k == SDLK_BACKSPACE)
            pin_key(o, "back");
        else if (enter)
            pin_key(o, "ok");
    } else if (o->view == OV_TYPING) {
        if (ch[0])
            keyboard_key(o, ch);
        else if (k == SDLK_SPACE)
            keyboard_key(o, "space");
        else if (k == SDLK_BACKSPACE)
            keyboard_key(o, "back");
        else if (enter)
            keyboard_key(o, "done");
    } else if (k == SDLK_PAGEDOWN || k == SDLK_DOWN) {
        officer_screen_scroll(o, 1);
    } else if (k == SDLK_PAGEUP || k == SDLK_UP) {
        officer_screen_scroll(o, -1);
    }
}

void officer_screen_scroll(OfficerScreen *o, int pages)
{
    if (o->view == OV_LOG) {
        if (pages > 0)
            officer_log_older(o);
        else if (pages < 0)
            officer_log_newer(o);
    } else if (o->view == OV_TODAY && o->roster) {
        int per = officer_rows_per_page(o);
        int max_first = MAX(0, (int)o->roster->len - per);
        o->first_row = CLAMP(o->first_row + pages * per, 0, max_first);
        officer_redraw(o);
    }
}
