/* officer-draw — officer mode's frame and views (the lists are in officer-lists.c). One language at
 * a time, the officer's choice (the toggle in the top bar), laid out from that language's reading
 * side. Words come from app/strings.c, sizes from ui/layout.c, symbols from ui/icons.c.
 *
 * Longer than the ~500 lines the style guide asks: the frame and every short view share the
 * od_* helpers kept here; the long views are apart (officer-lists.c, -finger.c, -device.c, -photo.c). */
#include "ui/officer-private.h"

#include <string.h>

#include "app/health.h"
#include "ui/icons.h"

/* Slate, not the check-in screen's blue: nobody mistakes officer mode for the check-in screen. */
const SDL_Color OD_WHITE = {255, 255, 255, 255};
const SDL_Color OD_BG = {0x1e, 0x29, 0x31, 255};
const SDL_Color OD_PANEL = {0x33, 0x44, 0x50, 255};
const SDL_Color OD_ACCENT = {0x15, 0x57, 0xa8, 255};
const SDL_Color OD_GREEN = {0x1b, 0x6e, 0x2e, 255};
const SDL_Color OD_RED = {0xa8, 0x1c, 0x1c, 255};
const SDL_Color OD_AMBER = {0x8a, 0x5a, 0x00, 255};
const SDL_Color OD_DIM = {255, 255, 255, 190};

SDL_Rect od_mirror(OfficerScreen *o, SDL_Rect r)
{
    if (o->lang == LANG_UR)
        r.x = o->layout->w - r.x - r.w;
    return r;
}

const char *od_str(OfficerScreen *o, StringId id)
{
    return strings_get(id, o->lang);
}

const char *od_name(OfficerScreen *o, const char *name_en, const char *name_ur)
{
    return o->lang == LANG_UR && name_ur && *name_ur ? name_ur : name_en ? name_en : "";
}

gboolean od_has_arabic(const char *s)
{
    for (const char *p = s; p && *p; p = g_utf8_next_char(p))
        if (g_unichar_get_script(g_utf8_get_char(p)) == G_UNICODE_SCRIPT_ARABIC)
            return TRUE;
    return FALSE;
}

void od_label(OfficerScreen *o, SDL_Rect r, Lang lang, int size, TextWeight weight, const char *s, SDL_Color ink,
              TextAlign align)
{
    if (!s || !*s)
        return;
    /* Latin text (names typed on the keyboard, case numbers) is drawn as English even on an Urdu
     * screen, still from the Urdu side: right-to-left shaping would reverse its words. */
    if (lang == LANG_UR && !od_has_arabic(s)) {
        lang = LANG_EN;
        align = align == TEXT_START ? TEXT_END : align == TEXT_END ? TEXT_START : align;
    }
    /* Nastaliq's line box is ~2.5x its size, mostly room for tall marks: let it overhang a row a little. */
    int max_h = lang == LANG_UR ? r.h * 13 / 10 : r.h;
    while (size > 8 && (text_width(o->text, lang, size, weight, s) > r.w ||
                        text_line_height(o->text, lang, size, weight) > max_h))
        size = size * 9 / 10;
    int lh = text_line_height(o->text, lang, size, weight);
    text_draw(o->text, o->renderer, lang, size, weight, s, ink, r.x, r.y + (r.h - lh) / 2, r.w, align);
}

void od_button(OfficerScreen *o, SDL_Rect r, const char *label, SDL_Color fill, SDL_Color ink, OfficerAction action,
               int arg, const char *name)
{
    r = od_mirror(o, r);
    icons_fill_rounded(o->renderer, &r, r.h / 5, fill);
    int pad = o->layout->margin / 2;
    SDL_Rect in = {r.x + pad, r.y, r.w - 2 * pad, r.h};
    od_label(o, in, o->lang, o->layout->size_button, TEXT_BOLD, label, ink, TEXT_CENTER);
    if (o->n_buttons < OFFICER_MAX_BUTTONS) {
        OfficerButton *b = &o->buttons[o->n_buttons++];
        *b = (OfficerButton){.rect = r, .action = action, .arg = arg};
        g_strlcpy(b->name, name, sizeof b->name);
    }
}

int od_chip_h(OfficerScreen *o)
{
    return o->layout->button_h * 6 / 10;
}

int od_row_h(OfficerScreen *o)
{
    return MAX(o->layout->button_h * 55 / 100, 28);
}

SDL_Rect od_body(OfficerScreen *o)
{
    const Layout *l = o->layout;
    return (SDL_Rect){l->margin, l->top.h + l->margin, l->w - 2 * l->margin, l->h - l->top.h - 2 * l->margin};
}

/* ---- the top bar: back, title, who is signed in, the language toggle ---- */

void officer_draw_top(OfficerScreen *o, const char *title, gboolean back)
{
    const Layout *l = o->layout;
    SDL_SetRenderDrawColor(o->renderer, 0, 0, 0, 90);
    SDL_RenderFillRect(o->renderer, &l->top);
    int bh = l->top.h - l->margin / 2, by = (l->top.h - bh) / 2;
    int bw = l->w / 7;
    int x = l->margin;
    if (back) {
        od_button(o, (SDL_Rect){x, by, bw, bh}, od_str(o, STR_CANCEL), OD_PANEL, OD_WHITE, OA_BACK, 0, "back");
        x += bw + l->margin;
    }
    /* The toggle is written in the language it switches to. */
    Lang other = o->lang == LANG_UR ? LANG_EN : LANG_UR;
    SDL_Rect t = od_mirror(o, (SDL_Rect){l->w - l->margin - bw, by, bw, bh});
    icons_fill_rounded(o->renderer, &t, t.h / 5, OD_PANEL);
    od_label(o, t, other, l->size_small, TEXT_BOLD, strings_get(STR_OFF_LANGUAGE, o->lang), OD_WHITE, TEXT_CENTER);
    if (o->n_buttons < OFFICER_MAX_BUTTONS)
        o->buttons[o->n_buttons++] = (OfficerButton){.rect = t, .action = OA_LANGUAGE, .name = "language"};
    int right = l->w - 2 * l->margin - bw;
    int who_w = o->who.username ? (right - x) * 35 / 100 : 0;
    od_label(o, od_mirror(o, (SDL_Rect){x, 0, right - x - who_w, l->top.h}), o->lang, l->size_body, TEXT_BOLD, title,
             OD_WHITE, TEXT_START);
    if (o->who.username) {
        /* The name (Latin) and the role (the officer's language) apart: one mixed line would be
         * shaped in one direction. */
        /* A narrow (portrait) panel has room for the name only. */
        int rw = l->portrait ? 0 : who_w * 40 / 100, gap = l->portrait ? 0 : l->margin / 2;
        od_label(o, od_mirror(o, (SDL_Rect){right - who_w, 0, who_w - rw - gap, l->top.h}), o->lang, l->size_small,
                 TEXT_BOLD, o->who.name ? o->who.name : o->who.username, OD_DIM, TEXT_END);
        if (rw > 0)
            od_label(o, od_mirror(o, (SDL_Rect){right - rw, 0, rw, l->top.h}), o->lang, l->size_small, TEXT_REGULAR,
                     od_str(o, o->who.role == OFFICER_ROLE_ADMIN ? STR_OFF_ROLE_ADMIN : STR_OFF_ROLE_OFFICER),
                     OD_DIM, TEXT_END);
    }
}

/* ---- PIN ---- */

static void draw_pin(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_TITLE), TRUE);
    SDL_Rect body = od_body(o);
    /* Side by side on a landscape panel; on a portrait one the names above, the keypad below. */
    int col_w = l->portrait ? body.w : (body.w - l->margin) / 2;
    SDL_Rect pad = l->portrait ? (SDL_Rect){body.x, body.y + body.h * 45 / 100, body.w, body.h * 55 / 100}
                               : od_mirror(o, (SDL_Rect){body.x + col_w + l->margin, body.y, col_w, body.h});
    int y = body.y, lh = od_chip_h(o);
    int n = o->officers ? (int)o->officers->len : 0;
    if (n == 0) {
        text_draw(o->text, o->renderer, o->lang, l->size_body, TEXT_REGULAR, od_str(o, STR_OFF_NO_OFFICERS), OD_WHITE,
                  od_mirror(o, (SDL_Rect){body.x, y, col_w, 1}).x, y, col_w, TEXT_START);
        return;
    }
    od_label(o, od_mirror(o, (SDL_Rect){body.x, y, col_w, lh}), o->lang, l->size_body, TEXT_BOLD,
             od_str(o, o->chosen < 0 ? STR_OFF_CHOOSE_NAME : STR_OFF_ENTER_PIN), OD_WHITE, TEXT_START);
    y += lh + l->margin / 2;
    /* Officers' names: up to four, the chosen one highlighted. */
    for (int i = 0; i < MIN(n, 4); i++) {
        const Officer *of = o->officers->pdata[i];
        g_autofree char *name = g_strdup_printf("officer:%d", i);
        od_button(o, (SDL_Rect){body.x, y, col_w, lh}, of->name ? of->name : of->username,
                  i == o->chosen ? OD_ACCENT : OD_PANEL, OD_WHITE, OA_OFFICER, i, name);
        y += lh + l->margin / 3;
    }
    y += l->margin / 2;
    /* The PIN as dots: never the digits. */
    SDL_Rect field = od_mirror(o, (SDL_Rect){body.x, y, col_w, l->button_h * 7 / 10});
    icons_fill_rounded(o->renderer, &field, l->margin / 2, OD_WHITE);
    int d = field.h / 4, count = (int)strlen(o->pin.text);
    int x0 = field.x + (field.w - count * d * 2) / 2;
    for (int i = 0; i < count; i++) {
        SDL_Rect dot = {x0 + i * d * 2 + d / 2, field.y + (field.h - d) / 2, d, d};
        icons_fill_rounded(o->renderer, &dot, d / 2, OD_BG);
    }
    y += field.h + l->margin / 2;
    gint64 left_us = o->locked_until_us - g_get_monotonic_time();
    int note_bottom = l->portrait ? pad.y - l->margin / 2 : body.y + body.h;
    SDL_Rect note = od_mirror(o, (SDL_Rect){body.x, y, col_w, note_bottom - y});
    if (left_us > 0) {
        int s = (int)((left_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
        g_autofree char *t = g_strdup_printf("%d:%02d", s / 60, s % 60);
        g_autofree char *msg = g_strdup_printf(od_str(o, STR_OFF_LOCKED), t);
        SDL_Rect box = note;
        box.h = MIN(note.h, l->button_h * 13 / 10);
        icons_fill_rounded(o->renderer, &box, l->margin / 2, OD_RED);
        text_draw(o->text, o->renderer, o->lang, l->size_small, TEXT_BOLD, msg, OD_WHITE, box.x + l->margin / 2,
                  box.y + l->margin / 4, box.w - l->margin, TEXT_START);
    } else if (o->wrong_pin || o->pin_note) {
        od_label(o, (SDL_Rect){note.x, note.y, note.w, o->pin_note ? note.h : lh}, o->lang,
                 o->pin_note ? l->size_small : l->size_body, TEXT_BOLD,
                 od_str(o, o->pin_note ? o->pin_note : STR_OFF_WRONG_PIN), (SDL_Color){0xff, 0xb4, 0xb4, 255},
                 TEXT_START);
    }
    /* The keypad: digits only (a PIN has no '-' or '/'). */
    keypad_place(&o->pin, &pad, l->margin / 2);
    gboolean usable = o->chosen >= 0 && left_us <= 0;
    for (int i = 0; i < KEYPAD_KEYS; i++) {
        KeypadKey *k = &o->pin.keys[i];
        if (!k->key || !strcmp(k->key, "-") || !strcmp(k->key, "/")) {
            if (k->key)
                k->rect = (SDL_Rect){0, 0, 0, 0};
            continue;
        }
        gboolean ok = strcmp(k->key, "ok") == 0;
        SDL_Color fill = !usable ? OD_PANEL : ok ? OD_GREEN : OD_WHITE;
        SDL_Color ink = !usable || ok ? OD_WHITE : OD_BG;
        icons_fill_rounded(o->renderer, &k->rect, k->rect.h / 6, fill);
        if (strcmp(k->key, "back") == 0) {
            int dd = MIN(k->rect.h, k->rect.w) * 6 / 10;
            SDL_Rect ib = {k->rect.x + (k->rect.w - dd) / 2, k->rect.y + (k->rect.h - dd) / 2, dd, dd};
            icons_draw(o->renderer, ICON_DELETE, &ib, ink, fill);
            continue;
        }
        od_label(o, k->rect, ok ? o->lang : LANG_EN, ok ? l->size_button : l->size_title, TEXT_BOLD,
                 ok ? od_str(o, STR_OK) : k->key, ink, TEXT_CENTER);
    }
}

/* ---- menu ---- */

static void draw_menu(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_TITLE), FALSE);
    SDL_Rect body = od_body(o);
    typedef struct { StringId label; OfficerAction action; int arg; const char *name; } Item;
    Item items[6] = {
        {STR_OFF_TODAY, OA_GO, OV_TODAY, "menu:today"}, {STR_OFF_LOG, OA_GO, OV_LOG, "menu:log"},
        {STR_OFF_ENROLL, OA_GO, OV_ENROLL_FORM, "menu:enroll"}, {STR_OFF_EXPORT, OA_GO, OV_EXPORT, "menu:export"},
    };
    int n = 4;
    if (officer_is_admin(o))
        items[n++] = (Item){STR_OFF_DEVICE, OA_GO, OV_DEVICE, "menu:device"};
    items[n++] = (Item){STR_OFF_LOGOUT, OA_LOGOUT, 0, "logout"};
    int cols = l->portrait ? 2 : 3, rows = (n + cols - 1) / cols;
    int gap = l->margin;
    int cw = (body.w - (cols - 1) * gap) / cols, ch = MIN((body.h - (rows - 1) * gap) / rows, l->button_h * 2);
    int y0 = body.y + (body.h - rows * ch - (rows - 1) * gap) / 2;
    for (int i = 0; i < n; i++) {
        SDL_Rect r = {body.x + (i % cols) * (cw + gap), y0 + (i / cols) * (ch + gap), cw, ch};
        gboolean out = items[i].action == OA_LOGOUT;
        od_button(o, r, od_str(o, items[i].label), out ? OD_PANEL : OD_ACCENT, OD_WHITE, items[i].action, items[i].arg,
                  items[i].name);
    }
}

/* ---- typing on the keyboard ---- */

static void draw_typing(OfficerScreen *o)
{
    const Layout *l = o->layout;
    StringId title = o->field == FIELD_SEARCH ? STR_OFF_SEARCH : o->field == FIELD_CASE ? STR_OFF_CASE_NUMBER
                                                                                         : STR_OFF_NAME_EN;
    officer_draw_top(o, od_str(o, title), TRUE);
    SDL_Rect body = od_body(o);
    SDL_Rect field = {body.x, body.y, body.w, od_chip_h(o) * 12 / 10};
    icons_fill_rounded(o->renderer, &field, l->margin / 2, OD_WHITE);
    g_autofree char *shown = g_strdup_printf("%s_", o->keyboard.text);
    SDL_Rect in = {field.x + l->margin, field.y, field.w - 2 * l->margin, field.h};
    od_label(o, in, LANG_EN, l->size_body, TEXT_BOLD, shown, OD_BG, TEXT_START);
    SDL_Rect keys = {body.x, field.y + field.h + l->margin, body.w, body.y + body.h - field.y - field.h - l->margin};
    keyboard_place(&o->keyboard, &keys, l->margin / 3);
    for (int i = 0; i < KEYBOARD_KEYS; i++) {
        const KeyboardKey *k = &o->keyboard.keys[i];
        if (!k->key)
            continue;
        gboolean done = strcmp(k->key, "done") == 0;
        SDL_Color fill = done ? OD_GREEN : OD_WHITE, ink = done ? OD_WHITE : OD_BG;
        icons_fill_rounded(o->renderer, &k->rect, k->rect.h / 6, fill);
        if (strcmp(k->key, "back") == 0) {
            int d = MIN(k->rect.h, k->rect.w) * 6 / 10;
            SDL_Rect ib = {k->rect.x + (k->rect.w - d) / 2, k->rect.y + (k->rect.h - d) / 2, d, d};
            icons_draw(o->renderer, ICON_DELETE, &ib, OD_WHITE, OD_BG);
            continue;
        }
        const char *label = done ? od_str(o, STR_OFF_DONE) : strcmp(k->key, "space") == 0 ? od_str(o, STR_OFF_SPACE)
                                                                                          : k->key;
        od_label(o, k->rect, label == k->key ? LANG_EN : o->lang, label == k->key ? l->size_body : l->size_button,
                 TEXT_BOLD, label, ink, TEXT_CENTER);
    }
}

/* ---- enrollment ---- */

static void draw_field(OfficerScreen *o, SDL_Rect r, StringId label, const char *value, OfficerField field,
                       const char *name)
{
    const Layout *l = o->layout;
    int lw = r.w * 30 / 100;
    od_label(o, od_mirror(o, (SDL_Rect){r.x, r.y, lw, r.h}), o->lang, l->size_small, TEXT_BOLD, od_str(o, label),
             OD_DIM, TEXT_START);
    SDL_Rect box = od_mirror(o, (SDL_Rect){r.x + lw, r.y, r.w - lw, r.h});
    icons_fill_rounded(o->renderer, &box, l->margin / 2, OD_WHITE);
    SDL_Rect in = {box.x + l->margin / 2, box.y, box.w - l->margin, box.h};
    od_label(o, in, o->lang, l->size_body, TEXT_BOLD, value, OD_BG, TEXT_START);
    if (o->n_buttons < OFFICER_MAX_BUTTONS) {
        OfficerButton *b = &o->buttons[o->n_buttons++];
        *b = (OfficerButton){.rect = box, .action = OA_FIELD, .arg = field};
        g_strlcpy(b->name, name, sizeof b->name);
    }
}

static void draw_enroll_form(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_ENROLL), TRUE);
    SDL_Rect body = od_body(o);
    int fh = od_chip_h(o), gap = l->margin / 2, y = body.y;
    draw_field(o, (SDL_Rect){body.x, y, body.w, fh}, STR_OFF_CASE_NUMBER, o->case_number, FIELD_CASE, "field:case");
    y += fh + gap;
    if (o->found) {
        od_label(o, od_mirror(o, (SDL_Rect){body.x + body.w * 30 / 100, y, body.w * 70 / 100, fh}), o->lang,
                 l->size_body, TEXT_BOLD, od_name(o, o->person.name_en, o->person.name_ur), OD_WHITE, TEXT_START);
    } else {
        draw_field(o, (SDL_Rect){body.x, y, body.w, fh}, STR_OFF_NAME_EN, o->name_en, FIELD_NAME, "field:name");
    }
    y += fh + gap;
    /* What the case number turned out to be, or what is missing. */
    g_autofree char *note = NULL;
    SDL_Color ink = OD_DIM;
    if (o->form_note_id != STR_COUNT) {
        note = g_strdup(od_str(o, o->form_note_id));
        ink = (SDL_Color){0xff, 0xd0, 0x80, 255};
    } else if (o->found && !o->person.active) {
        note = g_strdup(od_str(o, STR_OFF_INACTIVE));
        ink = (SDL_Color){0xff, 0xb4, 0xb4, 255};
    } else if (o->found) {
        note = g_strdup_printf(od_str(o, STR_OFF_FOUND), o->person.finger_count);
    } else if (o->case_number[0]) {
        note = g_strdup(od_str(o, STR_OFF_NEW_PERSON));
    }
    od_label(o, od_mirror(o, (SDL_Rect){body.x, y, body.w, fh * 8 / 10}), o->lang, l->size_small, TEXT_REGULAR, note,
             ink, TEXT_START);
    y += fh * 8 / 10 + gap;
    od_label(o, od_mirror(o, (SDL_Rect){body.x, y, body.w, fh * 8 / 10}), o->lang, l->size_small, TEXT_BOLD,
             od_str(o, STR_OFF_CHOOSE_FINGERS), OD_WHITE, TEXT_START);
    y += fh * 8 / 10 + gap / 2;
    int cols = l->portrait ? 2 : 3, cw = (body.w - (cols - 1) * gap) / cols;
    for (int i = 0; i < OFFICER_FINGERS; i++) {
        gboolean on = (o->finger_mask >> i) & 1;
        g_autofree char *name = g_strdup_printf("finger:%s", officer_fingers[i].name);
        SDL_Rect chip = {body.x + (i % cols) * (cw + gap), y + (i / cols) * (fh + gap), cw, fh};
        int d = fh * 7 / 10;
        /* A chosen finger is filled and ticked (never colour alone); the label keeps clear of the tick. */
        SDL_Rect label = {chip.x + d, chip.y, chip.w - d, chip.h};
        od_button(o, label, od_str(o, officer_fingers[i].label), on ? OD_ACCENT : OD_PANEL, OD_WHITE, OA_FINGER, i,
                  name);
        SDL_Rect whole = od_mirror(o, chip);
        icons_fill_rounded(o->renderer, &whole, whole.h / 5, on ? OD_ACCENT : OD_PANEL);
        SDL_Rect tick = od_mirror(o, (SDL_Rect){chip.x + (fh - d) / 2, chip.y + (fh - d) / 2, d, d});
        if (on)
            icons_draw(o->renderer, ICON_TICK, &tick, OD_WHITE, OD_ACCENT);
        SDL_Rect in = od_mirror(o, (SDL_Rect){label.x, label.y, label.w - l->margin / 2, label.h});
        od_label(o, in, o->lang, l->size_button, TEXT_BOLD, od_str(o, officer_fingers[i].label), OD_WHITE, TEXT_CENTER);
        o->buttons[o->n_buttons - 1].rect = whole; /* the whole chip is the touch target */
    }
    /* Actions along the bottom. */
    SDL_Rect row = {body.x, body.y + body.h - fh * 12 / 10, body.w, fh * 12 / 10};
    if (o->found) {
        SDL_Rect a = layout_button(l, &row, 3, 0), p = layout_button(l, &row, 3, 1), b = layout_button(l, &row, 3, 2);
        od_button(o, a, od_str(o, STR_OFF_REENROLL), OD_GREEN, OD_WHITE, OA_CAPTURE, 0, "capture");
        od_button(o, p, od_str(o, STR_OFF_PHOTO), OD_ACCENT, OD_WHITE, OA_PHOTO, 0, "photo");
        od_button(o, b, od_str(o, o->person.active ? STR_OFF_DEACTIVATE : STR_OFF_ACTIVATE),
                  o->person.active ? OD_RED : OD_ACCENT, OD_WHITE, OA_SET_ACTIVE, !o->person.active,
                  o->person.active ? "deactivate" : "activate");
    } else {
        od_button(o, row, od_str(o, STR_OFF_CAPTURE), OD_GREEN, OD_WHITE, OA_CAPTURE, 0, "capture");
    }
}

static StringId finger_label(const char *name)
{
    for (int i = 0; i < OFFICER_FINGERS; i++)
        if (strcmp(officer_fingers[i].name, name) == 0)
            return officer_fingers[i].label;
    return STR_OFF_FINGER_RIGHT_INDEX;
}

/* A column of wrapped paragraphs from the reading side of `r`; returns the height used. */
static int paragraph(OfficerScreen *o, SDL_Rect r, int size, TextWeight weight, const char *s, SDL_Color ink)
{
    r = od_mirror(o, r);
    if (o->lang == LANG_UR && !od_has_arabic(s)) /* Latin: English shaping, from the Urdu side */
        return text_draw(o->text, o->renderer, LANG_EN, size, weight, s, ink, r.x, r.y, r.w, TEXT_END);
    return text_draw(o->text, o->renderer, o->lang, size, weight, s, ink, r.x, r.y, r.w, TEXT_START);
}

static void draw_enroll_progress(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_ENROLL), TRUE);
    SDL_Rect body = od_body(o);
    int icon = MIN(body.h * 45 / 100, body.w / 4);
    SDL_Rect ib = od_mirror(o, (SDL_Rect){body.x, body.y + l->margin, icon, icon});
    icons_draw(o->renderer, o->checking ? ICON_SCANNING : ICON_FINGERPRINT, &ib, OD_WHITE, OD_BG);
    int tx = body.x + icon + 2 * l->margin, tw = body.w - icon - 2 * l->margin;
    int y = body.y;
    g_autofree char *who = g_strdup_printf("%s  %s", o->case_number, o->found ? od_name(o, o->person.name_en,
                                                                                         o->person.name_ur) : o->name_en);
    y += paragraph(o, (SDL_Rect){tx, y, tw, 0}, l->size_small, TEXT_REGULAR, who, OD_DIM) + l->margin / 2;
    if (!o->finger_names || o->finger_at >= o->finger_names->len)
        return;
    g_autofree char *of = g_strdup_printf(od_str(o, STR_OFF_FINGER_OF), o->finger_at + 1, o->finger_names->len);
    y += paragraph(o, (SDL_Rect){tx, y, tw, 0}, l->size_small, TEXT_REGULAR, of, OD_DIM) + l->margin / 2;
    const char *finger = od_str(o, finger_label(o->finger_names->pdata[o->finger_at]));
    g_autofree char *step = o->checking ? g_strdup_printf(od_str(o, STR_OFF_CHECK_TOUCH), finger)
                                        : g_strdup_printf(od_str(o, STR_OFF_TOUCH_OF), finger,
                                                          MIN(o->stage + 1, o->stages), o->stages);
    y += paragraph(o, (SDL_Rect){tx, y, tw, 0}, l->size_title * 8 / 10, TEXT_BOLD, step, OD_WHITE) + l->margin;
    /* The stages as boxes: filled for each touch taken. */
    if (!o->checking && o->stages > 0) {
        int bw = MIN(tw / o->stages - l->margin / 2, l->button_h), bh = l->margin;
        for (int i = 0; i < o->stages; i++) {
            SDL_Rect b = od_mirror(o, (SDL_Rect){tx + i * (bw + l->margin / 2), y, bw, bh});
            icons_fill_rounded(o->renderer, &b, bh / 3, i < o->stage ? OD_GREEN : OD_PANEL);
        }
        y += bh + l->margin;
    }
    if (o->retry_reason) {
        const char *why = strings_translate(o->retry_reason, o->lang);
        g_autofree char *msg = g_strdup_printf("%s %s", od_str(o, STR_OFF_TOUCH_REJECTED), why ? why : o->retry_reason);
        SDL_Rect box = {tx, y, tw, 0};
        int h = text_measure(o->text, o->lang, l->size_small, TEXT_BOLD, msg, tw - l->margin) + l->margin / 2;
        box.h = h;
        SDL_Rect mb = od_mirror(o, box);
        icons_fill_rounded(o->renderer, &mb, l->margin / 2, OD_AMBER);
        paragraph(o, (SDL_Rect){tx + l->margin / 2, y + l->margin / 4, tw - l->margin, 0}, l->size_small, TEXT_BOLD,
                  msg, OD_WHITE);
    }
    SDL_Rect cancel = {body.x, body.y + body.h - od_chip_h(o) * 12 / 10, body.w / 3, od_chip_h(o) * 12 / 10};
    od_button(o, cancel, od_str(o, STR_CANCEL), OD_PANEL, OD_WHITE, OA_CANCEL, 0, "cancel");
}

/* A result: symbol and sentence(s), and OK. */
static void draw_result(OfficerScreen *o, const char *title, gboolean good, const char *headline, const char *detail,
                        OfficerAction ok_action, int ok_arg)
{
    const Layout *l = o->layout;
    officer_draw_top(o, title, TRUE);
    SDL_Rect body = od_body(o);
    int icon = MIN(body.h * 40 / 100, body.w / 5);
    SDL_Rect ib = od_mirror(o, (SDL_Rect){body.x, body.y + l->margin, icon, icon});
    icons_draw(o->renderer, good ? ICON_TICK : ICON_CROSS, &ib, good ? OD_GREEN : OD_RED, OD_WHITE);
    int tx = body.x + icon + 2 * l->margin, tw = body.w - icon - 2 * l->margin, y = body.y + l->margin;
    y += paragraph(o, (SDL_Rect){tx, y, tw, 0}, l->size_title * 8 / 10, TEXT_BOLD, headline, OD_WHITE) + l->margin;
    if (detail)
        paragraph(o, (SDL_Rect){tx, y, tw, 0}, l->size_small, TEXT_REGULAR, detail, OD_DIM);
    SDL_Rect ok = {body.x + body.w - body.w / 3, body.y + body.h - od_chip_h(o) * 12 / 10, body.w / 3,
                   od_chip_h(o) * 12 / 10};
    od_button(o, ok, od_str(o, STR_OK), OD_GREEN, OD_WHITE, ok_action, ok_arg, "ok");
}

static void draw_enroll_result(OfficerScreen *o)
{
    g_autofree char *head = NULL;
    if (o->result == RESULT_OK)
        head = g_strdup_printf(od_str(o, STR_OFF_ENROLLED), o->result_arg ? o->result_arg : "");
    else if (o->result == RESULT_DUPLICATE)
        head = g_strdup_printf(od_str(o, STR_OFF_DUPLICATE), o->result_arg ? o->result_arg : "?");
    else
        head = g_strdup(od_str(o, STR_OFF_NOT_ENROLLED));
    const char *detail = NULL;
    if (o->result == RESULT_FAILED && o->result_text)
        detail = strings_translate(o->result_text, o->lang) ? strings_translate(o->result_text, o->lang)
                                                            : o->result_text;
    draw_result(o, od_str(o, STR_OFF_ENROLL), o->result == RESULT_OK, head, detail, OA_BACK, 0);
    if (o->result == RESULT_OK) { /* the photo next, while the person is still at the desk */
        SDL_Rect body = od_body(o);
        int h = od_chip_h(o) * 12 / 10;
        od_button(o, (SDL_Rect){body.x + body.w - 2 * (body.w / 3) - o->layout->margin, body.y + body.h - h, body.w / 3, h},
                  od_str(o, STR_OFF_PHOTO), OD_ACCENT, OD_WHITE, OA_PHOTO, 0, "photo");
    }
}

/* ---- export ---- */

static void draw_export(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_EXPORT), TRUE);
    SDL_Rect body = od_body(o);
    int y = body.y;
    y += paragraph(o, (SDL_Rect){body.x, y, body.w, 0}, l->size_body, TEXT_BOLD, od_str(o, STR_OFF_EXPORT_TITLE),
                   OD_WHITE) + l->margin;
    SDL_Rect row = {body.x, y, body.w, l->button_h * 8 / 10};
    static const StringId ranges[] = {STR_OFF_RANGE_TODAY, STR_OFF_RANGE_WEEK, STR_OFF_RANGE_MONTH,
                                      STR_OFF_RANGE_LAST_MONTH};
    static const char *const names[] = {"export:today", "export:week", "export:month", "export:last-month"};
    int cols = l->portrait ? 2 : 4; /* a narrow panel: two rows of two */
    for (int i = 0; i < 4; i++) {
        SDL_Rect line = row;
        line.y += (i / cols) * (row.h + l->margin);
        od_button(o, layout_button(l, &line, cols, i % cols), od_str(o, ranges[i]), OD_ACCENT, OD_WHITE, OA_EXPORT, i,
                  names[i]);
    }
    y += (4 / cols) * (row.h + l->margin) + l->margin;
    if (o->result == RESULT_NONE)
        return;
    StringId id = o->result == RESULT_OK ? STR_OFF_EXPORT_DONE : o->result == RESULT_NO_STICK ? STR_OFF_NO_STICK
                : o->result == RESULT_FULL ? STR_OFF_STICK_FULL : o->result == RESULT_READ_ONLY ? STR_OFF_STICK_READ_ONLY
                : STR_OFF_EXPORT_FAILED;
    g_autofree char *msg = o->result == RESULT_OK
                               ? g_strdup_printf(od_str(o, id), (int)o->result_rows, o->result_arg ? o->result_arg : "")
                               : g_strdup(od_str(o, id));
    int icon = l->button_h * 8 / 10;
    SDL_Rect ib = od_mirror(o, (SDL_Rect){body.x, y, icon, icon});
    icons_draw(o->renderer, o->result == RESULT_OK ? ICON_TICK : ICON_WARNING, &ib,
               o->result == RESULT_OK ? OD_GREEN : OD_RED, OD_WHITE);
    paragraph(o, (SDL_Rect){body.x + icon + l->margin, y, body.w - icon - l->margin, 0}, l->size_body, TEXT_BOLD, msg,
              OD_WHITE);
}

/* ---- device (administrators) ---- */

void officer_draw(OfficerScreen *o)
{
    SDL_SetRenderDrawBlendMode(o->renderer, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(o->renderer, OD_BG.r, OD_BG.g, OD_BG.b, 255);
    SDL_RenderClear(o->renderer);
    o->n_buttons = 0;
    switch (o->view) {
    case OV_CLOSED: break;
    case OV_PIN: draw_pin(o); break;
    case OV_FINGER: officer_draw_finger(o); break;
    case OV_MENU: draw_menu(o); break;
    case OV_TODAY: officer_draw_today(o); break;
    case OV_HISTORY: officer_draw_history(o); break;
    case OV_LOG: officer_draw_log(o); break;
    case OV_TYPING: draw_typing(o); break;
    case OV_ENROLL_FORM: draw_enroll_form(o); break;
    case OV_ENROLL_PROGRESS: draw_enroll_progress(o); break;
    case OV_ENROLL_RESULT: draw_enroll_result(o); break;
    case OV_EXPORT: draw_export(o); break;
    case OV_DEVICE: officer_draw_device(o); break;
    case OV_PHOTO: officer_draw_photo(o); break;
    }
}

void officer_screen_draw(OfficerScreen *o)
{
    officer_draw(o);
}
