/* store — opening the database safely, probationers and fingers. Check-ins and the audit trail are in
 * store-checkin.c. See store.h.
 *
 * Longer than the ~500 lines the style guide asks: opening (pragmas, migrations, the key) and the
 * probationer and finger rows share the private statements; split when the sealing work lands. */
#include "app/store/store-private.h"
#include "app/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/owner.h"

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

char *store_column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? g_strdup((const char *)t) : NULL;
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

/* The key to names and templates. A rotation that committed but did not get to rename its new key
 * into place left it as store.key.new: check_key() takes whichever opens the database. */
static gboolean open_key(Store *s, GError **error)
{
    s->seal = seal_load_or_create(s->key_path, error);
    return s->seal && seal_register(s->seal, NULL, s->db, error);
}

/* A sealed marker in sync_meta tells a wrong key (another kiosk's, a lost one) from a damaged row, and
 * says so at opening rather than at the first name read. */
static gboolean check_key(Store *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT unseal(value, 'key_check') FROM sync_meta WHERE key = 'key_check'",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "check the database's key");
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return sqlite3_db_readonly(s->db, "main") ||
               sqlite3_exec(s->db, "INSERT INTO sync_meta (key, value) VALUES ('key_check', "
                                   "seal('haazri', 'key_check'))", NULL, NULL, NULL) == SQLITE_OK ||
               store_fail(s, error, "note the database's key");
    if (rc == SQLITE_ROW)
        return TRUE;
    g_autofree char *next = g_strconcat(s->key_path, ".new", NULL);
    if (g_file_test(next, G_FILE_TEST_EXISTS)) {
        /* A rotation committed and stopped before renaming its key: finish it. */
        g_autoptr(Seal) fresh = seal_load_or_create(next, NULL);
        if (fresh && seal_register(fresh, NULL, s->db, NULL) &&
            sqlite3_exec(s->db, "SELECT unseal(value, 'key_check') FROM sync_meta WHERE key = 'key_check'",
                         NULL, NULL, NULL) == SQLITE_OK &&
            rename(next, s->key_path) == 0) {
            seal_free(s->seal);
            s->seal = g_steal_pointer(&fresh);
            return TRUE;
        }
        seal_register(s->seal, NULL, s->db, NULL);
    }
    g_set_error(error, STORE_ERROR, STORE_ERROR_KEY, "%s is not the key this database's names and fingerprints were "
                "sealed with (another kiosk's, or replaced); restore the kiosk's own %s", s->key_path, STORE_KEY_FILE);
    return FALSE;
}

/* A new database file, made before SQLite opens it so that it belongs to the service user from its
 * first byte when root creates it (haazri-ctl at installation); SQLite then gives its -wal and -shm
 * the database file's owner. Not world-readable: it holds the probationers. */
static gboolean create_file(const char *path, GError **error)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0) {
        if (errno == EEXIST)
            return TRUE;
        g_set_error(error, STORE_ERROR, STORE_ERROR_IO, "%s: cannot create the database: %s", path, g_strerror(errno));
        return FALSE;
    }
    g_autofree char *folder = g_path_get_dirname(path);
    gboolean ok = owner_adopt_fd(fd, folder, error);
    close(fd);
    if (!ok)
        unlink(path);
    return ok;
}

Store *store_open(const char *path, GError **error)
{
    if (g_file_test(path, G_FILE_TEST_EXISTS) && !check_existing(path, error))
        return NULL;
    if (!g_file_test(path, G_FILE_TEST_EXISTS) && !create_file(path, error))
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
    /* A -wal that one large transaction grew (the first start's saved search indexes: ~200 MB at
     * 20,000 dense fingers; a roster of thousands) is cut back to this once checkpointed, instead of
     * keeping that size on the kiosk's disk for good (docs/search.md). */
    if (!exec(s, "PRAGMA journal_size_limit = " G_STRINGIFY(STORE_WAL_KEPT_BYTES), error))
        return NULL;
    /* Names and templates are sealed with the key beside the database (app/seal.h). Secure delete:
     * what an update replaces (the clear text before migration 7, an old key's ciphertext) is
     * overwritten, not left in free pages. */
    g_autofree char *folder = g_path_get_dirname(path);
    s->key_path = g_build_filename(folder, STORE_KEY_FILE, NULL);
    if (!exec(s, "PRAGMA secure_delete = ON", error) || !open_key(s, error))
        return NULL;
    int version = store_get_schema_version(s);
    if (version == 0) {
        g_autofree char *set = g_strdup_printf("PRAGMA application_id = %d", HAAZRI_APPLICATION_ID);
        if (!exec(s, set, error))
            return NULL;
    }
    if (!store_schema_migrate(s->db, version, store_schema_latest(), error))
        return NULL;
    if (version < 10 && store_schema_latest() >= 10)
        /* The clear text that was there (names before 7, photos before 9, messages, answers and
         * officers' names before 10) is gone from the WAL and the file. */
        sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    if (!check_key(s, error))
        return NULL;
    /* Run as root on an existing database: SQLite made -wal and -shm with the database's owner, but a
     * database an older version left root's is handed over here too. */
    const char *const suffixes[] = {"", "-wal", "-shm"};
    for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *file = g_strconcat(path, suffixes[i], NULL);
        if (!owner_adopt(file, error))
            return NULL;
    }

    g_autofree char *boot = NULL;
    if (g_file_get_contents("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL))
        g_strlcpy(s->boot_id, g_strstrip(boot), sizeof s->boot_id);
    else
        g_strlcpy(s->boot_id, "unknown", sizeof s->boot_id);
    return g_steal_pointer(&s);
}

gboolean store_check_writable(Store *s, const char *path, GError **error)
{
    /* A real write, committed: a read-only file, folder, -wal or -shm all fail it, as a check-in would. */
    gboolean ok = !sqlite3_db_readonly(s->db, "main") &&
                  sqlite3_exec(s->db, "BEGIN IMMEDIATE; UPDATE gallery_version SET version = version; COMMIT",
                               NULL, NULL, NULL) == SQLITE_OK;
    if (ok)
        return TRUE;
    const char *why = sqlite3_db_readonly(s->db, "main") ? "it opened read-only" : sqlite3_errmsg(s->db);
    g_set_error(error, STORE_ERROR, STORE_ERROR_READONLY,
                "%s cannot be written by this user (%s): no check-in would be saved — the database, its -wal and "
                "-shm files and its folder must belong to the service user (as root: chown -R haazri:haazri "
                "the data folder)", path, why);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

void store_close(Store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    seal_free(s->seal);
    g_free(s->key_path);
    g_free(s);
}

gboolean store_begin(Store *s, GError **error)
{
    return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ||
           store_fail(s, error, "begin a change");
}

gboolean store_commit(Store *s, GError **error)
{
    /* synchronous=FULL: the WAL is fsync'd before COMMIT returns. */
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return TRUE;
    store_fail(s, error, "save the change");
    store_rollback(s);
    return FALSE;
}

void store_rollback(Store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
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
    if (p->cnic && *p->cnic && (strlen(p->cnic) != 13 || strspn(p->cnic, "0123456789") != 13)) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_EXISTS, "CNIC \"%s\" is not valid: expected 13 digits", p->cnic);
        return FALSE;
    }
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
                           "INSERT INTO probationers (case_number, cnic_sealed, name_en, name_ur, office, "
                           "status, created_at, updated_at) VALUES (?, seal(?, 'cnic'), seal(?, 'name_en'), "
                           "seal(?, 'name_ur'), ?, ?, ?, ?)",
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
    "SELECT p.id, p.case_number, unseal(p.cnic_sealed, 'cnic'), unseal(p.name_en, 'name_en'), "      \
    "unseal(p.name_ur, 'name_ur'), p.office, p.status, "                                            \
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
                           "VALUES (?, ?, seal(?, 'print'), ?, ?)",
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
                           "UPDATE fingers SET print = seal(?, 'print'), search_index = NULL, driver = ?, enrolled_at = ?, sent_at = NULL "
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
                          "SELECT f.id, f.probationer_id, f.finger, unseal(f.print, 'print') FROM fingers f "
                          "JOIN probationers p ON p.id = f.probationer_id "
                          "WHERE p.status = 'active' ORDER BY f.id",
                          0, func, user_data, error);
}

gboolean store_foreach_finger_of(Store *s, gint64 probationer_id, StoreFingerFunc func,
                                 gpointer user_data, GError **error)
{
    return foreach_finger(s,
                          "SELECT id, probationer_id, finger, unseal(print, 'print') FROM fingers "
                          "WHERE probationer_id = ? ORDER BY id",
                          probationer_id, func, user_data, error);
}

gint64 store_get_gallery_version(Store *s)
{
    int v = -1;
    query_int(s->db, "SELECT version FROM gallery_version", &v);
    return v;
}
