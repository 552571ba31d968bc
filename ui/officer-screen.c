/* officer-screen — lifecycle, the session's events handed to the view they concern, results, and
 * what the tests ask. Inputs are officer-input.c's. See officer-screen.h. */
#include "ui/officer-private.h"
#include "app/clock.h"

#include <string.h>

/* The PIN screen gives up sooner than the signed-in screens: whoever stumbled onto it is most
 * likely a probationer, and check-ins are paused while it shows. */
#define PIN_IDLE_S 30

const OfficerFinger officer_fingers[OFFICER_FINGERS] = {
    {"right-index", STR_OFF_FINGER_RIGHT_INDEX}, {"left-index", STR_OFF_FINGER_LEFT_INDEX},
    {"right-thumb", STR_OFF_FINGER_RIGHT_THUMB}, {"left-thumb", STR_OFF_FINGER_LEFT_THUMB},
    {"right-middle", STR_OFF_FINGER_RIGHT_MIDDLE}, {"left-middle", STR_OFF_FINGER_LEFT_MIDDLE},
};

/* ---- lifecycle ---- */

static void on_session_event(const OfficerEvent *ev, gpointer data)
{
    OfficerScreen *o = data;
    switch (ev->kind) {
    case OFFICER_EVENT_FINGER_AGAIN:
    case OFFICER_EVENT_SIGNED_IN:
    case OFFICER_EVENT_PIN_AGAIN: officer_finger_on_event(o, ev); break;
    case OFFICER_EVENT_ENROLL_CHECKING:
    case OFFICER_EVENT_ENROLL_UNCLEAR:
    case OFFICER_EVENT_ENROLL_CAPTURING:
    case OFFICER_EVENT_ENROLL_TOUCH:
    case OFFICER_EVENT_ENROLL_DONE: officer_enroll_on_event(o, ev); break;
    case OFFICER_EVENT_LED_TEST_DONE:
    case OFFICER_EVENT_SETTING_CHANGED: officer_device_on_event(o, ev); break;
    case OFFICER_EVENT_PHOTO_TAKEN: officer_photo_on_event(o, ev); break;
    }
}

OfficerScreen *officer_screen_new(const OfficerScreenConfig *config, const OfficerScreenParts *parts,
                                  const OfficerScreenHost *host, SDL_Renderer *renderer, Text *text,
                                  const Layout *layout, Lang first)
{
    OfficerScreen *o = g_new0(OfficerScreen, 1);
    o->config.idle_s = config->idle_s;
    o->config.export_dir = g_strdup(config->export_dir);
    o->config.require_finger = config->require_finger;
    o->config.camera = g_strdup(config->camera);
    o->photo_note = STR_COUNT;
    o->parts = *parts;
    o->session = officer_session_new(parts, config->require_finger, config->export_dir, config->camera,
                                     on_session_event, o);
    o->host = *host;
    o->renderer = renderer;
    o->text = text;
    o->layout = layout;
    o->lang = first;
    o->chosen = -1;
    o->pages = g_array_new(FALSE, FALSE, sizeof(gint64));
    return o;
}

static void stop_timers(OfficerScreen *o)
{
    guint *ids[] = {&o->idle_id, &o->tick_id};
    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++)
        if (*ids[i]) {
            g_source_remove(*ids[i]);
            *ids[i] = 0;
        }
}

static void forget_session(OfficerScreen *o)
{
    officer_finger_cancel(o);
    o->pin_note = 0;
    officer_enroll_cancel(o);
    officer_enroll_reset(o);
    officer_photo_clear(o);
    officer_views_clear(o);
    g_clear_pointer(&o->officers, g_ptr_array_unref);
    officer_clear(&o->who);
    keypad_clear(&o->pin);
    o->chosen = -1;
    o->wrong_pin = FALSE;
    o->locked_until_us = 0;
    o->search[0] = '\0';
    o->result_filter = o->range_filter = 0;
    g_clear_pointer(&o->result_text, g_free);
    g_clear_pointer(&o->result_arg, g_free);
    o->result = RESULT_NONE;
}

void officer_screen_free(OfficerScreen *o)
{
    if (!o)
        return;
    stop_timers(o);
    forget_session(o);
    officer_session_free(o->session);
    g_array_unref(o->pages);
    officer_screen_config_clear(&o->config);
    g_free(o);
}

void officer_redraw(OfficerScreen *o)
{
    if (o->host.redraw)
        o->host.redraw(o->host.data);
}

gboolean officer_is_admin(OfficerScreen *o)
{
    return officer_session_is_admin(o->session);
}

static gboolean on_idle_timeout(gpointer data)
{
    OfficerScreen *o = data;
    o->idle_id = 0;
    /* An enrollment waiting for a finger is an officer at work, not an idle screen. */
    if (o->view == OV_ENROLL_PROGRESS) {
        o->idle_id = g_timeout_add_seconds((guint)o->config.idle_s, on_idle_timeout, o);
        return G_SOURCE_REMOVE;
    }
    g_message("officer mode: no touch for a while, logging out");
    officer_screen_close(o);
    return G_SOURCE_REMOVE;
}

/* Every input restarts the inactivity timer. */
void officer_touched(OfficerScreen *o)
{
    if (o->idle_id)
        g_source_remove(o->idle_id);
    int s = o->view == OV_PIN || o->view == OV_FINGER ? MIN(PIN_IDLE_S, o->config.idle_s) : o->config.idle_s;
    o->idle_id = g_timeout_add_seconds((guint)s, on_idle_timeout, o);
}

void officer_go(OfficerScreen *o, OfficerView view)
{
    o->view = view;
    o->first_row = 0;
    if (o->idle_id) /* a new view (e.g. an enrollment's result) gets the whole time to be read */
        officer_touched(o);
    officer_redraw(o);
}

void officer_set_result(OfficerScreen *o, OfficerResultKind kind, const char *english, const char *arg)
{
    o->result = kind;
    g_free(o->result_text);
    o->result_text = g_strdup(english);
    g_free(o->result_arg);
    o->result_arg = g_strdup(arg);
}

void officer_show_report(OfficerScreen *o, const OfficerReport *r)
{
    OfficerResultKind kind = RESULT_NONE;
    switch (r->outcome) {
    case OFFICER_OUTCOME_NONE: kind = RESULT_NONE; break;
    case OFFICER_OUTCOME_OK: kind = RESULT_OK; break;
    case OFFICER_OUTCOME_DUPLICATE: kind = RESULT_DUPLICATE; break;
    case OFFICER_OUTCOME_NO_STICK: kind = RESULT_NO_STICK; break;
    case OFFICER_OUTCOME_FULL: kind = RESULT_FULL; break;
    case OFFICER_OUTCOME_READ_ONLY: kind = RESULT_READ_ONLY; break;
    case OFFICER_OUTCOME_FAILED: kind = RESULT_FAILED; break;
    }
    officer_set_result(o, kind, r->text, r->arg);
}

static gboolean on_tick(gpointer data)
{
    OfficerScreen *o = data;
    officer_redraw(o); /* the lockout's countdown */
    if (o->view == OV_PIN && o->locked_until_us > g_get_monotonic_time())
        return G_SOURCE_CONTINUE;
    o->tick_id = 0;
    return G_SOURCE_REMOVE;
}

void officer_screen_open(OfficerScreen *o)
{
    if (o->view != OV_CLOSED)
        return;
    forget_session(o);
    o->officers = officer_session_open(o->session);
    if (o->officers->len == 1)
        o->chosen = 0;
    g_message("officer mode: PIN screen");
    officer_go(o, OV_PIN);
    officer_touched(o);
}

void officer_screen_close(OfficerScreen *o)
{
    if (o->view == OV_CLOSED)
        return;
    officer_session_close(o->session); /* logs out, resumes check-ins */
    stop_timers(o);
    forget_session(o);
    o->view = OV_CLOSED;
    if (o->host.closed)
        o->host.closed(o->host.data);
}

gboolean officer_screen_is_open(OfficerScreen *o)
{
    return o && o->view != OV_CLOSED;
}

const char *officer_screen_get_result(OfficerScreen *o)
{
    return o->result_text;
}

/* ---- signing in (the PIN and finger are checked by the session) ---- */

void officer_set_locked(OfficerScreen *o, int retry_after_s)
{
    o->locked_until_us = retry_after_s > 0 ? g_get_monotonic_time() + (gint64)retry_after_s * G_USEC_PER_SEC : 0;
    if (o->locked_until_us && !o->tick_id)
        o->tick_id = g_timeout_add_seconds(1, on_tick, o);
}

void officer_copy(Officer *to, const Officer *from)
{
    officer_clear(to);
    if (!from)
        return;
    *to = *from;
    to->username = g_strdup(from->username);
    to->name = g_strdup(from->name);
}

void officer_signed_in(OfficerScreen *o)
{
    officer_copy(&o->who, officer_session_get_officer(o->session));
    officer_go(o, OV_MENU);
}

/* ---- for tests ---- */

static const char *view_name(OfficerScreen *o)
{
    switch (o->view) {
    case OV_CLOSED: return "closed";
    case OV_PIN: return o->locked_until_us > g_get_monotonic_time() ? "pin-locked" : "pin";
    case OV_FINGER: return "finger";
    case OV_MENU: return "menu";
    case OV_TODAY: return "today";
    case OV_HISTORY: return "history";
    case OV_LOG: return "log";
    case OV_TYPING: return o->field == FIELD_SEARCH ? "log-search" : "enroll-typing";
    case OV_ENROLL_FORM: return "enroll-form";
    case OV_ENROLL_PROGRESS: return "enroll-progress";
    case OV_ENROLL_RESULT: return o->result == RESULT_DUPLICATE ? "enroll-duplicate" :
                                  o->result == RESULT_OK ? "enroll-done" : "enroll-failed";
    case OV_EXPORT: return "export";
    case OV_DEVICE: return "device";
    case OV_PHOTO: return o->photo_busy ? "photo-taking" : o->photo_new ? "photo-preview" : "photo";
    }
    return "?";
}

char *officer_screen_describe(OfficerScreen *o)
{
    if (o->view == OV_TYPING)
        return g_strdup_printf("officer:%s:%s", view_name(o), o->keyboard.text);
    return g_strdup_printf("officer:%s", view_name(o));
}

gboolean officer_screen_locate(OfficerScreen *o, const char *what, int *x, int *y)
{
    officer_draw(o); /* buttons are placed when drawn */
    const SDL_Rect *r = NULL;
    if (g_str_has_prefix(what, "key:") && o->view == OV_PIN) {
        for (int i = 0; i < KEYPAD_KEYS && !r; i++)
            if (g_strcmp0(o->pin.keys[i].key, what + 4) == 0)
                r = &o->pin.keys[i].rect;
    } else if (g_str_has_prefix(what, "kb:") && o->view == OV_TYPING) {
        r = keyboard_find(&o->keyboard, what + 3);
    }
    for (int i = 0; i < o->n_buttons && !r; i++)
        if (strcmp(o->buttons[i].name, what) == 0)
            r = &o->buttons[i].rect;
    if (!r)
        return FALSE;
    *x = r->x + r->w / 2;
    *y = r->y + r->h / 2;
    return TRUE;
}
