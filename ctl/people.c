/* people — enrolling probationers from the scanner, listing, showing, (de)activating them. */
#include "ctl/ctl.h"

#include <string.h>

#include "app/enroll.h"
#include "drivers/scanner.h"

/* ---- enroll ---- */

static struct {
    const char *finger; /* being enrolled */
    int touch, touches;
    gboolean checking;  /* the one touch that checks the finger isn't someone else's already */
} prompt;

/* Printed when the sensor is ready for the next touch, never before: a person (or the demo's
 * virtual hand, which reads this line) places the finger then. */
static void on_finger_needed(gpointer data)
{
    (void)data;
    if (prompt.checking) {
        printf("Check: place the %s finger on the scanner once, to make sure it is not enrolled already.\n",
               prompt.finger);
        fflush(stdout);
        return;
    }
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

Scanner *ctl_open_scanner(const Config *config, GError **error)
{
    ScannerCallbacks cb = {.finger_needed = on_finger_needed};
    Scanner *scanner = scanner_new(config->scanner_driver, config->scanner_device, &cb, NULL);
    if (!scanner_wait_ready(scanner, 10000, error)) {
        scanner_free(scanner);
        return NULL;
    }
    return scanner;
}

FpPrint *ctl_capture_finger(Scanner *scanner, const char *finger, GError **error)
{
    prompt.finger = finger;
    prompt.touch = 0;
    prompt.touches = fp_device_get_nr_enroll_stages(scanner_get_device(scanner));
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    EnrollWait w = {.loop = loop};
    enroll_capture(scanner, scanner_finger_parse(finger), NULL, on_progress, on_enrolled, &w);
    g_main_loop_run(loop);
    if (!w.print)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "the %s finger was not enrolled: %s", finger,
                    scanner_describe_error(w.error));
    g_clear_error(&w.error);
    return w.print;
}

/* The enrollment flow (app/enroll.c, the same one the kiosk's officer screens use), said on stdout:
 * the prompts come from on_finger_needed, when the sensor is ready for the touch. */
typedef struct {
    GMainLoop *loop;
    gint64 id;
    GError *error;
    EnrollStep at;
    char *finger;       /* the one it stopped at */
} EnrollWaitAll;

static void on_enroll_event(const EnrollEvent *ev, gpointer data)
{
    EnrollWaitAll *w = data;
    switch (ev->kind) {
    case ENROLL_CHECKING:
        prompt.finger = ev->finger_name;
        prompt.checking = TRUE;
        break;
    case ENROLL_UNCLEAR: /* up to three touches for unclear ones */
        printf("  touch not usable: %s\n", scanner_describe_error(ev->retry));
        break;
    case ENROLL_CAPTURING:
        prompt.checking = FALSE;
        prompt.finger = ev->finger_name;
        prompt.touch = 0;
        prompt.touches = ev->stages;
        break;
    case ENROLL_TOUCH:
        on_progress(ev->stage, ev->stages, ev->retry, NULL);
        break;
    case ENROLL_DONE:
        prompt.checking = FALSE;
        prompt.finger = NULL; /* the run's own copy: gone after this */
        w->id = ev->id;
        w->error = ev->error ? g_error_copy(ev->error) : NULL;
        w->at = ev->at;
        w->finger = g_strdup(ev->finger_name);
        g_main_loop_quit(w->loop);
        break;
    }
}

int cmd_enroll(int argc, char **argv)
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
    g_autoptr(Scanner) scanner = ctl_open_scanner(config, &error);
    if (!scanner) {
        fprintf(stderr, "haazri-ctl enroll: %s\n", error->message);
        store_probationer_clear(&p);
        return 1;
    }
    EnrollPerson who = {.case_number = case_number, .name_en = name, .name_ur = name_ur, .cnic = cnic,
                        .office = office ? office : config->office};
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    EnrollWaitAll w = {.loop = loop};
    enroll_run_start(scanner, store, exists ? p.id : 0, &who, fingers, actor(), 3, on_enroll_event, &w);
    g_main_loop_run(loop);
    store_probationer_clear(&p);
    if (w.error) {
        if (w.at == ENROLL_AT_CAPTURE)
            fprintf(stderr, "haazri-ctl enroll: the %s finger was not enrolled: %s\n", w.finger,
                    scanner_describe_error(w.error));
        else
            fprintf(stderr, "haazri-ctl enroll: %s\n", w.error->message);
        g_clear_error(&w.error);
        g_free(w.finger);
        return 1;
    }
    g_free(w.finger);
    for (char **f = fingers; *f; f++)
        printf("Enrolled %s for case %s.\n", *f, case_number);
    return 0;
}

/* ---- list / show ---- */

int cmd_list(int argc, char **argv)
{
    gboolean all = FALSE;
    GOptionEntry entries[] = {
        {"all", 0, 0, G_OPTION_ARG_NONE, &all, "include deactivated probationers", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("list", "", "list enrolled probationers", entries, TRUE, &argc, &argv))
        return 2;
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    Store *store = admin.store;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = store_list_probationers(store, &error);
    if (!list) {
        fprintf(stderr, "haazri-ctl list: %s\n", error->message);
        return 1;
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    if (!ctl_as_json)
        printf("%-16s %-8s %-7s %s\n", "CASE", "STATUS", "FINGERS", "NAME");
    for (guint i = 0; i < list->len; i++) {
        StoreProbationer *p = g_ptr_array_index(list, i);
        if (!all && !p->active)
            continue;
        if (ctl_as_json)
            build_probationer(b, p);
        else
            printf("%-16s %-8s %-7d %s%s%s\n", p->case_number, p->active ? "active" : "inactive",
                   p->finger_count, p->name_en, p->name_ur ? " / " : "", p->name_ur ? p->name_ur : "");
    }
    json_builder_end_array(b);
    if (ctl_as_json)
        print_json(b);
    return 0;
}

int cmd_show(int argc, char **argv)
{
    if (!parse("show", "CASE", "show one probationer", NULL, TRUE, &argc, &argv))
        return 2;
    if (argc != 2) {
        fprintf(stderr, "haazri-ctl show: give one case number\n");
        return 2;
    }
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    Store *store = admin.store;
    g_autoptr(GError) error = NULL;
    StoreProbationer p = {0};
    if (!store_find_probationer(store, argv[1], &p, &error)) {
        fprintf(stderr, "haazri-ctl show: %s\n", error->message);
        return 1;
    }
    if (ctl_as_json) {
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
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    Store *store = admin.store;
    g_autoptr(GError) error = NULL;
    StoreProbationer p = {0};
    if (!store_find_probationer(store, argv[1], &p, &error) ||
        !store_set_probationer_active(store, p.id, active, &error) ||
        !store_audit(store, actor(), active ? "probationer.activate" : "probationer.deactivate", argv[1], NULL, &error)) {
        fprintf(stderr, "haazri-ctl %s: %s\n", cmd, error->message);
        store_probationer_clear(&p);
        return 1;
    }
    printf("%s: %s (the kiosk picks this up within seconds)\n", argv[1], active ? "active" : "deactivated");
    store_probationer_clear(&p);
    return 0;
}

int cmd_deactivate(int argc, char **argv) { return set_active("deactivate", FALSE, argc, argv); }
int cmd_activate(int argc, char **argv) { return set_active("activate", TRUE, argc, argv); }

