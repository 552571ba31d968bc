/* viewers — the accounts that may read the centre's day page (receiver/web.h): Argon2id hashes
 * (libsodium's crypto_pwhash_str, "interactive" limits), never the password itself. */
#include <sodium.h>
#include <string.h>

#include "app/clock.h"
#include "receiver/web.h"

static gboolean valid_name(const char *name)
{
    gsize n = strlen(name);
    if (n == 0 || n > 64)
        return FALSE;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("._-", *p))
            return FALSE;
    return TRUE;
}

gboolean rx_viewer_add(RxDb *db, const char *name, const char *password, GError **error)
{
    gsize len = strlen(password);
    if (!valid_name(name) || len < 10 || len > 256) {
        g_set_error(error, RX_ERROR, RX_ERROR_BAD_REQUEST, "%s",
                    !valid_name(name) ? "a viewer's name is 1-64 letters, digits, '.', '_' or '-'"
                                      : "a viewer's password is 10 to 256 characters");
        return FALSE;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (sodium_init() < 0 || crypto_pwhash_str(hash, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                               crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        g_set_error(error, RX_ERROR, 500, "could not hash the password (out of memory?)");
        return FALSE;
    }
    g_autoptr(GDateTime) now = clock_now_utc();
    g_autofree char *at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    const char *p[] = {name, hash, at};
    return rx_db_exec(db, "INSERT INTO viewers (name, pwhash, created_at) VALUES ($1, $2, $3) "
                          "ON CONFLICT (name) DO UPDATE SET pwhash = excluded.pwhash", p, 3, error);
}

gboolean rx_viewer_remove(RxDb *db, const char *name, GError **error)
{
    const char *p[] = {name};
    gint64 n = rx_db_change(db, "DELETE FROM viewers WHERE name = $1", p, 1, error);
    if (n == 0)
        g_set_error(error, RX_ERROR, RX_ERROR_NOT_FOUND, "there is no viewer \"%s\"", name);
    return n == 1;
}

GPtrArray *rx_viewer_list(RxDb *db, GError **error)
{
    return rx_db_query(db, "SELECT name, created_at FROM viewers ORDER BY name", NULL, 0, error);
}

/* A stand-in hash for unknown names, made once, so a wrong name costs the same Argon2id work. */
static gpointer make_dummy(gpointer data)
{
    (void)data;
    static char hash[crypto_pwhash_STRBYTES];
    char random[32];
    randombytes_buf(random, sizeof random);
    if (crypto_pwhash_str(hash, random, sizeof random, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return NULL;
    return hash;
}

gboolean rx_viewer_check(RxDb *db, const char *name, const char *password)
{
    static GOnce once = G_ONCE_INIT;
    if (sodium_init() < 0 || strlen(password) > 256)
        return FALSE;
    const char *dummy = g_once(&once, make_dummy, NULL);
    const char *p[] = {name};
    g_autoptr(GPtrArray) rows = valid_name(name) ? rx_db_query(db, "SELECT pwhash FROM viewers WHERE name = $1",
                                                               p, 1, NULL)
                                                 : NULL;
    char hash[crypto_pwhash_STRBYTES] = {0};
    gboolean known = rows && rows->len == 1 && strlen(RX_CELL(rows, 0, 0)) < sizeof hash;
    if (!known && !dummy)
        return FALSE;
    g_strlcpy(hash, known ? RX_CELL(rows, 0, 0) : dummy, sizeof hash);
    gboolean ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    return ok && known;
}
