/* officer-config — [officer] in haazri.conf. See officer-screen.h for the keys, config/haazri.conf
 * for their documentation. */
#include "ui/officer-screen.h"

#include <string.h>

#define CONFIG_ERROR (g_quark_from_static_string("haazri-officer-config"))

void officer_screen_config_init(OfficerScreenConfig *c)
{
    *c = (OfficerScreenConfig){.idle_s = 120, .export_dir = g_strdup(""), .camera = g_strdup("auto")};
}

void officer_screen_config_clear(OfficerScreenConfig *c)
{
    g_clear_pointer(&c->export_dir, g_free);
    g_clear_pointer(&c->camera, g_free);
}

gboolean officer_screen_config_load(GKeyFile *kf, const char *path, OfficerScreenConfig *c, GError **error)
{
    static const char *const known[] = {"idle_seconds", "export_dir", "require_finger", "camera", NULL};
    g_auto(GStrv) keys = g_key_file_get_keys(kf, "officer", NULL, NULL);
    for (char **k = keys; keys && *k; k++)
        if (!g_strv_contains(known, *k))
            g_warning("%s: unknown key [officer] %s ignored", path, *k);
    g_autofree char *idle = g_key_file_get_string(kf, "officer", "idle_seconds", NULL);
    if (idle) {
        gint64 n;
        if (!g_ascii_string_to_signed(g_strstrip(idle), 10, 15, 3600, &n, NULL)) {
            g_set_error(error, CONFIG_ERROR, 1,
                        "%s: [officer] idle_seconds = \"%s\" is not valid: expected a whole number from 15 to 3600",
                        path ? path : "(defaults)", idle);
            return FALSE;
        }
        c->idle_s = (int)n;
    }
    g_autofree char *finger = g_key_file_get_string(kf, "officer", "require_finger", NULL);
    if (finger) {
        g_strstrip(finger);
        if (strcmp(finger, "true") != 0 && strcmp(finger, "false") != 0) {
            g_set_error(error, CONFIG_ERROR, 1, "%s: [officer] require_finger = \"%s\" is not valid: expected true or false",
                        path ? path : "(defaults)", finger);
            return FALSE;
        }
        c->require_finger = strcmp(finger, "true") == 0;
    }
    g_autofree char *dir = g_key_file_get_string(kf, "officer", "export_dir", NULL);
    if (dir) {
        g_strstrip(dir);
        if (*dir && !g_path_is_absolute(dir)) {
            g_set_error(error, CONFIG_ERROR, 1,
                        "%s: [officer] export_dir = \"%s\" is not valid: expected an absolute folder, or nothing "
                        "for the USB stick", path ? path : "(defaults)", dir);
            return FALSE;
        }
        g_free(c->export_dir);
        c->export_dir = g_steal_pointer(&dir);
    }
    g_autofree char *camera = g_key_file_get_string(kf, "officer", "camera", NULL);
    if (camera) {
        g_strstrip(camera);
        if (strcmp(camera, "auto") != 0 && strcmp(camera, "none") != 0 && !g_str_has_prefix(camera, "/dev/")) {
            g_set_error(error, CONFIG_ERROR, 1, "%s: [officer] camera = \"%s\" is not valid: expected auto, none or a "
                        "device such as /dev/video0", path ? path : "(defaults)", camera);
            return FALSE;
        }
        g_free(c->camera);
        c->camera = g_steal_pointer(&camera);
    }
    return TRUE;
}
