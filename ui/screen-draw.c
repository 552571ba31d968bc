/* screen-draw — the views: every state of the check-in machine, the keypad, the officer's message
 * and the questions. Words come from app/strings.c; sizes from ui/layout.c; symbols from
 * ui/icons.c. Colour is never the only signal: each state has its own symbol and its own words. */
#include "ui/screen-private.h"
#include "app/clock.h"

#include <string.h>

#include "ui/icons.h"

static const SDL_Color WHITE = {255, 255, 255, 255};
static const SDL_Color DIM = {255, 255, 255, 200};
static const SDL_Color QUIET = {0x2e, 0x4d, 0x70, 255}; /* a modest button on the dark blue */

/* Background per state: dark blue for "use me", green done, blue done before, red no, amber the
 * machine's own trouble. All carry white text at a contrast ratio above 4.5:1. */
static SDL_Color background(CheckinState state)
{
    switch (state) {
    case CHECKIN_STATE_RECORDED: return (SDL_Color){0x1b, 0x6e, 0x2e, 255};
    case CHECKIN_STATE_ALREADY: return (SDL_Color){0x15, 0x57, 0xa8, 255};
    case CHECKIN_STATE_NOT_RECOGNISED: return (SDL_Color){0xa8, 0x1c, 0x1c, 255};
    case CHECKIN_STATE_STORE_PROBLEM: return (SDL_Color){0xa8, 0x1c, 0x1c, 255};
    case CHECKIN_STATE_RETRY: return (SDL_Color){0xa3, 0x44, 0x00, 255};
    case CHECKIN_STATE_RESTING:
    case CHECKIN_STATE_SCANNER_PROBLEM: return (SDL_Color){0x6b, 0x4a, 0x00, 255};
    default: return (SDL_Color){0x0e, 0x2a, 0x47, 255};
    }
}

/* ---- a column of text lines, shrunk together until it fits its box ---- */

typedef struct {
    Lang lang;
    int size;
    TextWeight weight;
    char *text;
} Item;

static void item_clear(gpointer p)
{
    g_free(((Item *)p)->text);
}

static GArray *items_new(void)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(Item));
    g_array_set_clear_func(a, item_clear);
    return a;
}

static void add(GArray *items, Lang lang, int size, TextWeight weight, char *text)
{
    if (!text || !*text) {
        g_free(text);
        return;
    }
    Item it = {lang, size, weight, text};
    g_array_append_val(items, it);
}

/* Both languages, first language first; `arg` fills a %s. */
static void add_pair(Screen *s, GArray *items, StringId id, int size, TextWeight weight, const char *arg)
{
    for (int i = 0; i < LANG_COUNT; i++) {
        Lang l = s->config.order[i];
        const char *f = strings_get(id, l);
        add(items, l, size, weight, strstr(f, "%s") ? g_strdup_printf(f, arg ? arg : "") : g_strdup(f));
    }
}

/* The machine's reason, in both languages where the table has it. */
static void add_reason(Screen *s, GArray *items, int size)
{
    if (!s->reason)
        return;
    for (int i = 0; i < LANG_COUNT; i++) {
        Lang l = s->config.order[i];
        const char *t = strings_translate(s->reason, l);
        if (t)
            add(items, l, size, TEXT_REGULAR, g_strdup(t));
    }
}

static int items_height(Screen *s, GArray *items, int width, double k, int gap)
{
    int h = 0;
    for (guint i = 0; i < items->len; i++) {
        Item *it = &g_array_index(items, Item, i);
        h += text_measure(s->text, it->lang, (int)(it->size * k), it->weight, it->text, width) + gap;
    }
    return h - gap;
}

static void draw_items(Screen *s, GArray *items, const SDL_Rect *box, TextAlign align)
{
    int gap = s->layout.margin / 3;
    double k = 1.0;
    while (k > 0.5 && items_height(s, items, box->w, k, gap) > box->h)
        k *= 0.9;
    int y = box->y + MAX(0, (box->h - items_height(s, items, box->w, k, gap)) / 2);
    for (guint i = 0; i < items->len; i++) {
        Item *it = &g_array_index(items, Item, i);
        y += text_draw(s->text, s->renderer, it->lang, (int)(it->size * k), it->weight, it->text, WHITE,
                       box->x, y, box->w, align) + gap;
    }
}

/* ---- buttons ---- */

static void add_button(Screen *s, const SDL_Rect *r, Action a)
{
    if (s->n_buttons < SCREEN_MAX_BUTTONS)
        s->buttons[s->n_buttons++] = (Button){*r, a};
}

/* A button with its label in both languages side by side: English on the left, Urdu on the right
 * (each language's own reading side), and an optional symbol before them. */
static void draw_label(Screen *s, const SDL_Rect *r, StringId label, SDL_Color fill, SDL_Color ink, int icon)
{
    icons_fill_rounded(s->renderer, r, r->h / 5, fill);
    int size = s->layout.size_button;
    const char *en = strings_get(label, LANG_EN), *ur = strings_get(label, LANG_UR);
    int icon_w = icon >= 0 ? r->h * 6 / 10 : 0;
    int gap = s->layout.margin;
    for (;;) {
        int w = icon_w + (icon_w ? gap : 0) + text_width(s->text, LANG_EN, size, TEXT_BOLD, en) + 2 * gap +
                text_width(s->text, LANG_UR, size, TEXT_BOLD, ur);
        if (w <= r->w - 2 * gap || size < 8) {
            int x = r->x + (r->w - w) / 2;
            if (icon_w) {
                SDL_Rect ib = {x, r->y + (r->h - icon_w) / 2, icon_w, icon_w};
                icons_draw(s->renderer, (Icon)icon, &ib, ink, fill);
                x += icon_w + gap;
            }
            int ew = text_width(s->text, LANG_EN, size, TEXT_BOLD, en);
            int eh = text_line_height(s->text, LANG_EN, size, TEXT_BOLD);
            text_draw(s->text, s->renderer, LANG_EN, size, TEXT_BOLD, en, ink, x, r->y + (r->h - eh) / 2, ew + 1, TEXT_START);
            x += ew + 2 * gap;
            int uw = text_width(s->text, LANG_UR, size, TEXT_BOLD, ur);
            int uh = text_line_height(s->text, LANG_UR, size, TEXT_BOLD);
            text_draw(s->text, s->renderer, LANG_UR, size, TEXT_BOLD, ur, ink, x, r->y + (r->h - uh) / 2, uw + 1, TEXT_START);
            break;
        }
        size = size * 9 / 10;
    }
}

static void draw_button(Screen *s, const SDL_Rect *r, StringId label, SDL_Color fill, SDL_Color ink,
                        int icon, Action a)
{
    draw_label(s, r, label, fill, ink, icon);
    add_button(s, r, a);
}

/* ---- the top bar: office, date and time, offline indicator ---- */

/* The largest size up to `size` at which `t` fits in `width` on one line. */
static int fit(Screen *s, Lang lang, int size, TextWeight weight, const char *t, int width)
{
    while (size > 8 && text_width(s->text, lang, size, weight, t) > width)
        size = size * 9 / 10;
    return size;
}

static void draw_top(Screen *s, gboolean with_clock)
{
    const Layout *l = &s->layout;
    SDL_SetRenderDrawColor(s->renderer, 0, 0, 0, 70);
    SDL_RenderFillRect(s->renderer, &l->top);
    int size = l->size_small;
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *when = g_date_time_format(now, with_clock ? "%d-%m-%Y  %H:%M" : "%d-%m-%Y");
    int ww = text_width(s->text, LANG_EN, size, TEXT_REGULAR, when);
    int th = text_line_height(s->text, LANG_EN, size, TEXT_REGULAR);
    text_draw(s->text, s->renderer, LANG_EN, size, TEXT_REGULAR, when, WHITE, l->w - l->margin - ww,
              (l->top.h - th) / 2, ww + 1, TEXT_START);
    int office_w = (l->w - 2 * l->margin - ww) * 55 / 100;
    int os = fit(s, LANG_EN, size, TEXT_BOLD, s->office, office_w);
    int oh = text_line_height(s->text, LANG_EN, os, TEXT_BOLD);
    text_draw(s->text, s->renderer, LANG_EN, os, TEXT_BOLD, s->office, WHITE, l->margin, (l->top.h - oh) / 2,
              office_w, TEXT_START);

    gboolean offline = s->online == 0 || (s->online == -1 && s->unsent > 0);
    if (!offline)
        return;
    /* Small, in the first language, between office and date: for the officer more than the
     * visitor. Where it does not fit, the symbol and the number alone. */
    Lang lang = s->config.order[0];
    int x0 = l->margin + text_width(s->text, LANG_EN, os, TEXT_BOLD, s->office) + l->margin;
    int x1 = l->w - 2 * l->margin - ww;
    int icon = l->top.h * 6 / 10;
    g_autofree char *msg = g_strdup_printf(strings_get(STR_OFFLINE, lang), (int)s->unsent);
    int ms = size * 8 / 10;
    if (text_width(s->text, lang, ms, TEXT_REGULAR, msg) + icon + l->margin > x1 - x0) {
        g_free(msg);
        msg = g_strdup_printf("%d", (int)s->unsent);
        lang = LANG_EN;
    }
    int mw = text_width(s->text, lang, ms, TEXT_REGULAR, msg);
    int mh = text_line_height(s->text, lang, ms, TEXT_REGULAR);
    int x = x0 + MAX(0, (x1 - x0 - mw - icon - l->margin / 2) / 2);
    SDL_Rect ib = {x, (l->top.h - icon) / 2, icon, icon};
    icons_draw_offline(s->renderer, &ib, DIM, background(s->view == VIEW_MACHINE ? s->state : CHECKIN_STATE_IDLE));
    text_draw(s->text, s->renderer, lang, ms, TEXT_REGULAR, msg, DIM, x + icon + l->margin / 2, (l->top.h - mh) / 2,
              mw + 1, TEXT_START);
}

/* ---- the check-in machine's states ---- */

static Icon icon_for(Screen *s)
{
    switch (s->state) {
    case CHECKIN_STATE_IDLE: return ICON_TOUCH;
    case CHECKIN_STATE_SEARCHING: return ICON_SCANNING;
    case CHECKIN_STATE_RECORDED: return ICON_TICK;
    case CHECKIN_STATE_ALREADY: return ICON_TICK_TWICE;
    case CHECKIN_STATE_NOT_RECOGNISED: return ICON_CROSS;
    case CHECKIN_STATE_RETRY: return ICON_RETRY;
    case CHECKIN_STATE_RESTING: return ICON_HOURGLASS;
    case CHECKIN_STATE_SCANNER_PROBLEM:
    case CHECKIN_STATE_STORE_PROBLEM: return ICON_WARNING;
    default: return ICON_FINGERPRINT;
    }
}

static void draw_icon_or_photo(Screen *s, Icon icon, SDL_Color bg)
{
    const SDL_Rect *box = &s->layout.icon;
    if (!s->photo || (s->state != CHECKIN_STATE_RECORDED && s->state != CHECKIN_STATE_ALREADY)) {
        icons_draw(s->renderer, icon, box, WHITE, bg);
        return;
    }
    /* The person's photo, framed, with the tick as a badge on its corner. */
    SDL_Texture *tex = SDL_CreateTextureFromSurface(s->renderer, s->photo);
    double k = MIN((double)box->w / s->photo->w, (double)box->h / s->photo->h);
    SDL_Rect dst = {0, 0, (int)(s->photo->w * k), (int)(s->photo->h * k)};
    dst.x = box->x + (box->w - dst.w) / 2;
    dst.y = box->y + (box->h - dst.h) / 2;
    SDL_Rect frame = {dst.x - 4, dst.y - 4, dst.w + 8, dst.h + 8};
    SDL_SetRenderDrawColor(s->renderer, 255, 255, 255, 255);
    SDL_RenderFillRect(s->renderer, &frame);
    SDL_RenderCopy(s->renderer, tex, NULL, &dst);
    SDL_DestroyTexture(tex);
    int b = box->w * 4 / 10;
    SDL_Rect badge = {dst.x + dst.w - b * 2 / 3, dst.y + dst.h - b * 2 / 3, b, b};
    icons_draw(s->renderer, icon, &badge, WHITE, bg);
}

static void add_names(Screen *s, GArray *items, int size)
{
    for (int i = 0; i < LANG_COUNT; i++) {
        Lang l = s->config.order[i];
        const char *name = l == LANG_UR ? s->name_ur : s->name_en;
        if (name)
            add(items, l, size, TEXT_BOLD, g_strdup(name));
    }
}

static void draw_machine(Screen *s)
{
    const Layout *l = &s->layout;
    SDL_Color bg = background(s->state);
    g_autoptr(GArray) items = items_new();
    gboolean keypad_button = FALSE;
    SDL_Rect content = l->content;
    switch (s->state) {
    case CHECKIN_STATE_IDLE:
    case CHECKIN_STATE_WAITING: {
        g_autoptr(GDateTime) now = clock_now();
        add(items, LANG_EN, l->size_clock, TEXT_BOLD, g_date_time_format(now, "%H:%M"));
        add_pair(s, items, s->state == CHECKIN_STATE_IDLE ? STR_TOUCH_TO_START : STR_PLACE_FINGER,
                 l->size_title, TEXT_BOLD, NULL);
        keypad_button = TRUE;
        break;
    }
    case CHECKIN_STATE_SEARCHING:
        add_pair(s, items, STR_SCANNING, l->size_title, TEXT_BOLD, NULL);
        add_pair(s, items, STR_KEEP_STILL, l->size_body, TEXT_REGULAR, NULL);
        break;
    case CHECKIN_STATE_CASE_ENTRY:
        /* The case number only, never the name: whoever typed it may not be that person. */
        add_pair(s, items, STR_CASE_ENTRY, l->size_title, TEXT_BOLD, s->case_number);
        break;
    case CHECKIN_STATE_RECORDED:
    case CHECKIN_STATE_ALREADY:
        add_names(s, items, l->size_title);
        add_pair(s, items, s->state == CHECKIN_STATE_RECORDED ? STR_CHECKED_IN : STR_ALREADY, l->size_title,
                 TEXT_BOLD, NULL);
        add_pair(s, items, s->state == CHECKIN_STATE_RECORDED ? STR_CHECKED_IN_AT : STR_ALREADY_AT,
                 l->size_body, TEXT_REGULAR, s->at);
        if (s->next_report)
            add_pair(s, items, STR_NEXT_REPORT, l->size_body, TEXT_REGULAR, s->next_report);
        content.h = l->bottom.y + l->bottom.h - content.y; /* no buttons: use the whole height */
        break;
    case CHECKIN_STATE_NOT_RECOGNISED:
        add_pair(s, items, STR_NOT_RECOGNISED, l->size_title, TEXT_BOLD, NULL);
        if (s->reason)
            add_reason(s, items, l->size_body);
        else
            add_pair(s, items, STR_TRY_AGAIN_OR_OTHER, l->size_body, TEXT_REGULAR, NULL);
        if (s->offer_case_number)
            add_pair(s, items, STR_OR_CASE_NUMBER, l->size_body, TEXT_BOLD, NULL);
        keypad_button = TRUE;
        break;
    case CHECKIN_STATE_TOUCH_AGAIN:
        add_pair(s, items, STR_TOUCH_AGAIN, l->size_title, TEXT_BOLD, NULL);
        add_pair(s, items, STR_SAME_FINGER, l->size_body, TEXT_REGULAR, NULL);
        break;
    case CHECKIN_STATE_RETRY:
        add_pair(s, items, STR_RETRY, l->size_title, TEXT_BOLD, NULL);
        add_reason(s, items, l->size_body);
        break;
    case CHECKIN_STATE_RESTING:
        add_pair(s, items, STR_RESTING, l->size_title, TEXT_BOLD, NULL);
        add_reason(s, items, l->size_body);
        keypad_button = FALSE;
        break;
    case CHECKIN_STATE_SCANNER_PROBLEM:
        add_pair(s, items, STR_SCANNER_PROBLEM, l->size_title, TEXT_BOLD, NULL);
        add_reason(s, items, l->size_body);
        break;
    case CHECKIN_STATE_STORE_PROBLEM:
        add_pair(s, items, STR_STORE_PROBLEM, l->size_title, TEXT_BOLD, NULL);
        add_reason(s, items, l->size_body);
        break;
    }
    draw_top(s, s->state != CHECKIN_STATE_IDLE && s->state != CHECKIN_STATE_WAITING);
    draw_icon_or_photo(s, icon_for(s), bg);
    draw_items(s, items, &content, TEXT_CENTER);
    if (keypad_button) {
        /* Prominent after failed touches; modest on the idle screen. */
        gboolean strong = s->state == CHECKIN_STATE_NOT_RECOGNISED;
        SDL_Rect r = l->bottom;
        if (!strong) {
            r.w = l->portrait ? r.w : r.w / 2;
            r.x = l->w - l->margin - r.w;
        }
        draw_button(s, &r, STR_ENTER_CASE_NUMBER, strong ? WHITE : QUIET,
                    strong ? bg : WHITE, -1, ACT_KEYPAD);
    }
}

/* ---- keypad, message, questions ---- */

static void draw_keypad(Screen *s)
{
    const Layout *l = &s->layout;
    SDL_Color bg = background(CHECKIN_STATE_IDLE);
    draw_top(s, TRUE);
    int top = l->top.h + l->margin, bottom = l->h - l->margin;
    SDL_Rect side, pad;
    if (l->portrait) {
        side = (SDL_Rect){l->margin, top, l->w - 2 * l->margin, (bottom - top) * 40 / 100};
        pad = (SDL_Rect){l->margin, side.y + side.h + l->margin, side.w, bottom - side.y - side.h - l->margin};
    } else {
        int pw = MIN((l->w - 3 * l->margin) / 2, (bottom - top) * 5 / 4);
        pad = (SDL_Rect){l->w - l->margin - pw, top, pw, bottom - top};
        side = (SDL_Rect){l->margin, top, pad.x - 2 * l->margin, bottom - top};
    }
    /* Title, the number typed so far, and Back. */
    SDL_Rect back = {side.x, side.y + side.h - l->button_h, side.w, l->button_h};
    SDL_Rect field = {side.x, back.y - l->margin - l->button_h * 12 / 10, side.w, l->button_h * 12 / 10};
    SDL_Rect title = {side.x, side.y, side.w, field.y - l->margin - side.y};
    g_autoptr(GArray) items = items_new();
    add_pair(s, items, STR_KEYPAD_TITLE, l->size_title, TEXT_BOLD, NULL);
    draw_items(s, items, &title, TEXT_CENTER);
    icons_fill_rounded(s->renderer, &field, l->margin, WHITE);
    int fs = l->size_title;
    int fh = text_line_height(s->text, LANG_EN, fs, TEXT_BOLD);
    g_autofree char *shown = g_strdup_printf("%s_", s->keypad.text);
    text_draw(s->text, s->renderer, LANG_EN, fs, TEXT_BOLD, shown, bg, field.x, field.y + (field.h - fh) / 2,
              field.w, TEXT_CENTER);
    s->n_buttons = 0;
    draw_button(s, &back, STR_CANCEL, QUIET, WHITE, -1, ACT_BACK);

    keypad_place(&s->keypad, &pad, l->margin / 2);
    for (int i = 0; i < KEYPAD_KEYS; i++) {
        const KeypadKey *k = &s->keypad.keys[i];
        if (!k->key)
            continue;
        gboolean ok = strcmp(k->key, "ok") == 0;
        icons_fill_rounded(s->renderer, &k->rect, k->rect.h / 6, ok ? (SDL_Color){0x1b, 0x6e, 0x2e, 255} : WHITE);
        if (ok) { /* the keypad hit-tests its own keys: a label, not a button */
            draw_label(s, &k->rect, STR_OK, (SDL_Color){0x1b, 0x6e, 0x2e, 255}, WHITE, -1);
            continue;
        }
        if (strcmp(k->key, "back") == 0) {
            int d = k->rect.h * 7 / 10;
            SDL_Rect ib = {k->rect.x + (k->rect.w - d) / 2, k->rect.y + (k->rect.h - d) / 2, d, d};
            icons_draw(s->renderer, ICON_DELETE, &ib, WHITE, bg);
            continue;
        }
        int kh = text_line_height(s->text, LANG_EN, l->size_title, TEXT_BOLD);
        text_draw(s->text, s->renderer, LANG_EN, l->size_title, TEXT_BOLD, k->key, bg, k->rect.x,
                  k->rect.y + (k->rect.h - kh) / 2, k->rect.w, TEXT_CENTER);
    }
}

static void draw_message(Screen *s)
{
    const Layout *l = &s->layout;
    draw_top(s, TRUE);
    icons_draw(s->renderer, ICON_MESSAGE, &l->icon, WHITE, background(CHECKIN_STATE_IDLE));
    g_autoptr(GArray) items = items_new();
    add_pair(s, items, STR_MESSAGE_TITLE, l->size_body, TEXT_BOLD, NULL);
    /* The officer writes in either language: an Arabic-script line is drawn as Urdu. A message the
     * centre sent in both languages has a line each: they are drawn in the screen's language order. */
    g_auto(GStrv) lines = g_strsplit(s->message ? s->message : "", "\n", 2);
    for (int pass = 0; pass < LANG_COUNT; pass++) {
        for (char **line = lines; *line; line++) {
            gboolean urdu = FALSE;
            for (const char *p = *line; *p; p = g_utf8_next_char(p))
                urdu |= g_unichar_get_script(g_utf8_get_char(p)) == G_UNICODE_SCRIPT_ARABIC;
            Lang lang = urdu ? LANG_UR : LANG_EN;
            if (**line && lang == s->config.order[pass])
                add(items, lang, l->size_title, TEXT_REGULAR, g_strdup(*line));
        }
    }
    draw_items(s, items, &l->content, TEXT_CENTER);
    draw_button(s, &l->bottom, STR_OK, WHITE, background(CHECKIN_STATE_IDLE), ICON_TICK, ACT_CONTINUE);
}

static void draw_question(Screen *s)
{
    const Layout *l = &s->layout;
    SDL_Color bg = background(CHECKIN_STATE_IDLE);
    draw_top(s, TRUE);
    icons_draw(s->renderer, ICON_QUESTION, &l->icon, WHITE, bg);
    const ScreenQuestion *q = s->question < s->config.questions->len ? s->config.questions->pdata[s->question] : NULL;
    if (!q)
        return;
    g_autoptr(GArray) items = items_new();
    for (int i = 0; i < LANG_COUNT; i++) {
        Lang lang = s->config.order[i];
        add(items, lang, l->size_small, TEXT_REGULAR,
            g_strdup_printf(strings_get(STR_QUESTION_TITLE, lang), s->question + 1, s->config.questions->len));
    }
    for (int i = 0; i < LANG_COUNT; i++)
        add(items, s->config.order[i], l->size_title, TEXT_BOLD, g_strdup(q->text[s->config.order[i]]));
    draw_items(s, items, &l->content, TEXT_CENTER);
    /* Yes on the side the first language is read from. */
    gboolean yes_right = s->config.order[0] == LANG_UR;
    SDL_Rect yes = layout_button(l, &l->bottom, 2, yes_right ? 1 : 0);
    SDL_Rect no = layout_button(l, &l->bottom, 2, yes_right ? 0 : 1);
    draw_button(s, &yes, STR_YES, WHITE, bg, ICON_TICK, ACT_YES);
    draw_button(s, &no, STR_NO, WHITE, bg, ICON_CROSS, ACT_NO);
}

void screen_draw(Screen *s)
{
    SDL_Color bg = background(s->view == VIEW_MACHINE ? s->state : CHECKIN_STATE_IDLE);
    SDL_SetRenderDrawBlendMode(s->renderer, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(s->renderer, bg.r, bg.g, bg.b, 255);
    SDL_RenderClear(s->renderer);
    s->n_buttons = 0;
    switch (s->view) {
    case VIEW_MACHINE: draw_machine(s); break;
    case VIEW_KEYPAD: draw_keypad(s); break;
    case VIEW_MESSAGE: draw_message(s); break;
    case VIEW_QUESTION: draw_question(s); break;
    case VIEW_OFFICER: officer_screen_draw(s->officer); break;
    }
}
