/* sync-config — the [sync] group and the device credentials file. Keys, with their defaults, are
 * documented in config/haazri.conf ([sync]); keep the two in step. */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include <unistd.h>
#include "app/owner.h"
#include "sync/sync.h"

#define GROUP "sync"
#define SYNC_CONFIG_ERROR (g_quark_from_static_string("haazri-sync-config"))

void sync_config_init(SyncConfig *c)
{
    *c = (SyncConfig){0};
    c->server = g_strdup("");
    c->ca_file = g_strdup("");
    c->client_cert = g_strdup("");
    c->client_key = g_strdup("");
    c->batch_max = 500;
    c->interval_s = 300;
    c->retry_min_ms = 5000;
    c->retry_max_ms = 900000;
    c->timeout_ms = 60000;
}

void sync_config_clear(SyncConfig *c)
{
    g_clear_pointer(&c->server, g_free);
    g_clear_pointer(&c->ca_file, g_free);
    g_clear_pointer(&c->client_cert, g_free);
    g_clear_pointer(&c->client_key, g_free);
}

static gboolean bad(const char *path, const char *key, const char *value, const char *expected, GError **error)
{
    g_set_error(error, SYNC_CONFIG_ERROR, 1, "%s: [%s] %s = \"%s\" is not valid: expected %s", path, GROUP, key,
                value, expected);
    return FALSE;
}

static void read_str(GKeyFile *kf, const char *key, char **out)
{
    char *v = g_key_file_get_string(kf, GROUP, key, NULL);
    if (v) {
        g_free(*out);
        *out = g_strstrip(v);
    }
}

/* A number of seconds (decimals allowed) from min to max, stored as milliseconds. */
static gboolean read_seconds(GKeyFile *kf, const char *path, const char *key, double min, double max, int *out_ms,
                             GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, GROUP, key, NULL);
    if (!v)
        return TRUE;
    g_strstrip(v);
    char *end = NULL;
    double d = g_ascii_strtod(v, &end);
    if (!*v || *end || !(d >= min && d <= max)) {
        g_autofree char *what = g_strdup_printf("a number of seconds from %g to %g", min, max);
        return bad(path, key, v, what, error);
    }
    *out_ms = (int)(d * 1000 + 0.5);
    return TRUE;
}

static gboolean read_file_key(GKeyFile *kf, const char *path, const char *key, char **out, GError **error)
{
    read_str(kf, key, out);
    if (**out && g_access(*out, R_OK) != 0)
        return bad(path, key, *out, "a readable PEM file (it is missing or unreadable)", error);
    return TRUE;
}

gboolean sync_config_load(GKeyFile *kf, const char *path, SyncConfig *c, GError **error)
{
    if (!kf || !g_key_file_has_group(kf, GROUP))
        return TRUE;
    static const char *const known[] = {"server", "ca_file", "client_cert", "client_key", "allow_insecure_http",
                                        "batch_max", "interval_seconds", "retry_min_seconds",
                                        "retry_max_seconds", "timeout_seconds", NULL};
    g_auto(GStrv) keys = g_key_file_get_keys(kf, GROUP, NULL, NULL);
    for (char **k = keys; keys && *k; k++)
        if (!g_strv_contains(known, *k))
            g_warning("%s: unknown key [%s] %s ignored", path, GROUP, *k);

    g_autofree char *insecure = g_key_file_get_string(kf, GROUP, "allow_insecure_http", NULL);
    if (insecure) {
        g_strstrip(insecure);
        if (strcmp(insecure, "true") != 0 && strcmp(insecure, "false") != 0)
            return bad(path, "allow_insecure_http", insecure, "true or false", error);
        c->allow_insecure_http = strcmp(insecure, "true") == 0;
    }
    read_str(kf, "server", &c->server);
    if (*c->server && !g_str_has_prefix(c->server, "https://") &&
        !(c->allow_insecure_http && g_str_has_prefix(c->server, "http://")))
        return bad(path, "server", c->server,
                   c->allow_insecure_http || !g_str_has_prefix(c->server, "http://")
                       ? "an https:// address (or empty: no sync)"
                       : "an https:// address: plain http:// is refused unless allow_insecure_http = true (demo only)",
                   error);
    if (!read_file_key(kf, path, "ca_file", &c->ca_file, error) ||
        !read_file_key(kf, path, "client_cert", &c->client_cert, error) ||
        !read_file_key(kf, path, "client_key", &c->client_key, error))
        return FALSE;
    g_autofree char *batch = g_key_file_get_string(kf, GROUP, "batch_max", NULL);
    if (batch) {
        gint64 n;
        g_strstrip(batch);
        if (!g_ascii_string_to_signed(batch, 10, 1, 5000, &n, NULL))
            return bad(path, "batch_max", batch, "a whole number from 1 to 5000", error);
        c->batch_max = (int)n;
    }
    int interval_ms = c->interval_s * 1000;
    if (!read_seconds(kf, path, "interval_seconds", 1, 86400, &interval_ms, error) ||
        !read_seconds(kf, path, "retry_min_seconds", 0.05, 3600, &c->retry_min_ms, error) ||
        !read_seconds(kf, path, "retry_max_seconds", 0.05, 86400, &c->retry_max_ms, error) ||
        !read_seconds(kf, path, "timeout_seconds", 0.5, 600, &c->timeout_ms, error))
        return FALSE;
    c->interval_s = MAX(1, interval_ms / 1000);
    if (c->retry_max_ms < c->retry_min_ms) {
        g_autofree char *v = g_strdup_printf("%g", c->retry_max_ms / 1000.0);
        return bad(path, "retry_max_seconds", v, "at least retry_min_seconds", error);
    }
    return TRUE;
}

/* ---- credentials ---- */

#define CREDS_FILE "sync.key"

gboolean sync_credentials_load(const char *data_dir, SyncCredentials *out, GError **error)
{
    *out = (SyncCredentials){0};
    g_autofree char *path = g_build_filename(data_dir, CREDS_FILE, NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, SYNC_CONFIG_ERROR, 2, "%s: cannot read this kiosk's sync credentials (%s); "
                    "register it with: haazri-ctl provision --server URL --token TOKEN", path, local->message);
        return FALSE;
    }
    GStatBuf st;
    if (g_stat(path, &st) == 0 && (st.st_mode & 077))
        g_warning("%s can be read by other users: chmod 600 it", path);
    out->device_id = g_key_file_get_string(kf, "device", "id", NULL);
    out->secret = g_key_file_get_string(kf, "device", "secret", NULL);
    out->server = g_key_file_get_string(kf, "device", "server", NULL);
    if (!out->device_id || !out->secret || !*out->device_id || !*out->secret) {
        sync_credentials_clear(out);
        g_set_error(error, SYNC_CONFIG_ERROR, 2, "%s: [device] id and secret are missing; provision again", path);
        return FALSE;
    }
    return TRUE;
}

gboolean sync_credentials_save(const char *data_dir, const SyncCredentials *c, GError **error)
{
    g_autofree char *path = g_build_filename(data_dir, CREDS_FILE, NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_key_file_set_string(kf, "device", "id", c->device_id);
    g_key_file_set_string(kf, "device", "secret", c->secret);
    if (c->server)
        g_key_file_set_string(kf, "device", "server", c->server);
    gsize len = 0;
    g_autofree char *text = g_key_file_to_data(kf, &len, NULL);
    /* 0600 from the first byte, renamed into place after an fsync: never readable by others, never
     * half-written. */
    if (!g_file_set_contents_full(path, text, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
        return FALSE;
    /* Provisioning usually runs as root: hand the file to whoever owns the data folder (the
     * service user), still 0600, so the kiosk can read it and nobody else can. */
    return owner_adopt(path, error);
}

void sync_credentials_clear(SyncCredentials *c)
{
    g_clear_pointer(&c->device_id, g_free);
    g_clear_pointer(&c->secret, g_free);
    g_clear_pointer(&c->server, g_free);
}
