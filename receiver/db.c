/* db — the engine-independent part: choosing the engine, the schema, transactions. See db.h. */
#include "receiver/db.h"

#include <string.h>

/* One schema for both engines (types both understand). Exactly-once rests on events.uuid being
 * the primary key: a re-sent event can't become a second row, whichever kiosk or thread sends it. */
static const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS devices ("
    "  id TEXT PRIMARY KEY,"
    "  office TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),"
    "  salt TEXT NOT NULL,"            /* per device: hashes can't be compared across devices */
    "  secret_hash TEXT,"              /* BLAKE2b(secret, key = salt): the secret is never stored */
    "  token_hash TEXT,"               /* one-time provisioning token, until it is used */
    "  token_expires BIGINT,"
    "  created_at TEXT NOT NULL,"
    "  last_seen TEXT,"
    "  heartbeat TEXT,"                /* the last heartbeat, as JSON */
    "  clock_offset_s BIGINT)",
    "CREATE TABLE IF NOT EXISTS events ("
    "  uuid TEXT PRIMARY KEY,"
    "  device_id TEXT NOT NULL REFERENCES devices(id),"
    "  office TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  case_number TEXT,"
    "  finger TEXT,"
    "  method TEXT NOT NULL,"
    "  result TEXT NOT NULL,"
    "  score DOUBLE PRECISION,"
    "  wall_time TEXT NOT NULL,"
    "  wall_utc_us BIGINT NOT NULL,"
    "  local_date TEXT NOT NULL,"
    "  mono_us BIGINT NOT NULL,"
    "  boot_id TEXT NOT NULL,"
    "  clock_offset_s BIGINT NOT NULL,"
    "  received_at TEXT NOT NULL,"
    "  receipts INTEGER NOT NULL DEFAULT 1)", /* how often it arrived: >1 = a harmless re-send */
    "CREATE INDEX IF NOT EXISTS events_by_office_date ON events (office, local_date)",
    /* The roster the centre publishes. Every change takes the next roster_seq value as its
     * version (loads are serialised on that row), so "everything with version > cursor" is exactly
     * what a kiosk hasn't seen; the row lock makes versions commit in order. */
    "CREATE TABLE IF NOT EXISTS roster_seq (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)",
    "INSERT INTO roster_seq (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    "CREATE TABLE IF NOT EXISTS probationers ("
    "  case_number TEXT PRIMARY KEY,"
    "  office TEXT NOT NULL,"
    "  prev_office TEXT,"                /* a transfer: the old office's kiosks must hear of it */
    "  cnic TEXT, name_en TEXT NOT NULL, name_ur TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),"
    "  sched_rule TEXT, sched_starts TEXT, sched_ends TEXT, sched_due_by TEXT,"
    "  version BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS probationers_by_office ON probationers (office, version)",
    "CREATE INDEX IF NOT EXISTS probationers_by_prev_office ON probationers (prev_office, version)",
    "CREATE TABLE IF NOT EXISTS fingers ("
    "  case_number TEXT NOT NULL REFERENCES probationers(case_number),"
    "  finger TEXT NOT NULL, driver TEXT NOT NULL, print_b64 TEXT NOT NULL,"
    "  PRIMARY KEY (case_number, finger))",
    /* What kiosks changed and sent up (POST /v1/enrollments): a finger's name, or "status:inactive"
     * / "status:active"; which kiosk, when. */
    "CREATE TABLE IF NOT EXISTS kiosk_changes ("
    "  case_number TEXT NOT NULL, what TEXT NOT NULL, device_id TEXT NOT NULL, received_at TEXT NOT NULL)",
    /* What the centre refused a kiosk (issue 22: only its own office's people; a finger the centre
     * holds changes only with an officer's re-enrollment in that kiosk's audit trail). */
    "CREATE TABLE IF NOT EXISTS kiosk_refusals ("
    "  case_number TEXT NOT NULL, what TEXT NOT NULL, device_id TEXT NOT NULL, reason TEXT NOT NULL,"
    "  received_at TEXT NOT NULL)",
    /* Which audit row (an officer's finger.re-enroll) authorised which change of a finger: each
     * row authorises one change, and the officer is named. */
    "CREATE TABLE IF NOT EXISTS finger_authority ("
    "  device_id TEXT NOT NULL, audit_id BIGINT NOT NULL, case_number TEXT NOT NULL, finger TEXT NOT NULL,"
    "  actor TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (device_id, audit_id))",
    "CREATE TABLE IF NOT EXISTS messages (" /* text_en, text_ur sealed (db-seal.c) */
    "  id TEXT PRIMARY KEY, office TEXT NOT NULL, case_number TEXT, text_en TEXT, text_ur TEXT,"
    "  valid_until TEXT, withdrawn INTEGER NOT NULL DEFAULT 0, version BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS messages_by_office ON messages (office, version)",
    /* A probationer's photo (JPEG or PNG as loaded, base64; app/photo.h checked it). data NULL: the
     * centre removed it, and says so to the kiosks. */
    "CREATE TABLE IF NOT EXISTS photos ("
    "  case_number TEXT PRIMARY KEY REFERENCES probationers(case_number),"
    "  data_b64 TEXT, bytes BIGINT NOT NULL, loaded_at TEXT NOT NULL)",
    /* A probationer's PIN at the office's ADMS attendance server (docs/adms.md), the same on every
     * kiosk. pin NULL: the centre removed it, and says so to the kiosks. A table of its own, as
     * photos, so a centre made before it gains it with CREATE TABLE IF NOT EXISTS. One person per
     * PIN within an office is checked at the load (receiver/roster.c). */
    "CREATE TABLE IF NOT EXISTS adms_pins ("
    "  case_number TEXT PRIMARY KEY REFERENCES probationers(case_number), pin TEXT)",
    "CREATE INDEX IF NOT EXISTS adms_pins_by_pin ON adms_pins (pin)",
    /* The questionnaire's answers, one per check-in and question (POST /v1/answers): a re-sent
     * answer finds its row; a changed one (answered again) replaces it if it is newer. The answer is
     * sealed (db-seal.c, "yes" or "no " padded to one length); whether an officer must act is
     * worked out from it when read (store_answer_needs_attention), never stored in the clear.
     * db-seal.c's RX_ANSWERS_TABLE is the same shape: keep them together. */
    "CREATE TABLE IF NOT EXISTS answers ("
    "  checkin_uuid TEXT NOT NULL, question_id TEXT NOT NULL,"
    "  device_id TEXT NOT NULL REFERENCES devices(id), office TEXT NOT NULL,"
    "  answer TEXT NOT NULL,"
    "  answered_at TEXT NOT NULL, received_at TEXT NOT NULL,"
    "  PRIMARY KEY (checkin_uuid, question_id))",
    /* Who may read the centre's day page (receiver/web.h): Argon2id hashes. */
    "CREATE TABLE IF NOT EXISTS viewers (name TEXT PRIMARY KEY, pwhash TEXT NOT NULL, created_at TEXT NOT NULL)",
    /* Each kiosk's officer audit trail, as it was hash-chained there. */
    /* What the receiver knows about its own database: key_check, a known value sealed with the
     * centre's key (db-seal.c), so a wrong key is refused before anything is read. */
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS audit ("
    "  device_id TEXT NOT NULL REFERENCES devices(id),"
    "  id BIGINT NOT NULL,"
    "  at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT, detail TEXT,"
    "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, received_at TEXT NOT NULL,"
    "  PRIMARY KEY (device_id, id))",
};

gboolean rx_db_is_pg_spec(const char *spec)
{
    return g_str_has_prefix(spec, "postgresql:") || g_str_has_prefix(spec, "postgres:") || strchr(spec, '=') != NULL;
}

RxDb *rx_db_open(const char *spec, const char *key_path, GError **error)
{
    g_autoptr(RxDb) db = rx_db_is_pg_spec(spec) ? rx_db_open_pg(spec, error) : rx_db_open_sqlite(spec, error);
    if (!db)
        return NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(schema); i++)
        if (!rx_db_exec(db, schema[i], NULL, 0, error))
            return NULL;
    g_autofree char *default_key = key_path ? NULL : rx_db_default_key_path(spec);
    if (!rx_db_load_key(db, key_path ? key_path : default_key, error))
        return NULL;
    return g_steal_pointer(&db);
}

void rx_db_close(RxDb *db)
{
    if (!db)
        return;
    seal_free(db->seal);
    db->engine->close(db);
}

gboolean rx_db_exec(RxDb *db, const char *sql, const char *const *params, int n, GError **error)
{
    return db->engine->exec(db, sql, params, n, NULL, NULL, error);
}

GPtrArray *rx_db_query(RxDb *db, const char *sql, const char *const *params, int n, GError **error)
{
    GPtrArray *rows = NULL;
    if (!db->engine->exec(db, sql, params, n, &rows, NULL, error))
        return NULL;
    return rows;
}

gint64 rx_db_change(RxDb *db, const char *sql, const char *const *params, int n, GError **error)
{
    gint64 changes = 0;
    return db->engine->exec(db, sql, params, n, NULL, &changes, error) ? changes : -1;
}

gboolean rx_db_begin(RxDb *db, GError **error)
{
    return rx_db_exec(db, db->engine->begin_sql, NULL, 0, error);
}

gboolean rx_db_commit(RxDb *db, GError **error)
{
    return rx_db_exec(db, "COMMIT", NULL, 0, error);
}

void rx_db_rollback(RxDb *db)
{
    db->engine->exec(db, "ROLLBACK", NULL, 0, NULL, NULL, NULL);
}
