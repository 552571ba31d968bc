/* keyboard — QWERTY model and geometry. See keyboard.h. */
#include "ui/keyboard.h"

#include <string.h>

static const char *const rows[] = {"1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM-/."};
static const char *const singles[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P",
    "A", "S", "D", "F", "G", "H", "J", "K", "L", "Z", "X", "C", "V", "B", "N", "M", "-", "/", ".",
};

void keyboard_clear(Keyboard *k, KeyboardCase mode)
{
    k->text[0] = '\0';
    k->mode = mode;
}

void keyboard_set(Keyboard *k, const char *text, KeyboardCase mode)
{
    k->mode = mode;
    g_strlcpy(k->text, text ? text : "", sizeof k->text);
}

KeyboardResult keyboard_press(Keyboard *k, const char *key)
{
    size_t n = strlen(k->text);
    if (g_strcmp0(key, "back") == 0) {
        if (n == 0)
            return KEYBOARD_IGNORED;
        k->text[n - 1] = '\0';
        return KEYBOARD_TYPED;
    }
    if (g_strcmp0(key, "done") == 0)
        return KEYBOARD_DONE;
    char c;
    if (g_strcmp0(key, "space") == 0)
        c = ' ';
    else if (key && strlen(key) == 1 && (g_ascii_isalnum(key[0]) || strchr("-/.", key[0])))
        c = key[0];
    else
        return KEYBOARD_IGNORED;
    if (n >= KEYBOARD_MAX || (c == ' ' && (n == 0 || k->text[n - 1] == ' ')))
        return KEYBOARD_IGNORED;
    gboolean word_start = n == 0 || k->text[n - 1] == ' ';
    if (k->mode == KEYBOARD_UPPER || word_start)
        c = g_ascii_toupper(c);
    else
        c = g_ascii_tolower(c);
    k->text[n] = c;
    k->text[n + 1] = '\0';
    return KEYBOARD_TYPED;
}

void keyboard_place(Keyboard *k, const SDL_Rect *area, int gap)
{
    int kw = (area->w - 9 * gap) / 10, kh = (area->h - 4 * gap) / 5;
    int i = 0, ch = 0;
    for (int r = 0; r < 4; r++) {
        int n = (int)strlen(rows[r]);
        for (int c = 0; c < n; c++, i++, ch++)
            k->keys[i] = (KeyboardKey){singles[ch], {area->x + c * (kw + gap), area->y + r * (kh + gap), kw, kh}};
        if (r == 2) /* delete closes the third row */
            k->keys[i++] = (KeyboardKey){"back", {area->x + 9 * (kw + gap), area->y + r * (kh + gap), kw, kh}};
    }
    int y = area->y + 4 * (kh + gap);
    k->keys[i++] = (KeyboardKey){"space", {area->x, y, 6 * kw + 5 * gap, kh}};
    k->keys[i++] = (KeyboardKey){"done", {area->x + 6 * (kw + gap), y, 4 * kw + 3 * gap, kh}};
    for (; i < KEYBOARD_KEYS; i++)
        k->keys[i] = (KeyboardKey){NULL, {0, 0, 0, 0}};
}

const char *keyboard_hit(const Keyboard *k, int x, int y)
{
    SDL_Point p = {x, y};
    for (int i = 0; i < KEYBOARD_KEYS; i++)
        if (k->keys[i].key && SDL_PointInRect(&p, &k->keys[i].rect))
            return k->keys[i].key;
    return NULL;
}

const SDL_Rect *keyboard_find(const Keyboard *k, const char *key)
{
    for (int i = 0; i < KEYBOARD_KEYS; i++)
        if (k->keys[i].key && g_ascii_strcasecmp(k->keys[i].key, key) == 0)
            return &k->keys[i].rect;
    return NULL;
}
