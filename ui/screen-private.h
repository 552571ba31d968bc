/* screen-private — what screen.c (state, lifecycle), screen-input.c (touches, keys, officer mode's
 * way in) and screen-draw.c (the views) share. */
#pragma once

#include <SDL.h>

#include "ui/keypad.h"
#include "ui/layout.h"
#include "ui/officer-screen.h"
#include "ui/screen.h"
#include "ui/text.h"

typedef enum { VIEW_MACHINE, VIEW_KEYPAD, VIEW_MESSAGE, VIEW_QUESTION, VIEW_OFFICER } View;
typedef enum { ACT_TAP, ACT_KEYPAD, ACT_CONTINUE, ACT_YES, ACT_NO, ACT_BACK } Action;

typedef struct {
    SDL_Rect rect;
    Action action;
} Button;

#define SCREEN_MAX_BUTTONS 4

struct Screen {
    ScreenConfig config;    /* own copy */
    Checkin *checkin;       /* NULL: screenshots */
    Store *store;
    Sound *sound;
    Text *text;
    char *office;
    gboolean tap_mode;

    SDL_Window *window;     /* NULL offscreen */
    SDL_Renderer *renderer;
    SDL_Surface *canvas;    /* offscreen: what the software renderer draws into */
    Layout layout;

    View view;
    CheckinState state;     /* the machine's last announced state */
    char *reason;
    gboolean offer_case_number;
    /* The person of the last result (recorded / already / case entry). */
    char *name_en, *name_ur, *case_number, *at, *next_report, *uuid;
    SDL_Surface *photo;
    /* After a recorded check-in: the officer's message, then the questions. */
    char *message;
    gboolean flow_pending;
    guint question;

    Keypad keypad;
    Button buttons[SCREEN_MAX_BUTTONS];
    int n_buttons;

    gint64 unsent;          /* check-ins waiting to be sent */
    int online;             /* -1 unknown, 0, 1 (screen_set_online) */

    OfficerScreen *officer; /* NULL until screen_attach_officer() */
    guint long_press_id;    /* a press held on a top corner: officer mode after LONG_PRESS_MS */
    int press_y;            /* where the current press began (swipes in officer lists) */
    gboolean pressing;

    guint64 redraws;
    guint redraw_id, clock_id, poll_id, view_timer_id;
    int poll_ms;
    gint64 last_input_us;
};

/* screen-draw.c: draws the current view into the renderer and records its buttons. */
void screen_draw(Screen *screen);

/* screen.c, for screen-input.c */
void screen_schedule_redraw(Screen *screen);
/* Draws now if a redraw is pending (buttons are placed when drawn). */
void screen_redraw_now(Screen *screen);
void screen_set_view(Screen *screen, View view);
void screen_clear_person(Screen *screen);
/* Says the prompt `name` in both languages, in the screen's order. */
void screen_say_both(Screen *screen, const char *name);
const ScreenQuestion *screen_current_question(Screen *screen);
/* Question `index` of [screen] questions; past the last, thanks and back to the machine's view. */
void screen_ask_question(Screen *screen, guint index);
/* After "checked in" has been shown: the officer's message, then the questions. */
void screen_start_flow(Screen *screen);
