/* db — the receiver's storage behind one small interface: SQLite (a file path: one office or a
 * demo) or PostgreSQL (a "postgresql://" URI or "host=... dbname=..." conninfo: a province's
 * central engine). The same SQL runs on both: parameters are $1..$N and passed as text (NULL =
 * SQL NULL), upserts are INSERT ... ON CONFLICT, so the semantics are the same by construction.
 *
 * One RxDb is one connection, used by one thread at a time (server.c keeps a pool). */
#pragma once

#include <glib.h>

#define RX_DB_ERROR (g_quark_from_static_string("haazri-receiver-db"))

typedef struct RxDb RxDb;

typedef struct {
    void (*close)(RxDb *db);
    /* Runs one statement; rows (a GPtrArray of char* each, NULL for SQL NULL) go to *rows when non-NULL;
     * *changes gets the number of rows inserted/updated/deleted when non-NULL. */
    gboolean (*exec)(RxDb *db, const char *sql, const char *const *params, int n, GPtrArray **rows,
                     gint64 *changes, GError **error);
    const char *begin_sql; /* a write transaction that can't be upgraded into a deadlock */
    const char *name;
} RxDbEngine;

struct RxDb {
    const RxDbEngine *engine;
};

/* Opens (and creates or migrates the schema of) the storage named by `spec`. */
RxDb *rx_db_open(const char *spec, GError **error);
void rx_db_close(RxDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RxDb, rx_db_close)
gboolean rx_db_exec(RxDb *db, const char *sql, const char *const *params, int n, GError **error);
/* Rows (GPtrArray of char*, NULL = SQL NULL; RX_CELL reads one); NULL with `error` on failure. */
#define RX_CELL(rows, r, c) ((const char *)g_ptr_array_index((GPtrArray *)g_ptr_array_index(rows, r), c))
GPtrArray *rx_db_query(RxDb *db, const char *sql, const char *const *params, int n, GError **error);
/* Like rx_db_exec, returning the number of rows changed (-1 on failure). */
gint64 rx_db_change(RxDb *db, const char *sql, const char *const *params, int n, GError **error);
gboolean rx_db_begin(RxDb *db, GError **error);
gboolean rx_db_commit(RxDb *db, GError **error);
void rx_db_rollback(RxDb *db);

/* The engines (db-sqlite.c, db-pg.c). */
RxDb *rx_db_open_sqlite(const char *path, GError **error);
RxDb *rx_db_open_pg(const char *conninfo, GError **error);
gboolean rx_db_is_pg_spec(const char *spec);
