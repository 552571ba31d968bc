/* layout — where things go on the panel, from its size alone: 800×480, 1024×600, 1280×800 and
 * their portrait turns (any other size scales the same way). Every size is derived from the
 * shorter side so text keeps its size relative to the panel; sizes are English pixel sizes (Urdu
 * is scaled up in ui/text.c). */
#pragma once

#include <SDL.h>
#include <glib.h>

typedef struct {
    int w, h;
    gboolean portrait;
    int margin;
    int size_clock, size_title, size_body, size_small, size_button;
    int button_h;
    SDL_Rect top;     /* office, date, offline indicator */
    SDL_Rect icon;    /* the big symbol: tick, cross, fingerprint, ... */
    SDL_Rect content; /* the two languages' text */
    SDL_Rect bottom;  /* a row of buttons */
} Layout;

void layout_compute(int w, int h, Layout *out);
/* Splits `row` into `n` buttons with gaps; returns the i-th. */
SDL_Rect layout_button(const Layout *l, const SDL_Rect *row, int n, int i);
