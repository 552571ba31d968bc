/* screen-input — a person's inputs: touches and clicks on the buttons and the keypad, keys, the
 * long press on a corner that opens officer mode, and everything officer mode is handed while open;
 * and officer mode's host side (its callbacks, applying an administrator's setting). See screen.h. */
#include "ui/screen-private.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Officer mode's way in: a press held this long on a top corner. Long enough that a probationer
 * tapping the screen never finds it; an officer who knows waits three seconds. */
#define LONG_PRESS_MS 3000

static void answer(Screen *s, gboolean yes)
{
    const ScreenQuestion *q = screen_current_question(s);
    if (!q)
        return;
    g_autoptr(GError) error = NULL;
    if (s->checkin && s->uuid && !checkin_answer_question(s->checkin, s->uuid, q->id, yes, &error))
        g_warning("answer not saved: %s", error->message);
    screen_ask_question(s, s->question + 1);
}

static void press_key(Screen *s, const char *key)
{
    if (keypad_press(&s->keypad, key) == KEYPAD_DONE) {
        g_autofree char *number = g_strdup(s->keypad.text);
        keypad_clear(&s->keypad);
        screen_set_view(s, VIEW_MACHINE);
        if (s->checkin)
            checkin_enter_case_number(s->checkin, number);
        return;
    }
    screen_set_view(s, VIEW_KEYPAD); /* restarts the keypad's timeout */
}

static void act(Screen *s, Action a)
{
    switch (a) {
    case ACT_TAP:
        if (s->checkin)
            checkin_tap(s->checkin);
        break;
    case ACT_KEYPAD:
        keypad_clear(&s->keypad);
        screen_set_view(s, VIEW_KEYPAD);
        screen_say_both(s, strings_name(STR_KEYPAD_TITLE));
        break;
    case ACT_BACK:
        screen_set_view(s, VIEW_MACHINE);
        break;
    case ACT_CONTINUE:
        screen_ask_question(s, 0);
        break;
    case ACT_YES:
    case ACT_NO:
        answer(s, a == ACT_YES);
        break;
    }
}

static void press_at(Screen *s, int x, int y)
{
    screen_redraw_now(s); /* buttons are placed when drawn: hit-test what is about to be seen */
    if (s->view == VIEW_OFFICER) {
        officer_screen_press(s->officer, x, y);
        return;
    }
    if (s->view == VIEW_KEYPAD) {
        const char *key = keypad_hit(&s->keypad, x, y);
        if (key) {
            press_key(s, key);
            return;
        }
    }
    SDL_Point p = {x, y};
    for (int i = 0; i < s->n_buttons; i++)
        if (SDL_PointInRect(&p, &s->buttons[i].rect)) {
            act(s, s->buttons[i].action);
            return;
        }
    if (s->view == VIEW_MACHINE && s->state == CHECKIN_STATE_RECORDED && s->flow_pending)
        screen_start_flow(s);
    else if (s->view == VIEW_MACHINE)
        act(s, ACT_TAP); /* anywhere: wakes the scanner in tap mode */
}

static void press_keyboard(Screen *s, SDL_Keycode k)
{
    if (s->view == VIEW_OFFICER) {
        officer_screen_key(s->officer, k);
        return;
    }
    if (k == SDLK_F12) { /* the developer's and the keyboard-equipped officer's way in */
        screen_open_officer(s);
        return;
    }
    char digit[2] = {0};
    if (k >= SDLK_0 && k <= SDLK_9)
        digit[0] = (char)('0' + (k - SDLK_0));
    else if (k >= SDLK_KP_1 && k <= SDLK_KP_9)
        digit[0] = (char)('1' + (k - SDLK_KP_1));
    else if (k == SDLK_KP_0)
        digit[0] = '0';
    else if (k == SDLK_MINUS || k == SDLK_KP_MINUS)
        digit[0] = '-';
    else if (k == SDLK_SLASH || k == SDLK_KP_DIVIDE)
        digit[0] = '/';
    gboolean enter = k == SDLK_RETURN || k == SDLK_KP_ENTER;

    switch (s->view) {
    case VIEW_MACHINE:
        if (digit[0]) { /* typing a number opens the keypad with it */
            act(s, ACT_KEYPAD);
            press_key(s, digit);
        } else if (s->state == CHECKIN_STATE_RECORDED && s->flow_pending && (enter || k == SDLK_SPACE)) {
            screen_start_flow(s);
        } else if (enter || k == SDLK_SPACE) {
            act(s, ACT_TAP);
        }
        break;
    case VIEW_KEYPAD:
        if (digit[0])
            press_key(s, digit);
        else if (k == SDLK_BACKSPACE)
            press_key(s, "back");
        else if (enter)
            press_key(s, "ok");
        else if (k == SDLK_ESCAPE)
            act(s, ACT_BACK);
        break;
    case VIEW_MESSAGE:
        if (enter || k == SDLK_SPACE)
            act(s, ACT_CONTINUE);
        break;
    case VIEW_QUESTION:
        if (k == SDLK_y || k == SDLK_1)
            act(s, ACT_YES);
        else if (k == SDLK_n || k == SDLK_2)
            act(s, ACT_NO);
        break;
    case VIEW_OFFICER:
        break;
    }
}

/* ---- officer mode ---- */

static void officer_redraw_cb(gpointer data)
{
    screen_schedule_redraw(data);
}

static void officer_closed_cb(gpointer data)
{
    Screen *s = data;
    if (s->checkin) /* resumed: not whatever it said before officer mode */
        s->state = checkin_get_state(s->checkin);
    screen_set_view(s, VIEW_MACHINE);
}

/* An administrator changed a device setting on the officer screens (stored and audited): the running
 * kiosk takes it at once, the same values haazri.conf would give at the next start. */
static void officer_setting_cb(const char *name, const char *value, gpointer data)
{
    Screen *s = data;
    gint64 n;
    if (strcmp(name, "screen.languages") == 0) {
        screen_parse_languages(value, s->config.order);
    } else if (strcmp(name, "sound.volume") == 0 && g_ascii_string_to_signed(value, 10, 0, 100, &n, NULL)) {
        sound_set_volume(s->sound, (int)n);
    } else if (strcmp(name, "sound.speak") == 0) {
        sound_set_speak(s->sound, strcmp(value, "true") == 0);
    } else if (strcmp(name, "scanner.capture") == 0 && s->checkin) {
        checkin_set_capture(s->checkin, strcmp(value, "tap") == 0 ? CAPTURE_TAP : CAPTURE_CONTINUOUS);
    }
}

void screen_attach_officer(Screen *s, const OfficerScreenConfig *config, const OfficerScreenParts *parts)
{
    OfficerScreenHost host = {officer_redraw_cb, officer_closed_cb, officer_setting_cb, s};
    officer_screen_free(s->officer);
    s->officer = officer_screen_new(config, parts, &host, s->renderer, s->text, &s->layout, s->config.order[0]);
}

void screen_open_officer(Screen *s)
{
    if (!s->officer || s->view == VIEW_OFFICER)
        return;
    screen_clear_person(s);
    screen_set_view(s, VIEW_OFFICER);
    officer_screen_open(s->officer);
}

static gboolean on_long_press(gpointer data)
{
    Screen *s = data;
    s->long_press_id = 0;
    screen_open_officer(s);
    return G_SOURCE_REMOVE;
}

static void stop_long_press(Screen *s)
{
    if (s->long_press_id) {
        g_source_remove(s->long_press_id);
        s->long_press_id = 0;
    }
}

/* A press begins: on a top corner of the check-in screens it may become the way into officer mode. */
static void press_down(Screen *s, int x, int y)
{
    s->pressing = TRUE;
    s->press_y = y;
    int corner = s->layout.top.h * 2;
    stop_long_press(s);
    if (s->officer && s->view != VIEW_OFFICER && y < s->layout.top.h && (x < corner || x >= s->layout.w - corner))
        s->long_press_id = g_timeout_add(LONG_PRESS_MS, on_long_press, s);
    press_at(s, x, y);
}

/* A press ends: too soon for officer mode; in officer lists a drag is a swipe to the next page. */
static void press_up(Screen *s, int y)
{
    stop_long_press(s);
    if (!s->pressing)
        return;
    s->pressing = FALSE;
    int dy = y - s->press_y;
    if (s->view == VIEW_OFFICER && ABS(dy) > s->layout.h / 8)
        officer_screen_scroll(s->officer, dy < 0 ? 1 : -1); /* drag up: further down the list */
}

void screen_process_events(Screen *s)
{
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        switch (e.type) {
        case SDL_QUIT:
            kill(getpid(), SIGTERM); /* main's signal handler shuts the kiosk down in order */
            break;
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                int w, h;
                SDL_GetRendererOutputSize(s->renderer, &w, &h);
                layout_compute(w, h, &s->layout);
            }
            screen_schedule_redraw(s);
            break;
        case SDL_MOUSEBUTTONDOWN:
            if (e.button.which != SDL_TOUCH_MOUSEID && e.button.button == SDL_BUTTON_LEFT) {
                s->last_input_us = g_get_monotonic_time();
                press_down(s, e.button.x, e.button.y);
            }
            break;
        case SDL_MOUSEBUTTONUP:
            if (e.button.which != SDL_TOUCH_MOUSEID && e.button.button == SDL_BUTTON_LEFT)
                press_up(s, e.button.y);
            break;
        case SDL_FINGERDOWN:
            s->last_input_us = g_get_monotonic_time();
            press_down(s, (int)(e.tfinger.x * s->layout.w), (int)(e.tfinger.y * s->layout.h));
            break;
        case SDL_FINGERUP:
            press_up(s, (int)(e.tfinger.y * s->layout.h));
            break;
        case SDL_MOUSEWHEEL:
            s->last_input_us = g_get_monotonic_time();
            if (s->view == VIEW_OFFICER && e.wheel.y != 0)
                officer_screen_scroll(s->officer, e.wheel.y > 0 ? -1 : 1);
            break;
        case SDL_KEYDOWN:
            s->last_input_us = g_get_monotonic_time();
            press_keyboard(s, e.key.keysym.sym);
            break;
        default:
            break;
        }
    }
}
