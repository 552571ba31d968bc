/* screen — lifecycle, the check-in machine's events, the message-and-questions flow. Inputs are in
 * screen-input.c, drawing in screen-draw.c. See screen.h. */
#include "ui/screen-private.h"
#include "app/clock.h"

#include <string.h>

#include "ui/image.h"

#define SCREEN_ERROR (g_quark_from_static_string("haazri-screen"))
#define POLL_FAST_MS 20    /* right after an input: touches feel immediate */
#define POLL_SLOW_MS 100   /* idle: 10 wake-ups a second cost far below 1% CPU */
#define FAST_FOR_US (3 * G_USEC_PER_SEC)

static gboolean on_redraw(gpointer data)
{
    Screen *s = data;
    s->redraw_id = 0;
    screen_draw(s);
    SDL_RenderPresent(s->renderer);
    s->redraws++;
    return G_SOURCE_REMOVE;
}

void screen_redraw_now(Screen *s)
{
    if (s->redraw_id) {
        g_source_remove(s->redraw_id);
        on_redraw(s);
    }
}

void screen_schedule_redraw(Screen *s)
{
    if (!s->redraw_id)
        s->redraw_id = g_idle_add(on_redraw, s);
}

/* Fires just after each new minute: the clock on the screen changes. */
static gboolean on_clock(gpointer data);
static void schedule_clock(Screen *s)
{
    gint64 ms = clock_now_us() / 1000;
    s->clock_id = g_timeout_add((guint)(60000 - ms % 60000 + 20), on_clock, s);
}

static gboolean on_clock(gpointer data)
{
    Screen *s = data;
    screen_schedule_redraw(s);
    schedule_clock(s);
    return G_SOURCE_REMOVE;
}

void screen_clear_person(Screen *s)
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

static gboolean on_view_timeout(gpointer data)
{
    Screen *s = data;
    s->view_timer_id = 0;
    screen_set_view(s, VIEW_MACHINE); /* nobody answered: back to the start, nothing stored */
    return G_SOURCE_REMOVE;
}

void screen_set_view(Screen *s, View view)
{
    stop_view_timer(s);
    s->view = view;
    if (view == VIEW_KEYPAD)
        s->view_timer_id = g_timeout_add_seconds((guint)s->config.keypad_s, on_view_timeout, s);
    else if (view == VIEW_MESSAGE || view == VIEW_QUESTION)
        s->view_timer_id = g_timeout_add_seconds((guint)s->config.question_s, on_view_timeout, s);
    if (view == VIEW_MACHINE)
        g_clear_pointer(&s->message, g_free);
    screen_schedule_redraw(s);
}

void screen_say_both(Screen *s, const char *name)
{
    for (int i = 0; i < LANG_COUNT; i++)
        sound_say(s->sound, name, s->config.order[i]);
}

const ScreenQuestion *screen_current_question(Screen *s)
{
    return s->question < s->config.questions->len ? s->config.questions->pdata[s->question] : NULL;
}

void screen_ask_question(Screen *s, guint index)
{
    s->question = index;
    const ScreenQuestion *q = screen_current_question(s);
    if (!q) {
        screen_say_both(s, strings_name(STR_THANK_YOU));
        screen_set_view(s, VIEW_MACHINE);
        return;
    }
    screen_set_view(s, VIEW_QUESTION);
    g_autofree char *prompt = g_strdup_printf("q_%s", q->id);
    screen_say_both(s, prompt);
}

/* After "checked in" has been shown: the officer's message, then the questions. */
void screen_start_flow(Screen *s)
{
    s->flow_pending = FALSE;
    if (s->message) {
        screen_set_view(s, VIEW_MESSAGE);
        screen_say_both(s, strings_name(STR_MESSAGE_TITLE));
    } else {
        screen_ask_question(s, 0);
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
    screen_clear_person(s);
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
        s->photo = image_load_photo_bytes(png, &error);
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
        screen_say_both(s, strings_name(STR_CHECKED_IN));
        break;
    case CHECKIN_STATE_ALREADY:
        sound_play(s->sound, SOUND_SUCCESS);
        screen_say_both(s, strings_name(STR_ALREADY));
        break;
    case CHECKIN_STATE_NOT_RECOGNISED:
        sound_play(s->sound, SOUND_FAILURE);
        screen_say_both(s, strings_name(STR_NOT_RECOGNISED));
        break;
    case CHECKIN_STATE_RETRY:
        sound_play(s->sound, SOUND_FAILURE);
        screen_say_both(s, strings_name(STR_RETRY));
        break;
    case CHECKIN_STATE_SCANNER_PROBLEM:
    case CHECKIN_STATE_STORE_PROBLEM:
        sound_play(s->sound, SOUND_ATTENTION);
        screen_say_both(s, strings_name(STR_TELL_OFFICER));
        break;
    case CHECKIN_STATE_CASE_ENTRY:
        screen_say_both(s, strings_name(STR_PLACE_FINGER));
        break;
    case CHECKIN_STATE_TOUCH_AGAIN:
        screen_say_both(s, strings_name(STR_TOUCH_AGAIN));
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
        screen_set_view(s, VIEW_MACHINE); /* a finger on the scanner wins over the keypad or questions */
    else if (s->view == VIEW_MACHINE && between && s->flow_pending)
        screen_start_flow(s);
    play_for(s, ev->state);
    if (!between && ev->state != CHECKIN_STATE_SEARCHING)
        refresh_unsent(s);
    screen_schedule_redraw(s);
}

static void on_event(const CheckinEvent *ev, gpointer data)
{
    screen_show(data, ev);
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
    else if (!g_getenv("WAYLAND_DISPLAY") && !g_getenv("XDG_RUNTIME_DIR"))
        /* No Wayland compositor can be found without these, and libwayland says so on stderr
         * ("error: XDG_RUNTIME_DIR is invalid ...") at every start: SDL's order without it. */
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "x11,kmsdrm,offscreen");
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

void screen_prepare_process(void)
{
    /* Why not leave it: the fork happens while libfprint's threads run, and a child that allocates
     * before exec can hang on a lock another thread held at the fork (ASan's allocator in Debian 12's
     * GCC has no fork handler; likeliest cause of a CI run where the window never opened), and where
     * dbus-launch is installed a stray dbus-daemon outlives every start. An address that cannot
     * connect fails at once, without a fork; an address the service manager gave is kept. */
    if (!g_getenv("DBUS_SESSION_BUS_ADDRESS"))
        g_setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/haazri-has-no-session-bus", TRUE);
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
    screen_schedule_redraw(s);
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
    screen_clear_person(s);
    g_free(s->reason);
    g_free(s->office);
    if (s->renderer)
        SDL_DestroyRenderer(s->renderer);
    if (s->window)
        SDL_DestroyWindow(s->window);
    SDL_FreeSurface(s->canvas);
    text_free(s->text);
    if (s->window || s->canvas)
        SDL_QuitSubSystem(s->window ? SDL_INIT_VIDEO : SDL_INIT_EVENTS);
    screen_config_clear(&s->config);
    g_free(s);
}

void screen_set_online(Screen *s, gboolean online)
{
    s->online = online ? 1 : 0;
    refresh_unsent(s);
    screen_schedule_redraw(s);
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
        return g_strdup_printf("question:%s", screen_current_question(s) ? screen_current_question(s)->id : "");
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
    screen_redraw_now(s); /* buttons are placed when drawn */
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
