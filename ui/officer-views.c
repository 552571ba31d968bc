/* officer-views — what Today, a person's history and the Log show, and Export's result. Everything is
 * read through the same app/ functions haazri-ctl uses; the export is the officer session's. */
#include "ui/officer-private.h"
#include "app/clock.h"

#include <string.h>

#include "app/store/store-answers.h"
#include "ui/image.h"

int officer_rows_per_page(OfficerScreen *o)
{
    /* Below two rows of filters (or the counts), above the page buttons. */
    SDL_Rect body = od_body(o);
    int gap = o->layout->margin / 2, ch = od_chip_h(o);
    return MAX(3, (body.h - 3 * (ch + gap)) / od_row_h(o));
}

static char *date_back(int days)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autoptr(GDateTime) then = g_date_time_add_days(now, -days);
    return g_date_time_format(then, "%Y-%m-%d");
}

void officer_views_clear(OfficerScreen *o)
{
    g_clear_pointer(&o->roster, g_ptr_array_unref);
    g_clear_pointer(&o->history, g_ptr_array_unref);
    g_clear_pointer(&o->history_yes, g_hash_table_unref);
    g_clear_pointer(&o->person_photo, SDL_FreeSurface);
    g_clear_pointer(&o->log, g_ptr_array_unref);
    store_probationer_clear(&o->person);
    g_array_set_size(o->pages, 0);
    o->more = FALSE;
}

/* ---- Today ---- */

void officer_load_today(OfficerScreen *o)
{
    g_clear_pointer(&o->roster, g_ptr_array_unref);
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
    g_autoptr(GError) error = NULL;
    o->roster = roster_for_day(o->parts.store, today, now, &o->counts, &error);
    if (!o->roster) {
        g_warning("officer mode: today's roster: %s", error->message);
        memset(&o->counts, 0, sizeof o->counts);
    }
    o->first_row = 0;
}

void officer_load_history(OfficerScreen *o, gint64 probationer_id)
{
    store_probationer_clear(&o->person);
    g_clear_pointer(&o->history, g_ptr_array_unref);
    g_clear_pointer(&o->history_yes, g_hash_table_unref);
    g_clear_pointer(&o->person_photo, SDL_FreeSurface);
    g_autoptr(GError) error = NULL;
    if (!store_get_probationer(o->parts.store, probationer_id, &o->person, &error)) {
        g_warning("officer mode: %s", error->message);
        return;
    }
    g_autoptr(GBytes) photo = store_get_photo(o->parts.store, probationer_id, NULL);
    if (photo && !(o->person_photo = image_load_photo_bytes(photo, &error))) {
        g_message("officer mode: photo not shown: %s", error->message);
        g_clear_error(&error);
    }
    /* The log's search matches a case number's beginning: keep this person's own rows only. */
    StoreLogQuery q = {.text = o->person.case_number, .limit = 200};
    g_autoptr(GPtrArray) rows = store_query_log(o->parts.store, &q, &error);
    o->history = g_ptr_array_new_with_free_func((GDestroyNotify)store_checkin_row_free);
    for (guint i = 0; rows && i < rows->len && o->history->len < 50; i++) {
        StoreCheckinRow *r = rows->pdata[i];
        if (g_strcmp0(r->case_number, o->person.case_number) == 0)
            g_ptr_array_add(o->history, g_steal_pointer(&rows->pdata[i]));
    }
    if (!rows)
        g_warning("officer mode: %s", error->message);
    /* The questionnaire's "yes" answers, marked on their check-in's row. */
    o->history_yes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    for (guint i = 0; i < o->history->len; i++) {
        StoreCheckinRow *r = o->history->pdata[i];
        char *yes = store_answers_yes(o->parts.store, r->uuid, NULL);
        if (yes && *yes)
            g_hash_table_insert(o->history_yes, r->uuid, yes);
        else
            g_free(yes);
    }
}

/* ---- Log: keyset pages, newest first ---- */

void officer_load_log(OfficerScreen *o, gint64 before_id)
{
    static const char *const results[] = {NULL, "recorded", "duplicate", "not_recognised"};
    if (before_id == 0)
        g_array_set_size(o->pages, 0);
    g_autofree char *from = o->range_filter == 0 ? date_back(0) : o->range_filter == 1 ? date_back(6) : NULL;
    int per = officer_rows_per_page(o);
    StoreLogQuery q = {.from = from, .result = results[CLAMP(o->result_filter, 0, 3)],
                       .text = o->search[0] ? o->search : NULL, .before_id = before_id, .limit = per + 1};
    g_autoptr(GError) error = NULL;
    GPtrArray *rows = store_query_log(o->parts.store, &q, &error);
    if (!rows) {
        g_warning("officer mode: the log: %s", error->message);
        return;
    }
    o->more = rows->len > (guint)per;
    if (o->more)
        g_ptr_array_set_size(rows, per);
    g_clear_pointer(&o->log, g_ptr_array_unref);
    o->log = rows;
    g_array_append_val(o->pages, before_id);
    officer_redraw(o);
}

void officer_log_older(OfficerScreen *o)
{
    if (!o->more || !o->log || o->log->len == 0)
        return;
    officer_load_log(o, ((StoreCheckinRow *)o->log->pdata[o->log->len - 1])->id);
}

void officer_log_newer(OfficerScreen *o)
{
    if (o->pages->len < 2)
        return;
    gint64 before = g_array_index(o->pages, gint64, o->pages->len - 2);
    g_array_set_size(o->pages, o->pages->len - 2);
    officer_load_log(o, before);
}

/* ---- Export (the session writes it and audits it) ---- */

char *officer_stick_folder(OfficerScreen *o)
{
    return officer_session_stick_folder(o->session);
}

void officer_export(OfficerScreen *o, int range)
{
    OfficerReport r = {0};
    officer_session_export(o->session, range, &r);
    officer_show_report(o, &r);
    if (r.outcome == OFFICER_OUTCOME_OK)
        o->result_rows = r.rows;
    officer_report_clear(&r);
    officer_redraw(o);
}
