/* ctl-common — haazri-ctl's shared plumbing. See ctl.h. */
#include "ctl/ctl.h"

#include <string.h>

char *ctl_config_path;
gboolean ctl_as_json;

static const GOptionEntry common_entries[] = {
    {"config", 'c', 0, G_OPTION_ARG_FILENAME, &ctl_config_path, "configuration file (default /etc/haazri/haazri.conf)", "PATH"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};
static const GOptionEntry json_entries[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &ctl_as_json, "print JSON instead of a table", NULL},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

/* Parses a command's options; prints the error and returns FALSE on a bad command line. */
gboolean parse(const char *cmd, const char *args, const char *summary, const GOptionEntry *extra,
                      gboolean json, int *argc, char ***argv)
{
    g_autofree char *title = g_strdup_printf("%s — %s", args, summary);
    g_autoptr(GOptionContext) ctx = g_option_context_new(title);
    g_option_context_add_main_entries(ctx, common_entries, NULL);
    if (json)
        g_option_context_add_main_entries(ctx, json_entries, NULL);
    if (extra)
        g_option_context_add_main_entries(ctx, extra, NULL);
    g_autofree char *prog = g_strdup_printf("haazri-ctl %s", cmd);
    g_set_prgname(prog);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, argc, argv, &error)) {
        fprintf(stderr, "haazri-ctl %s: %s (see --help)\n", cmd, error->message);
        return FALSE;
    }
    return TRUE;
}

Config *load_config(void)
{
    if (!ctl_config_path && g_file_test("/etc/haazri/haazri.conf", G_FILE_TEST_EXISTS))
        ctl_config_path = g_strdup("/etc/haazri/haazri.conf");
    g_autoptr(GError) error = NULL;
    Config *c = config_load(ctl_config_path, &error);
    if (!c)
        fprintf(stderr, "haazri-ctl: %s\n", error->message);
    return c;
}

Store *open_store(const Config *c)
{
    g_autoptr(GError) error = NULL;
    if (g_mkdir_with_parents(c->data_dir, 0700) != 0) {
        fprintf(stderr, "haazri-ctl: cannot create the data folder %s\n", c->data_dir);
        return NULL;
    }
    g_autofree char *db = config_get_db_path(c);
    Store *s = store_open(db, &error);
    if (!s)
        fprintf(stderr, "haazri-ctl: %s\n", error->message);
    return s;
}

void admin_clear(Admin *a)
{
    g_clear_pointer(&a->store, store_close);
    g_clear_pointer(&a->config, config_free);
}

/* 0, or the exit status to return (2: bad configuration, 1: the database can't be opened). */
int open_admin(Admin *a)
{
    a->config = load_config();
    if (!a->config)
        return 2;
    a->store = open_store(a->config);
    return a->store ? 0 : 1;
}

/* Commands with one fixed action word ("audit verify", "leds test"). */
gboolean expect_action(const char *cmd, int argc, char **argv, const char *action)
{
    if (argc == 2 && strcmp(argv[1], action) == 0)
        return TRUE;
    fprintf(stderr, "haazri-ctl %s: the only action is: %s\n", cmd, action);
    return FALSE;
}

const char *actor(void)
{
    static char name[80];
    if (!*name)
        g_snprintf(name, sizeof name, "ctl:%s", g_get_user_name());
    return name;
}

void print_json(JsonBuilder *b)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

void add_string(JsonBuilder *b, const char *key, const char *value)
{
    json_builder_set_member_name(b, key);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

void build_probationer(JsonBuilder *b, const StoreProbationer *p)
{
    json_builder_begin_object(b);
    add_string(b, "case_number", p->case_number);
    add_string(b, "cnic", p->cnic);
    add_string(b, "name_en", p->name_en);
    add_string(b, "name_ur", p->name_ur);
    add_string(b, "office", p->office);
    add_string(b, "status", p->active ? "active" : "inactive");
    json_builder_set_member_name(b, "fingers");
    json_builder_add_int_value(b, p->finger_count);
    json_builder_end_object(b);
}

void add_int(JsonBuilder *b, const char *key, gint64 value)
{
    json_builder_set_member_name(b, key);
    json_builder_add_int_value(b, value);
}

