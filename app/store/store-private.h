/* store-private — what store.c and store-checkin.c share; nothing outside app/store*.c includes it. */
#pragma once

#include "app/store/store-schema.h"
#include "app/seal.h"
#include "app/store/store.h"

struct Store {
    sqlite3 *db;
    Seal *seal;       /* the key of names and templates (store.key beside the database) */
    char *key_path;
    char boot_id[40]; /* this boot's id: monotonic times are comparable only within one boot */
};

/* Sets `error` from the database's last error ("could not <doing>: <why>"); returns FALSE. */
gboolean store_fail(Store *s, GError **error, const char *doing);
gboolean store_fail_db(sqlite3 *db, GError **error, const char *doing);
/* A text column as a new string (NULL for SQL NULL). */
char *store_column_dup(sqlite3_stmt *st, int col);
/* ISO 8601 with seconds and the UTC offset, e.g. 2026-11-22T09:15:02+05:00. */
char *store_now_iso(GDateTime *now);
/* Appends one audit row inside the caller's open transaction (FALSE: the database's error is set). */
gboolean store_audit_append(Store *s, const char *actor, const char *action, const char *subject,
                            const char *detail);
