/* store-checkin — recording check-ins durably, listing them, and the hash-chained audit trail. */
#include "app/store/store-private.h"
#include "app/clock.h"

#include <string.h>

static const char *const result_names[] = {
    [CHECKIN_RECORDED] = "recorded",
    [CHECKIN_DUPLICATE] = "duplicate",
    [CHECKIN_NOT_RECOGNISED] = "not_recognised",
};

const char *store_checkin_result_name(CheckinResult result)
{
    return result_names[result];
}

static CheckinResult result_from_name(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(result_names); i++)
        if (g_strcmp0(result_names[i], name) == 0)
            return (CheckinResult)i;
    return CHECKIN_NOT_RECOGNISED;
}

static gint64 unix_us(GDateTime *t)
{
    return g_date_time_to_unix(t) * G_USEC_PER_SEC + g_date_time_get_microsecond(t);
}

/* Inside the open transaction: the earlier counted check-in of this person inside the window. */
static gboolean find_earlier(Store *s, StoreCheckin *c, GDateTime *now, const char *today,
                             gboolean *found, GError **error)
{
    sqlite3_stmt *st = NULL;
    const char *sql = c->duplicate_window_min == 0
        ? "SELECT wall_time FROM checkins WHERE probationer_id = ?1 AND result = 'recorded' "
          "AND local_date = ?2 ORDER BY id DESC LIMIT 1"
        : "SELECT wall_time FROM checkins WHERE probationer_id = ?1 AND result = 'recorded' "
          "AND wall_utc_us >= ?3 ORDER BY id DESC LIMIT 1";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "look up today's check-ins");
    sqlite3_bind_int64(st, 1, c->probationer_id);
    if (c->duplicate_window_min == 0)
        sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 3, unix_us(now) - (gint64)c->duplicate_window_min * 60 * G_USEC_PER_SEC);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found)
        g_strlcpy(c->earlier_time, (const char *)sqlite3_column_text(st, 0), sizeof c->earlier_time);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : store_fail(s, error, "look up today's check-ins");
}

gboolean store_record_checkin(Store *s, StoreCheckin *c, GError **error)
{
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *wall = store_now_iso(now);
    g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
    g_autofree char *uuid = g_uuid_string_random();
    sqlite3_stmt *st = NULL;

    /* IMMEDIATE takes the write lock first, so the duplicate check and the insert can't interleave
     * with another writer's. */
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "record the check-in");

    c->result = CHECKIN_NOT_RECOGNISED;
    c->earlier_time[0] = '\0';
    if (c->probationer_id) {
        gboolean earlier = FALSE;
        if (!find_earlier(s, c, now, today, &earlier, error))
            goto rollback;
        c->result = earlier ? CHECKIN_DUPLICATE : CHECKIN_RECORDED;
    }

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO checkins (uuid, probationer_id, finger_id, method, result, "
                           "score, wall_time, wall_utc_us, local_date, mono_us, boot_id, device_id) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    if (c->probationer_id)
        sqlite3_bind_int64(st, 2, c->probationer_id);
    if (c->finger_id)
        sqlite3_bind_int64(st, 3, c->finger_id);
    sqlite3_bind_text(st, 4, c->method == CHECKIN_BY_FINGER ? "finger" : "case_number", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, result_names[c->result], -1, SQLITE_STATIC);
    if (c->score >= 0)
        sqlite3_bind_double(st, 6, c->score);
    sqlite3_bind_text(st, 7, wall, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, unix_us(now));
    sqlite3_bind_text(st, 9, today, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, g_get_monotonic_time());
    sqlite3_bind_text(st, 11, s->boot_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, c->device_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        goto fail;
    /* synchronous=FULL in WAL mode: COMMIT returns after the WAL is fsync'd. */
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;

    g_strlcpy(c->uuid, uuid, sizeof c->uuid);
    g_strlcpy(c->wall_time, wall, sizeof c->wall_time);
    c->commit_us = g_get_monotonic_time() - t0;
    return TRUE;

fail:
    store_fail(s, error, "record the check-in");
rollback:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

#define ROW_COLUMNS                                                                                \
    "SELECT c.id, c.uuid, c.wall_time, c.local_date, p.case_number, unseal(p.name_en, 'name_en'), unseal(p.name_ur, 'name_ur'), c.result, "   \
    "c.method, c.score, c.device_id, c.sync_state FROM checkins c "                                   \
    "LEFT JOIN probationers p ON p.id = c.probationer_id "

static void read_row(sqlite3_stmt *st, StoreCheckinRow *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->uuid = store_column_dup(st, 1);
    r->wall_time = store_column_dup(st, 2);
    r->local_date = store_column_dup(st, 3);
    r->case_number = store_column_dup(st, 4);
    r->name_en = store_column_dup(st, 5);
    r->name_ur = store_column_dup(st, 6);
    r->result = result_from_name((const char *)sqlite3_column_text(st, 7));
    r->method = g_strcmp0((const char *)sqlite3_column_text(st, 8), "finger") == 0 ? CHECKIN_BY_FINGER
                                                                                  : CHECKIN_BY_CASE_NUMBER;
    r->score = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 9);
    r->device_id = store_column_dup(st, 10);
    r->sync_state = store_column_dup(st, 11);
}

static void row_clear(StoreCheckinRow *r)
{
    g_free(r->uuid);
    g_free(r->wall_time);
    g_free(r->local_date);
    g_free(r->case_number);
    g_free(r->name_en);
    g_free(r->name_ur);
    g_free(r->device_id);
    g_free(r->sync_state);
}

/* Runs a prepared check-in query into an array of rows. */
static GPtrArray *collect_rows(Store *s, sqlite3_stmt *st, GError **error)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)store_checkin_row_free);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreCheckinRow *r = g_new0(StoreCheckinRow, 1);
        read_row(st, r);
        g_ptr_array_add(rows, r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref(rows);
        return store_fail(s, error, "list check-ins"), NULL;
    }
    return rows;
}

GPtrArray *store_list_checkins(Store *s, const char *date, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, ROW_COLUMNS "WHERE c.local_date = ? ORDER BY c.id", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "list check-ins"), NULL;
    sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    return collect_rows(s, st, error);
}

gboolean store_foreach_checkin(Store *s, const char *from, const char *to, StoreCheckinFunc func,
                               gpointer user_data, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, ROW_COLUMNS "WHERE c.local_date BETWEEN ? AND ? ORDER BY c.id", -1, &st,
                           NULL) != SQLITE_OK)
        return store_fail(s, error, "read check-ins");
    sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
    int rc;
    gboolean ok = TRUE;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreCheckinRow r = {0};
        read_row(st, &r);
        ok = func(&r, user_data, error);
        row_clear(&r);
    }
    sqlite3_finalize(st);
    if (!ok)
        return FALSE;
    return rc == SQLITE_DONE ? TRUE : store_fail(s, error, "read check-ins");
}

GPtrArray *store_query_log(Store *s, const StoreLogQuery *q, GError **error)
{
    /* Only the filters in use go into the statement, so the planner sees plain ranges: the rowid
     * walked downwards for "newest first" and keyset pages, (local_date, id) for dates, and
     * (probationer_id, ...) for a person found by name or case number. */
    g_autoptr(GString) sql = g_string_new(ROW_COLUMNS "WHERE 1");
    if (q->from)
        g_string_append(sql, " AND c.local_date >= ?1");
    if (q->to)
        g_string_append(sql, " AND c.local_date <= ?2");
    if (q->result)
        g_string_append(sql, " AND c.result = ?3");
    if (q->before_id)
        g_string_append(sql, " AND c.id < ?4");
    if (q->text && *q->text)
        g_string_append(sql, " AND c.probationer_id IN (SELECT id FROM probationers WHERE unseal(name_en, 'name_en') LIKE '%' || ?5 || '%'"
                             " OR unseal(name_ur, 'name_ur') LIKE '%' || ?5 || '%' OR case_number LIKE ?5 || '%')");
    g_string_append(sql, " ORDER BY c.id DESC LIMIT ?6");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql->str, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "query the check-in log"), NULL;
    sqlite3_bind_text(st, 1, q->from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, q->to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, q->result, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, q->before_id);
    sqlite3_bind_text(st, 5, q->text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, q->limit > 0 ? q->limit : 50);
    return collect_rows(s, st, error);
}

void store_checkin_row_free(StoreCheckinRow *r)
{
    if (!r)
        return;
    row_clear(r);
    g_free(r);
}

static gint64 count(Store *s, const char *sql, const char *arg, gboolean *ok)
{
    sqlite3_stmt *st = NULL;
    gint64 n = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        *ok = FALSE;
        return 0;
    }
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        *ok = FALSE;
    sqlite3_finalize(st);
    return n;
}

gboolean store_get_summary(Store *s, StoreSummary *out, GError **error)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
    gboolean ok = TRUE;
    *out = (StoreSummary){.schema_version = store_get_schema_version(s)};
    out->probationers_active = count(s, "SELECT count(*) FROM probationers WHERE status = 'active'", NULL, &ok);
    out->fingers = count(s, "SELECT count(*) FROM fingers f JOIN probationers p ON p.id = f.probationer_id "
                            "WHERE p.status = 'active'", NULL, &ok);
    out->checkins_today = count(s, "SELECT count(*) FROM checkins WHERE local_date = ? AND result = 'recorded'", today, &ok);
    out->pending = count(s, "SELECT count(*) FROM checkins WHERE sync_state = 'pending'", NULL, &ok);
    sqlite3_stmt *st = NULL;
    if (ok && sqlite3_prepare_v2(s->db, "SELECT wall_time FROM checkins WHERE sync_state = 'pending' ORDER BY id LIMIT 1",
                                 -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        g_strlcpy(out->oldest_pending, (const char *)sqlite3_column_text(st, 0), sizeof out->oldest_pending);
    sqlite3_finalize(st);
    return ok ? TRUE : store_fail(s, error, "read the database's summary");
}

/* SHA-256 over the previous hash and every field, unit-separated so fields can't run together. */
char *store_audit_hash(const char *prev, const char *at, const char *actor, const char *action,
                        const char *subject, const char *detail)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    const char *parts[] = {prev, at, actor, action, subject ? subject : "", detail ? detail : ""};
    for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
        g_checksum_update(sum, (const guchar *)parts[i], -1);
        g_checksum_update(sum, (const guchar *)"\x1f", 1);
    }
    return g_strdup(g_checksum_get_string(sum));
}

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

gboolean store_audit_append(Store *s, const char *actor, const char *action, const char *subject,
                            const char *detail)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    g_autofree char *prev = NULL;
    g_autofree char *hash = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return FALSE;
    int rc = sqlite3_step(st);
    prev = g_strdup(rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : AUDIT_GENESIS);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return FALSE;
    hash = store_audit_hash(prev, at, actor, action, subject, detail);
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO audit (at, actor, action, subject, detail, prev_hash, hash) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return FALSE;
    const char *values[] = {at, actor, action, subject, detail, prev, hash};
    for (int i = 0; i < 7; i++)
        sqlite3_bind_text(st, i + 1, values[i], -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

gboolean store_audit(Store *s, const char *actor, const char *action, const char *subject,
                     const char *detail, GError **error)
{
    /* Inside the caller's transaction (store_begin) the row goes in with the change it records;
     * otherwise in its own. */
    gboolean own = sqlite3_get_autocommit(s->db);
    if (own && sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "write the audit trail");
    if (!store_audit_append(s, actor, action, subject, detail) ||
        (own && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)) {
        store_fail(s, error, "write the audit trail");
        if (own)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return FALSE;
    }
    return TRUE;
}

gboolean store_verify_audit(Store *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the audit trail");
    g_autofree char *prev = g_strdup(AUDIT_GENESIS);
    int rc;
    gint64 expected_id = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 id = sqlite3_column_int64(st, 0);
        const char *f[7];
        for (int i = 0; i < 7; i++)
            f[i] = (const char *)sqlite3_column_text(st, i + 1);
        g_autofree char *hash = store_audit_hash(prev, f[0], f[1], f[2], f[3], f[4]);
        const char *problem = NULL;
        if (id != expected_id + 1)
            problem = "a row before it was deleted";
        else if (g_strcmp0(f[5], prev) != 0)
            problem = "it does not follow the row before it";
        else if (g_strcmp0(f[6], hash) != 0)
            problem = "its contents were changed";
        if (problem) {
            g_set_error(error, STORE_ERROR, STORE_ERROR_CORRUPT,
                        "the audit trail is broken at row %" G_GINT64_FORMAT ": %s", id, problem);
            sqlite3_finalize(st);
            return FALSE;
        }
        g_free(prev);
        prev = g_strdup(f[6]);
        expected_id = id;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TRUE : store_fail(s, error, "read the audit trail");
}
