/* screen — the check-in screen (SDL2): what a probationer sees, in Urdu and English, at a glance
 * from two metres; and their touches and key presses back to the check-in machine.
 *
 * It subscribes to CheckinEvent and only draws; inputs go back through checkin_tap(),
 * checkin_enter_case_number() and checkin_answer_question(). After a recorded check-in it shows
 * the officer's message for the person (if any) and the configured yes/no questions, then returns.
 *
 * Runs on the one GLib main loop (the scanner's): SDL's events are polled from a GLib timeout (SDL has
 * no file descriptor to watch), every 20 ms for a few seconds after any input and every 100 ms
 * otherwise; the screen is redrawn only when something changed, and at each new minute for the
 * clock. Backends: KMSDRM on the appliance's console, Wayland/X11 windows for development,
 * "offscreen" (a software renderer into memory, no display at all) for tests and screenshots. */
#pragma once

#include <glib.h>

#include "app/checkin.h"
#include "app/store/store.h"
#include "ui/officer-screen.h"
#include "ui/sound.h"
#include "app/strings.h"

typedef struct {
    char *id;                  /* stored with the answer, e.g. "address_changed" */
    char *text[LANG_COUNT];
} ScreenQuestion;

typedef struct {
    gboolean enabled;        /* [screen] enabled */
    char *backend;           /* [screen] backend: auto, kmsdrm, wayland, x11, offscreen */
    int width, height;       /* [screen] width, height: window (and offscreen) size */
    int fullscreen;          /* [screen] fullscreen: 1, 0, or -1 = auto (on the console only) */
    gboolean accelerated;    /* [screen] renderer: "accelerated" (GPU) or "software" (default) */
    Lang order[LANG_COUNT];  /* [screen] languages: the first is shown first and larger */
    GPtrArray *questions;    /* [screen] questions: ScreenQuestion*, asked in this order */
    int question_s;          /* [screen] question_seconds: unanswered → back to the start */
    int keypad_s;            /* [screen] keypad_seconds: untouched keypad → back to the start */
} ScreenConfig;

void screen_config_init(ScreenConfig *config);
void screen_config_clear(ScreenConfig *config);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ScreenConfig, screen_config_clear)
/* Reads [screen] (keys absent keep the defaults). */
gboolean screen_config_load(GKeyFile *kf, const char *path, ScreenConfig *out, GError **error);
/* "ur;en" or "en;ur" into `order` (unchanged and FALSE for anything else). */
gboolean screen_parse_languages(const char *value, Lang order[LANG_COUNT]);

typedef struct Screen Screen;

/* Call first in main, before any thread starts (it sets the environment). On X11 SDL asks libdbus
 * for the desktop's session bus; with none named, libdbus forks `dbus-launch` to start one. A kiosk
 * has no desktop session: this names none, so SDL goes on without one at once. */
void screen_prepare_process(void);

/* Opens the window (or the offscreen surface) and subscribes to `checkin` (NULL: draws only what
 * screen_show() is given; for screenshots). Borrows everything; `sound` may be NULL. */
Screen *screen_new(const ScreenConfig *config, Checkin *checkin, Store *store, Sound *sound,
                   const char *office, GError **error);
void screen_free(Screen *screen);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Screen, screen_free)

/* Officer mode on this screen (ui/officer-screen.h): opened by holding a top corner for 3 s, or F12.
 * Without this call the screen has no officer mode. Copies `config`; `parts` are borrowed. */
void screen_attach_officer(Screen *screen, const OfficerScreenConfig *config, const OfficerScreenParts *parts);
/* Opens officer mode's PIN screen now (what the long press does). */
void screen_open_officer(Screen *screen);

/* What the check-in machine announced (called by the subscription; public for screenshots). */
void screen_show(Screen *screen, const CheckinEvent *event);
/* Sync reports whether the central server is reachable (the offline indicator). Default: offline
 * whenever check-ins are waiting to be sent. */
void screen_set_online(Screen *screen, gboolean online);
/* Draws now if anything changed, then writes what is on the screen as a PNG. */
gboolean screen_save_png(Screen *screen, const char *path, GError **error);
/* What the screen shows now: "machine:<state>", "keypad", "message", "question:<id>", or officer
 * mode's "officer:<view>". */
char *screen_describe(Screen *screen);
/* Where a person would touch for `what`: "key:<k>" (keypad key, e.g. "key:7", "key:ok"), "case-number",
 * "back", "continue", "yes", "no". FALSE when the current view has no such thing. */
gboolean screen_locate(Screen *screen, const char *what, int *x, int *y);
/* How many times the screen was drawn (tests and bench: idle means no redraws). */
guint64 screen_get_redraws(Screen *screen);
/* Handles SDL events now rather than at the next poll (tests that push events). */
void screen_process_events(Screen *screen);
