/* store-screen — what the check-in screen reads (message, photo, next reporting date, the unsent
 * count) and what its questionnaire writes (answers stored with the check-in). Schema version 5. */
#include "app/roster.h"
#include "app/clock.h"
#include "app/store/store-private.h"

/* Runs one statement with up to two parameters bound by the caller's function; TRUE when done. */
static gboolean exec_one(Store *s, const char *sql, const char *doing, GError **error,
                         void (*bind)(sqlite3_stmt *st, gconstpointer data), gconstpointer data)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, doing);
    bind(st, data);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TRUE : store_fail(s, error, doing);
}

typedef struct {
    gint64 id;
    const char *text;
    GBytes *blob;
} Args;

static void bind_args(sqlite3_stmt *st, gconstpointer data)
{
    const Args *a = data;
    sqlite3_bind_int64(st, 1, a->id);
    if (a->text)
        sqlite3_bind_text(st, 2, a->text, -1, SQLITE_TRANSIENT);
    if (a->blob) {
        gsize n;
        const void *p = g_bytes_get_data(a->blob, &n);
        sqlite3_bind_blob(st, 2, p, (int)n, SQLITE_TRANSIENT);
    }
    if (sqlite3_bind_parameter_count(st) >= 3) {
        g_autoptr(GDateTime) now = clock_now();
        g_autofree char *at = store_now_iso(now);
        sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
    }
}

/* The first column of the row for `id` (?1): text (as a string) or a blob (as bytes). ?2, where the
 * statement has it, is the office's date today (app/clock.h), never SQLite's own clock. */
static gboolean read_one(Store *s, const char *sql, gint64 id, char **text, GBytes **blob,
                         const char *doing, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, doing);
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_bind_parameter_count(st) >= 2) {
        g_autofree char *today = clock_today();
        sqlite3_bind_text(st, 2, today, -1, SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        if (text)
            *text = g_strdup((const char *)sqlite3_column_text(st, 0));
        if (blob)
            *blob = g_bytes_new(sqlite3_column_blob(st, 0), (gsize)sqlite3_column_bytes(st, 0));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : store_fail(s, error, doing);
}

gboolean store_set_message(Store *s, gint64 probationer_id, const char *text, GError **error)
{
    Args a = {.id = probationer_id, .text = text};
    if (!text)
        return exec_one(s, "DELETE FROM messages WHERE remote_id = 'local:' || ?1", "remove the message",
                        error, bind_args, &a);
    /* Messages from the central roster share the table; the officer's own is 'local:<id>'. */
    return exec_one(s, "INSERT OR REPLACE INTO messages (remote_id, probationer_id, text_en) "
                       "VALUES ('local:' || ?1, ?1, seal(?2, 'message_en'))", /* sealed: migration 10 */
                    "save the message", error, bind_args, &a);
}

char *store_get_message(Store *s, gint64 probationer_id, GError **error)
{
    char *text = NULL;
    /* The person's own message first; else one the centre sent for everyone at this office. The
     * centre may send it in both languages: both, one a line (the screen puts them in its order). */
    read_one(s, "SELECT CASE WHEN en IS NOT NULL AND ur IS NOT NULL AND en != ur THEN en || char(10) || ur "
                "ELSE coalesce(en, ur) END FROM (SELECT unseal(text_en, 'message_en') AS en, "
                "unseal(text_ur, 'message_ur') AS ur FROM messages WHERE (probationer_id = ?1 OR probationer_id IS NULL) "
                "AND (valid_until IS NULL OR valid_until >= ?2) "
                "ORDER BY probationer_id IS NULL, id DESC LIMIT 1)",
             probationer_id, &text, NULL, "read the message", error);
    return text;
}

gboolean store_set_next_report(Store *s, gint64 probationer_id, const char *date, GError **error)
{
    Args a = {.id = probationer_id, .text = date};
    return exec_one(s, "UPDATE probationers SET next_report_date = ?2 WHERE id = ?1",
                    "save the next reporting date", error, bind_args, &a);
}

char *store_get_next_report(Store *s, gint64 probationer_id, GError **error)
{
    /* A date the officer set wins while it is still ahead; otherwise the reporting schedule's. */
    char *date = NULL;
    read_one(s, "SELECT next_report_date FROM probationers WHERE id = ?1 AND next_report_date > ?2",
             probationer_id, &date, NULL, "read the next reporting date", error);
    if (date)
        return date;
    GDate tomorrow, due;
    g_autoptr(GDateTime) now = clock_now();
    g_date_set_dmy(&tomorrow, (GDateDay)g_date_time_get_day_of_month(now), (GDateMonth)g_date_time_get_month(now),
                   (GDateYear)g_date_time_get_year(now));
    g_date_add_days(&tomorrow, 1);
    return roster_next_due(s, probationer_id, &tomorrow, &due) ? schedule_format_date(&due) : NULL;
}

gboolean store_set_photo(Store *s, gint64 probationer_id, GBytes *png, GError **error)
{
    Args a = {.id = probationer_id, .blob = png};
    if (!png)
        return exec_one(s, "DELETE FROM photos WHERE probationer_id = ?1", "remove the photo", error,
                        bind_args, &a);
    /* Sealed like names and templates (app/seal.h, migration 9). */
    return exec_one(s, "INSERT OR REPLACE INTO photos (probationer_id, png) VALUES (?1, seal(?2, 'photo'))",
                    "save the photo", error, bind_args, &a);
}

GBytes *store_get_photo(Store *s, gint64 probationer_id, GError **error)
{
    GBytes *png = NULL;
    read_one(s, "SELECT unseal(png, 'photo') FROM photos WHERE probationer_id = ?", probationer_id, NULL, &png,
             "read the photo", error);
    return png;
}

gboolean store_save_answer(Store *s, const char *checkin_uuid, const char *question_id, gboolean yes,
                           GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           /* A new answer (or a changed one) takes a sequence after every answer
                            * and after what the centre acknowledged, so it goes up (store-answers.h). */
                           "INSERT OR REPLACE INTO checkin_answers (rowid, checkin_uuid, question_id, answer, "
                           "answered_at) VALUES (max(coalesce((SELECT max(rowid) FROM checkin_answers), 0), "
                           "coalesce((SELECT CAST(value AS INTEGER) FROM sync_meta WHERE key = 'answers_sent_seq'), 0)) + 1, "
                           "?, ?, seal(?, 'answer'), ?)", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "save the answer");
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    sqlite3_bind_text(st, 1, checkin_uuid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, question_id, -1, SQLITE_TRANSIENT);
    /* Sealed (migration 10), 'no' padded to the length of 'yes' so the two seal to the same size. */
    sqlite3_bind_text(st, 3, yes ? "yes" : "no ", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    /* The foreign key refuses an answer for a check-in that does not exist. */
    return rc == SQLITE_DONE ? TRUE : store_fail(s, error, "save the answer");
}

gint64 store_count_unsent(Store *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    gint64 n = -1;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM checkins WHERE sync_state = 'pending'", -1, &st,
                           NULL) != SQLITE_OK) {
        store_fail(s, error, "count the unsent check-ins");
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        store_fail(s, error, "count the unsent check-ins");
    sqlite3_finalize(st);
    return n;
}
