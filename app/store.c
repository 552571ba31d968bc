/* store — opening the database safely, probationers and fingers. Check-ins and the audit trail are in
 * store-checkin.c. See store.h. */
#include "app/store-private.h"
#include "app/clock.h"

#include <string.h>

/* PRAGMA application_id: tells a Haazri database from any other SQLite file ("HAZR"). */
#define HAAZRI_APPLICATION_ID 0x48415A52

G_DEFINE_QUARK(haazri-store, store_error)

gboolean store_fail(Store *s, GError **error, const char *doing)
{
    return store_fail_db(s->db, error, doing);
}

gboolean store_fail_db(sqlite3 *db, GError **error, const char *doing)
{
    int code = sqlite3_errcode(db);
    int ext = sqlite3_extended_errcode(db);
    StoreError kind = STORE_ERROR_IO;
    const char *why = sqlite3_errmsg(db);
    if (code == SQLITE_FULL || ext == SQLITE_IOERR_WRITE || ext == SQLITE_IOERR_FSYNC) {
        /* A write that the OS refused is, on a kiosk, nearly always a full disk. */
        kind = STORE_ERROR_FULL;
        why = code == SQLITE_FULL ? "the disk is full" : "the disk refused the write (full?)";
    } else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
        kind = STORE_ERROR_CORRUPT;
    } else if (code == SQLITE_CONSTRAINT) {
        kind = STORE_ERROR_EXISTS;
    }
    g_set_error(error, STORE_ERROR, kind, "could not %s: %s", doing, why);
    return FALSE;
}

char *store_now_iso(GDateTime *now)
{
    return g_date_time_format(now, "%Y-%m-%dT%H:%M:%S%:z");
}

/* The first column of the first row as an int; FALSE when the query fails (e.g. not a database). */
static gboolean query_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ok;
}

/* Reads-only look at an existing file before anything may write to it: a damaged, foreign or newer
 * database must be reported and left exactly as it is. */
static gboolean check_existing(const char *path, GError **error)
{
    sqlite3 *db = NULL;
    gboolean ok = FALSE;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_IO, "%s: cannot open the database: %s", path,
                    sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_busy_timeout(db, 5000);
    int version = -1, app_id = -1;
    sqlite3_stmt *st = NULL;
    if (query_int(db, "PRAGMA user_version", &version))
        query_int(db, "PRAGMA application_id", &app_id);
    if (version < 0 || app_id < 0) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_CORRUPT,
                    "%s is damaged or is not a database (%s); it was left untouched — restore it "
                    "from a backup or move it away to start an empty one",
                    path, sqlite3_errmsg(db));
        goto out;
    }
    if (app_id != HAAZRI_APPLICATION_ID && !(app_id == 0 && version == 0)) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_CORRUPT,
                    "%s is an SQLite database but not Haazri's; it was left untouched", path);
        goto out;
    }
    if (version > store_schema_latest()) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_NEWER,
                    "%s was written by a newer Haazri (schema %d, this one knows up to %d); it "
                    "was left untouched — install the newer version",
                    path, version, store_schema_latest());
        goto out;
    }
    char *result = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        result = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (result)
        g_strdelimit(result, "\n", ' ');
    if (!result || strcmp(result, "ok") != 0) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_CORRUPT,
                    "%s is damaged (%s); it was left untouched — restore it from a backup", path,
                    result ? result : sqlite3_errmsg(db));
        g_free(result);
        goto out;
    }
    g_free(result);
    ok = TRUE;
out:
    sqlite3_close(db);
    return ok;
}

static gboolean exec(Store *s, const char *sql, GError **error)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "prepare the database");
    return TRUE;
}

Store *store_open(const char *path, GError **error)
{
    if (g_file_test(path, G_FILE_TEST_EXISTS) && !check_existing(path, error))
        return NULL;

    g_autoptr(Store) s = g_new0(Store, 1);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_IO, "%s: cannot open the database: %s", path,
                    sqlite3_errmsg(s->db));
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL + synchronous=FULL: every commit is fsync'd before it returns, and the kiosk and
     * haazri-ctl can read while the other writes. */
    if (!exec(s, "PRAGMA journal_mode = WAL", error) ||
        !exec(s, "PRAGMA synchronous = FULL", error) ||
        !exec(s, "PRAGMA foreign_keys = ON", error))
        return NULL;
    int version = store_get_schema_version(s);
    if (version == 0) {
        g_autofree char *set = g_strdup_printf("PRAGMA application_id = %d", HAAZRI_APPLICATION_ID);
        if (!exec(s, set, error))
            return NULL;
    }
    if (!store_schema_migrate(s->db, version, store_schema_latest(), error))
        return NULL;

    g_autofree char *boot = NULL;
    if (g_file_get_contents("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL))
        g_strlcpy(s->boot_id, g_strstrip(boot), sizeof s->boot_id);
    else
        g_strlcpy(s->boot_id, "unknown", sizeof s->boot_id);
    return g_steal_pointer(&s);
}

void store_close(Store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    g_free(s);
}

int store_get_schema_version(Store *s)
{
    int v = -1;
    query_int(s->db, "PRAGMA user_version", &v);
    return v;
}

static char *column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? g_strdup((const char *)t) : NULL;
}

/* The sizes the centre's roster protocol accepts (sync/protocol-roster.c): a person enrolled here
 * must be one the centre can take, or their enrollment could never go up. */
static gboolean check_sizes(const StoreProbationer *p, GError **error)
{
    struct { const char *what, *value; gsize max; gboolean required; } fields[] = {
        {"the case number", p->case_number, 64, TRUE}, {"the English name", p->name_en, 200, TRUE},
        {"the Urdu name", p->name_ur, 400, FALSE},      {"the office", p->office, 200, TRUE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        gsize len = fields[i].value ? strlen(fields[i].value) : 0;
        if ((fields[i].required && len == 0) || len > fields[i].max) {
            g_set_error(error, STORE_ERROR, STORE_ERROR_INVALID, "%s %s: it must be %s%zu bytes long",
                        fields[i].what, len ? "is too long" : "is missing", fields[i].required ? "1 to " : "at most ",
                        fields[i].max);
            return FALSE;
        }
    }
    return TRUE;
}

gint64 store_add_probationer(Store *s, const StoreProbationer *p, GError **error)
{
    if (!check_sizes(p, error))
        return 0;
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO probationers (case_number, cnic, name_en, name_ur, office, "
                           "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "add the probationer"), 0;
    sqlite3_bind_text(st, 1, p->case_number, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, p->cnic && *p->cnic ? p->cnic : NULL, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, p->name_en, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, p->name_ur && *p->name_ur ? p->name_ur : NULL, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, p->office, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, p->active ? "active" : "inactive", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) {
            g_set_error(error, STORE_ERROR, STORE_ERROR_EXISTS,
                        "case number %s is already enrolled", p->case_number);
            return 0;
        }
        if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_CHECK) {
            g_set_error(error, STORE_ERROR, STORE_ERROR_EXISTS,
                        "CNIC \"%s\" is not valid: expected 13 digits", p->cnic);
            return 0;
        }
        return store_fail(s, error, "add the probationer"), 0;
    }
    return sqlite3_last_insert_rowid(s->db);
}

#define PROBATIONER_COLUMNS                                                                        \
    "SELECT p.id, p.case_number, p.cnic, p.name_en, p.name_ur, p.office, p.status, "               \
    "(SELECT count(*) FROM fingers f WHERE f.probationer_id = p.id) FROM probationers p "

static void read_probationer(sqlite3_stmt *st, StoreProbationer *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->case_number = column_dup(st, 1);
    out->cnic = column_dup(st, 2);
    out->name_en = column_dup(st, 3);
    out->name_ur = column_dup(st, 4);
    out->office = column_dup(st, 5);
    out->active = g_strcmp0((const char *)sqlite3_column_text(st, 6), "active") == 0;
    out->finger_count = sqlite3_column_int(st, 7);
}

static gboolean get_one_probationer(Store *s, const char *where, gint64 id, const char *text,
                                    StoreProbationer *out, GError **error)
{
    g_autofree char *sql = g_strconcat(PROBATIONER_COLUMNS, where, NULL);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the probationer");
    if (text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_probationer(st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return TRUE;
    if (rc == SQLITE_DONE) {
        if (text)
            g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "no probationer with case number %s", text);
        else
            g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "no probationer with id %" G_GINT64_FORMAT, id);
        return FALSE;
    }
    return store_fail(s, error, "read the probationer");
}

gboolean store_get_probationer(Store *s, gint64 id, StoreProbationer *out, GError **error)
{
    return get_one_probationer(s, "WHERE p.id = ?", id, NULL, out, error);
}

gboolean store_find_probationer(Store *s, const char *case_number, StoreProbationer *out,
                                GError **error)
{
    return get_one_probationer(s, "WHERE p.case_number = ?", 0, case_number, out, error);
}

gboolean store_set_probationer_active(Store *s, gint64 id, gboolean active, GError **error)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    sqlite3_stmt *st = NULL;
    /* A change made here goes up to the centre (status_sent_at NULL until it has it). */
    if (sqlite3_prepare_v2(s->db, "UPDATE probationers SET status = ?, updated_at = ?, status_sent_at = NULL WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "change the probationer");
    sqlite3_bind_text(st, 1, active ? "active" : "inactive", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, error, "change the probationer");
    if (sqlite3_changes(s->db) == 0) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "no probationer with id %" G_GINT64_FORMAT, id);
        return FALSE;
    }
    return TRUE;
}

GPtrArray *store_list_probationers(Store *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, PROBATIONER_COLUMNS "ORDER BY p.case_number", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "list probationers"), NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)store_probationer_free);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreProbationer *p = g_new0(StoreProbationer, 1);
        read_probationer(st, p);
        g_ptr_array_add(list, p);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_ptr_array_unref(list);
        return store_fail(s, error, "list probationers"), NULL;
    }
    return list;
}

void store_probationer_clear(StoreProbationer *p)
{
    g_clear_pointer(&p->case_number, g_free);
    g_clear_pointer(&p->cnic, g_free);
    g_clear_pointer(&p->name_en, g_free);
    g_clear_pointer(&p->name_ur, g_free);
    g_clear_pointer(&p->office, g_free);
}

void store_probationer_free(StoreProbationer *p)
{
    if (!p)
        return;
    store_probationer_clear(p);
    g_free(p);
}

gint64 store_add_finger(Store *s, gint64 probationer_id, const char *finger, GBytes *print,
                        const char *driver, GError **error)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO fingers (probationer_id, finger, print, driver, enrolled_at) "
                           "VALUES (?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "store the finger"), 0;
    gsize len = 0;
    const void *data = g_bytes_get_data(print, &len);
    sqlite3_bind_int64(st, 1, probationer_id);
    sqlite3_bind_text(st, 2, finger, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 3, data, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, driver, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, at, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) {
            g_set_error(error, STORE_ERROR, STORE_ERROR_EXISTS,
                        "this probationer already has a %s enrolled", finger);
            return 0;
        }
        return store_fail(s, error, "store the finger"), 0;
    }
    return sqlite3_last_insert_rowid(s->db);
}

gboolean store_replace_finger(Store *s, gint64 probationer_id, const char *finger, GBytes *print,
                              const char *driver, GError **error)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE fingers SET print = ?, driver = ?, enrolled_at = ?, sent_at = NULL "
                           "WHERE probationer_id = ? AND finger = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "store the finger");
    gsize len = 0;
    const void *data = g_bytes_get_data(print, &len);
    sqlite3_bind_blob(st, 1, data, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, driver, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, probationer_id);
    sqlite3_bind_text(st, 5, finger, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, error, "store the finger");
    if (sqlite3_changes(s->db) == 0) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "this probationer has no %s enrolled", finger);
        return FALSE;
    }
    return TRUE;
}

static gboolean foreach_finger(Store *s, const char *sql, gint64 id, StoreFingerFunc func,
                               gpointer user_data, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read enrolled fingers");
    if (id)
        sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        g_autoptr(GBytes) print = g_bytes_new(sqlite3_column_blob(st, 3), sqlite3_column_bytes(st, 3));
        func(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
             (const char *)sqlite3_column_text(st, 2), print, user_data);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? TRUE : store_fail(s, error, "read enrolled fingers");
}

gboolean store_foreach_active_finger(Store *s, StoreFingerFunc func, gpointer user_data,
                                     GError **error)
{
    return foreach_finger(s,
                          "SELECT f.id, f.probationer_id, f.finger, f.print FROM fingers f "
                          "JOIN probationers p ON p.id = f.probationer_id "
                          "WHERE p.status = 'active' ORDER BY f.id",
                          0, func, user_data, error);
}

gboolean store_foreach_finger_of(Store *s, gint64 probationer_id, StoreFingerFunc func,
                                 gpointer user_data, GError **error)
{
    return foreach_finger(s,
                          "SELECT id, probationer_id, finger, print FROM fingers "
                          "WHERE probationer_id = ? ORDER BY id",
                          probationer_id, func, user_data, error);
}

gint64 store_get_gallery_version(Store *s)
{
    int v = -1;
    query_int(s->db, "SELECT version FROM gallery_version", &v);
    return v;
}
