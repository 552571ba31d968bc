/* seal — names and templates encrypted at rest. See seal.h. */
#include "app/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/owner.h"

#define MAGIC "HZS1"
#define MAGIC_LEN 4
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define KEY_LEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
#define HEADER_LEN (MAGIC_LEN + 1 + NONCE_LEN)

struct Seal {
    unsigned char key[KEY_LEN];
};

Seal *seal_new_random(void)
{
    if (sodium_init() < 0)
        return NULL;
    Seal *s = sodium_malloc(sizeof *s);
    if (s)
        crypto_aead_xchacha20poly1305_ietf_keygen(s->key);
    return s;
}

void seal_free(Seal *s)
{
    if (s)
        sodium_free(s); /* zeroes it */
}

gboolean seal_save(const Seal *s, const char *path, GError **error)
{
    g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
    g_autofree char *folder = g_path_get_dirname(path);
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    gboolean ok = fd >= 0 && write(fd, s->key, KEY_LEN) == KEY_LEN && fsync(fd) == 0;
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (ok && !owner_adopt(tmp, error)) {
        unlink(tmp);
        return FALSE;
    }
    if (!ok || rename(tmp, path) != 0) {
        err = ok ? errno : err;
        unlink(tmp);
        g_set_error(error, SEAL_ERROR, 1, "cannot write the database's key %s: %s", path, g_strerror(err));
        return FALSE;
    }
    int dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd >= 0) {
        fsync(dirfd);
        close(dirfd);
    }
    return TRUE;
}

Seal *seal_load_or_create(const char *path, GError **error)
{
    if (sodium_init() < 0) {
        g_set_error(error, SEAL_ERROR, 1, "libsodium could not start");
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        /* A kiosk's first start (or haazri-ctl's, at installation): its own key. */
        g_autoptr(Seal) s = seal_new_random();
        if (!s || !seal_save(s, path, error))
            return NULL;
        return g_steal_pointer(&s);
    }
    if (fd < 0) {
        g_set_error(error, SEAL_ERROR, 1, "cannot read the database's key %s: %s", path, g_strerror(errno));
        return NULL;
    }
    struct stat st;
    g_autoptr(Seal) s = sodium_malloc(sizeof(Seal));
    gboolean ok = s && fstat(fd, &st) == 0 && st.st_size == KEY_LEN && read(fd, s->key, KEY_LEN) == KEY_LEN;
    close(fd);
    if (!ok) {
        g_set_error(error, SEAL_ERROR, 1, "%s is not a key for the database (it must be %d bytes, as written "
                    "by haazri); the database cannot be read without its own key", path, KEY_LEN);
        return NULL;
    }
    return g_steal_pointer(&s);
}

/* ---- sealing one value ---- */

/* Into `out` (HEADER_LEN + len + TAG_LEN bytes). */
static void seal_into(const Seal *s, const void *plain, gsize len, gboolean text, const char *column,
                      unsigned char *out)
{
    memcpy(out, MAGIC, MAGIC_LEN);
    out[MAGIC_LEN] = text ? 't' : 'b';
    randombytes_buf(out + MAGIC_LEN + 1, NONCE_LEN);
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + HEADER_LEN, NULL, plain, len, (const unsigned char *)column,
                                               strlen(column), NULL, out + MAGIC_LEN + 1, s->key);
}

/* Into `out` (len - HEADER_LEN - TAG_LEN bytes); FALSE when it does not open. */
static gboolean open_into(const Seal *s, const unsigned char *in, gsize len, const char *column, unsigned char *out)
{
    return crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, in + HEADER_LEN, len - HEADER_LEN,
                                                      (const unsigned char *)column, strlen(column),
                                                      in + MAGIC_LEN + 1, s->key) == 0;
}

gboolean seal_is_sealed(const void *data, gsize len)
{
    return data && len >= HEADER_LEN + TAG_LEN && memcmp(data, MAGIC, MAGIC_LEN) == 0;
}

GBytes *seal_value(const Seal *s, const void *plain, gsize len, gboolean text, const char *column)
{
    unsigned char *out = g_malloc(HEADER_LEN + len + TAG_LEN);
    seal_into(s, plain, len, text, column, out);
    return g_bytes_new_take(out, HEADER_LEN + len + TAG_LEN);
}

GBytes *seal_open_value(const Seal *s, const void *sealed, gsize len, const char *column, gboolean *text,
                        GError **error)
{
    if (!seal_is_sealed(sealed, len)) {
        g_set_error(error, SEAL_ERROR, 1, "the %s held is not sealed (the database was changed behind its "
                    "program's back)", column);
        return NULL;
    }
    gsize out_len = len - HEADER_LEN - TAG_LEN;
    unsigned char *out = g_malloc(out_len + 1);
    if (!open_into(s, sealed, len, column, out)) {
        g_free(out);
        g_set_error(error, SEAL_ERROR, 1, "a sealed %s does not open with this key (store.key): the key or the "
                    "database was changed or mixed up", column);
        return NULL;
    }
    out[out_len] = 0; /* a text reads as a C string */
    if (text)
        *text = ((const unsigned char *)sealed)[MAGIC_LEN] == 't';
    return g_bytes_new_take(out, out_len);
}

/* ---- the SQL functions ---- */

static void do_seal(sqlite3_context *ctx, const Seal *s, sqlite3_value *v, const char *column)
{
    int type = sqlite3_value_type(v);
    if (type == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *plain = type == SQLITE_BLOB ? sqlite3_value_blob(v) : sqlite3_value_text(v);
    gsize len = (gsize)sqlite3_value_bytes(v);
    gsize out_len = HEADER_LEN + len + TAG_LEN;
    unsigned char *out = sqlite3_malloc64(out_len);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    seal_into(s, plain, len, type != SQLITE_BLOB, column, out);
    sqlite3_result_blob64(ctx, out, out_len, sqlite3_free);
}

static gboolean is_sealed(sqlite3_value *v)
{
    return sqlite3_value_type(v) == SQLITE_BLOB && seal_is_sealed(sqlite3_value_blob(v), (gsize)sqlite3_value_bytes(v));
}

static void do_unseal(sqlite3_context *ctx, const Seal *s, sqlite3_value *v, const char *column)
{
    if (!is_sealed(v)) {
        sqlite3_result_value(ctx, v);
        return;
    }
    const unsigned char *in = sqlite3_value_blob(v);
    gsize in_len = (gsize)sqlite3_value_bytes(v), len = in_len - HEADER_LEN - TAG_LEN;
    unsigned char *out = sqlite3_malloc64(len + 1);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!open_into(s, in, in_len, column, out)) {
        sqlite3_free(out);
        g_autofree char *msg = g_strdup_printf("a sealed %s does not open with this kiosk's key (store.key): "
                                               "the key or the database was changed or mixed up", column);
        sqlite3_result_error(ctx, msg, -1);
        return;
    }
    out[len] = 0;
    if (in[MAGIC_LEN] == 't')
        sqlite3_result_text64(ctx, (char *)out, len, sqlite3_free, SQLITE_UTF8);
    else
        sqlite3_result_blob64(ctx, out, len, sqlite3_free);
}

typedef struct {
    Seal *seal, *next;
} Keys;

static void sql_seal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const Keys *k = sqlite3_user_data(ctx);
    do_seal(ctx, k->seal, argv[0], (const char *)sqlite3_value_text(argv[1]));
}

static void sql_unseal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const Keys *k = sqlite3_user_data(ctx);
    do_unseal(ctx, k->seal, argv[0], (const char *)sqlite3_value_text(argv[1]));
}

/* Opened with the current key, sealed with the next: key rotation in one UPDATE per column. */
static void sql_reseal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const Keys *k = sqlite3_user_data(ctx);
    const char *column = (const char *)sqlite3_value_text(argv[1]);
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    /* unseal into a scratch statement's value: simplest through a nested query. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT unseal(?, ?)", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
        return;
    }
    sqlite3_bind_value(st, 1, argv[0]);
    sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
        sqlite3_finalize(st);
        return;
    }
    do_seal(ctx, k->next, sqlite3_column_value(st, 0), column);
    sqlite3_finalize(st);
}

gboolean seal_register(Seal *seal, Seal *next, sqlite3 *db, GError **error)
{
    Keys *k = g_new0(Keys, 1);
    k->seal = seal;
    k->next = next;
    int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
    /* unseal is deterministic for one key; declared so that it may be used in WHERE and ORDER BY freely. */
    int rc = sqlite3_create_function_v2(db, "seal", 2, flags, k, sql_seal, NULL, NULL, g_free);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "unseal", 2, flags | SQLITE_DETERMINISTIC, k, sql_unseal, NULL, NULL, NULL);
    if (rc == SQLITE_OK && next)
        rc = sqlite3_create_function_v2(db, "reseal", 2, flags, k, sql_reseal, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(error, SEAL_ERROR, 1, "cannot prepare the database's encryption: %s", sqlite3_errmsg(db));
        return FALSE;
    }
    return TRUE;
}
