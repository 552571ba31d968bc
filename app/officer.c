/* officer — officer accounts, PIN hashing and lockout. See officer.h. */
#include "app/officer.h"
#include "app/clock.h"

#include <sodium.h>
#include <string.h>

#include "app/store/store-private.h"

#define LOCK_FIRST_S 30
#define LOCK_MAX_S 3600

gboolean officer_check_pin_format(const char *pin, GError **error)
{
    size_t n = pin ? strlen(pin) : 0;
    gboolean digits = n > 0;
    for (size_t i = 0; i < n; i++)
        digits = digits && g_ascii_isdigit(pin[i]);
    if (!digits || n < OFFICER_PIN_MIN || n > OFFICER_PIN_MAX) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_EXISTS, "a PIN is %d to %d digits", OFFICER_PIN_MIN,
                    OFFICER_PIN_MAX);
        return FALSE;
    }
    return TRUE;
}

static char *hash_pin(const char *pin, GError **error)
{
    if (sodium_init() < 0) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_IO, "libsodium could not start");
        return NULL;
    }
    char out[crypto_pwhash_STRBYTES];
    /* INTERACTIVE limits: ~64 MB and a fraction of a second, affordable on a 2 GB kiosk board. */
    if (crypto_pwhash_str_alg(out, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_IO, "not enough memory to hash the PIN");
        return NULL;
    }
    return g_strdup(out);
}

const char *officer_role_name(OfficerRole role)
{
    return role == OFFICER_ROLE_ADMIN ? "admin" : "officer";
}

gboolean officer_role_parse(const char *name, OfficerRole *out)
{
    if (g_strcmp0(name, "officer") == 0)
        *out = OFFICER_ROLE_OFFICER;
    else if (g_strcmp0(name, "admin") == 0)
        *out = OFFICER_ROLE_ADMIN;
    else
        return FALSE;
    return TRUE;
}

/* Runs one statement with text parameters (NULL-terminated list); TRUE if it changed a row. */
static gboolean run(Store *s, const char *sql, GError **error, const char *doing, ...)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, doing);
    va_list ap;
    va_start(ap, doing);
    int i = 1;
    for (const char *v; (v = va_arg(ap, const char *)) != NULL;)
        sqlite3_bind_text(st, i++, v, -1, SQLITE_TRANSIENT);
    va_end(ap);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, error, doing);
    return TRUE;
}

gint64 officer_add(Store *s, const char *username, const char *name, OfficerRole role, const char *pin,
                   const char *actor, GError **error)
{
    if (!officer_check_pin_format(pin, error))
        return 0;
    g_autofree char *hash = hash_pin(pin, error);
    if (!hash)
        return 0;
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    /* The officer's full name is sealed (app/seal.h, migration 10); the user name is the key. */
    if (!run(s, "INSERT INTO officers (username, name, role, pin_hash, created_at) "
                "VALUES (?, seal(?, 'officer_name'), ?, ?, ?)", error,
             "add the officer", username, name, officer_role_name(role), hash, at, NULL)) {
        if (g_error_matches(*error, STORE_ERROR, STORE_ERROR_EXISTS)) {
            g_clear_error(error);
            g_set_error(error, STORE_ERROR, STORE_ERROR_EXISTS, "officer %s already exists", username);
        }
        return 0;
    }
    gint64 id = sqlite3_last_insert_rowid(s->db);
    if (!store_audit(s, actor, "officer.add", username, officer_role_name(role), error))
        return 0;
    return id;
}

static gboolean changed_one(Store *s, const char *username, GError **error)
{
    if (sqlite3_changes(s->db) == 1)
        return TRUE;
    g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "no officer %s", username);
    return FALSE;
}

gboolean officer_set_pin(Store *s, const char *username, const char *pin, const char *actor, GError **error)
{
    if (!officer_check_pin_format(pin, error))
        return FALSE;
    g_autofree char *hash = hash_pin(pin, error);
    return hash &&
           run(s, "UPDATE officers SET pin_hash = ?, failed_pins = 0, locked_until_us = 0 WHERE username = ?", error,
               "change the PIN", hash, username, NULL) &&
           changed_one(s, username, error) && store_audit(s, actor, "officer.set-pin", username, NULL, error);
}

gboolean officer_set_active(Store *s, const char *username, gboolean active, const char *actor, GError **error)
{
    return run(s, "UPDATE officers SET status = ? WHERE username = ?", error, "change the officer",
               active ? "active" : "inactive", username, NULL) &&
           changed_one(s, username, error) &&
           store_audit(s, actor, active ? "officer.activate" : "officer.deactivate", username, NULL, error);
}

/* A wrong PIN or a wrong finger: counted, locking the account with a growing delay from the
 * OFFICER_FREE_ATTEMPTS-th on, and audited as `action`. */
static void record_failure(Store *s, gint64 id, const char *username, int failed, const char *action,
                           int *retry_after_s, GError **error)
{
    gint64 lock_s = 0;
    if (failed >= OFFICER_FREE_ATTEMPTS) {
        int doublings = MIN(failed - OFFICER_FREE_ATTEMPTS, 10);
        lock_s = MIN((gint64)LOCK_FIRST_S << doublings, LOCK_MAX_S);
    }
    g_autofree char *sfailed = g_strdup_printf("%d", failed);
    g_autofree char *suntil = g_strdup_printf("%" G_GINT64_FORMAT, lock_s ? clock_now_us() + lock_s * G_USEC_PER_SEC : 0);
    g_autofree char *sid = g_strdup_printf("%" G_GINT64_FORMAT, id);
    if (!run(s, "UPDATE officers SET failed_pins = ?, locked_until_us = ? WHERE id = ?", error,
             "record the failed log-in", sfailed, suntil, sid, NULL))
        return;
    g_autofree char *detail = lock_s ? g_strdup_printf("failure %d, locked for %" G_GINT64_FORMAT " s", failed, lock_s)
                                     : g_strdup_printf("failure %d", failed);
    store_audit(s, "kiosk", action, username, detail, NULL);
    *retry_after_s = (int)lock_s;
}

OfficerLoginResult officer_login(Store *s, const char *username, const char *pin, Officer *who, int *retry_after_s,
                                 GError **error)
{
    *retry_after_s = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, unseal(name, 'officer_name'), role, pin_hash, failed_pins, locked_until_us "
                           "FROM officers WHERE username = ? AND status = 'active'",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "check the PIN"), OFFICER_LOGIN_UNKNOWN;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        store_audit(s, "kiosk", "officer.login-failed", username, "unknown officer", NULL);
        return OFFICER_LOGIN_UNKNOWN;
    }
    gint64 id = sqlite3_column_int64(st, 0);
    g_autofree char *name = g_strdup((const char *)sqlite3_column_text(st, 1));
    g_autofree char *role = g_strdup((const char *)sqlite3_column_text(st, 2));
    g_autofree char *hash = g_strdup((const char *)sqlite3_column_text(st, 3));
    int failed = sqlite3_column_int(st, 4);
    gint64 locked_until = sqlite3_column_int64(st, 5);
    sqlite3_finalize(st);

    gint64 now = clock_now_us();
    if (locked_until > now) {
        *retry_after_s = (int)((locked_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
        store_audit(s, "kiosk", "officer.login-refused", username, "locked", NULL);
        return OFFICER_LOGIN_LOCKED;
    }
    if (sodium_init() >= 0 && crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0) {
        g_autofree char *sid = g_strdup_printf("%" G_GINT64_FORMAT, id);
        run(s, "UPDATE officers SET failed_pins = 0, locked_until_us = 0 WHERE id = ?", NULL, "", sid, NULL);
        store_audit(s, username, "officer.login", username, NULL, NULL);
        if (who) {
            *who = (Officer){.id = id, .username = g_strdup(username), .name = g_steal_pointer(&name), .active = TRUE};
            officer_role_parse(role, &who->role);
        }
        return OFFICER_LOGIN_OK;
    }
    record_failure(s, id, username, failed + 1, "officer.login-failed", retry_after_s, error);
    return OFFICER_LOGIN_WRONG_PIN;
}

gboolean officer_set_finger(Store *s, const char *username, const char *finger, GBytes *print, const char *actor,
                            GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO officer_fingers (officer_id, finger, print, enrolled_at) "
                           "SELECT id, ?, seal(?, 'officer_print'), ? FROM officers WHERE username = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "store the officer's finger");
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    gsize len;
    const void *data = g_bytes_get_data(print, &len);
    sqlite3_bind_text(st, 1, finger, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, username, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, error, "store the officer's finger");
    return changed_one(s, username, error) && store_audit(s, actor, "officer.finger-enroll", username, finger, error);
}

GPtrArray *officer_get_fingers(Store *s, gint64 officer_id, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT unseal(print, 'officer_print') FROM officer_fingers WHERE officer_id = ? ORDER BY finger", -1, &st,
                           NULL) != SQLITE_OK)
        return store_fail(s, error, "read the officer's fingers"), NULL;
    sqlite3_bind_int64(st, 1, officer_id);
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    while (sqlite3_step(st) == SQLITE_ROW)
        g_ptr_array_add(out, g_bytes_new(sqlite3_column_blob(st, 0), (gsize)sqlite3_column_bytes(st, 0)));
    sqlite3_finalize(st);
    return out;
}

OfficerLoginResult officer_finger_result(Store *s, const Officer *who, gboolean ok, int *retry_after_s, GError **error)
{
    *retry_after_s = 0;
    g_autofree char *sid = g_strdup_printf("%" G_GINT64_FORMAT, who->id);
    if (ok) {
        run(s, "UPDATE officers SET failed_pins = 0, locked_until_us = 0 WHERE id = ?", NULL, "", sid, NULL);
        store_audit(s, who->username, "officer.finger", who->username, NULL, error);
        return OFFICER_LOGIN_OK;
    }
    sqlite3_stmt *st = NULL;
    int failed = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT failed_pins FROM officers WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, who->id);
        if (sqlite3_step(st) == SQLITE_ROW)
            failed = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    record_failure(s, who->id, who->username, failed + 1, "officer.finger-failed", retry_after_s, error);
    return OFFICER_LOGIN_WRONG_PIN;
}

GPtrArray *officer_list(Store *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, username, unseal(name, 'officer_name'), role, status FROM officers "
                                  "ORDER BY username", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "list officers"), NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)officer_free);
    while (sqlite3_step(st) == SQLITE_ROW) {
        Officer *o = g_new0(Officer, 1);
        o->id = sqlite3_column_int64(st, 0);
        o->username = g_strdup((const char *)sqlite3_column_text(st, 1));
        o->name = g_strdup((const char *)sqlite3_column_text(st, 2));
        officer_role_parse((const char *)sqlite3_column_text(st, 3), &o->role);
        o->active = g_strcmp0((const char *)sqlite3_column_text(st, 4), "active") == 0;
        g_ptr_array_add(list, o);
    }
    sqlite3_finalize(st);
    return list;
}

void officer_clear(Officer *o)
{
    g_clear_pointer(&o->username, g_free);
    g_clear_pointer(&o->name, g_free);
}

void officer_free(Officer *o)
{
    if (!o)
        return;
    officer_clear(o);
    g_free(o);
}
