/* store-schema — versioned schema migrations for the store (internal to app/store*.c and tests). */
#pragma once

#include <glib.h>
#include <sqlite3.h>

/* The version this build creates and migrates to. */
int store_schema_latest(void);
/* Runs migrations from version `from` up to `to` in one transaction. */
gboolean store_schema_migrate(sqlite3 *db, int from, int to, GError **error);
