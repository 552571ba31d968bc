/* layout — panel geometry. See layout.h. */
#include "ui/layout.h"

void layout_compute(int w, int h, Layout *l)
{
    *l = (Layout){.w = w, .h = h, .portrait = h > w};
    int s = MIN(w, h);
    /* Sizes tuned by eye on the 480-pixel-high panel, then scaled: the title reads from two
     * metres, the body from one; the touch targets stay above 10 mm on a 7" panel (~64 px). */
    l->margin = s * 3 / 100;
    l->size_clock = s * 22 / 100;
    l->size_title = s * 75 / 1000;
    l->size_body = s * 50 / 1000;
    l->size_small = s * 36 / 1000;
    l->size_button = s * 48 / 1000;
    l->button_h = MAX(s * 15 / 100, 56);
    int top_h = s * 10 / 100;
    l->top = (SDL_Rect){0, 0, w, top_h};
    l->bottom = (SDL_Rect){l->margin, h - l->button_h - l->margin, w - 2 * l->margin, l->button_h};
    int mid_y = top_h + l->margin;
    int mid_h = l->bottom.y - l->margin - mid_y;
    if (l->portrait) {
        int icon = MIN(w * 40 / 100, mid_h * 30 / 100);
        l->icon = (SDL_Rect){(w - icon) / 2, mid_y, icon, icon};
        l->content = (SDL_Rect){l->margin, mid_y + icon + l->margin, w - 2 * l->margin,
                                mid_h - icon - l->margin};
    } else {
        int icon = MIN(mid_h * 70 / 100, w * 24 / 100);
        l->icon = (SDL_Rect){l->margin * 2, mid_y + (mid_h - icon) / 2, icon, icon};
        int cx = l->icon.x + icon + l->margin * 2;
        l->content = (SDL_Rect){cx, mid_y, w - cx - l->margin, mid_h};
    }
}

SDL_Rect layout_button(const Layout *l, const SDL_Rect *row, int n, int i)
{
    int gap = l->margin;
    int bw = (row->w - gap * (n - 1)) / n;
    return (SDL_Rect){row->x + i * (bw + gap), row->y, bw, row->h};
}
