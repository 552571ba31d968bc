/* store-settings — the settings an administrator changed on the kiosk (schema version 6). Which
 * names and values are allowed is app/settings.c's business; this file only keeps them, each change
 * in the same transaction as its audit row. */
#include "app/store/store-private.h"
#include "app/clock.h"

void store_setting_free(StoreSetting *s)
{
    if (!s)
        return;
    g_free(s->name);
    g_free(s->value);
    g_free(s->changed_by);
    g_free(s->changed_at);
    g_free(s);
}

/* The stored value, or NULL; FALSE on a database error. */
static gboolean read_value(Store *s, const char *name, char **out)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM device_settings WHERE name = ?", -1, &st, NULL) != SQLITE_OK)
        return FALSE;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean write_value(Store *s, const char *actor, const char *name, const char *value)
{
    sqlite3_stmt *st = NULL;
    const char *sql = value ? "INSERT INTO device_settings (name, value, changed_by, changed_at) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                              "changed_by = excluded.changed_by, changed_at = excluded.changed_at"
                            : "DELETE FROM device_settings WHERE name = ?";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return FALSE;
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (value) {
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

gboolean store_set_setting(Store *s, const char *actor, const char *name, const char *value, GError **error)
{
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "change a setting");
    g_autofree char *old = NULL;
    gboolean ok = read_value(s, name, &old);
    if (ok && g_strcmp0(old, value) != 0) {
        /* The detail says what it was and what it became; "file" = haazri.conf's value. */
        g_autofree char *detail = g_strdup_printf("%s -> %s", old ? old : "(file)", value ? value : "(file)");
        ok = write_value(s, actor, name, value) && store_audit_append(s, actor, "setting.change", name, detail);
    }
    if (!ok || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        store_fail(s, error, "change a setting");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return FALSE;
    }
    return TRUE;
}

GPtrArray *store_list_settings(Store *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT name, value, changed_by, changed_at FROM device_settings ORDER BY name", -1,
                           &st, NULL) != SQLITE_OK) {
        store_fail(s, error, "read the device settings");
        return NULL;
    }
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)store_setting_free);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreSetting *row = g_new0(StoreSetting, 1);
        row->name = g_strdup((const char *)sqlite3_column_text(st, 0));
        row->value = g_strdup((const char *)sqlite3_column_text(st, 1));
        row->changed_by = g_strdup((const char *)sqlite3_column_text(st, 2));
        row->changed_at = g_strdup((const char *)sqlite3_column_text(st, 3));
        g_ptr_array_add(out, row);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_fail(s, error, "read the device settings");
        return NULL;
    }
    return g_steal_pointer(&out);
}
