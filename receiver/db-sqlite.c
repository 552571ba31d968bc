/* db-sqlite — the receiver's SQLite engine: WAL, synchronous=FULL (an acknowledged event is on
 * disk), a busy timeout so the server's threads take turns at the write lock. */
#include <sqlite3.h>
#include <stdio.h>

#include "receiver/db.h"

typedef struct {
    RxDb base;
    sqlite3 *db;
} SqliteDb;

static void sq_close(RxDb *db)
{
    sqlite3_close(((SqliteDb *)db)->db);
    g_free(db);
}

static gboolean sq_fail(sqlite3 *db, const char *sql, GError **error)
{
    g_set_error(error, RX_DB_ERROR, sqlite3_errcode(db), "SQLite: %s (in: %.60s)", sqlite3_errmsg(db), sql);
    return FALSE;
}

static gboolean sq_exec(RxDb *rdb, const char *sql, const char *const *params, int n, GPtrArray **rows,
                        gint64 *changes, GError **error)
{
    sqlite3 *db = ((SqliteDb *)rdb)->db;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return sq_fail(db, sql, error);
    /* "$3" is a named parameter to SQLite: bind by name so the order of use doesn't matter. */
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int idx = sqlite3_bind_parameter_index(st, name);
        if (idx > 0)
            sqlite3_bind_text(st, idx, params[i], -1, SQLITE_STATIC);
    }
    GPtrArray *out = rows ? g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref) : NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!out)
            continue;
        int cols = sqlite3_column_count(st);
        GPtrArray *row = g_ptr_array_new_full((guint)cols, g_free);
        for (int c = 0; c < cols; c++) {
            const unsigned char *t = sqlite3_column_text(st, c);
            g_ptr_array_add(row, t ? g_strdup((const char *)t) : NULL);
        }
        g_ptr_array_add(out, row);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        if (out)
            g_ptr_array_unref(out);
        return sq_fail(db, sql, error);
    }
    if (changes)
        *changes = sqlite3_changes(db);
    if (rows)
        *rows = out;
    return TRUE;
}

static const RxDbEngine sqlite_engine = {
    .close = sq_close,
    .exec = sq_exec,
    .begin_sql = "BEGIN IMMEDIATE",
    .name = "sqlite",
};

RxDb *rx_db_open_sqlite(const char *path, GError **error)
{
    SqliteDb *s = g_new0(SqliteDb, 1);
    s->base.engine = &sqlite_engine;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        g_set_error(error, RX_DB_ERROR, 1, "%s: cannot open the database: %s", path, sqlite3_errmsg(s->db));
        sq_close(&s->base);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 30000);
    if (!sq_exec(&s->base, "PRAGMA journal_mode = WAL", NULL, 0, NULL, NULL, error) ||
        !sq_exec(&s->base, "PRAGMA synchronous = FULL", NULL, 0, NULL, NULL, error) ||
        /* Freed space is zeroed: a value sealed in place, or a person removed, leaves no clear text. */
        !sq_exec(&s->base, "PRAGMA secure_delete = ON", NULL, 0, NULL, NULL, error) ||
        !sq_exec(&s->base, "PRAGMA foreign_keys = ON", NULL, 0, NULL, NULL, error)) {
        sq_close(&s->base);
        return NULL;
    }
    return &s->base;
}
