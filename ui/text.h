/* text — drawing English and Urdu with SDL2_ttf (HarfBuzz shaping inside).
 *
 * Urdu: Noto Nastaliq Urdu, shaped right-to-left (TTF_SetFontDirection RTL + script "Arab"). SDL_ttf
 * shapes but has no bidi algorithm, so a forced-RTL line would print "09:15" as "51:90": this
 * module splits an Urdu line into runs — Latin letters and digits left-to-right (Noto Sans), the
 * rest right-to-left — and places the runs from the right. English: Noto Sans, left-to-right.
 * Paragraphs wrap at spaces to a width. */
#pragma once

#include <SDL.h>
#include <glib.h>

#include "app/strings.h"

typedef struct Text Text;

typedef enum { TEXT_REGULAR, TEXT_BOLD } TextWeight;
/* START is the language's own side: left for English, right for Urdu. */
typedef enum { TEXT_START, TEXT_CENTER, TEXT_END } TextAlign;

/* Fails (naming the missing file) when a font is not installed (Debian: fonts-noto-core). */
Text *text_new(GError **error);
void text_free(Text *text);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Text, text_free)

/* `size` is the English pixel size; Urdu is drawn larger so both read alike from a distance. */
int text_line_height(Text *text, Lang lang, int size, TextWeight weight);
/* The height `s` takes wrapped into `width` pixels. */
int text_measure(Text *text, Lang lang, int size, TextWeight weight, const char *s, int width);
/* The width of `s` on one line. */
int text_width(Text *text, Lang lang, int size, TextWeight weight, const char *s);
/* Draws `s` wrapped into the column x..x+width from y down; returns the height used. */
int text_draw(Text *text, SDL_Renderer *renderer, Lang lang, int size, TextWeight weight, const char *s,
              SDL_Color color, int x, int y, int width, TextAlign align);
/* `s` on one line as a new ARGB surface, runs placed as text_draw would (for tests). */
SDL_Surface *text_render_line(Text *text, Lang lang, int size, TextWeight weight, const char *s,
                              SDL_Color color);
