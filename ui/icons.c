/* icons — vector symbols from triangles. See icons.h. */
#include "ui/icons.h"

#include <glib.h>
#include <math.h>

#define SEGMENTS 48 /* per full circle: smooth at 300 px, cheap at any size */

static SDL_Vertex vert(float x, float y, SDL_Color c)
{
    return (SDL_Vertex){.position = {x, y}, .color = c};
}

/* Part of a ring from angle a0 to a1 (radians, clockwise from 3 o'clock, y down). */
static void arc(SDL_Renderer *r, float cx, float cy, float r_in, float r_out, float a0, float a1, SDL_Color c)
{
    int n = MAX(2, (int)(SEGMENTS * fabsf(a1 - a0) / (2 * (float)M_PI)) + 1);
    SDL_Vertex v[6 * 64];
    int k = 0;
    for (int i = 0; i < n && k + 6 <= (int)SDL_arraysize(v); i++) {
        float t0 = a0 + (a1 - a0) * i / n, t1 = a0 + (a1 - a0) * (i + 1) / n;
        SDL_Vertex p0 = vert(cx + r_in * cosf(t0), cy + r_in * sinf(t0), c);
        SDL_Vertex p1 = vert(cx + r_out * cosf(t0), cy + r_out * sinf(t0), c);
        SDL_Vertex p2 = vert(cx + r_out * cosf(t1), cy + r_out * sinf(t1), c);
        SDL_Vertex p3 = vert(cx + r_in * cosf(t1), cy + r_in * sinf(t1), c);
        v[k++] = p0, v[k++] = p1, v[k++] = p2;
        v[k++] = p0, v[k++] = p2, v[k++] = p3;
    }
    SDL_RenderGeometry(r, NULL, v, k, NULL, 0);
}

static void disc(SDL_Renderer *r, float cx, float cy, float radius, SDL_Color c)
{
    arc(r, cx, cy, 0, radius, 0, 2 * (float)M_PI, c);
}

/* A line of width `w` with round ends. */
static void stroke(SDL_Renderer *r, float x0, float y0, float x1, float y1, float w, SDL_Color c)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len <= 0)
        return;
    float nx = -dy / len * w / 2, ny = dx / len * w / 2;
    SDL_Vertex v[6] = {vert(x0 + nx, y0 + ny, c), vert(x1 + nx, y1 + ny, c), vert(x1 - nx, y1 - ny, c),
                       vert(x0 + nx, y0 + ny, c), vert(x1 - nx, y1 - ny, c), vert(x0 - nx, y0 - ny, c)};
    SDL_RenderGeometry(r, NULL, v, 6, NULL, 0);
    disc(r, x0, y0, w / 2, c);
    disc(r, x1, y1, w / 2, c);
}

static void triangle(SDL_Renderer *r, float x0, float y0, float x1, float y1, float x2, float y2, SDL_Color c)
{
    SDL_Vertex v[3] = {vert(x0, y0, c), vert(x1, y1, c), vert(x2, y2, c)};
    SDL_RenderGeometry(r, NULL, v, 3, NULL, 0);
}

void icons_fill_rounded(SDL_Renderer *r, const SDL_Rect *b, int rad, SDL_Color c)
{
    rad = MIN(rad, MIN(b->w, b->h) / 2);
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    SDL_Rect mid = {b->x + rad, b->y, b->w - 2 * rad, b->h};
    SDL_Rect side = {b->x, b->y + rad, b->w, b->h - 2 * rad};
    SDL_RenderFillRect(r, &mid);
    SDL_RenderFillRect(r, &side);
    float pi = (float)M_PI;
    arc(r, b->x + rad, b->y + rad, 0, rad, pi, 1.5f * pi, c);
    arc(r, b->x + b->w - rad, b->y + rad, 0, rad, 1.5f * pi, 2 * pi, c);
    arc(r, b->x + b->w - rad, b->y + b->h - rad, 0, rad, 0, 0.5f * pi, c);
    arc(r, b->x + rad, b->y + b->h - rad, 0, rad, 0.5f * pi, pi, c);
}

static void fingerprint(SDL_Renderer *r, float cx, float cy, float s, SDL_Color ink)
{
    /* Concentric ridges, open at the bottom like a fingertip's loop. */
    float pi = (float)M_PI;
    float w = s * 0.035f;
    for (int i = 0; i < 5; i++) {
        float rad = s * (0.08f + 0.075f * i);
        float gap = 0.28f + 0.05f * (4 - i);
        arc(r, cx, cy + s * 0.05f, rad - w / 2, rad + w / 2, 0.5f * pi + gap, 2.5f * pi - gap, ink);
    }
}

void icons_draw(SDL_Renderer *r, Icon icon, const SDL_Rect *box, SDL_Color bg, SDL_Color ink)
{
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    float s = (float)MIN(box->w, box->h);
    float cx = box->x + box->w / 2.0f, cy = box->y + box->h / 2.0f;
    float w = s * 0.09f; /* stroke width of the symbols */
    float pi = (float)M_PI;
    disc(r, cx, cy, s / 2, bg);
    switch (icon) {
    case ICON_FINGERPRINT:
        fingerprint(r, cx, cy, s, ink);
        break;
    case ICON_SCANNING:
        fingerprint(r, cx, cy, s, ink);
        stroke(r, cx - s * 0.36f, cy, cx + s * 0.36f, cy, w * 0.6f, bg);
        stroke(r, cx - s * 0.36f, cy, cx + s * 0.36f, cy, w * 0.3f, ink);
        break;
    case ICON_TICK:
        stroke(r, cx - s * 0.22f, cy + s * 0.02f, cx - s * 0.06f, cy + s * 0.18f, w, ink);
        stroke(r, cx - s * 0.06f, cy + s * 0.18f, cx + s * 0.24f, cy - s * 0.16f, w, ink);
        break;
    case ICON_TICK_TWICE:
        stroke(r, cx - s * 0.30f, cy + s * 0.02f, cx - s * 0.16f, cy + s * 0.16f, w * 0.8f, ink);
        stroke(r, cx - s * 0.16f, cy + s * 0.16f, cx + s * 0.08f, cy - s * 0.14f, w * 0.8f, ink);
        stroke(r, cx - s * 0.04f, cy + s * 0.10f, cx + s * 0.02f, cy + s * 0.16f, w * 0.8f, ink);
        stroke(r, cx + s * 0.02f, cy + s * 0.16f, cx + s * 0.28f, cy - s * 0.14f, w * 0.8f, ink);
        break;
    case ICON_CROSS:
        stroke(r, cx - s * 0.17f, cy - s * 0.17f, cx + s * 0.17f, cy + s * 0.17f, w, ink);
        stroke(r, cx + s * 0.17f, cy - s * 0.17f, cx - s * 0.17f, cy + s * 0.17f, w, ink);
        break;
    case ICON_RETRY:
        arc(r, cx, cy, s * 0.22f - w / 2, s * 0.22f + w / 2, -0.35f * pi, 1.35f * pi, ink);
        triangle(r, cx + s * 0.10f, cy - s * 0.40f, cx + s * 0.30f, cy - s * 0.26f, cx + s * 0.08f, cy - s * 0.10f, ink);
        break;
    case ICON_HOURGLASS:
        triangle(r, cx - s * 0.2f, cy - s * 0.27f, cx + s * 0.2f, cy - s * 0.27f, cx, cy, ink);
        triangle(r, cx - s * 0.2f, cy + s * 0.27f, cx + s * 0.2f, cy + s * 0.27f, cx, cy, ink);
        stroke(r, cx - s * 0.24f, cy - s * 0.29f, cx + s * 0.24f, cy - s * 0.29f, w * 0.5f, ink);
        stroke(r, cx - s * 0.24f, cy + s * 0.29f, cx + s * 0.24f, cy + s * 0.29f, w * 0.5f, ink);
        break;
    case ICON_WARNING:
        triangle(r, cx, cy - s * 0.32f, cx + s * 0.33f, cy + s * 0.26f, cx - s * 0.33f, cy + s * 0.26f, ink);
        stroke(r, cx, cy - s * 0.12f, cx, cy + s * 0.07f, w * 0.7f, bg);
        disc(r, cx, cy + s * 0.17f, w * 0.45f, bg);
        break;
    case ICON_MESSAGE: {
        SDL_Rect b = {(int)(cx - s * 0.28f), (int)(cy - s * 0.22f), (int)(s * 0.56f), (int)(s * 0.36f)};
        icons_fill_rounded(r, &b, (int)(s * 0.06f), ink);
        triangle(r, cx - s * 0.12f, cy + s * 0.13f, cx + s * 0.02f, cy + s * 0.13f, cx - s * 0.16f, cy + s * 0.30f, ink);
        for (int i = 0; i < 3; i++)
            stroke(r, cx - s * 0.18f, cy - s * 0.12f + i * s * 0.08f, cx + s * (i == 2 ? 0.05f : 0.18f),
                   cy - s * 0.12f + i * s * 0.08f, w * 0.35f, bg);
        break;
    }
    case ICON_QUESTION:
        arc(r, cx, cy - s * 0.10f, s * 0.13f - w / 2, s * 0.13f + w / 2, 0.9f * pi, 2.5f * pi, ink);
        stroke(r, cx, cy + s * 0.03f, cx, cy + s * 0.08f, w, ink);
        disc(r, cx, cy + s * 0.22f, w * 0.6f, ink);
        break;
    case ICON_TOUCH:
        disc(r, cx, cy - s * 0.12f, s * 0.08f, ink);
        arc(r, cx, cy - s * 0.12f, s * 0.14f, s * 0.17f, 0, 2 * pi, ink);
        stroke(r, cx, cy - s * 0.12f, cx, cy + s * 0.22f, s * 0.11f, ink);
        break;
    case ICON_DELETE:
        stroke(r, cx - s * 0.25f, cy, cx + s * 0.25f, cy, w, ink);
        stroke(r, cx - s * 0.25f, cy, cx - s * 0.05f, cy - s * 0.2f, w, ink);
        stroke(r, cx - s * 0.25f, cy, cx - s * 0.05f, cy + s * 0.2f, w, ink);
        break;
    }
}

void icons_draw_offline(SDL_Renderer *r, const SDL_Rect *box, SDL_Color ink, SDL_Color bg)
{
    float s = (float)MIN(box->w, box->h);
    float cx = box->x + box->w / 2.0f, cy = box->y + box->h / 2.0f;
    disc(r, cx - s * 0.18f, cy + s * 0.06f, s * 0.18f, ink);
    disc(r, cx + s * 0.05f, cy - s * 0.06f, s * 0.25f, ink);
    disc(r, cx + s * 0.26f, cy + s * 0.08f, s * 0.16f, ink);
    SDL_SetRenderDrawColor(r, ink.r, ink.g, ink.b, ink.a);
    SDL_FRect base = {cx - s * 0.18f, cy + s * 0.06f, s * 0.44f, s * 0.18f};
    SDL_RenderFillRectF(r, &base);
    stroke(r, cx - s * 0.38f, cy - s * 0.38f, cx + s * 0.38f, cy + s * 0.38f, s * 0.16f, bg);
    stroke(r, cx - s * 0.38f, cy - s * 0.38f, cx + s * 0.38f, cy + s * 0.38f, s * 0.07f, ink);
}
