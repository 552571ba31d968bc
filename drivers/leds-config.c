/* The [leds] configuration group: defaults, parsing and validation. Keys are documented, with their
 * defaults, in config/haazri.conf ([leds]); keep the two in step. */
#define G_LOG_DOMAIN "haazri-leds"
#include "drivers/leds.h"

#include <string.h>

#define GROUP "leds"

static const char *const role_keys[LEDS_LINE_COUNT] = {"green", "red", "amber", "buzzer"};

/* Timing keys: where each lives in LedsTimings and the range that still makes a visible pattern. */
typedef struct {
    const char *key;
    gsize offset;
    guint min, max, fallback;
} TimingKey;

#define TIMING(field, lo, hi, def)                                                                           \
    {                                                                                                        \
#field, G_STRUCT_OFFSET(LedsTimings, field), lo, hi, def                                             \
    }
static const TimingKey timing_keys[] = {
    TIMING(ok_ms, 100, 60000, 2000),
    TIMING(ok_chirp_ms, 0, 5000, 80),
    TIMING(fail_blinks, 1, 20, 3),
    TIMING(fail_on_ms, 20, 10000, 250),
    TIMING(fail_off_ms, 20, 10000, 250),
    TIMING(fail_buzz_ms, 0, 5000, 120),
    TIMING(fail_buzz_gap_ms, 20, 5000, 100),
    TIMING(scanning_on_ms, 20, 10000, 400),
    TIMING(scanning_period_ms, 40, 20000, 1600),
    TIMING(wiring_step_ms, 50, 60000, 1000),
};

static guint *timing_field(LedsTimings *t, const TimingKey *k)
{
    return G_STRUCT_MEMBER_P(t, k->offset);
}

void leds_config_init(LedsConfig *cfg)
{
    g_return_if_fail(cfg != NULL);
    memset(cfg, 0, sizeof *cfg);
    cfg->enabled = TRUE;
    cfg->chip = g_strdup("gpiochip0");
    cfg->lines[LEDS_LINE_GREEN] = g_strdup("led-green");
    cfg->lines[LEDS_LINE_RED] = g_strdup("led-red");
    cfg->lines[LEDS_LINE_AMBER] = g_strdup("led-amber");
    cfg->lines[LEDS_LINE_BUZZER] = g_strdup("buzzer");
    for (gsize i = 0; i < G_N_ELEMENTS(timing_keys); i++)
        *timing_field(&cfg->timings, &timing_keys[i]) = timing_keys[i].fallback;
}

void leds_config_clear(LedsConfig *cfg)
{
    if (cfg == NULL)
        return;
    g_free(cfg->chip);
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        g_free(cfg->lines[i]);
    memset(cfg, 0, sizeof *cfg);
}

static gboolean fail_value(GError **error, const char *path, const char *key, const char *value,
                           const char *expected)
{
    g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s] %s = '%s': expected %s.",
                path, GROUP, key, value, expected);
    return FALSE;
}

static gboolean is_known_key(const char *key)
{
    static const char *const others[] = {"enabled", "chip", "active_low"};
    for (gsize i = 0; i < G_N_ELEMENTS(others); i++)
        if (strcmp(key, others[i]) == 0)
            return TRUE;
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        if (strcmp(key, role_keys[i]) == 0)
            return TRUE;
    for (gsize i = 0; i < G_N_ELEMENTS(timing_keys); i++)
        if (strcmp(key, timing_keys[i].key) == 0)
            return TRUE;
    return FALSE;
}

static gboolean load_enabled(GKeyFile *kf, const char *path, LedsConfig *out, GError **error)
{
    g_autofree char *raw = g_key_file_get_value(kf, GROUP, "enabled", NULL);
    if (raw == NULL)
        return TRUE;
    g_strstrip(raw);
    if (strcmp(raw, "true") == 0 || strcmp(raw, "1") == 0)
        out->enabled = TRUE;
    else if (strcmp(raw, "false") == 0 || strcmp(raw, "0") == 0)
        out->enabled = FALSE;
    else
        return fail_value(error, path, "enabled", raw, "true or false");
    return TRUE;
}

/* A line is a name or a decimal offset; names never hold blanks, so a blank means a typo. */
static gboolean load_line(GKeyFile *kf, const char *path, const char *key, char **slot, GError **error)
{
    if (!g_key_file_has_key(kf, GROUP, key, NULL))
        return TRUE;
    g_autofree char *value = g_key_file_get_string(kf, GROUP, key, NULL);
    if (value == NULL) /* not valid UTF-8 or a bad escape */
        value = g_key_file_get_value(kf, GROUP, key, NULL);
    g_strstrip(value);
    g_clear_pointer(slot, g_free);
    if (value[0] == '\0')
        return TRUE; /* empty: this role is not wired */
    for (const char *c = value; *c; c++)
        if (g_ascii_isspace(*c) || !g_ascii_isprint(*c))
            return fail_value(error, path, key, value,
                              "a GPIO line name (e.g. GPIO17) or offset (e.g. 17), or nothing if not wired");
    if (g_ascii_isdigit(value[0]) && !g_ascii_string_to_unsigned(value, 10, 0, 65535, NULL, NULL))
        return fail_value(error, path, key, value, "a line offset from 0 to 65535, or a line name");
    *slot = g_steal_pointer(&value);
    return TRUE;
}

static gboolean load_chip(GKeyFile *kf, const char *path, LedsConfig *out, GError **error)
{
    if (!g_key_file_has_key(kf, GROUP, "chip", NULL))
        return TRUE;
    g_autofree char *value = g_key_file_get_string(kf, GROUP, "chip", NULL);
    if (value == NULL)
        value = g_key_file_get_value(kf, GROUP, "chip", NULL);
    g_strstrip(value);
    if (value[0] == '\0')
        return fail_value(error, path, "chip", value,
                          "a GPIO chip name (gpiochip0), label, number or path (/dev/gpiochip0)");
    g_free(out->chip);
    out->chip = g_steal_pointer(&value);
    return TRUE;
}

static gboolean load_active_low(GKeyFile *kf, const char *path, LedsConfig *out, GError **error)
{
    if (!g_key_file_has_key(kf, GROUP, "active_low", NULL))
        return TRUE;
    gsize n = 0;
    g_auto(GStrv) roles = g_key_file_get_string_list(kf, GROUP, "active_low", &n, NULL);
    g_autofree char *raw = g_key_file_get_value(kf, GROUP, "active_low", NULL);
    for (gsize i = 0; roles && i < n; i++) {
        g_strstrip(roles[i]);
        if (roles[i][0] == '\0')
            continue;
        int role = -1;
        for (int r = 0; r < LEDS_LINE_COUNT; r++)
            if (strcmp(roles[i], role_keys[r]) == 0)
                role = r;
        if (role < 0)
            return fail_value(error, path, "active_low", raw,
                              "a ';'-separated list of green, red, amber, buzzer");
        out->active_low[role] = TRUE;
    }
    return TRUE;
}

static gboolean load_timing(GKeyFile *kf, const char *path, const TimingKey *k, LedsTimings *t,
                            GError **error)
{
    g_autofree char *raw = g_key_file_get_value(kf, GROUP, k->key, NULL);
    if (raw == NULL)
        return TRUE;
    g_strstrip(raw);
    guint64 value = 0;
    if (!g_ascii_string_to_unsigned(raw, 10, k->min, k->max, &value, NULL)) {
        g_autofree char *expected = g_strdup_printf("a whole number from %u to %u%s", k->min, k->max,
                                                    g_str_has_suffix(k->key, "_ms") ? " (milliseconds)" : "");
        return fail_value(error, path, k->key, raw, expected);
    }
    *timing_field(t, k) = (guint)value;
    return TRUE;
}

static gboolean load_all(GKeyFile *kf, const char *path, LedsConfig *out, GError **error)
{
    if (!load_enabled(kf, path, out, error) || !load_chip(kf, path, out, error) ||
        !load_active_low(kf, path, out, error))
        return FALSE;
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        if (!load_line(kf, path, role_keys[i], &out->lines[i], error))
            return FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(timing_keys); i++)
        if (!load_timing(kf, path, &timing_keys[i], &out->timings, error))
            return FALSE;

    /* Cross-key checks: a pulse longer than its period would be a steady light. */
    if (out->timings.scanning_period_ms <= out->timings.scanning_on_ms) {
        g_autofree char *value = g_strdup_printf("%u", out->timings.scanning_period_ms);
        g_autofree char *expected = g_strdup_printf(
            "more than scanning_on_ms (%u), so the pulse has a dark part", out->timings.scanning_on_ms);
        return fail_value(error, path, "scanning_period_ms", value, expected);
    }
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        for (int j = i + 1; j < LEDS_LINE_COUNT; j++)
            if (out->lines[i] && out->lines[j] && strcmp(out->lines[i], out->lines[j]) == 0) {
                g_autofree char *expected =
                    g_strdup_printf("a line of its own (%s uses it already)", role_keys[i]);
                return fail_value(error, path, role_keys[j], out->lines[j], expected);
            }
    return TRUE;
}

gboolean leds_config_load(GKeyFile *kf, const char *path, LedsConfig *out, GError **error)
{
    g_return_val_if_fail(kf != NULL, FALSE);
    g_return_val_if_fail(out != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    if (path == NULL)
        path = "(configuration)";
    /* `out` may hold what leds_config_init() gave it (every caller does that first): free it
     * before the defaults go in again, or those strings leak. */
    leds_config_clear(out);
    leds_config_init(out);
    if (!g_key_file_has_group(kf, GROUP))
        return TRUE; /* no [leds]: defaults, so a kiosk wired as documented needs no configuration */

    /* Unknown keys are warned about, not fatal: a typo should be visible, yet never stop a check-in. */
    g_auto(GStrv) keys = g_key_file_get_keys(kf, GROUP, NULL, NULL);
    for (gsize i = 0; keys && keys[i]; i++)
        if (!is_known_key(keys[i]))
            g_warning("%s: [%s] unknown key '%s' ignored", path, GROUP, keys[i]);

    if (!load_all(kf, path, out, error)) {
        leds_config_clear(out);
        return FALSE;
    }
    return TRUE;
}
