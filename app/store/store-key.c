/* store-key — rotating the key of the sealed names and templates (app/seal.h). See store.h. */
#include "app/store/store-private.h"

#include <stdio.h>

#include "app/owner.h"

/* Every sealed column, re-sealed under the next key. */
static const char *const RESEAL_SQL =
    "UPDATE probationers SET cnic_sealed = reseal(cnic_sealed, 'cnic'), name_en = reseal(name_en, 'name_en'),"
    "  name_ur = reseal(name_ur, 'name_ur');"
    "UPDATE fingers SET print = reseal(print, 'print'), search_index = reseal(search_index, 'search_index');"
    "UPDATE officer_fingers SET print = reseal(print, 'officer_print');"
    "UPDATE photos SET png = reseal(png, 'photo');"
    "UPDATE messages SET text_en = reseal(text_en, 'message_en'), text_ur = reseal(text_ur, 'message_ur');"
    "UPDATE officers SET name = reseal(name, 'officer_name');"
    "UPDATE checkin_answers SET answer = reseal(answer, 'answer');"
    "UPDATE sync_meta SET value = reseal(value, 'key_check') WHERE key = 'key_check';";

gboolean store_rotate_key(Store *s, const char *actor, guint *rows, GError **error)
{
    /* The new key is on disk (store.key.new, fsync'd) before the database depends on it; the
     * database changes in one transaction; then the new key is renamed over the old. A stop in
     * between leaves either the old key working (not committed) or store.key.new that opens the
     * database, which store_open() then puts in place. */
    g_autofree char *next_path = g_strconcat(s->key_path, ".new", NULL);
    g_autoptr(Seal) next = seal_new_random();
    if (!next || !seal_save(next, next_path, error))
        return FALSE;
    if (!seal_register(s->seal, next, s->db, error))
        return FALSE;
    gboolean ok = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    if (ok && sqlite3_exec(s->db, RESEAL_SQL, NULL, NULL, NULL) == SQLITE_OK) {
        if (rows)
            *rows = (guint)sqlite3_total_changes(s->db);
        ok = store_audit_append(s, actor, "key.rotate", STORE_KEY_FILE, NULL) &&
             sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    } else {
        ok = FALSE;
    }
    if (!ok) {
        store_fail(s, error, "re-seal the names and fingerprints under a new key");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        seal_register(s->seal, NULL, s->db, NULL);
        remove(next_path);
        return FALSE;
    }
    /* The old ciphertext is overwritten (secure_delete) and out of the WAL before the old key goes. */
    sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    if (rename(next_path, s->key_path) != 0) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_IO, "the database was re-sealed, but %s could not be renamed to "
                    "%s; the kiosk will do it when it next opens the database", next_path, s->key_path);
        return FALSE;
    }
    seal_register(next, NULL, s->db, NULL);
    seal_free(s->seal);
    s->seal = g_steal_pointer(&next);
    return TRUE;
}

gboolean store_bulk_begin(Store *s, GError **error)
{
    return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK || store_fail(s, error, "begin");
}

gboolean store_bulk_commit(Store *s, GError **error)
{
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return TRUE;
    store_fail(s, error, "commit");
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}
