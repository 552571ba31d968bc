/* db — the receiver's storage behind one small interface: SQLite (a file path: one office or a
 * demo) or PostgreSQL (a "postgresql://" URI or "host=... dbname=..." conninfo: a province's
 * central engine). The same SQL runs on both: parameters are $1..$N and passed as text (NULL =
 * SQL NULL), upserts are INSERT ... ON CONFLICT, so the semantics are the same by construction.
 *
 * One RxDb is one connection, used by one thread at a time (server.c keeps a pool). */
#pragma once

#include <glib.h>

#include "app/seal.h"

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
    Seal *seal; /* the centre's key (db-seal.c): names, CNIC, templates, photos, messages, answers */
};

/* Opens (and creates or migrates the schema of) the storage named by `spec`, with the centre's key
 * in `key_path` (made, 0600, when there is none; NULL: rx_db_default_key_path). */
RxDb *rx_db_open(const char *spec, const char *key_path, GError **error);
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

/* ---- sealed values (db-seal.c) ----
 * Probationers' cnic, name_en and name_ur, fingers.print_b64, photos.data_b64, messages.text_en and
 * text_ur and answers.answer are sealed (app/seal.h, XChaCha20-Poly1305) and stored as base64 text;
 * everything else is in the clear (docs/security.md section 7 says why, column by column). */
/* $HAAZRI_RECEIVER_KEY, else store.key beside an SQLite file, else /var/lib/haazri-receiver/store.key. */
char *rx_db_default_key_path(const char *spec);
/* Loads the key; a database never sealed (new, or from a version that kept names in the clear), or
 * sealed before messages and answers were, is sealed now, in one transaction. A key that does not open the database is refused in a sentence. */
gboolean rx_db_load_key(RxDb *db, const char *key_path, GError **error);
/* The stored (base64) form of a value sealed for `column`; NULL for NULL. */
char *rx_db_seal(RxDb *db, const char *column, const void *plain, gsize len, gboolean text);
char *rx_db_seal_text(RxDb *db, const char *column, const char *text);
/* *out = the text (NULL for a NULL `stored`); FALSE with a sentence when it does not open. */
gboolean rx_db_unseal_text(RxDb *db, const char *column, const char *stored, char **out, GError **error);
GBytes *rx_db_unseal_bytes(RxDb *db, const char *column, const char *stored, GError **error);
/* Re-seals everything under a new random key (key_path.new, then renamed over key_path); `values`
 * counts the re-sealed values. Stop the server first: its connections hold the old key. */
gboolean rx_db_rotate_key(RxDb *db, const char *key_path, guint *values, GError **error);

/* The engines (db-sqlite.c, db-pg.c). */
RxDb *rx_db_open_sqlite(const char *path, GError **error);
RxDb *rx_db_open_pg(const char *conninfo, GError **error);
gboolean rx_db_is_pg_spec(const char *spec);
