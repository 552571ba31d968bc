/* icons — the big symbols that say the outcome without words or colour: a tick, a cross, a
 * fingerprint, an hourglass, a warning sign, a speech bubble; drawn with SDL_RenderGeometry
 * (no image files), so they are sharp at every panel size. */
#pragma once

#include <SDL.h>

typedef enum {
    ICON_FINGERPRINT, /* place your finger */
    ICON_SCANNING,    /* fingerprint with a scan bar */
    ICON_TICK,        /* checked in */
    ICON_TICK_TWICE,  /* already checked in */
    ICON_CROSS,       /* not recognised */
    ICON_RETRY,       /* circular arrow: try again */
    ICON_HOURGLASS,   /* resting */
    ICON_WARNING,     /* scanner or storage problem */
    ICON_MESSAGE,     /* officer's message */
    ICON_QUESTION,    /* a question */
    ICON_TOUCH,       /* tap mode: touch the screen */
    ICON_DELETE,      /* keypad: delete the last character (a left arrow) */
} Icon;

/* Draws `icon` filling the square `box`: a disc of `disc` with the symbol in `ink`. */
void icons_draw(SDL_Renderer *renderer, Icon icon, const SDL_Rect *box, SDL_Color disc, SDL_Color ink);
/* A filled rectangle with rounded corners of radius `r`. */
void icons_fill_rounded(SDL_Renderer *renderer, const SDL_Rect *rect, int r, SDL_Color color);
/* A small cloud struck through (offline), in the square `box`, on background `bg`. */
void icons_draw_offline(SDL_Renderer *renderer, const SDL_Rect *box, SDL_Color ink, SDL_Color bg);
