/* keyboard — the officer screens' on-screen QWERTY keyboard: what was typed and where each key is.
 * Touches and physical keys both end up in keyboard_press(). Latin letters, digits and the marks
 * case numbers use; Urdu names arrive from the centre's roster, not from this keyboard.
 *
 *   1 2 3 4 5 6 7 8 9 0
 *   Q W E R T Y U I O P
 *   A S D F G H J K L ⌫
 *   Z X C V B N M - / .
 *   [  space   ] [ done ]                                                                      */
#pragma once

#include <SDL.h>
#include <glib.h>

#define KEYBOARD_MAX 48
#define KEYBOARD_KEYS 42

typedef enum {
    KEYBOARD_WORDS,  /* names: each word starts with a capital, the rest lower case */
    KEYBOARD_UPPER,  /* case numbers and searches: capitals */
} KeyboardCase;

typedef enum { KEYBOARD_TYPED, KEYBOARD_IGNORED, KEYBOARD_DONE } KeyboardResult;

typedef struct {
    const char *key;  /* "A".."Z", "0".."9", "-", "/", ".", "space", "back", "done" */
    SDL_Rect rect;
} KeyboardKey;

typedef struct {
    char text[KEYBOARD_MAX + 1];
    KeyboardCase mode;
    KeyboardKey keys[KEYBOARD_KEYS];
} Keyboard;

void keyboard_clear(Keyboard *keyboard, KeyboardCase mode);
/* Starts from `text` (e.g. a field being edited again). */
void keyboard_set(Keyboard *keyboard, const char *text, KeyboardCase mode);
/* One key: a character appends (up to KEYBOARD_MAX), "back" deletes, "done" finishes. A letter is
 * given in either case; the mode decides how it is written. */
KeyboardResult keyboard_press(Keyboard *keyboard, const char *key);
void keyboard_place(Keyboard *keyboard, const SDL_Rect *area, int gap);
/* The key under (x, y), or NULL. */
const char *keyboard_hit(const Keyboard *keyboard, int x, int y);
/* The rectangle of `key`, or NULL (tests touch keys by name). */
const SDL_Rect *keyboard_find(const Keyboard *keyboard, const char *key);
