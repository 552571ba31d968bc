/* keypad — case-number keypad model and geometry. See keypad.h. */
#include "ui/keypad.h"

#include <string.h>

/* Grid cells (column, row, width in cells) for each key, in the order of keys[]. */
static const struct {
    const char *key;
    int col, row, span;
} grid[KEYPAD_KEYS] = {
    {"1", 0, 0, 1}, {"2", 1, 0, 1}, {"3", 2, 0, 1}, {"back", 3, 0, 1},
    {"4", 0, 1, 1}, {"5", 1, 1, 1}, {"6", 2, 1, 1}, {"-", 3, 1, 1},
    {"7", 0, 2, 1}, {"8", 1, 2, 1}, {"9", 2, 2, 1}, {"/", 3, 2, 1},
    {"0", 0, 3, 2}, {"ok", 2, 3, 2}, {NULL, 0, 0, 0},
};

void keypad_clear(Keypad *k)
{
    k->text[0] = '\0';
}

KeypadResult keypad_press(Keypad *k, const char *key)
{
    size_t n = strlen(k->text);
    if (g_strcmp0(key, "back") == 0) {
        if (n == 0)
            return KEYPAD_IGNORED;
        k->text[n - 1] = '\0';
        return KEYPAD_TYPED;
    }
    if (g_strcmp0(key, "ok") == 0)
        return n > 0 ? KEYPAD_DONE : KEYPAD_IGNORED;
    if (!key || strlen(key) != 1 || !(g_ascii_isdigit(key[0]) || key[0] == '-' || key[0] == '/'))
        return KEYPAD_IGNORED;
    if (n >= KEYPAD_MAX)
        return KEYPAD_IGNORED;
    k->text[n] = key[0];
    k->text[n + 1] = '\0';
    return KEYPAD_TYPED;
}

void keypad_place(Keypad *k, const SDL_Rect *area, int gap)
{
    int cw = (area->w - 3 * gap) / 4, ch = (area->h - 3 * gap) / 4;
    for (int i = 0; i < KEYPAD_KEYS; i++) {
        k->keys[i].key = grid[i].key;
        if (!grid[i].key)
            continue;
        k->keys[i].rect = (SDL_Rect){area->x + grid[i].col * (cw + gap), area->y + grid[i].row * (ch + gap),
                                     grid[i].span * cw + (grid[i].span - 1) * gap, ch};
    }
}

const char *keypad_hit(const Keypad *k, int x, int y)
{
    SDL_Point p = {x, y};
    for (int i = 0; i < KEYPAD_KEYS; i++)
        if (k->keys[i].key && SDL_PointInRect(&p, &k->keys[i].rect))
            return k->keys[i].key;
    return NULL;
}
