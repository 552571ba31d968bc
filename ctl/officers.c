/* officers — the accounts that unlock officer mode on the kiosk. PINs are read from standard input
 * (never the command line, which ps and shell history show) without echo on a terminal. */
#include "ctl/ctl.h"

#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/officer.h"

static char *read_pin(const char *prompt)
{
    gboolean tty = isatty(STDIN_FILENO);
    struct termios saved, quiet;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &saved);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char line[64] = "";
    gboolean got = fgets(line, sizeof line, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fprintf(stderr, "\n");
    }
    line[strcspn(line, "\r\n")] = '\0';
    return got ? g_strdup(line) : NULL;
}

static int officer_add_cmd(Admin *a, const char *username, const char *name, const char *role_name)
{
    OfficerRole role;
    if (!name || !officer_role_parse(role_name ? role_name : "officer", &role)) {
        fprintf(stderr, "haazri-ctl officer add: --name is required and --role is officer or admin\n");
        return 2;
    }
    g_autofree char *pin = read_pin("New PIN (6-12 digits): ");
    g_autoptr(GError) error = NULL;
    if (!pin || !officer_add(a->store, username, name, role, pin, actor(), &error)) {
        fprintf(stderr, "haazri-ctl officer add: %s\n", error ? error->message : "no PIN given on standard input");
        return 1;
    }
    printf("officer %s (%s) added\n", username, officer_role_name(role));
    return 0;
}

static int officer_list_cmd(Admin *a)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = officer_list(a->store, &error);
    if (!list) {
        fprintf(stderr, "haazri-ctl officer list: %s\n", error->message);
        return 1;
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    if (!ctl_as_json)
        printf("%-16s %-8s %-8s %s\n", "USERNAME", "ROLE", "STATUS", "NAME");
    for (guint i = 0; i < list->len; i++) {
        Officer *o = g_ptr_array_index(list, i);
        if (!ctl_as_json) {
            printf("%-16s %-8s %-8s %s\n", o->username, officer_role_name(o->role), o->active ? "active" : "inactive",
                   o->name);
            continue;
        }
        json_builder_begin_object(b);
        add_string(b, "username", o->username);
        add_string(b, "name", o->name);
        add_string(b, "role", officer_role_name(o->role));
        add_string(b, "status", o->active ? "active" : "inactive");
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    if (ctl_as_json)
        print_json(b);
    return 0;
}

/* The officer's own finger, from the scanner (stop the kiosk first: it holds the scanner). */
static int officer_finger_cmd(Admin *a, const char *username, const char *finger)
{
    if (!finger || scanner_finger_parse(finger) == FP_FINGER_UNKNOWN) {
        fprintf(stderr, "haazri-ctl officer finger: --finger is required, e.g. right-index\n");
        return 2;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) known = officer_list(a->store, &error);
    gboolean found = FALSE;
    for (guint i = 0; known && i < known->len; i++)
        found |= strcmp(((Officer *)known->pdata[i])->username, username) == 0;
    if (!found) {
        fprintf(stderr, "haazri-ctl officer finger: no officer %s\n", username);
        return 1;
    }
    g_autoptr(Scanner) scanner = ctl_open_scanner(a->config, &error);
    g_autoptr(FpPrint) print = scanner ? ctl_capture_finger(scanner, finger, &error) : NULL;
    g_autofree guchar *data = NULL;
    gsize len = 0;
    if (!print || !fp_print_serialize(print, &data, &len, &error)) {
        fprintf(stderr, "haazri-ctl officer finger: %s\n", error->message);
        return 1;
    }
    g_autoptr(GBytes) blob = g_bytes_new(data, len);
    if (!officer_set_finger(a->store, username, finger, blob, actor(), &error)) {
        fprintf(stderr, "haazri-ctl officer finger: %s\n", error->message);
        return 1;
    }
    printf("Enrolled %s for officer %s: the kiosk asks for it after the PIN.\n", finger, username);
    return 0;
}

int cmd_officer(int argc, char **argv)
{
    g_autofree char *name = NULL, *role = NULL, *finger = NULL;
    GOptionEntry entries[] = {
        {"name", 0, 0, G_OPTION_ARG_FILENAME, &name, "the officer's full name (add)", "NAME"},
        {"role", 0, 0, G_OPTION_ARG_STRING, &role, "officer (default) or admin: device settings too (add)", "ROLE"},
        {"finger", 0, 0, G_OPTION_ARG_STRING, &finger, "which finger, e.g. right-index (finger)", "FINGER"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("officer", "add|passwd|finger|deactivate|activate USERNAME | list",
               "officer accounts for officer mode; PINs are read from standard input", entries, TRUE, &argc, &argv))
        return 2;
    const char *action = argc >= 2 ? argv[1] : "";
    gboolean list = strcmp(action, "list") == 0;
    if (!(list && argc == 2) && argc != 3) {
        fprintf(stderr, "haazri-ctl officer: expected add|passwd|finger|deactivate|activate USERNAME, or list\n");
        return 2;
    }
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    if (list)
        return officer_list_cmd(&admin);
    const char *user = argv[2];
    g_autoptr(GError) error = NULL;
    if (strcmp(action, "add") == 0)
        return officer_add_cmd(&admin, user, name, role);
    if (strcmp(action, "passwd") == 0) {
        g_autofree char *pin = read_pin("New PIN (6-12 digits): ");
        if (!pin || !officer_set_pin(admin.store, user, pin, actor(), &error)) {
            fprintf(stderr, "haazri-ctl officer passwd: %s\n", error ? error->message : "no PIN given");
            return 1;
        }
        printf("PIN of %s changed\n", user);
        return 0;
    }
    if (strcmp(action, "finger") == 0)
        return officer_finger_cmd(&admin, user, finger);
    gboolean activate = strcmp(action, "activate") == 0;
    if (!activate && strcmp(action, "deactivate") != 0) {
        fprintf(stderr, "haazri-ctl officer: unknown action \"%s\"\n", action);
        return 2;
    }
    if (!officer_set_active(admin.store, user, activate, actor(), &error)) {
        fprintf(stderr, "haazri-ctl officer %s: %s\n", action, error->message);
        return 1;
    }
    printf("officer %s %s\n", user, activate ? "active" : "deactivated");
    return 0;
}
