/* store-adms — PINs at the ADMS server, what goes there, what its commands change. See store-adms.h. */
#include "app/store/store-adms.h"

#include <string.h>

#include "app/clock.h"
#include "app/store/store-private.h"

GPtrArray *store_adms_punches(Store *s, gint64 after_id, guint limit, GError **error)
{
    /* Walks checkins by rowid from the cursor: the rows passed over (no PIN) cost a lookup each. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT c.id, p.adms_pin, c.wall_time, c.method FROM checkins c "
                           "JOIN probationers p ON p.id = c.probationer_id "
                           "WHERE c.id > ? AND p.adms_pin IS NOT NULL AND c.result IN ('recorded', 'duplicate') "
                           "ORDER BY c.id LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the check-ins for the ADMS server"), NULL;
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, limit);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)store_adms_punch_free);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreAdmsPunch *p = g_new0(StoreAdmsPunch, 1);
        p->id = sqlite3_column_int64(st, 0);
        p->pin = store_column_dup(st, 1);
        p->wall_time = store_column_dup(st, 2);
        p->by_finger = g_strcmp0((const char *)sqlite3_column_text(st, 3), "finger") == 0;
        g_ptr_array_add(out, p);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref(out);
        return store_fail(s, error, "read the check-ins for the ADMS server"), NULL;
    }
    return out;
}

void store_adms_punch_free(StoreAdmsPunch *p)
{
    if (!p)
        return;
    g_free(p->pin);
    g_free(p->wall_time);
    g_free(p);
}

static gint64 count(Store *s, const char *sql, gint64 arg)
{
    sqlite3_stmt *st = NULL;
    gint64 n = -1;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (arg >= 0)
            sqlite3_bind_int64(st, 1, arg);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

gint64 store_adms_count_punches(Store *s, gint64 after_id)
{
    return count(s,
                 "SELECT count(*) FROM checkins c JOIN probationers p ON p.id = c.probationer_id "
                 "WHERE c.id > ? AND p.adms_pin IS NOT NULL AND c.result IN ('recorded', 'duplicate')",
                 MAX(after_id, 0));
}

gboolean store_adms_pin_is_valid(const char *pin)
{
    gsize n = pin ? strlen(pin) : 0;
    if (n < 1 || n > 24)
        return FALSE;
    for (gsize i = 0; i < n; i++)
        if (!g_ascii_isalnum(pin[i]))
            return FALSE;
    return TRUE;
}

static gboolean bad_pin(const char *pin, GError **error)
{
    g_set_error(error, STORE_ERROR, STORE_ERROR_INVALID,
                "the ADMS PIN \"%.32s\" is not valid: expected 1 to 24 letters or digits", pin ? pin : "");
    return FALSE;
}

/* The probationer with this PIN: id, name, active. 0 when nobody. */
static gint64 find_by_pin(Store *s, const char *pin, char **name, gboolean *active)
{
    sqlite3_stmt *st = NULL;
    gint64 id = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT id, unseal(name_en, 'name_en'), status FROM probationers WHERE adms_pin = ?", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, pin, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            id = sqlite3_column_int64(st, 0);
            if (name)
                *name = store_column_dup(st, 1);
            if (active)
                *active = g_strcmp0((const char *)sqlite3_column_text(st, 2), "active") == 0;
        }
    }
    sqlite3_finalize(st);
    return id;
}

/* Runs one statement with text parameters (NULL binds NULL); FALSE with the database's error. */
static gboolean exec(Store *s, const char *sql, const char *const *args, guint n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return FALSE;
    for (guint i = 0; i < n; i++)
        sqlite3_bind_text(st, (int)i + 1, args[i], -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

static gboolean begin(Store *s, GError **error, const char *doing)
{
    return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK || store_fail(s, error, doing);
}

static gboolean commit(Store *s, gboolean ok, GError **error, const char *doing)
{
    if (ok && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return TRUE;
    if (error && !*error)
        store_fail(s, error, doing);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

gboolean store_set_adms_pin(Store *s, const char *case_number, const char *pin, const char *actor, GError **error)
{
    if (pin && !store_adms_pin_is_valid(pin))
        return bad_pin(pin, error);
    const char *doing = "set the ADMS PIN";
    if (!begin(s, error, doing))
        return FALSE;
    if (pin) {
        sqlite3_stmt *st = NULL;
        g_autofree char *holder = NULL;
        if (sqlite3_prepare_v2(s->db, "SELECT case_number FROM probationers WHERE adms_pin = ? AND case_number <> ?",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, pin, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, case_number, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW)
                holder = store_column_dup(st, 0);
        }
        sqlite3_finalize(st);
        if (holder) {
            g_set_error(error, STORE_ERROR, STORE_ERROR_EXISTS, "the ADMS PIN %s is already %s's", pin, holder);
            return commit(s, FALSE, error, doing);
        }
    }
    const char *args[] = {pin, case_number};
    gboolean ok = exec(s, "UPDATE probationers SET adms_pin = ? WHERE case_number = ?", args, 2);
    if (ok && sqlite3_changes(s->db) == 0) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "no probationer with case number %s", case_number);
        return commit(s, FALSE, error, doing);
    }
    ok = ok && store_audit_append(s, actor, "probationer.adms-pin", case_number, pin ? pin : "(none)");
    return commit(s, ok, error, doing);
}

char *store_get_adms_pin(Store *s, const char *case_number)
{
    sqlite3_stmt *st = NULL;
    char *pin = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT adms_pin FROM probationers WHERE case_number = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, case_number, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            pin = store_column_dup(st, 0);
    }
    sqlite3_finalize(st);
    return pin;
}

gboolean store_adms_update_user(Store *s, const char *pin, const char *name, const char *office,
                                StoreAdmsChange *change, GError **error)
{
    *change = STORE_ADMS_UNCHANGED;
    if (!store_adms_pin_is_valid(pin))
        return bad_pin(pin, error);
    if (name && *name && (!g_utf8_validate(name, -1, NULL) || strlen(name) > 200)) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_INVALID,
                    "the name for ADMS PIN %s is not valid: expected 1 to 200 bytes of UTF-8", pin);
        return FALSE;
    }
    const char *doing = "apply the ADMS server's user";
    if (!begin(s, error, doing))
        return FALSE;
    g_autofree char *old_name = NULL;
    gboolean active = FALSE;
    gint64 id = find_by_pin(s, pin, &old_name, &active);
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    gboolean ok = TRUE;
    if (!id) {
        g_autofree char *case_number = g_strdup_printf("ADMS-%s", pin);
        g_autofree char *fallback = g_strdup_printf("PIN %s", pin);
        const char *args[] = {case_number, name && *name ? name : fallback, office, at, pin};
        ok = exec(s, "INSERT INTO probationers (case_number, name_en, office, status, created_at, updated_at, "
                     "status_sent_at, adms_pin) VALUES (?1, seal(?2, 'name_en'), ?3, 'active', ?4, ?4, ?4, ?5)",
                  args, 5);
        if (!ok && sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) {
            g_set_error(error, STORE_ERROR, STORE_ERROR_EXISTS,
                        "case number %s is already enrolled without ADMS PIN %s", case_number, pin);
            return commit(s, FALSE, error, doing);
        }
        ok = ok && store_audit_append(s, "adms", "probationer.add", case_number, "DATA UPDATE USERINFO");
        *change = STORE_ADMS_CREATED;
        return commit(s, ok, error, doing);
    }
    gboolean rename = name && *name && g_strcmp0(name, old_name) != 0;
    g_autofree char *idtext = g_strdup_printf("%" G_GINT64_FORMAT, id);
    if (rename) {
        const char *args[] = {name, at, idtext};
        ok = exec(s, "UPDATE probationers SET name_en = seal(?1, 'name_en'), updated_at = ?2 WHERE id = ?3", args, 3) &&
             store_audit_append(s, "adms", "probationer.rename", pin, "DATA UPDATE USERINFO");
    }
    if (ok && !active) {
        const char *args[] = {at, idtext};
        ok = exec(s, "UPDATE probationers SET status = 'active', updated_at = ?1, status_sent_at = NULL WHERE id = ?2",
                  args, 2) &&
             store_audit_append(s, "adms", "probationer.activate", pin, "DATA UPDATE USERINFO");
    }
    if (rename || !active)
        *change = STORE_ADMS_UPDATED;
    return commit(s, ok, error, doing);
}

gboolean store_adms_delete_user(Store *s, const char *pin, StoreAdmsChange *change, GError **error)
{
    *change = STORE_ADMS_UNCHANGED;
    if (!store_adms_pin_is_valid(pin))
        return bad_pin(pin, error);
    const char *doing = "apply the ADMS server's deletion";
    if (!begin(s, error, doing))
        return FALSE;
    gboolean active = FALSE;
    gint64 id = find_by_pin(s, pin, NULL, &active);
    if (!id) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "nobody here has ADMS PIN %s", pin);
        return commit(s, FALSE, error, doing);
    }
    if (!active)
        return commit(s, TRUE, error, doing);
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    g_autofree char *idtext = g_strdup_printf("%" G_GINT64_FORMAT, id);
    const char *args[] = {at, idtext};
    /* Deactivated, never deleted: the check-in history and the fingers stay. */
    gboolean ok = exec(s, "UPDATE probationers SET status = 'inactive', updated_at = ?1, status_sent_at = NULL "
                          "WHERE id = ?2", args, 2) &&
                  store_audit_append(s, "adms", "probationer.deactivate", pin, "DATA DELETE USERINFO");
    *change = STORE_ADMS_DEACTIVATED;
    return commit(s, ok, error, doing);
}

gint64 store_audit_count_after(Store *s, gint64 after_id)
{
    return count(s, "SELECT count(*) FROM audit WHERE id > ?", MAX(after_id, 0));
}

void store_adms_totals(Store *s, gint64 *people, gint64 *fingers, gint64 *checkins)
{
    *people = MAX(0, count(s, "SELECT count(*) FROM probationers WHERE status = 'active'", -1));
    *fingers = MAX(0, count(s, "SELECT count(*) FROM fingers", -1));
    *checkins = MAX(0, count(s, "SELECT max(id) FROM checkins", -1));
}
