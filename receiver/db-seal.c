/* db-seal — probationers' names, CNIC, fingerprint templates, photos, messages and the
 * questionnaire's answers sealed in the centre's database (issue 16.4), with app/seal.h: the kiosk's
 * sealing, one implementation. See db.h.
 *
 * Both engines only pass text, so a sealed value is stored as the base64 of app/seal.h's bytes
 * ("HZS1", type, nonce, ciphertext, tag); templates and photos are sealed as their raw bytes (the
 * columns keep their names, print_b64 and data_b64: base64 of the sealed bytes now). The centre
 * never looks a row up by a sealed value (case numbers, which stay in the clear, are the keys), so
 * no blind index is needed. The key is a file (store.key, 0600), never in the database; the
 * database holds one sealed known value (meta.key_check) so a wrong key is refused at once. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "receiver/db.h"

#define KEY_CHECK "haazri-receiver key check"

/* Which columns a database has sealed (meta.seal_generation; absent with a key_check: 1). 1: names,
 * CNIC, templates, photos. 2: messages and the answers. A database at an earlier generation has the
 * later columns sealed at its next open, in one transaction, as the first sealing did. */
#define SEAL_GENERATION 2

/* Every sealed column: its table, the table's key, whether it holds bytes (base64 before sealing)
 * or text, and the generation that sealed it. The associated data is the kiosk's name for the same
 * value. */
typedef struct {
    const char *table, *keys, *where, *after, *column, *ad;
    gboolean bytes;
    int since;
} SealedColumn;

static const SealedColumn sealed_columns[] = {
    {"probationers", "case_number", "case_number = $1", "case_number > $1", "cnic", "cnic", FALSE, 1},
    {"probationers", "case_number", "case_number = $1", "case_number > $1", "name_en", "name_en", FALSE, 1},
    {"probationers", "case_number", "case_number = $1", "case_number > $1", "name_ur", "name_ur", FALSE, 1},
    {"fingers", "case_number, finger", "case_number = $1 AND finger = $2", "(case_number, finger) > ($1, $2)",
     "print_b64", "print", TRUE, 1},
    {"photos", "case_number", "case_number = $1", "case_number > $1", "data_b64", "photo", TRUE, 1},
    {"messages", "id", "id = $1", "id > $1", "text_en", "message_en", FALSE, 2},
    {"messages", "id", "id = $1", "id > $1", "text_ur", "message_ur", FALSE, 2},
    {"answers", "checkin_uuid, question_id", "checkin_uuid = $1 AND question_id = $2",
     "(checkin_uuid, question_id) > ($1, $2)", "answer", "answer", FALSE, 2},
};

/* The answers' table as generation 2 has it (db.c makes a new one so): an old one's
 * CHECK (answer IN ('yes', 'no')) cannot hold a sealed value, and its `attention` flag said in the
 * clear who answered "arrested: yes". Copied over with "no" padded to "no " (one length for both
 * answers, so a sealed answer's length does not tell them apart), then sealed like the rest. */
static const char *const REBUILD_ANSWERS[] = {
    "CREATE TABLE answers_sealed ("
    "  checkin_uuid TEXT NOT NULL, question_id TEXT NOT NULL,"
    "  device_id TEXT NOT NULL REFERENCES devices(id), office TEXT NOT NULL,"
    "  answer TEXT NOT NULL,"
    "  answered_at TEXT NOT NULL, received_at TEXT NOT NULL,"
    "  PRIMARY KEY (checkin_uuid, question_id))",
    "INSERT INTO answers_sealed SELECT checkin_uuid, question_id, device_id, office, "
    "  CASE answer WHEN 'no' THEN 'no ' ELSE answer END, answered_at, received_at FROM answers",
    "DROP TABLE answers",
    "ALTER TABLE answers_sealed RENAME TO answers",
};

static char *seal_with(const Seal *seal, const char *column, const void *plain, gsize len, gboolean text)
{
    g_autoptr(GBytes) sealed = seal_value(seal, plain, len, text, column);
    gsize n = 0;
    const guchar *data = g_bytes_get_data(sealed, &n);
    return g_base64_encode(data, n);
}

static GBytes *open_with(const Seal *seal, const char *column, const char *stored, gboolean *text, GError **error)
{
    gsize len = 0;
    g_autofree guchar *raw = g_base64_decode(stored, &len);
    GBytes *plain = seal_open_value(seal, raw, len, column, text, error);
    if (!plain)
        g_prefix_error(error, "the centre's database: ");
    return plain;
}

char *rx_db_seal(RxDb *db, const char *column, const void *plain, gsize len, gboolean text)
{
    return plain ? seal_with(db->seal, column, plain, len, text) : NULL;
}

char *rx_db_seal_text(RxDb *db, const char *column, const char *text)
{
    return text ? seal_with(db->seal, column, text, strlen(text), TRUE) : NULL;
}

gboolean rx_db_unseal_text(RxDb *db, const char *column, const char *stored, char **out, GError **error)
{
    *out = NULL;
    if (!stored)
        return TRUE;
    g_autoptr(GBytes) plain = open_with(db->seal, column, stored, NULL, error);
    if (!plain)
        return FALSE;
    *out = g_strndup(g_bytes_get_data(plain, NULL), g_bytes_get_size(plain));
    return TRUE;
}

GBytes *rx_db_unseal_bytes(RxDb *db, const char *column, const char *stored, GError **error)
{
    return open_with(db->seal, column, stored, NULL, error);
}

/* One stored value re-sealed: from the clear (`from` NULL, as versions before sealing wrote it)
 * or from `from`'s sealing, to `to`'s. */
static char *reseal_one(const SealedColumn *c, const Seal *from, const Seal *to, const char *stored, GError **error)
{
    if (!from) {
        if (!c->bytes)
            return seal_with(to, c->ad, stored, strlen(stored), TRUE);
        gsize len = 0;
        g_autofree guchar *raw = g_base64_decode(stored, &len);
        return seal_with(to, c->ad, raw, len, FALSE);
    }
    gboolean text = FALSE;
    g_autoptr(GBytes) plain = open_with(from, c->ad, stored, &text, error);
    return plain ? seal_with(to, c->ad, g_bytes_get_data(plain, NULL), g_bytes_get_size(plain), text) : NULL;
}

/* Re-seals every value of every sealed column of generation `since` or later inside the caller's
 * transaction, a page of rows at a time (photos make a column large: a province's would not fit in
 * memory at once). */
static gboolean reseal_all(RxDb *db, const Seal *from, const Seal *to, int since, guint *values, GError **error)
{
    for (gsize i = 0; i < G_N_ELEMENTS(sealed_columns); i++) {
        const SealedColumn *c = &sealed_columns[i];
        if (c->since < since)
            continue;
        int nkeys = strchr(c->keys, ',') ? 2 : 1;
        g_autofree char *page_sql = g_strdup_printf("SELECT %s, %s FROM %s WHERE %s IS NOT NULL AND %s ORDER BY %s "
                                                    "LIMIT 256", c->keys, c->column, c->table, c->column, c->after,
                                                    c->keys);
        g_autofree char *update_sql = g_strdup_printf("UPDATE %s SET %s = $%d WHERE %s", c->table, c->column,
                                                      nkeys + 1, c->where);
        g_autofree char *last0 = g_strdup(""), *last1 = g_strdup("");
        for (;;) {
            const char *after[] = {last0, last1};
            g_autoptr(GPtrArray) rows = rx_db_query(db, page_sql, after, nkeys, error);
            if (!rows)
                return FALSE;
            for (guint r = 0; r < rows->len; r++) {
                g_autofree char *sealed = reseal_one(c, from, to, RX_CELL(rows, r, nkeys), error);
                if (!sealed) {
                    g_prefix_error(error, "%s of %s: ", c->ad, RX_CELL(rows, r, 0));
                    return FALSE;
                }
                const char *p[] = {RX_CELL(rows, r, 0), nkeys == 2 ? RX_CELL(rows, r, 1) : sealed, sealed};
                if (!rx_db_exec(db, update_sql, p, nkeys + 1, error))
                    return FALSE;
                (*values)++;
            }
            if (rows->len < 256)
                break;
            g_free(last0);
            g_free(last1);
            last0 = g_strdup(RX_CELL(rows, rows->len - 1, 0));
            last1 = g_strdup(nkeys == 2 ? RX_CELL(rows, rows->len - 1, 1) : "");
        }
    }
    return TRUE;
}

/* After sealing what was in the clear, or re-sealing under a new key: the old bytes out of the
 * files. SQLite overwrites freed space (secure_delete, db-sqlite.c) and the WAL is emptied;
 * PostgreSQL keeps old row versions until a vacuum, which VACUUM FULL rewrites away. */
static void scrub_old_values(RxDb *db)
{
    if (strcmp(db->engine->name, "sqlite") == 0) {
        rx_db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, 0, NULL);
        return;
    }
    rx_db_exec(db, "VACUUM FULL probationers, fingers, photos, messages, answers", NULL, 0, NULL);
}

static gboolean key_opens(const Seal *seal, const char *check)
{
    g_autoptr(GBytes) plain = open_with(seal, "key_check", check, NULL, NULL);
    return plain && g_bytes_get_size(plain) == strlen(KEY_CHECK) &&
           memcmp(g_bytes_get_data(plain, NULL), KEY_CHECK, strlen(KEY_CHECK)) == 0;
}

static char *read_key_check(RxDb *db, GError **error)
{
    g_autoptr(GPtrArray) rows = rx_db_query(db, "SELECT value FROM meta WHERE key = 'key_check'", NULL, 0, error);
    if (!rows)
        return NULL;
    return g_strdup(rows->len ? RX_CELL(rows, 0, 0) : "");
}

static int read_generation(RxDb *db, GError **error)
{
    g_autoptr(GPtrArray) rows = rx_db_query(db, "SELECT value FROM meta WHERE key = 'seal_generation'", NULL, 0, error);
    if (!rows)
        return -1;
    return rows->len ? (int)g_ascii_strtoll(RX_CELL(rows, 0, 0), NULL, 10) : 1;
}

/* What was still in the clear sealed, inside the caller's transaction: every column of generation
 * `since` or later (1: a database never sealed, or a new one), the answers' table rebuilt first. */
static gboolean seal_clear_columns(RxDb *db, int since, guint *values, GError **error)
{
    for (gsize i = 0; i < G_N_ELEMENTS(REBUILD_ANSWERS); i++)
        if (!rx_db_exec(db, REBUILD_ANSWERS[i], NULL, 0, error))
            return FALSE;
    g_autofree char *generation = g_strdup_printf("%d", SEAL_GENERATION);
    const char *p[] = {generation};
    return reseal_all(db, NULL, db->seal, since, values, error) &&
           rx_db_exec(db, "INSERT INTO meta (key, value) VALUES ('seal_generation', $1) ON CONFLICT (key) "
                          "DO UPDATE SET value = excluded.value", p, 1, error);
}

/* The database sealed for the first time: a database of a version before sealing (its names and
 * templates in the clear) or a new one. One transaction: the key check goes in first, so a second
 * process opening the same new database at the same moment waits and then finds it. */
static gboolean seal_first_time(RxDb *db, GError **error)
{
    g_autofree char *check = seal_with(db->seal, "key_check", KEY_CHECK, strlen(KEY_CHECK), TRUE);
    const char *p[] = {check};
    guint values = 0;
    if (!rx_db_begin(db, error))
        return FALSE;
    gint64 n = rx_db_change(db, "INSERT INTO meta (key, value) VALUES ('key_check', $1) ON CONFLICT (key) DO NOTHING",
                            p, 1, error);
    if (n == 0) {
        rx_db_rollback(db); /* another process sealed it just now */
        return TRUE;
    }
    if (n < 0 || !seal_clear_columns(db, 1, &values, error) || !rx_db_commit(db, error)) {
        rx_db_rollback(db);
        g_prefix_error(error, "sealing the names and fingerprints held in the clear: ");
        return FALSE;
    }
    if (values)
        scrub_old_values(db);
    return TRUE;
}

/* A database sealed by an earlier version: the columns sealed since (messages, answers) are sealed
 * now, in one transaction. The generation row is claimed first, so a second process opening it at
 * the same moment waits, then finds it done and changes nothing. */
static gboolean seal_new_columns(RxDb *db, int generation, GError **error)
{
    g_autofree char *next = g_strdup_printf("%d", SEAL_GENERATION);
    const char *p[] = {next};
    guint values = 0;
    if (!rx_db_begin(db, error))
        return FALSE;
    gint64 n = rx_db_change(db, "INSERT INTO meta (key, value) VALUES ('seal_generation', $1) ON CONFLICT (key) "
                                "DO UPDATE SET value = excluded.value WHERE CAST(meta.value AS INTEGER) < "
                                "CAST(excluded.value AS INTEGER)", p, 1, error);
    if (n == 0) {
        rx_db_rollback(db);
        return TRUE;
    }
    if (n < 0 || !seal_clear_columns(db, generation + 1, &values, error) || !rx_db_commit(db, error)) {
        rx_db_rollback(db);
        g_prefix_error(error, "sealing the messages and answers held in the clear: ");
        return FALSE;
    }
    scrub_old_values(db);
    return TRUE;
}

char *rx_db_default_key_path(const char *spec)
{
    if (g_getenv("HAAZRI_RECEIVER_KEY"))
        return g_strdup(g_getenv("HAAZRI_RECEIVER_KEY"));
    if (rx_db_is_pg_spec(spec))
        return g_strdup("/var/lib/haazri-receiver/store.key");
    g_autofree char *dir = g_path_get_dirname(spec);
    return g_build_filename(dir, "store.key", NULL);
}

gboolean rx_db_load_key(RxDb *db, const char *key_path, GError **error)
{
    g_autofree char *check = read_key_check(db, error);
    if (!check)
        return FALSE;
    /* A rotation that committed and stopped before renaming its key left it as store.key.new. */
    g_autofree char *next_path = g_strconcat(key_path, ".new", NULL);
    if (*check && g_file_test(next_path, G_FILE_TEST_IS_REGULAR)) {
        g_autoptr(Seal) next = seal_load_or_create(next_path, NULL);
        if (next && key_opens(next, check) && rename(next_path, key_path) == 0) {
            db->seal = g_steal_pointer(&next);
            return TRUE;
        }
        if (!next || !key_opens(next, check))
            unlink(next_path); /* a rotation that never committed */
    }
    db->seal = seal_load_or_create(key_path, error);
    if (!db->seal)
        return FALSE;
    if (!*check)
        return seal_first_time(db, error);
    if (!key_opens(db->seal, check)) {
        g_set_error(error, RX_DB_ERROR, 1, "%s is not the key this database's names and fingerprints were sealed "
                    "with (restore the centre's own store.key from where it was backed up, or give it with "
                    "--store-key)", key_path);
        return FALSE;
    }
    int generation = read_generation(db, error);
    return generation >= SEAL_GENERATION || (generation > 0 && seal_new_columns(db, generation, error));
}

gboolean rx_db_rotate_key(RxDb *db, const char *key_path, guint *values, GError **error)
{
    /* As on the kiosk (app/store/store-key.c): the new key on disk first, the database re-sealed in one
     * transaction, then the new key renamed over the old; a stop in between leaves either the old
     * key working or store.key.new opening the database (rx_db_load_key puts it in place). */
    *values = 0;
    g_autofree char *next_path = g_strconcat(key_path, ".new", NULL);
    g_autoptr(Seal) next = seal_new_random();
    if (!next || !seal_save(next, next_path, error))
        return FALSE;
    g_autofree char *check = seal_with(next, "key_check", KEY_CHECK, strlen(KEY_CHECK), TRUE);
    const char *p[] = {check};
    if (!rx_db_begin(db, error))
        goto fail;
    if (!reseal_all(db, db->seal, next, 1, values, error) ||
        !rx_db_exec(db, "UPDATE meta SET value = $1 WHERE key = 'key_check'", p, 1, error) ||
        !rx_db_commit(db, error)) {
        rx_db_rollback(db);
        goto fail;
    }
    scrub_old_values(db);
    if (rename(next_path, key_path) != 0) {
        g_set_error(error, RX_DB_ERROR, 1, "the database was re-sealed, but %s could not be renamed to %s; the "
                    "receiver will do it when it next opens the database", next_path, key_path);
        return FALSE;
    }
    seal_free(db->seal);
    db->seal = g_steal_pointer(&next);
    return TRUE;
fail:
    unlink(next_path);
    g_prefix_error(error, "the key was not changed: ");
    return FALSE;
}
