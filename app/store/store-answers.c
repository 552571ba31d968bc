/* store-answers — the questionnaire's answers up to the centre and into the officer's views. See
 * store-answers.h. The table is checkin_answers (schema version 5, app/store/store-schema.c). */
#include "app/store/store-answers.h"
#include "app/store/store-private.h"
#include "app/store/store-sync.h"

#include <string.h>

gboolean store_answer_needs_attention(const char *question_id, const char *answer)
{
    /* Being arrested while on probation is what the officer must hear of the same day; the other
     * questions (address, phone, job changed) are shown but wait for the next visit. */
    return g_strcmp0(question_id, "arrested") == 0 && g_strcmp0(answer, "yes") == 0;
}

static gint64 sent_seq(Store *s)
{
    g_autofree char *v = store_get_meta(s, "answers_sent_seq");
    return v ? g_ascii_strtoll(v, NULL, 10) : 0;
}

static char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? g_strdup((const char *)t) : NULL;
}

GPtrArray *store_answers_unsent(Store *s, guint limit, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT rowid, checkin_uuid, question_id, rtrim(unseal(answer, 'answer')), answered_at "
                                  "FROM checkin_answers "
                                  "WHERE rowid > ? ORDER BY rowid LIMIT ?", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the answers"), NULL;
    sqlite3_bind_int64(st, 1, sent_seq(s));
    sqlite3_bind_int64(st, 2, limit);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)store_answer_free);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreAnswer *a = g_new0(StoreAnswer, 1);
        a->seq = sqlite3_column_int64(st, 0);
        a->checkin_uuid = col(st, 1);
        a->question_id = col(st, 2);
        a->answer = col(st, 3);
        a->answered_at = col(st, 4);
        g_ptr_array_add(out, a);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref(out);
        return store_fail(s, error, "read the answers"), NULL;
    }
    return out;
}

void store_answer_free(StoreAnswer *a)
{
    if (!a)
        return;
    g_free(a->checkin_uuid);
    g_free(a->question_id);
    g_free(a->answer);
    g_free(a->answered_at);
    g_free(a);
}

gboolean store_answers_mark_sent(Store *s, gint64 last_seq, GError **error)
{
    g_autofree char *v = g_strdup_printf("%" G_GINT64_FORMAT, last_seq);
    return store_set_meta(s, error, "answers_sent_seq", v, NULL);
}

static gint64 count(Store *s, const char *sql, const char *text, gint64 number)
{
    sqlite3_stmt *st = NULL;
    gint64 n = -1;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (text)
            sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(st, 1, number);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

gint64 store_answers_count_unsent(Store *s)
{
    return count(s, "SELECT count(*) FROM checkin_answers WHERE rowid > ?1", NULL, sent_seq(s));
}

gint64 store_answers_count_attention(Store *s, const char *date)
{
    /* The rule lives in C (store_answer_needs_attention); SQL only narrows to the day's "yes". */
    sqlite3_stmt *st = NULL;
    gint64 n = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT question_id, answer FROM (SELECT a.question_id, rtrim(unseal(a.answer, "
                                  "'answer')) AS answer FROM checkin_answers a JOIN checkins c ON c.uuid = a.checkin_uuid "
                                  "WHERE c.local_date = ?) WHERE answer = 'yes'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (store_answer_needs_attention((const char *)sqlite3_column_text(st, 0),
                                         (const char *)sqlite3_column_text(st, 1)))
            n++;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? n : -1;
}

char *store_answers_yes(Store *s, const char *checkin_uuid, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT question_id FROM checkin_answers WHERE checkin_uuid = ? "
                                  "AND rtrim(unseal(answer, 'answer')) = 'yes' ORDER BY rowid", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the answers"), NULL;
    sqlite3_bind_text(st, 1, checkin_uuid, -1, SQLITE_TRANSIENT);
    g_autoptr(GString) out = g_string_new(NULL);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        g_string_append_printf(out, "%s%s", out->len ? "," : "", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, error, "read the answers"), NULL;
    return g_string_free(g_steal_pointer(&out), FALSE);
}
