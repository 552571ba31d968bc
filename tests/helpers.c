/* helpers — shared test plumbing. See helpers.h. */
#include "tests/helpers.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtual-finger.h"
#include "ui/screen.h"

static char *tmpdir;
static char *socket_path;
static GQueue hand = G_QUEUE_INIT; /* char* image paths; "" = unplug; "retry:N" */
static gboolean needed_now;        /* the sensor asked for a finger and got none yet */
static ScannerCallbacks forward_cb;
static gpointer forward_data;

static void remove_tmpdir(void)
{
    if (!tmpdir)
        return;
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        g_printerr("could not remove %s\n", tmpdir);
}

const char *tu_tmpdir(void)
{
    if (!tmpdir) {
        tmpdir = g_dir_make_tmp("haazri-test-XXXXXX", NULL);
        g_assert_nonnull(tmpdir);
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

char *tu_data(const char *relative)
{
    const char *base = g_getenv("HAAZRI_TESTDATA");
    return g_build_filename(base ? base : "tests/data", relative, NULL);
}

char *tu_fvc(int finger, int impression)
{
    g_autofree char *rel = g_strdup_printf("fvc2002-db2b/%d_%d.png", finger, impression);
    return tu_data(rel);
}

/* libfprint's virtual_image driver warns when the hand's previous connection closes after the next
 * one was accepted ("Error on old connection, ignoring") — harmless, as it says, and seen only when
 * the machine is loaded; GLib's tests make every warning fatal, so this one alone is let through. */
static gboolean fatal_unless_old_connection(const gchar *domain, GLogLevelFlags level, const gchar *message,
                                            gpointer data)
{
    (void)level, (void)data;
    return !(g_strcmp0(domain, "libfprint-virtual_image") == 0 && message &&
             strstr(message, "Error on old connection, ignoring"));
}

const char *tu_use_virtual_scanner(void)
{
    g_test_log_set_fatal_handler(fatal_unless_old_connection, NULL);
    if (!socket_path) {
        socket_path = g_build_filename(tu_tmpdir(), "scanner.sock", NULL);
        g_setenv("FP_VIRTUAL_IMAGE", socket_path, TRUE);
    }
    return socket_path;
}

static void hand_push(char *item)
{
    g_queue_push_tail(&hand, item);
    if (needed_now)
        tu_hand_on_finger_needed();
}

void tu_hand_queue(const char *png_path)
{
    hand_push(g_strdup(png_path));
}

void tu_hand_queue_unplug(void)
{
    hand_push(g_strdup(""));
}

void tu_hand_queue_retry(int code)
{
    hand_push(g_strdup_printf("retry:%d", code));
}

guint tu_hand_pending(void)
{
    return g_queue_get_length(&hand);
}

static void on_sent(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    (void)data;
    g_autoptr(GError) error = NULL;
    if (!virtual_finger_send_png_finish(res, &error))
        g_printerr("hand: %s\n", error->message);
}

void tu_hand_on_finger_needed(void)
{
    g_autofree char *next = g_queue_pop_head(&hand);
    needed_now = next == NULL;
    if (!next)
        return;
    if (!*next || g_str_has_prefix(next, "retry:")) {
        g_autoptr(GError) error = NULL;
        g_autoptr(VirtualFinger) f = virtual_finger_connect(socket_path, 1000, &error);
        g_assert_no_error(error);
        if (*next)
            g_assert_true(virtual_finger_send_retry(f, atoi(next + 6), &error));
        else
            g_assert_true(virtual_finger_unplug(f, &error));
        virtual_finger_wait_read(f, 1000);
        return;
    }
    virtual_finger_send_png_async(socket_path, next, on_sent, NULL);
}

static void cb_state(ScannerState state, const char *why, gpointer data)
{
    (void)data;
    needed_now = FALSE;
    if (forward_cb.state_changed)
        forward_cb.state_changed(state, why, forward_data);
}

static void cb_needed(gpointer data)
{
    (void)data;
    tu_hand_on_finger_needed();
    if (forward_cb.finger_needed)
        forward_cb.finger_needed(forward_data);
}

static void cb_on(gpointer data)
{
    (void)data;
    needed_now = FALSE;
    if (forward_cb.finger_on)
        forward_cb.finger_on(forward_data);
}

Scanner *tu_scanner_new(const ScannerCallbacks *forward, gpointer user_data)
{
    tu_use_virtual_scanner();
    if (forward)
        forward_cb = *forward;
    forward_data = user_data;
    ScannerCallbacks cb = {.state_changed = cb_state, .finger_needed = cb_needed, .finger_on = cb_on};
    Scanner *s = scanner_new("virtual_image", NULL, &cb, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(scanner_wait_ready(s, 5000, &error));
    return s;
}

static gboolean set_flag(gpointer flag)
{
    *(gboolean *)flag = TRUE;
    return G_SOURCE_REMOVE;
}

gboolean tu_run_until(const gboolean *flag, int timeout_ms)
{
    gboolean timed_out = FALSE;
    guint id = g_timeout_add(timeout_ms, set_flag, &timed_out);
    while (!*flag && !timed_out)
        g_main_context_iteration(NULL, TRUE);
    if (!timed_out)
        g_source_remove(id);
    return *flag;
}

void tu_run_for(int ms)
{
    gboolean done = FALSE;
    g_timeout_add(ms, set_flag, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
}

typedef struct {
    gboolean done;
    FpPrint *print;
    GError *error;
} EnrollWait;

static void on_enrolled(FpPrint *print, const GError *error, gpointer data)
{
    EnrollWait *w = data;
    w->print = print ? g_object_ref(print) : NULL;
    w->error = error ? g_error_copy(error) : NULL;
    w->done = TRUE;
}

void tu_wait_for_view(Screen *screen, const char *want, int timeout_ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    for (;;) {
        g_autofree char *now = screen_describe(screen);
        if (strcmp(now, want) == 0)
            return;
        if (g_get_monotonic_time() > end)
            g_error("the screen shows %s, not %s", now, want);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(2000);
    }
}

GBytes *tu_capture(Scanner *scanner, const char *finger, char *const images[5])
{
    for (int i = 0; i < 5; i++)
        tu_hand_queue(images[i]);
    EnrollWait w = {0};
    scanner_enroll(scanner, scanner_finger_parse(finger), NULL, NULL, on_enrolled, &w);
    g_assert_true(tu_run_until(&w.done, 30000));
    g_assert_no_error(w.error);
    g_autofree guchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(fp_print_serialize(w.print, &data, &len, &error));
    g_object_unref(w.print);
    return g_bytes_new(data, len);
}

gint64 tu_enroll(Scanner *scanner, Store *store, gint64 probationer_id, const char *finger,
                 char *const images[5])
{
    g_autoptr(GBytes) blob = tu_capture(scanner, finger, images);
    g_autoptr(GError) error = NULL;
    gint64 id = store_add_finger(store, probationer_id, finger, blob, "virtual_image", &error);
    g_assert_no_error(error);
    return id;
}

/* An FVC finger's impressions 1-5, as the five touches of an enrollment (g_strfreev them). */
static char **fvc_touches(int finger)
{
    char **images = g_new0(char *, 6);
    for (int i = 0; i < 5; i++)
        images[i] = tu_fvc(finger, i + 1);
    return images;
}

GBytes *tu_capture_fvc(Scanner *scanner, int finger)
{
    g_auto(GStrv) images = fvc_touches(finger);
    return tu_capture(scanner, "right-index", images);
}

gint64 tu_enroll_fvc(Scanner *scanner, Store *store, gint64 probationer_id, int finger)
{
    g_auto(GStrv) images = fvc_touches(finger);
    return tu_enroll(scanner, store, probationer_id, "right-index", images);
}

Config *tu_kiosk_config(const char *text, char **db_path, Store **store)
{
    g_autofree char *conf = g_build_filename(tu_tmpdir(), "haazri.conf", NULL);
    g_assert_true(g_file_set_contents(conf, text, -1, NULL));
    g_autoptr(GError) error = NULL;
    Config *config = config_load(conf, &error);
    g_assert_no_error(error);
    g_mkdir_with_parents(config->data_dir, 0700);
    *db_path = config_get_db_path(config);
    *store = store_open(*db_path, &error);
    g_assert_no_error(error);
    return config;
}

gint64 tu_add_probationer(Store *store, int n, const char *name_en, const char *name_ur)
{
    g_autofree char *case_number = g_strdup_printf("TEST-%d", n);
    StoreProbationer p = {.case_number = case_number, .name_en = (char *)name_en,
                          .name_ur = (char *)name_ur, .office = "Test Office", .active = TRUE};
    g_autoptr(GError) error = NULL;
    gint64 id = store_add_probationer(store, &p, &error);
    g_assert_no_error(error);
    return id;
}

gboolean tu_checkin_committed(const char *db_path, const char *uuid)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    gboolean found = FALSE;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT 1 FROM checkins WHERE uuid = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return found;
}
