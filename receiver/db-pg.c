/* db-pg — the receiver's PostgreSQL engine (libpq). Parameters go as text and PostgreSQL infers
 * their types from the columns, so the SQL is the same as SQLite's. */
#include <libpq-fe.h>
#include <stdlib.h>

#include "receiver/db.h"

typedef struct {
    RxDb base;
    PGconn *conn;
} PgDb;

static void pg_close(RxDb *db)
{
    PQfinish(((PgDb *)db)->conn);
    g_free(db);
}

static gboolean pg_exec(RxDb *rdb, const char *sql, const char *const *params, int n, GPtrArray **rows,
                        gint64 *changes, GError **error)
{
    PGconn *conn = ((PgDb *)rdb)->conn;
    PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        g_autofree char *msg = g_strdup(PQresultErrorMessage(res));
        g_set_error(error, RX_DB_ERROR, 1, "PostgreSQL: %s (in: %.60s)", g_strstrip(msg), sql);
        PQclear(res);
        return FALSE;
    }
    if (rows) {
        GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
        int cols = PQnfields(res);
        for (int r = 0; r < PQntuples(res); r++) {
            GPtrArray *row = g_ptr_array_new_full((guint)cols, g_free);
            for (int c = 0; c < cols; c++)
                g_ptr_array_add(row, PQgetisnull(res, r, c) ? NULL : g_strdup(PQgetvalue(res, r, c)));
            g_ptr_array_add(out, row);
        }
        *rows = out;
    }
    if (changes) {
        const char *t = PQcmdTuples(res);
        *changes = t && *t ? g_ascii_strtoll(t, NULL, 10) : 0;
    }
    PQclear(res);
    return TRUE;
}

static const RxDbEngine pg_engine = {
    .close = pg_close,
    .exec = pg_exec,
    .begin_sql = "BEGIN",
    .name = "postgresql",
};

RxDb *rx_db_open_pg(const char *conninfo, GError **error)
{
    PgDb *p = g_new0(PgDb, 1);
    p->base.engine = &pg_engine;
    p->conn = PQconnectdb(conninfo);
    if (PQstatus(p->conn) != CONNECTION_OK) {
        g_autofree char *msg = g_strdup(PQerrorMessage(p->conn));
        g_set_error(error, RX_DB_ERROR, 1, "cannot connect to PostgreSQL: %s", g_strstrip(msg));
        pg_close(&p->base);
        return NULL;
    }
    /* Concurrent "CREATE TABLE IF NOT EXISTS" from several connections can still race in
     * PostgreSQL; the pool opens its first connection alone, before serving. */
    PQclear(PQexec(p->conn, "SET client_min_messages = warning"));
    return &p->base;
}
