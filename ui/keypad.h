/* keypad — the case-number fallback's on-screen keypad: what was typed and where each key is.
 * Touch, mouse and physical keys all end up in keypad_press(); the screen draws it (screen-draw.c)
 * and sends the finished number to checkin_enter_case_number() for a 1:1 check.
 *
 *   1 2 3 ⌫
 *   4 5 6 -
 *   7 8 9 /      (case numbers look like 1234/2024 or LHR-0173: digits, '-' and '/')
 *   0 0 OK OK */
#pragma once

#include <SDL.h>
#include <glib.h>

#define KEYPAD_MAX 24 /* longest case number accepted */
#define KEYPAD_KEYS 15

typedef enum { KEYPAD_TYPED, KEYPAD_IGNORED, KEYPAD_DONE } KeypadResult;

typedef struct {
    const char *key;  /* "0".."9", "-", "/", "back" (delete one), "ok" */
    SDL_Rect rect;
} KeypadKey;

typedef struct {
    char text[KEYPAD_MAX + 1];
    KeypadKey keys[KEYPAD_KEYS];
} Keypad;

void keypad_clear(Keypad *keypad);
/* One key press: a character appends (up to KEYPAD_MAX), "back" deletes, "ok" finishes (only if
 * something was typed). */
KeypadResult keypad_press(Keypad *keypad, const char *key);
/* Places the keys in `area`. */
void keypad_place(Keypad *keypad, const SDL_Rect *area, int gap);
/* The key under (x, y), or NULL. */
const char *keypad_hit(const Keypad *keypad, int x, int y);
