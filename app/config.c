/* config — reading and validating haazri.conf. See config.h. */
#include "app/config.h"
#include "app/clock.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* Every group and key this version knows; anything else in the file is warned about. */
static const char *const known_keys[][8] = {
    {"kiosk", "device_id", "office", "data_dir", "disk_warn_mb", "timezone", NULL},
    {"scanner", "driver", "device", "capture", "tap_window_seconds", "listen_seconds",
     "rest_seconds", NULL},
    {"checkin", "duplicate_window", "result_seconds", NULL},
    {"match", "search", "attempts_before_fallback", "false_match_rate", "threshold", "margin", NULL},
    /* Groups a module validates itself, from Config.keyfile: */
    {"leds", NULL},   /* drivers/leds-config.c */
    {"screen", NULL}, /* ui/ (the check-in screen) */
    {"sound", NULL},  /* ui/ (prompts and tones) */
    {"sync", NULL},   /* sync/ (the central server) */
    {"adms", NULL},   /* sync/adms-config.c (an ADMS "iclock" attendance server) */
    {"officer", NULL}, /* ui/officer-screen.c (officer mode on the screen) */
};

#define CONFIG_ERROR (g_quark_from_static_string("haazri-config"))
/* The shipped file is ~15 KB; anything far beyond (or a device, a FIFO) is not a configuration,
 * and GKeyFile would hold all of it in memory. */
#define CONFIG_MAX_BYTES (256u << 10)

static gboolean bad_value(const Config *c, const char *group, const char *key, const char *value,
                          const char *expected, GError **error)
{
    g_set_error(error, CONFIG_ERROR, 1, "%s: [%s] %s = \"%s\" is not valid: expected %s",
                c->path ? c->path : "(defaults)", group, key, value, expected);
    return FALSE;
}

static void warn_unknown_keys(GKeyFile *kf, const char *path)
{
    g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
    for (char **g = groups; *g; g++) {
        const char *const *known = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(known_keys); i++)
            if (strcmp(known_keys[i][0], *g) == 0)
                known = &known_keys[i][1];
        if (!known) {
            g_warning("%s: unknown group [%s] ignored", path, *g);
            continue;
        }
        if (!known[0])
            continue; /* the owning module warns about its own keys */
        g_auto(GStrv) keys = g_key_file_get_keys(kf, *g, NULL, NULL);
        for (char **k = keys; keys && *k; k++)
            if (!g_strv_contains(known, *k))
                g_warning("%s: unknown key [%s] %s ignored", path, *g, *k);
    }
}

/* Reads a string key; absent keeps *out. Returns the raw value for messages. */
static void read_string(GKeyFile *kf, const char *group, const char *key, char **out)
{
    char *v = g_key_file_get_string(kf, group, key, NULL);
    if (v) {
        g_free(*out);
        *out = g_strstrip(v);
    }
}

static gboolean read_int(const Config *c, GKeyFile *kf, const char *group, const char *key,
                         int min, int max, int *out, GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, group, key, NULL);
    if (!v)
        return TRUE;
    g_strstrip(v);
    gint64 n;
    if (!g_ascii_string_to_signed(v, 10, min, max, &n, NULL)) {
        g_autofree char *what = g_strdup_printf("a whole number from %d to %d", min, max);
        return bad_value(c, group, key, v, what, error);
    }
    *out = (int)n;
    return TRUE;
}

static gboolean read_double(const Config *c, GKeyFile *kf, const char *group, const char *key,
                            double min, double max, double *out, GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, group, key, NULL);
    if (!v)
        return TRUE;
    g_strstrip(v);
    char *end = NULL;
    double d = g_ascii_strtod(v, &end);
    if (!*v || *end || !(d >= min && d <= max)) {
        g_autofree char *what = g_strdup_printf("a number from %g to %g", min, max);
        return bad_value(c, group, key, v, what, error);
    }
    *out = d;
    return TRUE;
}

static gboolean valid_device_id(const char *s)
{
    if (!*s || strlen(s) > 64)
        return FALSE;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
            return FALSE;
    return TRUE;
}

static gboolean read_file(Config *c, GKeyFile *kf, GError **error)
{
    read_string(kf, "kiosk", "device_id", &c->device_id);
    if (!valid_device_id(c->device_id))
        return bad_value(c, "kiosk", "device_id", c->device_id,
                         "1 to 64 letters, digits, '-', '_' or '.'", error);
    read_string(kf, "kiosk", "office", &c->office);
    if (!*c->office)
        return bad_value(c, "kiosk", "office", c->office, "the office's name", error);
    read_string(kf, "kiosk", "data_dir", &c->data_dir);
    if (!*c->data_dir)
        return bad_value(c, "kiosk", "data_dir", "", "a folder for the database", error);

    if (!read_int(c, kf, "kiosk", "disk_warn_mb", 1, 1000000, &c->disk_warn_mb, error))
        return FALSE;
    /* The office's zone is the clock's for the whole process (app/clock.h): set here, where the
     * configuration in force is read, so every program that reads haazri.conf agrees on "today". */
    read_string(kf, "kiosk", "timezone", &c->timezone);
    if (!clock_set_zone(c->timezone, NULL))
        return bad_value(c, "kiosk", "timezone", c->timezone,
                         "a UTC offset such as +05:00, or a zone name such as Asia/Karachi", error);

    read_string(kf, "scanner", "driver", &c->scanner_driver);
    read_string(kf, "scanner", "device", &c->scanner_device);
    g_autofree char *capture = g_strdup("continuous");
    read_string(kf, "scanner", "capture", &capture);
    if (strcmp(capture, "continuous") == 0)
        c->capture = CAPTURE_CONTINUOUS;
    else if (strcmp(capture, "tap") == 0)
        c->capture = CAPTURE_TAP;
    else
        return bad_value(c, "scanner", "capture", capture, "\"continuous\" or \"tap\"", error);
    if (!read_int(c, kf, "scanner", "tap_window_seconds", 3, 600, &c->tap_window_s, error) ||
        !read_int(c, kf, "scanner", "listen_seconds", 5, 3600, &c->listen_s, error) ||
        !read_int(c, kf, "scanner", "rest_seconds", 0, 3600, &c->rest_s, error))
        return FALSE;

    g_autofree char *window = g_key_file_get_string(kf, "checkin", "duplicate_window", NULL);
    if (window) {
        g_strstrip(window);
        gint64 n;
        if (strcmp(window, "day") == 0)
            c->duplicate_window_min = 0;
        else if (g_ascii_string_to_signed(window, 10, 1, 7 * 24 * 60, &n, NULL))
            c->duplicate_window_min = (int)n;
        else
            return bad_value(c, "checkin", "duplicate_window", window,
                             "\"day\" or a number of minutes from 1 to 10080", error);
    }
    if (!read_int(c, kf, "checkin", "result_seconds", 1, 120, &c->result_s, error))
        return FALSE;

    read_string(kf, "match", "search", &c->search);
    if (strcmp(c->search, "libfprint") != 0 && strcmp(c->search, "engine") != 0)
        return bad_value(c, "match", "search", c->search, "\"libfprint\" or \"engine\"", error);
    /* The engine's score is -log10 of the chance that a different finger shares this much
     * (app/engine/engine-score.c): the threshold is a false-match rate, the same on every scanner. */
    double fmr = c->match_false_match_rate;
    if (!read_double(c, kf, "match", "false_match_rate", 1e-12, 0.01, &fmr, error) ||
        !read_double(c, kf, "match", "margin", 0, 12, &c->match_margin, error))
        return FALSE;
    c->match_false_match_rate = fmr;
    c->match_threshold = -log10(fmr);
    /* Before the score meant a false-match rate, [match] threshold was a point score (20) that
     * meant something different on every scanner: still checked, never used. */
    double old = 0;
    if (!read_double(c, kf, "match", "threshold", 1, 1000, &old, error))
        return FALSE;
    if (old > 0)
        g_warning("%s: [match] threshold = %g is the old point score and is no longer used; the "
                  "engine now uses [match] false_match_rate = %g (see docs/search.md)",
                  c->path, old, fmr);
    return read_int(c, kf, "match", "attempts_before_fallback", 1, 10,
                    &c->attempts_before_fallback, error);
}

Config *config_load(const char *path, GError **error)
{
    g_autoptr(Config) c = g_new0(Config, 1);
    char host[256] = "haazri";
    if (gethostname(host, sizeof host - 1) != 0 || !valid_device_id(host))
        g_strlcpy(host, "haazri", sizeof host);
    c->device_id = g_strdup(host);
    c->office = g_strdup("District Probation Office");
    c->data_dir = g_strdup("/var/lib/haazri");
    c->disk_warn_mb = 200;
    c->timezone = g_strdup(CLOCK_DEFAULT_ZONE);
    c->scanner_driver = g_strdup("");
    c->scanner_device = g_strdup("");
    c->capture = CAPTURE_CONTINUOUS;
    c->tap_window_s = 20;
    c->listen_s = 45;
    c->rest_s = 90;
    c->duplicate_window_min = 0;
    c->result_s = 5;
    c->search = g_strdup("engine");
    c->match_false_match_rate = 1e-6; /* ENGINE_DEFAULT_THRESHOLD, ENGINE_DEFAULT_MARGIN: docs/search.md */
    c->match_threshold = 6;
    c->match_margin = 1;
    c->attempts_before_fallback = 3;
    if (!path) {
        c->keyfile = g_key_file_new(); /* empty: every module keeps its defaults */
        return g_steal_pointer(&c);
    }

    c->path = g_strdup(path);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;
    GStatBuf st;
    if (g_stat(path, &st) == 0 && (!S_ISREG(st.st_mode) || st.st_size > (goffset)CONFIG_MAX_BYTES)) {
        g_set_error(error, CONFIG_ERROR, 2, "%s: cannot read the configuration: %s", path,
                    S_ISREG(st.st_mode) ? "it is larger than 256 KB" : "it is not a regular file");
        return NULL;
    }
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, CONFIG_ERROR, 2, "%s: cannot read the configuration: %s", path,
                    local->message);
        return NULL;
    }
    warn_unknown_keys(kf, path);
    c->keyfile = g_key_file_ref(kf);
    if (!config_reread(c, error))
        return NULL;
    return g_steal_pointer(&c);
}

gboolean config_reread(Config *c, GError **error)
{
    if (!read_file(c, c->keyfile, error))
        return FALSE;
    if (c->path && !g_path_is_absolute(c->data_dir)) {
        g_autofree char *dir = g_path_get_dirname(c->path);
        g_autofree char *abs_dir = g_canonicalize_filename(dir, NULL);
        char *joined = g_canonicalize_filename(c->data_dir, abs_dir);
        g_free(c->data_dir);
        c->data_dir = joined;
    }
    return TRUE;
}

void config_free(Config *c)
{
    if (!c)
        return;
    g_free(c->device_id);
    g_free(c->office);
    g_free(c->timezone);
    g_free(c->data_dir);
    g_free(c->scanner_driver);
    g_free(c->scanner_device);
    g_free(c->search);
    g_free(c->path);
    if (c->keyfile)
        g_key_file_unref(c->keyfile);
    g_free(c);
}

char *config_get_db_path(const Config *c)
{
    return g_build_filename(c->data_dir, "haazri.db", NULL);
}
