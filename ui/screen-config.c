/* screen-config — [screen] in haazri.conf. See screen.h for the keys, config/haazri.conf for
 * their documentation. */
#include "ui/screen.h"

#include <string.h>

#define SCREEN_ERROR (g_quark_from_static_string("haazri-screen-config"))

static void question_free(gpointer p)
{
    ScreenQuestion *q = p;
    g_free(q->id);
    for (int l = 0; l < LANG_COUNT; l++)
        g_free(q->text[l]);
    g_free(q);
}

static ScreenQuestion *question_new(const char *id, const char *en, const char *ur)
{
    ScreenQuestion *q = g_new0(ScreenQuestion, 1);
    q->id = g_strdup(id);
    q->text[LANG_EN] = g_strdup(en);
    q->text[LANG_UR] = g_strdup(ur);
    return q;
}

void screen_config_init(ScreenConfig *c)
{
    *c = (ScreenConfig){
        .enabled = TRUE, .backend = g_strdup("auto"), .width = 1024, .height = 600, .fullscreen = -1,
        .order = {LANG_UR, LANG_EN}, .question_s = 30, .keypad_s = 30,
        .questions = g_ptr_array_new_with_free_func(question_free),
    };
    g_ptr_array_add(c->questions, question_new("address_changed", strings_question("address_changed", LANG_EN),
                                               strings_question("address_changed", LANG_UR)));
    g_ptr_array_add(c->questions, question_new("arrested", strings_question("arrested", LANG_EN),
                                               strings_question("arrested", LANG_UR)));
}

void screen_config_clear(ScreenConfig *c)
{
    g_clear_pointer(&c->backend, g_free);
    g_clear_pointer(&c->questions, g_ptr_array_unref);
}

static gboolean bad(const char *path, const char *key, const char *value, const char *expected, GError **error)
{
    g_set_error(error, SCREEN_ERROR, 1, "%s: [screen] %s = \"%s\" is not valid: expected %s",
                path ? path : "(defaults)", key, value, expected);
    return FALSE;
}

static char *get(GKeyFile *kf, const char *key)
{
    char *v = g_key_file_get_string(kf, "screen", key, NULL);
    return v ? g_strstrip(v) : NULL;
}

static gboolean read_int(GKeyFile *kf, const char *path, const char *key, int min, int max, int *out,
                         GError **error)
{
    g_autofree char *v = get(kf, key);
    gint64 n;
    if (!v)
        return TRUE;
    if (!g_ascii_string_to_signed(v, 10, min, max, &n, NULL)) {
        g_autofree char *what = g_strdup_printf("a whole number from %d to %d", min, max);
        return bad(path, key, v, what, error);
    }
    *out = (int)n;
    return TRUE;
}

static gboolean valid_id(const char *s)
{
    if (!*s || strlen(s) > 40)
        return FALSE;
    for (const char *p = s; *p; p++)
        if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '_')
            return FALSE;
    return TRUE;
}

/* questions = id;id;... — a built-in id, or one with its own text in question_<id> (English) and
 * question_<id>_ur (Urdu). */
static gboolean read_questions(GKeyFile *kf, const char *path, ScreenConfig *c, GError **error)
{
    g_autofree char *v = get(kf, "questions");
    if (!v)
        return TRUE;
    g_ptr_array_set_size(c->questions, 0);
    g_auto(GStrv) ids = g_strsplit(v, ";", -1);
    for (char **id = ids; *id; id++) {
        g_strstrip(*id);
        if (!**id)
            continue;
        if (!valid_id(*id))
            return bad(path, "questions", v, "question ids of lower-case letters, digits and '_', separated by ';'", error);
        g_autofree char *en_key = g_strdup_printf("question_%s", *id);
        g_autofree char *ur_key = g_strdup_printf("question_%s_ur", *id);
        g_autofree char *en = get(kf, en_key);
        g_autofree char *ur = get(kf, ur_key);
        const char *builtin_en = strings_question(*id, LANG_EN);
        if (!en && !builtin_en) {
            g_autofree char *list = g_strjoinv(", ", (char **)strings_question_ids());
            g_autofree char *what = g_strdup_printf("a built-in question (%s) or one given by %s and %s",
                                                    list, en_key, ur_key);
            return bad(path, "questions", *id, what, error);
        }
        if (en && !ur) {
            g_autofree char *what = g_strdup_printf("the Urdu text too, in %s", ur_key);
            return bad(path, en_key, en, what, error);
        }
        g_ptr_array_add(c->questions, question_new(*id, en ? en : builtin_en,
                                                   ur ? ur : strings_question(*id, LANG_UR)));
    }
    return TRUE;
}

gboolean screen_config_load(GKeyFile *kf, const char *path, ScreenConfig *c, GError **error)
{
    static const char *const known[] = {"enabled", "backend", "width", "height", "fullscreen", "languages",
                                        "questions", "question_seconds", "keypad_seconds", "renderer", NULL};
    g_auto(GStrv) keys = g_key_file_get_keys(kf, "screen", NULL, NULL);
    for (char **k = keys; keys && *k; k++)
        if (!g_strv_contains(known, *k) && !g_str_has_prefix(*k, "question_"))
            g_warning("%s: unknown key [screen] %s ignored", path, *k);

    g_autofree char *enabled = get(kf, "enabled");
    if (enabled) {
        if (strcmp(enabled, "true") != 0 && strcmp(enabled, "false") != 0)
            return bad(path, "enabled", enabled, "true or false", error);
        c->enabled = strcmp(enabled, "true") == 0;
    }
    g_autofree char *backend = get(kf, "backend");
    if (backend) {
        static const char *const backends[] = {"auto", "kmsdrm", "wayland", "x11", "offscreen", NULL};
        if (!g_strv_contains(backends, backend))
            return bad(path, "backend", backend, "auto, kmsdrm, wayland, x11 or offscreen", error);
        g_free(c->backend);
        c->backend = g_steal_pointer(&backend);
    }
    if (!read_int(kf, path, "width", 320, 7680, &c->width, error) ||
        !read_int(kf, path, "height", 240, 7680, &c->height, error) ||
        !read_int(kf, path, "question_seconds", 5, 600, &c->question_s, error) ||
        !read_int(kf, path, "keypad_seconds", 5, 600, &c->keypad_s, error))
        return FALSE;
    g_autofree char *full = get(kf, "fullscreen");
    if (full) {
        if (strcmp(full, "auto") == 0)
            c->fullscreen = -1;
        else if (strcmp(full, "true") == 0 || strcmp(full, "false") == 0)
            c->fullscreen = strcmp(full, "true") == 0;
        else
            return bad(path, "fullscreen", full, "auto, true or false", error);
    }
    g_autofree char *renderer = get(kf, "renderer");
    if (renderer) {
        if (strcmp(renderer, "software") != 0 && strcmp(renderer, "accelerated") != 0)
            return bad(path, "renderer", renderer, "software or accelerated", error);
        c->accelerated = strcmp(renderer, "accelerated") == 0;
    }
    g_autofree char *langs = get(kf, "languages");
    if (langs && !screen_parse_languages(langs, c->order))
        return bad(path, "languages", langs, "ur;en or en;ur (the first is shown first)", error);
    return read_questions(kf, path, c, error);
}

gboolean screen_parse_languages(const char *value, Lang order[LANG_COUNT])
{
    g_auto(GStrv) parts = g_strsplit(value, ";", -1);
    Lang a, b;
    if (g_strv_length(parts) != 2 || !strings_parse_lang(g_strstrip(parts[0]), &a) ||
        !strings_parse_lang(g_strstrip(parts[1]), &b) || a == b)
        return FALSE;
    order[0] = a;
    order[1] = b;
    return TRUE;
}
