/* screen — lifecycle, the check-in machine's events, a person's inputs. Drawing is in
 * screen-draw.c. See screen.h. */
#include "ui/screen-private.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ui/image.h"

#define SCREEN_ERROR (g_quark_from_static_string("haazri-screen"))
#define POLL_FAST_MS 20    /* right after an input: touches feel immediate */
#define POLL_SLOW_MS 100   /* idle: 10 wake-ups a second cost far below 1% CPU */
#define FAST_FOR_US (3 * G_USEC_PER_SEC)
/* Officer mode's way in: a press held this long on a top corner. Long enough that a probationer
 * tapping the screen never finds it; an officer who knows waits three seconds. */
#define LONG_PRESS_MS 3000

static void schedule_redraw(Screen *s);

GDateTime *screen_now(Screen *s)
{
    return s->fixed_now ? g_date_time_ref(s->fixed_now) : g_date_time_new_now_local();
}

static gboolean on_redraw(gpointer data)
{
    Screen *s = data;
    s->redraw_id = 0;
    screen_draw(s);
    SDL_RenderPresent(s->renderer);
    s->redraws++;
    return G_SOURCE_REMOVE;
}

static void schedule_redraw(Screen *s)
{
    if (!s->redraw_id)
        s->redraw_id = g_idle_add(on_redraw, s);
}

/* Fires just after each new minute: the clock on the screen changes. */
static gboolean on_clock(gpointer data);
static void schedule_clock(Screen *s)
{
    gint64 ms = g_get_real_time() / 1000;
    s->clock_id = g_timeout_add((guint)(60000 - ms % 60000 + 20), on_clock, s);
}

static gboolean on_clock(gpointer data)
{
    Screen *s = data;
    schedule_redraw(s);
    schedule_clock(s);
    return G_SOURCE_REMOVE;
}

static void clear_person(Screen *s)
{
    g_clear_pointer(&s->name_en, g_free);
    g_clear_pointer(&s->name_ur, g_free);
    g_clear_pointer(&s->case_number, g_free);
    g_clear_pointer(&s->at, g_free);
    g_clear_pointer(&s->next_report, g_free);
    g_clear_pointer(&s->uuid, g_free);
    g_clear_pointer(&s->message, g_free);
    g_clear_pointer(&s->photo, SDL_FreeSurface);
    s->flow_pending = FALSE;
}

static void stop_view_timer(Screen *s)
{
    if (s->view_timer_id) {
        g_source_remove(s->view_timer_id);
        s->view_timer_id = 0;
    }
}

static void set_view(Screen *s, View view);

static gboolean on_view_timeout(gpointer data)
{
    Screen *s = data;
    s->view_timer_id = 0;
    set_view(s, VIEW_MACHINE); /* nobody answered: back to the start, nothing stored */
    return G_SOURCE_REMOVE;
}

static void set_view(Screen *s, View view)
{
    stop_view_timer(s);
    s->view = view;
    if (view == VIEW_KEYPAD)
        s->view_timer_id = g_timeout_add_seconds((guint)s->config.keypad_s, on_view_timeout, s);
    else if (view == VIEW_MESSAGE || view == VIEW_QUESTION)
        s->view_timer_id = g_timeout_add_seconds((guint)s->config.question_s, on_view_timeout, s);
    if (view == VIEW_MACHINE)
        g_clear_pointer(&s->message, g_free);
    schedule_redraw(s);
}

static void say_both(Screen *s, const char *name)
{
    for (int i = 0; i < LANG_COUNT; i++)
        sound_say(s->sound, name, s->config.order[i]);
}

static const ScreenQuestion *current_question(Screen *s)
{
    return s->question < s->config.questions->len ? s->config.questions->pdata[s->question] : NULL;
}

static void ask_question(Screen *s, guint index)
{
    s->question = index;
    const ScreenQuestion *q = current_question(s);
    if (!q) {
        say_both(s, strings_name(STR_THANK_YOU));
        set_view(s, VIEW_MACHINE);
        return;
    }
    set_view(s, VIEW_QUESTION);
    g_autofree char *prompt = g_strdup_printf("q_%s", q->id);
    say_both(s, prompt);
}

/* After "checked in" has been shown: the officer's message, then the questions. */
static void start_flow(Screen *s)
{
    s->flow_pending = FALSE;
    if (s->message) {
        set_view(s, VIEW_MESSAGE);
        say_both(s, strings_name(STR_MESSAGE_TITLE));
    } else {
        ask_question(s, 0);
    }
}

static char *clock_of(const char *iso)
{
    return iso && strlen(iso) >= 16 ? g_strndup(iso + 11, 5) : NULL;
}

/* "2026-12-01" → "01-12-2026", the way dates are written in Pakistan. */
static char *date_of(const char *ymd)
{
    if (!ymd || strlen(ymd) != 10)
        return NULL;
    return g_strdup_printf("%.2s-%.2s-%.4s", ymd + 8, ymd + 5, ymd);
}

static void take_person(Screen *s, const CheckinEvent *ev)
{
    clear_person(s);
    if (ev->who) {
        s->name_en = g_strdup(ev->who->name_en);
        s->name_ur = g_strdup(ev->who->name_ur);
        s->case_number = g_strdup(ev->who->case_number);
    }
    if (!ev->checkin || !ev->who)
        return;
    s->uuid = g_strdup(ev->checkin->uuid);
    s->at = clock_of(ev->state == CHECKIN_STATE_ALREADY ? ev->checkin->earlier_time : ev->checkin->wall_time);
    if (!s->store)
        return;
    gint64 id = ev->who->id;
    g_autoptr(GError) error = NULL;
    s->next_report = date_of(ev->next_due);
    g_autoptr(GBytes) png = store_get_photo(s->store, id, NULL);
    if (png) {
        s->photo = image_load_png_bytes(png, &error);
        if (!s->photo)
            g_message("screen: photo not shown: %s", error->message);
    }
    if (ev->state == CHECKIN_STATE_RECORDED) {
        s->message = store_get_message(s->store, id, NULL);
        s->flow_pending = s->message || s->config.questions->len > 0;
    }
}

static void play_for(Screen *s, CheckinState state)
{
    switch (state) {
    case CHECKIN_STATE_RECORDED:
        sound_play(s->sound, SOUND_SUCCESS);
        say_both(s, strings_name(STR_CHECKED_IN));
        break;
    case CHECKIN_STATE_ALREADY:
        sound_play(s->sound, SOUND_SUCCESS);
        say_both(s, strings_name(STR_ALREADY));
        break;
    case CHECKIN_STATE_NOT_RECOGNISED:
        sound_play(s->sound, SOUND_FAILURE);
        say_both(s, strings_name(STR_NOT_RECOGNISED));
        break;
    case CHECKIN_STATE_RETRY:
        sound_play(s->sound, SOUND_FAILURE);
        say_both(s, strings_name(STR_RETRY));
        break;
    case CHECKIN_STATE_SCANNER_PROBLEM:
    case CHECKIN_STATE_STORE_PROBLEM:
        sound_play(s->sound, SOUND_ATTENTION);
        say_both(s, strings_name(STR_TELL_OFFICER));
        break;
    case CHECKIN_STATE_CASE_ENTRY:
        say_both(s, strings_name(STR_PLACE_FINGER));
        break;
    default:
        break;
    }
}

static void refresh_unsent(Screen *s)
{
    if (s->store)
        s->unsent = MAX(store_count_unsent(s->store, NULL), 0);
}

void screen_show(Screen *s, const CheckinEvent *ev)
{
    gboolean between = ev->state == CHECKIN_STATE_WAITING || ev->state == CHECKIN_STATE_IDLE;
    s->state = ev->state;
    g_free(s->reason);
    s->reason = g_strdup(ev->reason);
    s->offer_case_number = ev->offer_case_number;
    if (ev->state == CHECKIN_STATE_RECORDED || ev->state == CHECKIN_STATE_ALREADY ||
        ev->state == CHECKIN_STATE_CASE_ENTRY || ev->state == CHECKIN_STATE_SEARCHING)
        take_person(s, ev);
    if (!between && ev->state != CHECKIN_STATE_RECORDED)
        s->flow_pending = FALSE;
    if (s->view == VIEW_OFFICER) {
        s->flow_pending = FALSE; /* the machine is paused; what it said last is shown when officer mode closes */
        return;
    }

    if (s->view != VIEW_MACHINE && !between)
        set_view(s, VIEW_MACHINE); /* a finger on the scanner wins over the keypad or questions */
    else if (s->view == VIEW_MACHINE && between && s->flow_pending)
        start_flow(s);
    play_for(s, ev->state);
    if (!between && ev->state != CHECKIN_STATE_SEARCHING)
        refresh_unsent(s);
    schedule_redraw(s);
}

static void on_event(const CheckinEvent *ev, gpointer data)
{
    screen_show(data, ev);
}

static void answer(Screen *s, gboolean yes)
{
    const ScreenQuestion *q = current_question(s);
    if (!q)
        return;
    g_autoptr(GError) error = NULL;
    if (s->checkin && s->uuid && !checkin_answer_question(s->checkin, s->uuid, q->id, yes, &error))
        g_warning("answer not saved: %s", error->message);
    ask_question(s, s->question + 1);
}

static void press_key(Screen *s, const char *key)
{
    if (keypad_press(&s->keypad, key) == KEYPAD_DONE) {
        g_autofree char *number = g_strdup(s->keypad.text);
        keypad_clear(&s->keypad);
        set_view(s, VIEW_MACHINE);
        if (s->checkin)
            checkin_enter_case_number(s->checkin, number);
        return;
    }
    set_view(s, VIEW_KEYPAD); /* restarts the keypad's timeout */
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
        set_view(s, VIEW_KEYPAD);
        say_both(s, strings_name(STR_KEYPAD_TITLE));
        break;
    case ACT_BACK:
        set_view(s, VIEW_MACHINE);
        break;
    case ACT_CONTINUE:
        ask_question(s, 0);
        break;
    case ACT_YES:
    case ACT_NO:
        answer(s, a == ACT_YES);
        break;
    }
}

static void press_at(Screen *s, int x, int y)
{
    if (s->redraw_id) { /* buttons are placed when drawn: hit-test what is about to be seen */
        g_source_remove(s->redraw_id);
        on_redraw(s);
    }
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
        start_flow(s);
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
            start_flow(s);
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
    schedule_redraw(data);
}

static void officer_closed_cb(gpointer data)
{
    Screen *s = data;
    if (s->checkin) /* resumed: not whatever it said before officer mode */
        s->state = checkin_get_state(s->checkin);
    set_view(s, VIEW_MACHINE);
}

/* An administrator changed a device setting on the officer screens (stored and audited): the running
 * kiosk takes it at once, the same values haazri.conf would give at the next start. */
static void officer_setting_cb(const char *name, const char *value, gpointer data)
{
    Screen *s = data;
    gint64 n;
    Lang a, b;
    g_auto(GStrv) langs = g_strsplit(value, ";", 2);
    if (strcmp(name, "screen.languages") == 0 && g_strv_length(langs) == 2 && strings_parse_lang(langs[0], &a) &&
        strings_parse_lang(langs[1], &b) && a != b) {
        s->config.order[0] = a;
        s->config.order[1] = b;
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
    if (s->fixed_now)
        officer_screen_set_clock(s->officer, s->fixed_now);
}

void screen_open_officer(Screen *s)
{
    if (!s->officer || s->view == VIEW_OFFICER)
        return;
    clear_person(s);
    set_view(s, VIEW_OFFICER);
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
            schedule_redraw(s);
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

static gboolean on_poll(gpointer data)
{
    Screen *s = data;
    screen_process_events(s);
    int want = g_get_monotonic_time() - s->last_input_us < FAST_FOR_US ? POLL_FAST_MS : POLL_SLOW_MS;
    if (want == s->poll_ms)
        return G_SOURCE_CONTINUE;
    s->poll_ms = want;
    s->poll_id = g_timeout_add((guint)want, on_poll, s);
    return G_SOURCE_REMOVE;
}

static gboolean open_display(Screen *s, GError **error)
{
    const ScreenConfig *c = &s->config;
    if (strcmp(c->backend, "offscreen") == 0) {
        if (SDL_InitSubSystem(SDL_INIT_EVENTS) != 0)
            goto sdl_failed;
        s->canvas = SDL_CreateRGBSurfaceWithFormat(0, c->width, c->height, 32, SDL_PIXELFORMAT_ARGB8888);
        s->renderer = s->canvas ? SDL_CreateSoftwareRenderer(s->canvas) : NULL;
        if (!s->renderer)
            goto sdl_failed;
        return TRUE;
    }
    if (strcmp(c->backend, "auto") != 0)
        SDL_SetHint(SDL_HINT_VIDEODRIVER, c->backend);
    /* Touches arrive as SDL_FINGERDOWN; SDL's copies of them as mouse clicks would count twice. */
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    /* Without this SDL presents even a software renderer's frames through OpenGL. */
    if (!c->accelerated)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        g_set_error(error, SCREEN_ERROR, 1, "no display for the screen (backend %s): %s", c->backend,
                    SDL_GetError());
        return FALSE;
    }
    const char *driver = SDL_GetCurrentVideoDriver();
    gboolean console = g_strcmp0(driver, "KMSDRM") == 0 || g_strcmp0(driver, "kmsdrm") == 0;
    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_RESIZABLE;
    if (c->fullscreen == 1 || (c->fullscreen == -1 && console))
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    s->window = SDL_CreateWindow("Haazri", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, c->width, c->height, flags);
    if (!s->window)
        goto sdl_failed;
    /* Software by default: a screen redrawn a few times a minute needs no GPU, and the GL stack
     * (Mesa's llvmpipe under Xvfb) costs ~90 MB of RSS against the 40 MB idle budget (make bench,
     * kiosk idle on Xvfb 1024x600: 112-120 MB with GL, 24.7 MB software with the hint above). */
    if (c->accelerated)
        s->renderer = SDL_CreateRenderer(s->window, -1, SDL_RENDERER_ACCELERATED);
    if (!s->renderer)
        s->renderer = SDL_CreateRenderer(s->window, -1, SDL_RENDERER_SOFTWARE);
    if (!s->renderer)
        goto sdl_failed;
    if (console)
        SDL_ShowCursor(SDL_DISABLE);
    SDL_RendererInfo info;
    SDL_GetRendererInfo(s->renderer, &info);
    g_message("screen: %s, %s renderer", driver, info.name);
    return TRUE;

sdl_failed:
    g_set_error(error, SCREEN_ERROR, 1, "cannot open the screen (backend %s): %s", c->backend, SDL_GetError());
    return FALSE;
}

Screen *screen_new(const ScreenConfig *config, Checkin *checkin, Store *store, Sound *sound,
                   const char *office, GError **error)
{
    g_autoptr(Text) text = text_new(error);
    if (!text)
        return NULL;
    Screen *s = g_new0(Screen, 1);
    s->config = *config;
    s->config.backend = g_strdup(config->backend);
    s->config.questions = g_ptr_array_ref(config->questions);
    s->checkin = checkin;
    s->store = store;
    s->sound = sound;
    s->office = g_strdup(office);
    s->text = g_steal_pointer(&text);
    s->online = -1;
    s->state = CHECKIN_STATE_IDLE;
    if (!open_display(s, error)) {
        screen_free(s);
        return NULL;
    }
    int w, h;
    SDL_GetRendererOutputSize(s->renderer, &w, &h);
    layout_compute(w, h, &s->layout);
    refresh_unsent(s);
    if (checkin)
        checkin_subscribe(checkin, on_event, s);
    s->poll_ms = POLL_SLOW_MS;
    s->poll_id = g_timeout_add(POLL_SLOW_MS, on_poll, s);
    schedule_clock(s);
    schedule_redraw(s);
    return s;
}

void screen_free(Screen *s)
{
    if (!s)
        return;
    /* The machine keeps its listener list; main frees the screen after the machine stops. */
    guint *ids[] = {&s->redraw_id, &s->clock_id, &s->poll_id, &s->view_timer_id, &s->long_press_id};
    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++)
        if (*ids[i])
            g_source_remove(*ids[i]);
    g_clear_pointer(&s->officer, officer_screen_free);
    clear_person(s);
    g_free(s->reason);
    g_free(s->office);
    if (s->renderer)
        SDL_DestroyRenderer(s->renderer);
    if (s->window)
        SDL_DestroyWindow(s->window);
    SDL_FreeSurface(s->canvas);
    text_free(s->text);
    g_clear_pointer(&s->fixed_now, g_date_time_unref);
    if (s->window || s->canvas)
        SDL_QuitSubSystem(s->window ? SDL_INIT_VIDEO : SDL_INIT_EVENTS);
    screen_config_clear(&s->config);
    g_free(s);
}

void screen_set_online(Screen *s, gboolean online)
{
    s->online = online ? 1 : 0;
    refresh_unsent(s);
    schedule_redraw(s);
}

void screen_set_clock(Screen *s, GDateTime *now)
{
    g_clear_pointer(&s->fixed_now, g_date_time_unref);
    if (now)
        s->fixed_now = g_date_time_ref(now);
    if (s->officer)
        officer_screen_set_clock(s->officer, now);
    schedule_redraw(s);
}

gboolean screen_save_png(Screen *s, const char *path, GError **error)
{
    if (s->redraw_id) {
        g_source_remove(s->redraw_id);
        s->redraw_id = 0;
    }
    screen_draw(s);
    s->redraws++;
    if (s->canvas)
        return image_save_png(s->canvas, path, error);
    /* A window: read the frame back before presenting it (after present the back buffer is gone). */
    SDL_Surface *shot = SDL_CreateRGBSurfaceWithFormat(0, s->layout.w, s->layout.h, 32, SDL_PIXELFORMAT_ARGB8888);
    gboolean ok = SDL_RenderReadPixels(s->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, shot->pixels, shot->pitch) == 0;
    SDL_RenderPresent(s->renderer);
    if (!ok)
        g_set_error(error, SCREEN_ERROR, 1, "cannot read the screen back: %s", SDL_GetError());
    else
        ok = image_save_png(shot, path, error);
    SDL_FreeSurface(shot);
    return ok;
}

char *screen_describe(Screen *s)
{
    switch (s->view) {
    case VIEW_KEYPAD:
        return g_strdup_printf("keypad:%s", s->keypad.text);
    case VIEW_MESSAGE:
        return g_strdup("message");
    case VIEW_QUESTION:
        return g_strdup_printf("question:%s", current_question(s) ? current_question(s)->id : "");
    case VIEW_OFFICER:
        return officer_screen_describe(s->officer);
    case VIEW_MACHINE:
        break;
    }
    return g_strdup_printf("machine:%s", checkin_state_name(s->state));
}

guint64 screen_get_redraws(Screen *s)
{
    return s->redraws;
}

gboolean screen_locate(Screen *s, const char *what, int *x, int *y)
{
    static const char *const names[] = {[ACT_TAP] = "tap", [ACT_KEYPAD] = "case-number", [ACT_CONTINUE] = "continue",
                                        [ACT_YES] = "yes", [ACT_NO] = "no", [ACT_BACK] = "back"};
    if (s->redraw_id) {
        g_source_remove(s->redraw_id);
        on_redraw(s);
    }
    if (s->view == VIEW_OFFICER)
        return officer_screen_locate(s->officer, what, x, y);
    const SDL_Rect *r = NULL;
    if (g_str_has_prefix(what, "key:") && s->view == VIEW_KEYPAD) {
        for (int i = 0; i < KEYPAD_KEYS; i++)
            if (g_strcmp0(s->keypad.keys[i].key, what + 4) == 0)
                r = &s->keypad.keys[i].rect;
    }
    for (int i = 0; i < s->n_buttons && !r; i++)
        if (strcmp(names[s->buttons[i].action], what) == 0)
            r = &s->buttons[i].rect;
    if (!r)
        return FALSE;
    *x = r->x + r->w / 2;
    *y = r->y + r->h / 2;
    return TRUE;
}
