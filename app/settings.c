/* settings — the device settings an administrator may change on the kiosk (app/settings.h). */
#include <string.h>

#include "app/settings.h"

#define SETTINGS_ERROR (g_quark_from_static_string("haazri-settings"))

static const char *const languages[] = {"ur;en", "en;ur", NULL};
static const char *const volumes[] = {"0", "25", "50", "75", "100", NULL};
static const char *const yes_no[] = {"true", "false", NULL};
static const char *const captures[] = {"continuous", "tap", NULL};

/* Defaults are the modules' own (ui/screen-config.c, ui/sound.c, app/config.c). */
static const SettingInfo all[] = {
    {"screen.languages", "ur;en", languages},
    {"sound.volume", "70", volumes},
    {"sound.speak", "true", yes_no},
    {"scanner.capture", "continuous", captures},
};

const SettingInfo *settings_list(guint *n)
{
    *n = G_N_ELEMENTS(all);
    return all;
}

const SettingInfo *settings_find(const char *name)
{
    for (guint i = 0; name && i < G_N_ELEMENTS(all); i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

gboolean settings_check(const char *name, const char *value, GError **error)
{
    const SettingInfo *info = settings_find(name);
    if (!info) {
        g_autoptr(GString) names = g_string_new(NULL);
        for (guint i = 0; i < G_N_ELEMENTS(all); i++)
            g_string_append_printf(names, "%s%s", i ? ", " : "", all[i].name);
        g_set_error(error, SETTINGS_ERROR, 1, "\"%s\" is not a setting that can be changed on the device (these can: %s)",
                    name, names->str);
        return FALSE;
    }
    if (!value)
        return TRUE;
    /* Volume takes any whole number the file would take; the screen steps through the choices. */
    gint64 n;
    if (strcmp(name, "sound.volume") == 0 && g_ascii_string_to_signed(value, 10, 0, 100, &n, NULL))
        return TRUE;
    if (g_strv_contains((const char *const *)info->choices, value))
        return TRUE;
    g_autofree char *choices = g_strjoinv(", ", (char **)info->choices);
    g_set_error(error, SETTINGS_ERROR, 2, "%s cannot be \"%s\": it must be one of %s%s", name, value, choices,
                strcmp(name, "sound.volume") == 0 ? " (or any whole number from 0 to 100)" : "");
    return FALSE;
}

gboolean settings_set(Store *store, const char *actor, const char *name, const char *value, GError **error)
{
    return settings_check(name, value, error) && store_set_setting(store, actor, name, value, error);
}

static void split(const char *name, char **group, char **key)
{
    const char *dot = strchr(name, '.');
    *group = g_strndup(name, (gsize)(dot - name));
    *key = g_strdup(dot + 1);
}

void settings_put(GKeyFile *keyfile, const char *name, const char *value)
{
    g_autofree char *group = NULL, *key = NULL;
    split(name, &group, &key);
    g_key_file_set_string(keyfile, group, key, value);
}

gboolean settings_overlay(Store *store, GKeyFile *keyfile, GError **error)
{
    g_autoptr(GPtrArray) rows = store_list_settings(store, error);
    if (!rows)
        return FALSE;
    for (guint i = 0; i < rows->len; i++) {
        const StoreSetting *row = rows->pdata[i];
        g_autoptr(GError) bad = NULL;
        if (!settings_check(row->name, row->value, &bad)) {
            g_warning("ignoring the device setting changed by %s at %s: %s", row->changed_by, row->changed_at,
                      bad->message);
            continue;
        }
        settings_put(keyfile, row->name, row->value);
    }
    return TRUE;
}

char *settings_get(GKeyFile *keyfile, const char *name)
{
    const SettingInfo *info = settings_find(name);
    g_return_val_if_fail(info, NULL);
    g_autofree char *group = NULL, *key = NULL;
    split(name, &group, &key);
    char *v = keyfile ? g_key_file_get_string(keyfile, group, key, NULL) : NULL;
    if (v && *g_strstrip(v))
        return v;
    g_free(v);
    return g_strdup(info->default_value);
}

const char *settings_next_choice(const char *name, const char *current)
{
    const SettingInfo *info = settings_find(name);
    g_return_val_if_fail(info, NULL);
    guint n = g_strv_length((char **)info->choices);
    for (guint i = 0; i < n; i++)
        if (g_strcmp0(info->choices[i], current) == 0)
            return info->choices[(i + 1) % n];
    /* A value from the file between the steps (volume 70): the next step up, else the first. */
    gint64 v;
    if (strcmp(name, "sound.volume") == 0 && current && g_ascii_string_to_signed(current, 10, 0, 100, &v, NULL))
        for (guint i = 0; i < n; i++)
            if (g_ascii_strtoll(info->choices[i], NULL, 10) > v)
                return info->choices[i];
    return info->choices[0];
}
