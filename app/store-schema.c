/* store-schema — the database schema, one migration per version.
 *
 * PRAGMA user_version holds the version a database is at; opening runs every later migration in one
 * transaction. Never edit a released migration: add the next one. tests/test-store.c migrates a
 * database from every earlier version and checks that nothing is lost. */
#include "app/store-schema.h"

static const char *const migrations[] = {
    /* 1: the check-in core. */
    "CREATE TABLE probationers ("
    "  id INTEGER PRIMARY KEY,"
    "  case_number TEXT NOT NULL UNIQUE,"
    "  cnic TEXT CHECK (cnic IS NULL OR (length(cnic) = 13 AND cnic NOT GLOB '*[^0-9]*')),"
    "  name_en TEXT NOT NULL,"
    "  name_ur TEXT,"
    "  office TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE fingers ("
    "  id INTEGER PRIMARY KEY,"
    "  probationer_id INTEGER NOT NULL REFERENCES probationers(id),"
    "  finger TEXT NOT NULL,"
    "  print BLOB NOT NULL," /* fp_print_serialize(): libfprint's own stable format */
    "  driver TEXT NOT NULL,"
    "  enrolled_at TEXT NOT NULL,"
    "  UNIQUE (probationer_id, finger));"
    "CREATE TABLE checkins ("
    "  id INTEGER PRIMARY KEY," /* also the order events happened in, whatever the clock did */
    "  uuid TEXT NOT NULL UNIQUE,"
    "  probationer_id INTEGER REFERENCES probationers(id),"
    "  finger_id INTEGER REFERENCES fingers(id),"
    "  method TEXT NOT NULL CHECK (method IN ('finger', 'case_number')),"
    "  result TEXT NOT NULL CHECK (result IN ('recorded', 'duplicate', 'not_recognised')),"
    "  score REAL,"
    "  wall_time TEXT NOT NULL,"   /* local time with UTC offset, as the person saw it */
    "  wall_utc_us INTEGER NOT NULL,"
    "  local_date TEXT NOT NULL,"  /* YYYY-MM-DD in the kiosk's time zone */
    "  mono_us INTEGER NOT NULL,"  /* CLOCK_MONOTONIC: orders events across NTP jumps ... */
    "  boot_id TEXT NOT NULL,"     /* ... within one boot */
    "  device_id TEXT NOT NULL,"
    "  sync_state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (sync_state IN ('pending', 'sent', 'quarantined')));"
    "CREATE INDEX checkins_by_date ON checkins (local_date);"
    "CREATE INDEX checkins_by_person ON checkins (probationer_id, wall_utc_us);"
    "CREATE INDEX checkins_unsent ON checkins (sync_state) WHERE sync_state = 'pending';"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  subject TEXT,"
    "  detail TEXT,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    /* 2: what the check-in screen shows and asks (issue 4): the officer's message for a person, a
     * photo, the next reporting date if known, and the answers to the after-check-in questions. */
    "ALTER TABLE probationers ADD COLUMN next_report_date TEXT" /* YYYY-MM-DD or NULL */
    "  CHECK (next_report_date IS NULL OR next_report_date GLOB"
    "    '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');"
    "CREATE TABLE messages ("
    "  probationer_id INTEGER PRIMARY KEY REFERENCES probationers(id),"
    "  text TEXT NOT NULL,"
    "  set_at TEXT NOT NULL);"
    "CREATE TABLE photos ("
    "  probationer_id INTEGER PRIMARY KEY REFERENCES probationers(id),"
    "  png BLOB NOT NULL);"
    "CREATE TABLE checkin_answers ("
    "  checkin_uuid TEXT NOT NULL REFERENCES checkins(uuid),"
    "  question_id TEXT NOT NULL,"
    "  answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')),"
    "  answered_at TEXT NOT NULL,"
    "  PRIMARY KEY (checkin_uuid, question_id));",
};

int store_schema_latest(void)
{
    return (int)G_N_ELEMENTS(migrations);
}

gboolean store_schema_migrate(sqlite3 *db, int from, int to, GError **error)
{
    g_return_val_if_fail(from >= 0 && to <= store_schema_latest(), FALSE);
    if (from >= to)
        return TRUE;
    char *msg = NULL;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    for (int v = from; v < to; v++) {
        if (sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK)
            goto fail;
        g_autofree char *set = g_strdup_printf("PRAGMA user_version = %d", v + 1);
        if (sqlite3_exec(db, set, NULL, NULL, &msg) != SQLITE_OK)
            goto fail;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    return TRUE;

fail:
    g_set_error(error, g_quark_from_static_string("haazri-schema"), sqlite3_errcode(db),
                "could not bring the database from version %d to %d: %s", from, to,
                msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}
