/* haazri — the check-in kiosk.
 *
 * The table of contents: load config → open store → load the search gallery → look for the scanner
 * → build the check-in machine → attach the view and the lights → run one main loop → close in
 * reverse. */
#include <errno.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/checkin.h"
#include "app/config.h"
#include "app/search.h"
#include "app/store.h"
#include "app/version.h"
#include "drivers/leds.h"
#include "drivers/scanner.h"
#include "drivers/virtual-finger.h"
#include "ui/lights.h"
#include "ui/term.h"

static Checkin *machine; /* set once built; the scanner may report before that */

static void on_scanner_state(ScannerState state, const char *why, gpointer data)
{
    (void)data;
    if (machine)
        checkin_on_scanner_state(machine, state, why);
}

static void on_finger(gpointer data)
{
    (void)data;
    if (machine)
        checkin_on_finger(machine);
}

static gboolean on_signal(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE;
}

/* The demo's virtual hand (only with --demo-images and the virtual_image scanner):
 * 1..10 place sample finger 101..110 (an impression that was not enrolled), n an unknown finger,
 * u unplugs the scanner. */
static void on_demo_command(const char *line, gpointer images_dir)
{
    const char *sock = g_getenv("FP_VIRTUAL_IMAGE");
    g_autofree char *png = NULL;
    gint64 n;
    if (g_ascii_string_to_signed(line, 10, 1, 10, &n, NULL))
        png = g_strdup_printf("%s/fvc2002-db2b/%d_7.png", (char *)images_dir, 100 + (int)n);
    else if (g_strcmp0(line, "n") == 0)
        png = g_strdup_printf("%s/nist/whorl.png", (char *)images_dir);
    else if (g_strcmp0(line, "u") == 0 && sock) {
        g_autoptr(GError) error = NULL;
        g_autoptr(VirtualFinger) f = virtual_finger_connect(sock, 500, &error);
        if (!f || !virtual_finger_unplug(f, &error))
            g_printerr("demo: %s\n", error->message);
        return;
    } else {
        g_printerr("demo: type 1-10 (a sample finger), n (unknown finger), u (unplug), t (touch), "
                   "c CASE (case number)\n");
        return;
    }
    if (sock)
        virtual_finger_send_png_async(sock, png, NULL, NULL);
}

int main(int argc, char **argv)
{
    g_autofree char *config_path = NULL;
    g_autofree char *demo_images = NULL;
    gboolean version = FALSE;
    GOptionEntry entries[] = {
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "configuration file (default /etc/haazri/haazri.conf)", "PATH"},
        {"demo-images", 0, 0, G_OPTION_ARG_FILENAME, &demo_images, "demo: sample fingerprint folder for the virtual scanner", "DIR"},
        {"version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) opts = g_option_context_new("— Haazri fingerprint check-in kiosk");
    g_option_context_add_main_entries(opts, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(opts, &argc, &argv, &error)) {
        g_printerr("haazri: %s (see --help)\n", error->message);
        return 2;
    }
    if (version) {
        printf("haazri %s\n", HAAZRI_VERSION);
        return 0;
    }
    if (!config_path && g_file_test("/etc/haazri/haazri.conf", G_FILE_TEST_EXISTS))
        config_path = g_strdup("/etc/haazri/haazri.conf");

    g_autoptr(Config) config = config_load(config_path, &error);
    if (!config) {
        g_printerr("haazri: %s\n", error->message);
        return 2;
    }
    if (g_mkdir_with_parents(config->data_dir, 0700) != 0) {
        g_printerr("haazri: cannot create the data folder %s: %s\n", config->data_dir, g_strerror(errno));
        return 1;
    }
    g_auto(LedsConfig) leds_config;
    leds_config_init(&leds_config);
    if (config->keyfile && !leds_config_load(config->keyfile, config->path, &leds_config, &error)) {
        g_printerr("haazri: %s\n", error->message);
        return 2;
    }
    g_autofree char *db_path = config_get_db_path(config);
    g_autoptr(Store) store = store_open(db_path, &error);
    if (!store) {
        g_printerr("haazri: %s\n", error->message);
        return 1;
    }
    g_autoptr(Search) search = search_new(config->search, &error);
    guint skipped = 0;
    if (search)
        search_set_rule(search, config->match_threshold, config->match_margin);
    if (!search || !search_load(search, store, &skipped, &error)) {
        g_printerr("haazri: %s\n", error->message);
        return 1;
    }
    g_message("gallery: %u enrolled fingers (%u unreadable, skipped), search: %s",
              search_get_size(search), skipped, config->search);

    ScannerCallbacks scanner_cb = {.state_changed = on_scanner_state, .finger_on = on_finger};
    g_autoptr(Scanner) scanner = scanner_new(config->scanner_driver, config->scanner_device, &scanner_cb, NULL);
    /* Give a plugged-in scanner a moment to open, so the first screen isn't "scanner problem". */
    scanner_wait_ready(scanner, 3000, NULL);
    g_autoptr(Checkin) checkin = checkin_new(config, store, scanner, search);
    machine = checkin;
    g_autoptr(Term) term = term_new(checkin, config->office, demo_images ? on_demo_command : NULL, demo_images);
    /* No chip, wrong line, busy line: one warning and a kiosk without lights, never a stop. */
    g_autoptr(Leds) leds = leds_new(&leds_config, NULL);
    lights_attach(checkin, leds);

    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    g_unix_signal_add(SIGINT, on_signal, loop);
    g_unix_signal_add(SIGTERM, on_signal, loop);
    checkin_start(checkin);
    g_main_loop_run(loop);

    g_message("shutting down");
    g_clear_pointer(&term, term_free);
    machine = NULL;
    g_clear_pointer(&checkin, checkin_free);
    g_clear_pointer(&leds, leds_free); /* lights off */
    return 0;
}
