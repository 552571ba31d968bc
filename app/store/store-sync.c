/* store-sync — outbox, quarantine and sync bookkeeping. See store-sync.h. */
#include "app/store/store-sync.h"

#include <stdarg.h>

#include "app/store/store-private.h"

GPtrArray *store_outbox_next(Store *s, gint64 after_id, guint limit, GError **error)
{
    /* Walks the partial index checkins_unsent (pending rows only, in rowid order): a backlog of a
     * million sent rows costs nothing here. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT c.id, c.uuid, p.case_number, f.finger, c.method, c.result, c.score, "
                           "c.wall_time, c.wall_utc_us, c.local_date, c.mono_us, c.boot_id, c.device_id "
                           "FROM checkins c INDEXED BY checkins_unsent "
                           "LEFT JOIN probationers p ON p.id = c.probationer_id "
                           "LEFT JOIN fingers f ON f.id = c.finger_id "
                           "WHERE c.sync_state = 'pending' AND c.id > ? ORDER BY c.id LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the outbox"), NULL;
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, limit);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)store_outbox_event_free);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreOutboxEvent *e = g_new0(StoreOutboxEvent, 1);
        e->id = sqlite3_column_int64(st, 0);
        e->uuid = store_column_dup(st, 1);
        e->case_number = store_column_dup(st, 2);
        e->finger = store_column_dup(st, 3);
        e->method = store_column_dup(st, 4);
        e->result = store_column_dup(st, 5);
        e->score = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 6);
        e->wall_time = store_column_dup(st, 7);
        e->wall_utc_us = sqlite3_column_int64(st, 8);
        e->local_date = store_column_dup(st, 9);
        e->mono_us = sqlite3_column_int64(st, 10);
        e->boot_id = store_column_dup(st, 11);
        e->device_id = store_column_dup(st, 12);
        g_ptr_array_add(out, e);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref(out);
        return store_fail(s, error, "read the outbox"), NULL;
    }
    return out;
}

void store_outbox_event_free(StoreOutboxEvent *e)
{
    if (!e)
        return;
    g_free(e->uuid);
    g_free(e->case_number);
    g_free(e->finger);
    g_free(e->method);
    g_free(e->result);
    g_free(e->wall_time);
    g_free(e->local_date);
    g_free(e->boot_id);
    g_free(e->device_id);
    g_free(e);
}

gboolean store_outbox_mark_sent(Store *s, const char *const *uuids, guint n, GError **error)
{
    if (n == 0)
        return TRUE;
    sqlite3_stmt *st = NULL;
    /* One transaction, one fsync, however many rows the server acknowledged. */
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "mark check-ins as sent");
    if (sqlite3_prepare_v2(s->db, "UPDATE checkins SET sync_state = 'sent', sync_error = NULL "
                                  "WHERE uuid = ? AND sync_state <> 'sent'",
                           -1, &st, NULL) != SQLITE_OK)
        goto fail;
    for (guint i = 0; i < n; i++) {
        sqlite3_bind_text(st, 1, uuids[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto fail;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    return TRUE;
fail:
    store_fail(s, error, "mark check-ins as sent");
    sqlite3_finalize(st);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

static gboolean run(Store *s, const char *sql, const char *a, const char *b, const char *doing,
                    GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, doing);
    if (a)
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TRUE : store_fail(s, error, doing);
}

gboolean store_outbox_quarantine(Store *s, const char *uuid, const char *reason, GError **error)
{
    return run(s, "UPDATE checkins SET sync_state = 'quarantined', sync_error = ?2 "
                  "WHERE uuid = ?1 AND sync_state = 'pending'",
               uuid, reason, "quarantine the check-in", error);
}

gboolean store_outbox_requeue(Store *s, gint64 *count, GError **error)
{
    if (!run(s, "UPDATE checkins SET sync_state = 'pending' WHERE sync_state = 'quarantined'", NULL,
             NULL, "put quarantined check-ins back in the queue", error))
        return FALSE;
    if (count)
        *count = sqlite3_changes(s->db);
    return TRUE;
}

gboolean store_outbox_count(Store *s, StoreOutboxCounts *out, GError **error)
{
    *out = (StoreOutboxCounts){0};
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT sync_state, count(*) FROM checkins GROUP BY sync_state", -1, &st,
                           NULL) != SQLITE_OK)
        return store_fail(s, error, "count the outbox");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(st, 0);
        gint64 n = sqlite3_column_int64(st, 1);
        if (g_strcmp0(state, "pending") == 0)
            out->pending = n;
        else if (g_strcmp0(state, "quarantined") == 0)
            out->quarantined = n;
        else
            out->sent = n;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, error, "count the outbox");
    if (sqlite3_prepare_v2(s->db, "SELECT wall_time FROM checkins INDEXED BY checkins_unsent "
                                  "WHERE sync_state = 'pending' ORDER BY id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "count the outbox");
    if (sqlite3_step(st) == SQLITE_ROW)
        g_strlcpy(out->oldest_pending, (const char *)sqlite3_column_text(st, 0), sizeof out->oldest_pending);
    sqlite3_finalize(st);
    return TRUE;
}

GPtrArray *store_outbox_list_quarantined(Store *s, guint limit, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT uuid, wall_time, coalesce(sync_error, '') FROM checkins "
                                  "WHERE sync_state = 'quarantined' ORDER BY id DESC LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "list quarantined check-ins"), NULL;
    sqlite3_bind_int64(st, 1, limit);
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        g_ptr_array_add(out, g_strdup_printf("%s\t%s\t%s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                                             sqlite3_column_text(st, 2)));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref(out);
        return store_fail(s, error, "list quarantined check-ins"), NULL;
    }
    return out;
}

char *store_get_meta(Store *s, const char *key)
{
    sqlite3_stmt *st = NULL;
    char *value = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM sync_meta WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            value = store_column_dup(st, 0);
    }
    sqlite3_finalize(st);
    return value;
}

gboolean store_set_meta(Store *s, GError **error, const char *key, const char *value, ...)
{
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "save sync state");
    va_list ap;
    va_start(ap, value);
    gboolean ok = TRUE;
    for (; ok && key; key = va_arg(ap, const char *), value = key ? va_arg(ap, const char *) : NULL)
        ok = run(s, "INSERT INTO sync_meta (key, value) VALUES (?1, ?2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 key, value, "save sync state", error);
    va_end(ap);
    if (ok && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return TRUE;
    if (ok)
        store_fail(s, error, "save sync state");
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

/* ---- the audit trail's way to the centre ---- */

static gint64 audit_sent_id(Store *s)
{
    g_autofree char *v = store_get_meta(s, "audit_sent_id");
    return v ? g_ascii_strtoll(v, NULL, 10) : 0;
}

GPtrArray *store_audit_after(Store *s, gint64 after_id, guint limit, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit "
                                  "WHERE id > ? ORDER BY id LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the audit trail"), NULL;
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, limit);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)store_audit_row_free);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreAuditRow *r = g_new0(StoreAuditRow, 1);
        r->id = sqlite3_column_int64(st, 0);
        r->at = store_column_dup(st, 1);
        r->actor = store_column_dup(st, 2);
        r->action = store_column_dup(st, 3);
        r->subject = store_column_dup(st, 4);
        r->detail = store_column_dup(st, 5);
        r->prev_hash = store_column_dup(st, 6);
        r->hash = store_column_dup(st, 7);
        g_ptr_array_add(out, r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref(out);
        return store_fail(s, error, "read the audit trail"), NULL;
    }
    return out;
}

GPtrArray *store_audit_unsent(Store *s, guint limit, GError **error)
{
    return store_audit_after(s, audit_sent_id(s), limit, error);
}

void store_audit_row_free(StoreAuditRow *r)
{
    if (!r)
        return;
    g_free(r->at);
    g_free(r->actor);
    g_free(r->action);
    g_free(r->subject);
    g_free(r->detail);
    g_free(r->prev_hash);
    g_free(r->hash);
    g_free(r);
}

gboolean store_audit_mark_sent(Store *s, gint64 last_id, GError **error)
{
    g_autofree char *v = g_strdup_printf("%" G_GINT64_FORMAT, last_id);
    return store_set_meta(s, error, "audit_sent_id", v, NULL);
}

gint64 store_audit_count_unsent(Store *s)
{
    sqlite3_stmt *st = NULL;
    gint64 n = -1;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM audit WHERE id > ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, audit_sent_id(s));
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}
