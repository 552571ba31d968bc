/* haazri-ctl — administration from a shell: enroll, list, show, (de)activate, check-ins, audit.
 *
 * Each command is one function below; every change an officer makes is written to the audit trail
 * with the Unix user who ran it. Templates never appear in any output. */
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "app/config.h"
#include "app/search.h"
#include "app/store.h"
#include "app/version.h"
#include "drivers/leds.h"
#include "drivers/scanner.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} Command;

static char *config_path;
static gboolean as_json;

static const GOptionEntry common_entries[] = {
    {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "configuration file (default /etc/haazri/haazri.conf)", "PATH"},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};
static const GOptionEntry json_entries[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "print JSON instead of a table", NULL},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

/* Parses a command's options; prints the error and returns FALSE on a bad command line. */
static gboolean parse(const char *cmd, const char *args, const char *summary, const GOptionEntry *extra,
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

static Config *load_config(void)
{
    if (!config_path && g_file_test("/etc/haazri/haazri.conf", G_FILE_TEST_EXISTS))
        config_path = g_strdup("/etc/haazri/haazri.conf");
    g_autoptr(GError) error = NULL;
    Config *c = config_load(config_path, &error);
    if (!c)
        fprintf(stderr, "haazri-ctl: %s\n", error->message);
    return c;
}

static Store *open_store(const Config *c)
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

static const char *actor(void)
{
    static char name[80];
    if (!*name)
        g_snprintf(name, sizeof name, "ctl:%s", g_get_user_name());
    return name;
}

static void print_json(JsonBuilder *b)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

static void add_string(JsonBuilder *b, const char *key, const char *value)
{
    json_builder_set_member_name(b, key);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

static void build_probationer(JsonBuilder *b, const StoreProbationer *p)
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

/* ---- enroll ---- */
static GBytes *serialize_print(FpPrint *print)
{
    guchar *data = NULL;
    gsize len = 0;
    if (!fp_print_serialize(print, &data, &len, NULL))
        return NULL;
    return g_bytes_new_take(data, len);
}


static struct {
    const char *finger; /* being enrolled */
    int touch, touches;
} prompt;

/* Printed when the sensor is ready for the next touch, never before: a person (or the demo's
 * virtual hand, which reads this line) places the finger then. */
static void on_finger_needed(gpointer data)
{
    (void)data;
    if (!prompt.finger || prompt.touch >= prompt.touches)
        return;
    printf("Touch %d of %d: place the %s finger on the scanner.\n", ++prompt.touch, prompt.touches,
           prompt.finger);
    fflush(stdout);
}

typedef struct {
    GMainLoop *loop;
    FpPrint *print;
    GError *error;
} EnrollWait;

static void on_progress(int stage, int stages, const GError *retry, gpointer data)
{
    (void)data;
    if (retry) {
        printf("  touch not usable: %s\n", scanner_describe_error(retry));
        prompt.touch = stage; /* that touch is taken again */
    } else {
        printf("  touch %d of %d taken\n", stage, stages);
    }
    fflush(stdout);
}

static void on_enrolled(FpPrint *print, const GError *error, gpointer data)
{
    EnrollWait *w = data;
    w->print = print ? g_object_ref(print) : NULL;
    w->error = error ? g_error_copy(error) : NULL;
    g_main_loop_quit(w->loop);
}

static int cmd_enroll(int argc, char **argv)
{
    g_autofree char *case_number = NULL, *name = NULL, *name_ur = NULL, *cnic = NULL, *office = NULL;
    g_auto(GStrv) fingers = NULL;
    GOptionEntry entries[] = {
        {"case", 0, 0, G_OPTION_ARG_FILENAME, &case_number, "case number (required)", "CASE"},
        {"name", 0, 0, G_OPTION_ARG_FILENAME, &name, "name in English (required for a new probationer)", "NAME"},
        {"name-ur", 0, 0, G_OPTION_ARG_FILENAME, &name_ur, "name in Urdu", "NAME"},
        {"cnic", 0, 0, G_OPTION_ARG_STRING, &cnic, "CNIC, 13 digits without dashes", "DIGITS"},
        {"office", 0, 0, G_OPTION_ARG_FILENAME, &office, "office (default: the kiosk's)", "NAME"},
        {"finger", 0, 0, G_OPTION_ARG_STRING_ARRAY, &fingers, "finger to enroll, e.g. right-index (repeat for more)", "FINGER"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("enroll", "", "enroll a probationer's fingers from the scanner", entries, FALSE, &argc, &argv))
        return 2;
    /* Names are taken as raw bytes (G_OPTION_ARG_FILENAME) so an Urdu name works whatever the
     * shell's locale; they must be UTF-8. */
    const char *texts[] = {case_number, name, name_ur, office};
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++)
        if (texts[i] && !g_utf8_validate(texts[i], -1, NULL)) {
            fprintf(stderr, "haazri-ctl enroll: \"%s\" is not UTF-8 text\n", texts[i]);
            return 2;
        }
    if (!case_number || !fingers || !*fingers) {
        fprintf(stderr, "haazri-ctl enroll: --case and at least one --finger are required\n");
        return 2;
    }
    for (char **f = fingers; *f; f++)
        if (scanner_finger_parse(*f) == FP_FINGER_UNKNOWN) {
            fprintf(stderr, "haazri-ctl enroll: --finger %s is not a finger: expected left- or right- "
                            "followed by thumb, index, middle, ring or little\n", *f);
            return 2;
        }
    g_autoptr(Config) config = load_config();
    if (!config)
        return 2;
    g_autoptr(Store) store = open_store(config);
    if (!store)
        return 1;
    StoreProbationer p = {0};
    gboolean exists = store_find_probationer(store, case_number, &p, NULL);
    if (!exists && !name) {
        fprintf(stderr, "haazri-ctl enroll: case %s is new: --name is required\n", case_number);
        return 2;
    }

    g_autoptr(GError) error = NULL;
    ScannerCallbacks cb = {.finger_needed = on_finger_needed};
    g_autoptr(Scanner) scanner = scanner_new(config->scanner_driver, config->scanner_device, &cb, NULL);
    if (!scanner_wait_ready(scanner, 10000, &error)) {
        fprintf(stderr, "haazri-ctl enroll: %s\n", error->message);
        store_probationer_clear(&p);
        return 1;
    }
    g_autoptr(GPtrArray) prints = g_ptr_array_new_with_free_func(g_object_unref);
    for (char **f = fingers; *f; f++) {
        prompt.finger = *f;
        prompt.touch = 0;
        prompt.touches = fp_device_get_nr_enroll_stages(scanner_get_device(scanner));
        g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
        EnrollWait w = {.loop = loop};
        scanner_enroll(scanner, scanner_finger_parse(*f), NULL, on_progress, on_enrolled, &w);
        g_main_loop_run(loop);
        if (!w.print) {
            fprintf(stderr, "haazri-ctl enroll: the %s finger was not enrolled: %s\n", *f,
                    scanner_describe_error(w.error));
            g_clear_error(&w.error);
            store_probationer_clear(&p);
            return 1;
        }
        g_ptr_array_add(prints, w.print);
    }

    /* Duplicate enrollment: a finger already enrolled for someone else is refused, whatever
     * [match] search says (only the engine can compare enrolled templates). */
    g_autoptr(Search) gallery = search_new("engine", NULL);
    search_set_rule(gallery, config->match_threshold, config->match_margin);
    if (!search_load(gallery, store, NULL, &error)) {
        fprintf(stderr, "haazri-ctl enroll: %s\n", error->message);
        store_probationer_clear(&p);
        return 1;
    }
    for (guint i = 0; i < prints->len; i++) {
        g_autoptr(GBytes) blob = serialize_print(g_ptr_array_index(prints, i));
        SearchResult dup;
        if (!blob || !search_find_duplicate(gallery, blob, &dup, &error)) {
            fprintf(stderr, "haazri-ctl enroll: %s\n", error ? error->message : "the scan can't be stored");
            store_probationer_clear(&p);
            return 1;
        }
        StoreProbationer other = {0};
        if (dup.decision == SEARCH_MATCH && (!exists || dup.probationer_id != p.id) &&
            store_get_probationer(store, dup.probationer_id, &other, NULL)) {
            fprintf(stderr, "haazri-ctl enroll: the %s finger is already enrolled for case %s: "
                    "nothing was enrolled (see the officer in charge)\n", fingers[i], other.case_number);
            store_audit(store, actor(), "finger.duplicate", case_number, other.case_number, NULL);
            store_probationer_clear(&other);
            store_probationer_clear(&p);
            return 1;
        }
    }

    if (!exists) {
        StoreProbationer np = {.case_number = case_number, .cnic = cnic, .name_en = name, .name_ur = name_ur,
                               .office = office ? office : config->office, .active = TRUE};
        np.id = store_add_probationer(store, &np, &error);
        if (!np.id) {
            fprintf(stderr, "haazri-ctl enroll: %s\n", error->message);
            return 1;
        }
        p.id = np.id;
        store_audit(store, actor(), "probationer.add", case_number, NULL, NULL);
    }
    for (guint i = 0; i < prints->len; i++) {
        g_autofree guchar *data = NULL;
        gsize len = 0;
        if (!fp_print_serialize(g_ptr_array_index(prints, i), &data, &len, &error)) {
            fprintf(stderr, "haazri-ctl enroll: %s\n", error->message);
            store_probationer_clear(&p);
            return 1;
        }
        g_autoptr(GBytes) blob = g_bytes_new(data, len);
        if (!store_add_finger(store, p.id, fingers[i], blob, fp_device_get_driver(scanner_get_device(scanner)), &error)) {
            fprintf(stderr, "haazri-ctl enroll: %s\n", error->message);
            store_probationer_clear(&p);
            return 1;
        }
        store_audit(store, actor(), "finger.enroll", case_number, fingers[i], NULL);
        printf("Enrolled %s for case %s.\n", fingers[i], case_number);
    }
    store_probationer_clear(&p);
    return 0;
}

/* ---- list / show ---- */

static int cmd_list(int argc, char **argv)
{
    gboolean all = FALSE;
    GOptionEntry entries[] = {
        {"all", 0, 0, G_OPTION_ARG_NONE, &all, "include deactivated probationers", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("list", "", "list enrolled probationers", entries, TRUE, &argc, &argv))
        return 2;
    g_autoptr(Config) config = load_config();
    g_autoptr(Store) store = config ? open_store(config) : NULL;
    if (!store)
        return config ? 1 : 2;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = store_list_probationers(store, &error);
    if (!list) {
        fprintf(stderr, "haazri-ctl list: %s\n", error->message);
        return 1;
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    if (!as_json)
        printf("%-16s %-8s %-7s %s\n", "CASE", "STATUS", "FINGERS", "NAME");
    for (guint i = 0; i < list->len; i++) {
        StoreProbationer *p = g_ptr_array_index(list, i);
        if (!all && !p->active)
            continue;
        if (as_json)
            build_probationer(b, p);
        else
            printf("%-16s %-8s %-7d %s%s%s\n", p->case_number, p->active ? "active" : "inactive",
                   p->finger_count, p->name_en, p->name_ur ? " / " : "", p->name_ur ? p->name_ur : "");
    }
    json_builder_end_array(b);
    if (as_json)
        print_json(b);
    return 0;
}

static int cmd_show(int argc, char **argv)
{
    if (!parse("show", "CASE", "show one probationer", NULL, TRUE, &argc, &argv))
        return 2;
    if (argc != 2) {
        fprintf(stderr, "haazri-ctl show: give one case number\n");
        return 2;
    }
    g_autoptr(Config) config = load_config();
    g_autoptr(Store) store = config ? open_store(config) : NULL;
    if (!store)
        return config ? 1 : 2;
    g_autoptr(GError) error = NULL;
    StoreProbationer p = {0};
    if (!store_find_probationer(store, argv[1], &p, &error)) {
        fprintf(stderr, "haazri-ctl show: %s\n", error->message);
        return 1;
    }
    if (as_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        build_probationer(b, &p);
        print_json(b);
    } else {
        printf("case:    %s\nname:    %s\nurdu:    %s\ncnic:    %s\noffice:  %s\nstatus:  %s\nfingers: %d\n",
               p.case_number, p.name_en, p.name_ur ? p.name_ur : "-", p.cnic ? p.cnic : "-", p.office,
               p.active ? "active" : "inactive", p.finger_count);
    }
    store_probationer_clear(&p);
    return 0;
}

static int set_active(const char *cmd, gboolean active, int argc, char **argv)
{
    if (!parse(cmd, "CASE", active ? "let a probationer check in again" : "stop a probationer from checking in",
               NULL, FALSE, &argc, &argv))
        return 2;
    if (argc != 2) {
        fprintf(stderr, "haazri-ctl %s: give one case number\n", cmd);
        return 2;
    }
    g_autoptr(Config) config = load_config();
    g_autoptr(Store) store = config ? open_store(config) : NULL;
    if (!store)
        return config ? 1 : 2;
    g_autoptr(GError) error = NULL;
    StoreProbationer p = {0};
    if (!store_find_probationer(store, argv[1], &p, &error) ||
        !store_set_probationer_active(store, p.id, active, &error) ||
        !store_audit(store, actor(), active ? "probationer.activate" : "probationer.deactivate", argv[1], NULL, &error)) {
        fprintf(stderr, "haazri-ctl %s: %s\n", cmd, error->message);
        store_probationer_clear(&p);
        return 1;
    }
    printf("%s: %s (the kiosk picks this up when it restarts)\n", argv[1], active ? "active" : "deactivated");
    store_probationer_clear(&p);
    return 0;
}

static int cmd_deactivate(int argc, char **argv) { return set_active("deactivate", FALSE, argc, argv); }
static int cmd_activate(int argc, char **argv) { return set_active("activate", TRUE, argc, argv); }

/* ---- check-ins / audit ---- */

static int cmd_checkins(int argc, char **argv)
{
    g_autofree char *date = NULL;
    GOptionEntry entries[] = {
        {"date", 0, 0, G_OPTION_ARG_STRING, &date, "day to list, YYYY-MM-DD (default today)", "DATE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("checkins", "", "list a day's check-ins", entries, TRUE, &argc, &argv))
        return 2;
    if (!date) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        date = g_date_time_format(now, "%Y-%m-%d");
    } else {
        GDate d;
        g_date_clear(&d, 1);
        if (strlen(date) != 10 || !(g_date_set_parse(&d, date), g_date_valid(&d)) || date[4] != '-') {
            fprintf(stderr, "haazri-ctl checkins: --date %s is not a date: expected YYYY-MM-DD\n", date);
            return 2;
        }
    }
    g_autoptr(Config) config = load_config();
    g_autoptr(Store) store = config ? open_store(config) : NULL;
    if (!store)
        return config ? 1 : 2;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = store_list_checkins(store, date, &error);
    if (!rows) {
        fprintf(stderr, "haazri-ctl checkins: %s\n", error->message);
        return 1;
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    if (!as_json)
        printf("%-25s %-15s %-16s %-12s %s\n", "TIME", "RESULT", "CASE", "BY", "NAME");
    for (guint i = 0; i < rows->len; i++) {
        StoreCheckinRow *r = g_ptr_array_index(rows, i);
        const char *by = r->method == CHECKIN_BY_FINGER ? "finger" : "case_number";
        if (!as_json) {
            printf("%-25s %-15s %-16s %-12s %s\n", r->wall_time, store_checkin_result_name(r->result),
                   r->case_number ? r->case_number : "-", by, r->name_en ? r->name_en : "-");
            continue;
        }
        json_builder_begin_object(b);
        add_string(b, "uuid", r->uuid);
        add_string(b, "time", r->wall_time);
        add_string(b, "result", store_checkin_result_name(r->result));
        add_string(b, "case_number", r->case_number);
        add_string(b, "name_en", r->name_en);
        add_string(b, "method", by);
        add_string(b, "sync_state", r->sync_state);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    if (as_json)
        print_json(b);
    return 0;
}

static int cmd_audit(int argc, char **argv)
{
    if (!parse("audit", "verify", "check that no audit row was edited or deleted", NULL, FALSE, &argc, &argv))
        return 2;
    if (argc != 2 || strcmp(argv[1], "verify") != 0) {
        fprintf(stderr, "haazri-ctl audit: the only action is: verify\n");
        return 2;
    }
    g_autoptr(Config) config = load_config();
    g_autoptr(Store) store = config ? open_store(config) : NULL;
    if (!store)
        return config ? 1 : 2;
    g_autoptr(GError) error = NULL;
    if (!store_verify_audit(store, &error)) {
        fprintf(stderr, "haazri-ctl audit: %s\n", error->message);
        return 1;
    }
    printf("audit trail intact\n");
    return 0;
}

/* ---- leds ---- */

static int cmd_leds(int argc, char **argv)
{
    if (!parse("leds", "test", "light every LED and sound the buzzer in turn, to check the wiring", NULL, FALSE, &argc, &argv))
        return 2;
    if (argc != 2 || strcmp(argv[1], "test") != 0) {
        fprintf(stderr, "haazri-ctl leds: the only action is: test\n");
        return 2;
    }
    g_autoptr(Config) config = load_config();
    if (!config)
        return 2;
    g_auto(LedsConfig) lc;
    leds_config_init(&lc);
    g_autoptr(GError) error = NULL;
    if ((config->keyfile && !leds_config_load(config->keyfile, config->path, &lc, &error)) ||
        !leds_run_wiring_test(&lc, &error)) {
        fprintf(stderr, "haazri-ctl leds: %s\n", error->message);
        return 1;
    }
    printf("every light and the buzzer were switched on in turn\n");
    return 0;
}

static const Command commands[] = {
    {"enroll", cmd_enroll, "enroll a probationer's fingers from the scanner (stop the kiosk first)"},
    {"list", cmd_list, "list enrolled probationers"},
    {"show", cmd_show, "show one probationer"},
    {"deactivate", cmd_deactivate, "stop a probationer from checking in"},
    {"activate", cmd_activate, "let a deactivated probationer check in again"},
    {"checkins", cmd_checkins, "list a day's check-ins"},
    {"audit", cmd_audit, "audit verify: check the officers' audit trail"},
    {"leds", cmd_leds, "leds test: cycle every light and the buzzer (wiring check)"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: haazri-ctl COMMAND [--config PATH] [OPTIONS]\n\nCommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'haazri-ctl COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("haazri-ctl %s\n", HAAZRI_VERSION);
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "haazri-ctl: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
