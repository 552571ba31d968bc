/* officer-lists — the officer's lists: Today (counts and the roster), one person's history, and the
 * Log with its filters and pages. Columns run from the reading side of the officer's language. */
#include "ui/officer-private.h"
#include "app/store/store-answers.h"
#include "app/clock.h"

#include <string.h>

#include "ui/icons.h"

static SDL_Color status_colour(RosterStatus s)
{
    switch (s) {
    case ROSTER_PRESENT: return OD_GREEN;
    case ROSTER_LATE: return OD_AMBER;
    case ROSTER_MISSING: return OD_RED;
    default: return OD_PANEL;
    }
}

static StringId status_word(RosterStatus s)
{
    switch (s) {
    case ROSTER_PRESENT: return STR_OFF_PRESENT;
    case ROSTER_LATE: return STR_OFF_LATE;
    case ROSTER_MISSING: return STR_OFF_MISSING;
    case ROSTER_EXPECTED: return STR_OFF_EXPECTED;
    default: return STR_OFF_NOT_DUE;
    }
}

static StringId result_word(CheckinResult r)
{
    return r == CHECKIN_RECORDED ? STR_OFF_RES_RECORDED : r == CHECKIN_DUPLICATE ? STR_OFF_RES_DUPLICATE
                                                                              : STR_OFF_RES_NOT_RECOGNISED;
}

static SDL_Color result_colour(CheckinResult r)
{
    return r == CHECKIN_RECORDED ? OD_GREEN : r == CHECKIN_DUPLICATE ? OD_ACCENT : OD_RED;
}

/* "2026-11-23T09:41:07+05:00" → "23-11 09:41" (with_date) or "09:41". */
static char *when(const char *iso, gboolean with_date)
{
    if (!iso || strlen(iso) < 16)
        return g_strdup("");
    return with_date ? g_strdup_printf("%.2s-%.2s %.5s", iso + 8, iso + 5, iso + 11) : g_strndup(iso + 11, 5);
}

/* One list row: a coloured word (never colour alone), then columns of text; `widths` in percent. */
static void row(OfficerScreen *o, int y, SDL_Color pill, const char *word, const char *const *cols,
                const int *widths, int n, gboolean stripe)
{
    const Layout *l = o->layout;
    SDL_Rect body = od_body(o);
    int rh = od_row_h(o);
    if (stripe) {
        SDL_Rect bg = {body.x, y, body.w, rh};
        SDL_SetRenderDrawColor(o->renderer, 255, 255, 255, 14);
        SDL_RenderFillRect(o->renderer, &bg);
    }
    int pw = body.w * 20 / 100, gap = l->margin / 2;
    SDL_Rect p = od_mirror(o, (SDL_Rect){body.x + gap / 2, y + rh / 10, pw - gap, rh - rh / 5});
    icons_fill_rounded(o->renderer, &p, p.h / 3, pill);
    od_label(o, p, o->lang, l->size_small * 9 / 10, TEXT_BOLD, word, OD_WHITE, TEXT_CENTER);
    int x = body.x + pw + gap;
    for (int i = 0; i < n; i++) {
        int w = (body.w - pw - gap) * widths[i] / 100;
        /* Case numbers and times are Latin whatever the language (od_label draws them so). */
        od_label(o, od_mirror(o, (SDL_Rect){x, y, w - gap, rh}), o->lang, l->size_small, TEXT_REGULAR, cols[i],
                 OD_WHITE, TEXT_START);
        x += w;
    }
}

static void pager(OfficerScreen *o, gboolean up, gboolean down, const char *middle, StringId up_label,
                  StringId down_label)
{
    const Layout *l = o->layout;
    SDL_Rect body = od_body(o);
    int ch = od_chip_h(o), bw = body.w * 28 / 100;
    int y = body.y + body.h - ch;
    od_button(o, (SDL_Rect){body.x, y, bw, ch}, od_str(o, up_label), up ? OD_ACCENT : OD_PANEL, up ? OD_WHITE : OD_DIM,
              OA_NEWER, 0, "newer");
    od_button(o, (SDL_Rect){body.x + body.w - bw, y, bw, ch}, od_str(o, down_label), down ? OD_ACCENT : OD_PANEL,
              down ? OD_WHITE : OD_DIM, OA_OLDER, 0, "older");
    if (middle)
        od_label(o, (SDL_Rect){body.x + bw, y, body.w - 2 * bw, ch}, o->lang, l->size_small, TEXT_REGULAR, middle,
                 OD_DIM, TEXT_CENTER);
}

/* ---- Today ---- */

void officer_draw_today(OfficerScreen *o)
{
    const Layout *l = o->layout;
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *date = g_date_time_format(now, "%d-%m-%Y");
    g_autofree char *title = g_strdup_printf("%s  %s", od_str(o, STR_OFF_TODAY), date);
    officer_draw_top(o, title, TRUE);
    SDL_Rect body = od_body(o);
    /* The counts: the four an officer asks first. */
    struct { StringId label; int n; SDL_Color c; } counts[] = {
        {STR_OFF_DUE, o->counts.due, OD_PANEL}, {STR_OFF_PRESENT, o->counts.present, OD_GREEN},
        {STR_OFF_LATE, o->counts.late, OD_AMBER}, {STR_OFF_MISSING, o->counts.missing, OD_RED},
    };
    /* As tall as the Log's two rows of filters: both lists page by officer_rows_per_page(). */
    int gap = l->margin / 2, ch = 2 * od_chip_h(o) + gap;
    SDL_Rect crow = {body.x, body.y, body.w, ch};
    for (int i = 0; i < 4; i++) {
        SDL_Rect b = od_mirror(o, layout_button(l, &crow, 4, i));
        icons_fill_rounded(o->renderer, &b, l->margin / 2, counts[i].c);
        g_autofree char *num = g_strdup_printf("%d", counts[i].n);
        od_label(o, (SDL_Rect){b.x, b.y, b.w, b.h * 55 / 100}, LANG_EN, l->size_title, TEXT_BOLD, num, OD_WHITE,
                 TEXT_CENTER);
        od_label(o, (SDL_Rect){b.x, b.y + b.h * 55 / 100, b.w, b.h * 40 / 100}, o->lang, l->size_small, TEXT_BOLD,
                 od_str(o, counts[i].label), OD_WHITE, TEXT_CENTER);
    }
    int y = body.y + ch + gap, rh = od_row_h(o);
    if (!o->roster || o->roster->len == 0) {
        od_label(o, od_mirror(o, (SDL_Rect){body.x, y, body.w, rh}), o->lang, l->size_body, TEXT_REGULAR,
                 od_str(o, STR_OFF_NOBODY_TODAY), OD_DIM, TEXT_START);
        return;
    }
    int per = officer_rows_per_page(o);
    static const int widths[] = {30, 50, 20};
    for (int i = o->first_row; i < (int)o->roster->len && i < o->first_row + per; i++, y += rh) {
        RosterRow *r = o->roster->pdata[i];
        g_autofree char *at = when(r->checked_in_at, FALSE);
        const char *cols[] = {r->case_number, od_name(o, r->name_en, r->name_ur), at};
        row(o, y, status_colour(r->status), od_str(o, status_word(r->status)), cols, widths, 3, i % 2);
        /* The whole row opens the person's history. */
        if (o->n_buttons < OFFICER_MAX_BUTTONS) {
            OfficerButton *b = &o->buttons[o->n_buttons++];
            *b = (OfficerButton){.rect = {body.x, y, body.w, rh}, .action = OA_ROW, .arg = i};
            g_snprintf(b->name, sizeof b->name, "row:%d", i);
        }
    }
    gboolean up = o->first_row > 0, down = o->first_row + per < (int)o->roster->len;
    if (up || down)
        pager(o, up, down, NULL, STR_OFF_PAGE_UP, STR_OFF_PAGE_DOWN);
}

/* ---- one person's history ---- */

/* A "yes" to the questionnaire, as a pill at the row's end: red when an officer must act (arrested),
 * amber for the other changes. */
static void answers_mark(OfficerScreen *o, int y, const char *yes)
{
    const Layout *l = o->layout;
    SDL_Rect body = od_body(o);
    int rh = od_row_h(o), gap = l->margin / 2, pw = body.w * 20 / 100;
    int w = (body.w - pw - gap) * 28 / 100;
    g_auto(GStrv) ids = g_strsplit(yes, ",", -1);
    gboolean attention = FALSE;
    g_autoptr(GString) text = g_string_new(NULL);
    for (guint i = 0; ids[i]; i++) {
        attention |= store_answer_needs_attention(ids[i], "yes");
        g_string_append_printf(text, "%s%s", i ? (o->lang == LANG_UR ? "، " : ", ") : "",
                               strings_question_yes(ids[i], o->lang));
    }
    SDL_Rect p = od_mirror(o, (SDL_Rect){body.x + body.w - w, y + rh / 10, w - gap / 2, rh - rh / 5});
    icons_fill_rounded(o->renderer, &p, p.h / 3, attention ? OD_RED : OD_AMBER);
    g_autofree char *label = g_strdup_printf("! %s", text->str);
    od_label(o, p, o->lang, l->size_small * 8 / 10, TEXT_BOLD, label, attention ? OD_WHITE : OD_BG, TEXT_CENTER);
}

void officer_draw_history(OfficerScreen *o)
{
    const Layout *l = o->layout;
    g_autofree char *title = g_strdup_printf(od_str(o, STR_OFF_HISTORY), o->person.case_number ? o->person.case_number
                                                                                              : "");
    officer_draw_top(o, title, TRUE);
    SDL_Rect body = od_body(o);
    int rh = od_row_h(o), y = body.y;
    int name_h = rh;
    if (o->person_photo) {
        /* The photo at the line's far end, two rows tall: the officer sees at a glance who it is. */
        name_h = rh * 2;
        int ph = name_h - l->margin / 4, pw = ph * 4 / 5;
        SDL_Rect box = od_mirror(o, (SDL_Rect){body.x + body.w - pw, y, pw, ph});
        SDL_Texture *tex = SDL_CreateTextureFromSurface(o->renderer, o->person_photo);
        double k = MIN((double)box.w / o->person_photo->w, (double)box.h / o->person_photo->h);
        SDL_Rect dst = {box.x + (box.w - (int)(o->person_photo->w * k)) / 2, box.y,
                        (int)(o->person_photo->w * k), (int)(o->person_photo->h * k)};
        if (tex)
            SDL_RenderCopy(o->renderer, tex, NULL, &dst);
        SDL_DestroyTexture(tex);
    }
    od_label(o, od_mirror(o, (SDL_Rect){body.x, y, body.w, rh}), o->lang, l->size_body, TEXT_BOLD,
             od_name(o, o->person.name_en, o->person.name_ur), OD_WHITE, TEXT_START);
    y += name_h + l->margin / 2;
    if (!o->person.active)
        od_label(o, od_mirror(o, (SDL_Rect){body.x, y - l->margin / 2, body.w, rh * 7 / 10}), o->lang, l->size_small,
                 TEXT_REGULAR, od_str(o, STR_OFF_INACTIVE), (SDL_Color){0xff, 0xb4, 0xb4, 255}, TEXT_START);
    if (!o->history || o->history->len == 0) {
        od_label(o, od_mirror(o, (SDL_Rect){body.x, y, body.w, rh}), o->lang, l->size_body, TEXT_REGULAR,
                 od_str(o, STR_OFF_NO_CHECKINS), OD_DIM, TEXT_START);
        return;
    }
    /* The last 28% of a row: the questionnaire's "yes" answers given with that check-in. */
    static const int widths[] = {34, 22, 16};
    for (guint i = 0; i < o->history->len && y + rh <= body.y + body.h; i++, y += rh) {
        StoreCheckinRow *r = o->history->pdata[i];
        g_autofree char *at = when(r->wall_time, TRUE);
        const char *cols[] = {at, od_str(o, r->method == CHECKIN_BY_FINGER ? STR_OFF_BY_FINGER : STR_OFF_CASE_NUMBER),
                              r->device_id};
        row(o, y, result_colour(r->result), od_str(o, result_word(r->result)), cols, widths, 3, i % 2);
        const char *yes = o->history_yes ? g_hash_table_lookup(o->history_yes, r->uuid) : NULL;
        if (yes)
            answers_mark(o, y, yes);
    }
}

/* ---- the Log ---- */

void officer_draw_log(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_LOG), TRUE);
    SDL_Rect body = od_body(o);
    int ch = od_chip_h(o), gap = l->margin / 2, y = body.y;
    /* Filters: result, then range and search. Chosen ones are filled and marked. */
    static const StringId results[] = {STR_OFF_ALL_RESULTS, STR_OFF_RES_RECORDED, STR_OFF_RES_DUPLICATE,
                                       STR_OFF_RES_NOT_RECOGNISED};
    static const char *const result_names[] = {"result:all", "result:recorded", "result:duplicate",
                                               "result:not-recognised"};
    SDL_Rect r1 = {body.x, y, body.w, ch};
    for (int i = 0; i < 4; i++)
        od_button(o, layout_button(l, &r1, 4, i), od_str(o, results[i]), o->result_filter == i ? OD_ACCENT : OD_PANEL,
                  OD_WHITE, OA_RESULT, i, result_names[i]);
    y += ch + gap;
    static const StringId ranges[] = {STR_OFF_RANGE_TODAY, STR_OFF_RANGE_WEEK, STR_OFF_RANGE_ALL};
    static const char *const range_names[] = {"range:today", "range:week", "range:all"};
    SDL_Rect r2 = {body.x, y, body.w, ch};
    for (int i = 0; i < 3; i++)
        od_button(o, layout_button(l, &r2, 4, i), od_str(o, ranges[i]), o->range_filter == i ? OD_ACCENT : OD_PANEL,
                  OD_WHITE, OA_RANGE, i, range_names[i]);
    g_autofree char *search = o->search[0] ? g_strdup_printf("%s: %s", od_str(o, STR_OFF_SEARCH), o->search)
                                           : g_strdup(od_str(o, STR_OFF_SEARCH));
    od_button(o, layout_button(l, &r2, 4, 3), search, o->search[0] ? OD_ACCENT : OD_WHITE,
              o->search[0] ? OD_WHITE : OD_BG, OA_FIELD, FIELD_SEARCH, "search");
    y += ch + gap;
    int rh = od_row_h(o);
    if (!o->log || o->log->len == 0) {
        od_label(o, od_mirror(o, (SDL_Rect){body.x, y, body.w, rh}), o->lang, l->size_body, TEXT_REGULAR,
                 od_str(o, STR_OFF_NO_CHECKINS), OD_DIM, TEXT_START);
    } else {
        static const int widths[] = {22, 26, 52};
        for (guint i = 0; i < o->log->len; i++, y += rh) {
            StoreCheckinRow *r = o->log->pdata[i];
            g_autofree char *at = when(r->wall_time, TRUE);
            const char *cols[] = {at, r->case_number ? r->case_number : "—", od_name(o, r->name_en, r->name_ur)};
            row(o, y, result_colour(r->result), od_str(o, result_word(r->result)), cols, widths, 3, i % 2);
        }
    }
    g_autofree char *page = g_strdup_printf(od_str(o, STR_OFF_PAGE), (int)o->pages->len);
    pager(o, o->pages->len > 1, o->more, page, STR_OFF_NEWER, STR_OFF_OLDER);
}
