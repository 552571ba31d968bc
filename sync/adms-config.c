/* adms-config — the [adms] group. Keys, with their defaults, are documented in config/haazri.conf
 * ([adms]); keep the two in step. */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sync/adms.h"

#define GROUP "adms"
#define ADMS_CONFIG_ERROR (g_quark_from_static_string("haazri-adms-config"))

void adms_config_init(AdmsConfig *c)
{
    *c = (AdmsConfig){0};
    c->server = g_strdup("");
    c->serial = g_strdup("");
    c->comm_key = g_strdup("");
    c->ca_file = g_strdup("");
    c->attlog = TRUE;
    c->operlog = TRUE;
    c->batch_max = 200;
    c->delay_s = 10;
    c->error_delay_s = 30;
    c->timeout_ms = 30000;
}

void adms_config_clear(AdmsConfig *c)
{
    g_clear_pointer(&c->server, g_free);
    g_clear_pointer(&c->serial, g_free);
    g_clear_pointer(&c->comm_key, g_free);
    g_clear_pointer(&c->ca_file, g_free);
}

char *adms_serial_from_device_id(const char *device_id)
{
    GString *s = g_string_new("HZ");
    for (const char *p = device_id ? device_id : ""; *p && s->len < 20; p++)
        if (g_ascii_isalnum(*p))
            g_string_append_c(s, g_ascii_toupper(*p));
    return g_string_free(s, FALSE);
}

static gboolean bad(const char *path, const char *key, const char *value, const char *expected, GError **error)
{
    g_set_error(error, ADMS_CONFIG_ERROR, 1, "%s: [%s] %s = \"%s\" is not valid: expected %s", path, GROUP, key,
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

static gboolean read_bool(GKeyFile *kf, const char *path, const char *key, gboolean *out, GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, GROUP, key, NULL);
    if (!v)
        return TRUE;
    g_strstrip(v);
    if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0 && strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
        return bad(path, key, v, "on or off", error);
    *out = strcmp(v, "on") == 0 || strcmp(v, "true") == 0;
    return TRUE;
}

static gboolean read_int(GKeyFile *kf, const char *path, const char *key, gint64 min, gint64 max, int *out,
                         GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, GROUP, key, NULL);
    if (!v)
        return TRUE;
    g_strstrip(v);
    gint64 n;
    if (!g_ascii_string_to_signed(v, 10, min, max, &n, NULL)) {
        g_autofree char *what = g_strdup_printf("a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                                                min, max);
        return bad(path, key, v, what, error);
    }
    *out = (int)n;
    return TRUE;
}

gboolean adms_config_load(GKeyFile *kf, const char *path, const char *device_id, AdmsConfig *c, GError **error)
{
    if (kf && g_key_file_has_group(kf, GROUP)) {
        static const char *const known[] = {"server", "serial", "comm_key", "ca_file", "attlog", "operlog",
                                            "batch_max", "delay_seconds", "error_delay_seconds",
                                            "timeout_seconds", NULL};
        g_auto(GStrv) keys = g_key_file_get_keys(kf, GROUP, NULL, NULL);
        for (char **k = keys; keys && *k; k++)
            if (!g_strv_contains(known, *k))
                g_warning("%s: unknown key [%s] %s ignored", path, GROUP, *k);
        read_str(kf, "server", &c->server);
        read_str(kf, "serial", &c->serial);
        read_str(kf, "comm_key", &c->comm_key);
        read_str(kf, "ca_file", &c->ca_file);
        int timeout_s = c->timeout_ms / 1000;
        if (!read_bool(kf, path, "attlog", &c->attlog, error) || !read_bool(kf, path, "operlog", &c->operlog, error) ||
            !read_int(kf, path, "batch_max", 1, 1000, &c->batch_max, error) ||
            !read_int(kf, path, "delay_seconds", 1, 3600, &c->delay_s, error) ||
            !read_int(kf, path, "error_delay_seconds", 1, 3600, &c->error_delay_s, error) ||
            !read_int(kf, path, "timeout_seconds", 1, 600, &timeout_s, error))
            return FALSE;
        c->timeout_ms = timeout_s * 1000;
    }
    /* ADMS servers mostly speak plain http:// on the office network; https:// is verified. */
    if (*c->server && !g_str_has_prefix(c->server, "http://") && !g_str_has_prefix(c->server, "https://"))
        return bad(path, "server", c->server, "an http:// or https:// address (or empty: ADMS off)", error);
    if (*c->ca_file && g_access(c->ca_file, R_OK) != 0)
        return bad(path, "ca_file", c->ca_file, "a readable PEM file (it is missing or unreadable)", error);
    if (!*c->serial) {
        g_free(c->serial);
        c->serial = adms_serial_from_device_id(device_id);
    }
    gboolean ok = strlen(c->serial) <= 32;
    for (const char *p = c->serial; ok && *p; p++)
        ok = g_ascii_isalnum(*p) || *p == '-' || *p == '_';
    if (!ok)
        return bad(path, "serial", c->serial, "1 to 32 letters, digits, - or _", error);
    if (strlen(c->comm_key) > 64)
        return bad(path, "comm_key", "...", "at most 64 characters", error);
    return TRUE;
}
