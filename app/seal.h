/* seal — probationers' names, CNIC, fingerprint templates and photos, messages to them, their answers
 * to the after-check-in questions and officers' names encrypted at rest, in the kiosk's haazri.db
 * and (through seal_value/seal_open_value) the centre's database (receiver/db.h).
 *
 * libsodium's XChaCha20-Poly1305 (AEAD) with a 256-bit key kept in its own file beside the database,
 * <data_dir>/store.key (mode 0600, the service user's), never in the database or its backups: a copy
 * of haazri.db alone shows no name and no template. The database sees two SQL functions,
 * seal(value, column) and unseal(value, column); the column's name is the associated data, so a
 * sealed value moved to another column does not open. A sealed value is "HZS1", a type byte ('t'
 * text, 'b' blob), a random 24-byte nonce and the ciphertext with its tag. unseal() passes a value
 * that is not sealed through unchanged (rows written before migration 7 are sealed by it). */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#define SEAL_ERROR (g_quark_from_static_string("haazri-seal"))

typedef struct Seal Seal;

/* The key in `key_path`; made (random, 0600, handed to the folder's owner) when there is none. */
Seal *seal_load_or_create(const char *key_path, GError **error);
/* A new random key, not yet saved anywhere. */
Seal *seal_new_random(void);
/* Writes the key to `path` (0600, fsync'd, atomically renamed, the folder owner's). */
gboolean seal_save(const Seal *seal, const char *path, GError **error);
void seal_free(Seal *seal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Seal, seal_free)
/* seal(value, column) and unseal(value, column) on `db`, with `seal` (borrowed: it must outlive db's
 * use of them); with `next` also reseal(value, column): opened with `seal`, sealed with `next`. */
gboolean seal_register(Seal *seal, Seal *next, sqlite3 *db, GError **error);

/* The same sealing for values kept outside SQLite's functions (the centre's database, whose
 * engines only pass text: receiver/db.h stores these bytes base64-encoded). `text` says which type
 * byte to write, and is read back from it. */
GBytes *seal_value(const Seal *seal, const void *plain, gsize len, gboolean text, const char *column);
/* NULL with a sentence naming the column when `sealed` is not sealed or does not open with `seal`. */
GBytes *seal_open_value(const Seal *seal, const void *sealed, gsize len, const char *column, gboolean *text,
                        GError **error);
/* TRUE when `data` has the form of a sealed value (whether or not it opens). */
gboolean seal_is_sealed(const void *data, gsize len);
