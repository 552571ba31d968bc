/* sync-fixture — what test-sync and test-sync-people share (header-only, like bench-common.h: the
 * Makefile links every test with tests/helpers.o alone): kiosks with their own data folders,
 * provisioned against the real receiver, and checks of what reached the centre. */
#pragma once

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "app/config.h"
#include "app/store/store-adms.h"
#include "app/store/store-roster.h"
#include "app/store/store-sync.h"
#include "sync/sync.h"
#include "tests/central.h"
#include "tests/helpers.h"

static GBytes *print_a, *print_b; /* real libfprint prints, scanned from FVC images */

typedef struct {
    char *device, *dir, *conf, *db;
    Config *config;
    Store *store;
    Sync *sync;
    SyncStatus seen;
    char *seen_error;
    gboolean drained;
    SyncHeartbeatFunc heartbeat; /* what the kiosk's main adds to its heartbeats (may be NULL) */
    gpointer heartbeat_data;
} Kiosk;

G_GNUC_UNUSED static const char *rx_db_engine_tag(const char *spec)
{
    return g_str_has_prefix(spec, "host=") ? "pg" : "sq";
}

G_GNUC_UNUSED static int run_ctl(const char *conf, const char *a, const char *b, const char *c, char **out)
{
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-ctl", NULL);
    char *argv[] = {exe, (char *)a, "--config", (char *)conf, (char *)b, (char *)c, NULL};
    int status = 0;
    g_autofree char *err = NULL;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, out, &err, &status, NULL));
    if (!g_spawn_check_wait_status(status, NULL))
        g_message("haazri-ctl %s: %s", a, err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A kiosk with its own data folder, provisioned with the receiver through haazri-ctl provision;
 * the centre registers it at `office`. */
G_GNUC_UNUSED static Kiosk *kiosk_new_at(const char *name, const char *spec, TuReceiver *r, const char *sync_extra,
                           const char *office)
{
    Kiosk *k = g_new0(Kiosk, 1);
    /* One data folder per engine and test: device names are unique within a run. */
    k->device = g_strdup_printf("%s-%s", name, rx_db_engine_tag(spec));
    const char *device = k->device;
    k->dir = g_build_filename(tu_tmpdir(), device, NULL);
    g_assert_cmpint(g_mkdir_with_parents(k->dir, 0700), ==, 0);
    k->conf = g_build_filename(k->dir, "haazri.conf", NULL);
    g_autofree char *text = g_strdup_printf("[kiosk]\ndevice_id = %s\noffice = Lahore\ndata_dir = %s\n"
                                            "[sync]\nca_file = %s\nretry_min_seconds = 0.05\nretry_max_seconds = 0.4\n"
                                            "batch_max = 40\n%s\n",
                                            device, k->dir, tu_tls()->ca, sync_extra ? sync_extra : "");
    g_assert_true(g_file_set_contents(k->conf, text, -1, NULL));
    /* As on a kiosk: the data folder belongs to the service user ("nobody" here), provisioning runs
     * as root, and the credentials must end up readable by that user only. */
    struct passwd *svc = geteuid() == 0 ? getpwnam("nobody") : NULL;
    if (svc)
        g_assert_cmpint(chown(k->dir, svc->pw_uid, svc->pw_gid), ==, 0);
    g_autofree char *token = tu_receiver_add_device(spec, device, office);
    g_assert_cmpint(run_ctl(k->conf, "provision", "--server", r->url, NULL) , !=, 0); /* no token: refused */
    g_autofree char *server_arg = g_strdup_printf("--server=%s", r->url);
    g_autofree char *token_arg = g_strdup_printf("--token=%s", token);
    g_assert_cmpint(run_ctl(k->conf, "provision", server_arg, token_arg, NULL), ==, 0);
    g_autofree char *key = g_build_filename(k->dir, "sync.key", NULL);
    struct stat st;
    g_assert_cmpint(stat(key, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    if (svc)
        g_assert_cmpint(st.st_uid, ==, svc->pw_uid);
    g_autoptr(GError) error = NULL;
    k->config = config_load(k->conf, &error);
    g_assert_no_error(error);
    k->db = config_get_db_path(k->config);
    k->store = store_open(k->db, &error);
    g_assert_no_error(error);
    return k;
}

G_GNUC_UNUSED static Kiosk *kiosk_new(const char *name, const char *spec, TuReceiver *r, const char *sync_extra)
{
    return kiosk_new_at(name, spec, r, sync_extra, "Lahore");
}

G_GNUC_UNUSED static void on_status(const SyncStatus *st, gpointer data)
{
    Kiosk *k = data;
    k->seen = *st;
    g_free(k->seen_error);
    k->seen_error = g_strdup(st->last_error);
    k->seen.last_error = k->seen_error;
    if (st->online && st->pending == 0)
        k->drained = TRUE;
}

G_GNUC_UNUSED static void kiosk_start_sync(Kiosk *k)
{
    g_auto(SyncConfig) sc;
    g_auto(SyncCredentials) creds = {0};
    g_autoptr(GError) error = NULL;
    sync_config_init(&sc);
    g_assert_true(sync_config_load(k->config->keyfile, k->conf, &sc, &error));
    g_assert_true(sync_credentials_load(k->config->data_dir, &creds, &error));
    k->sync = sync_new(&sc, &creds, k->store, &error);
    g_assert_no_error(error);
    sync_subscribe(k->sync, on_status, k);
    if (k->heartbeat)
        sync_set_heartbeat_func(k->sync, k->heartbeat, k->heartbeat_data);
    k->drained = FALSE;
    sync_start(k->sync);
}

G_GNUC_UNUSED static void kiosk_stop_sync(Kiosk *k)
{
    g_clear_pointer(&k->sync, sync_free);
}

G_GNUC_UNUSED static void kiosk_free(Kiosk *k)
{
    kiosk_stop_sync(k);
    store_close(k->store);
    config_free(k->config);
    g_free(k->device);
    g_free(k->dir);
    g_free(k->conf);
    g_free(k->db);
    g_free(k->seen_error);
    g_free(k);
}

/* Records `n` check-ins through the store, as the check-in machine does: some recognised (the
 * second of the day a duplicate), some nobody. */
G_GNUC_UNUSED static void kiosk_record(Kiosk *k, int n)
{
    static int person;
    gint64 who = tu_add_probationer(k->store, ++person, "Person", NULL);
    for (int i = 0; i < n; i++) {
        StoreCheckin c = {.probationer_id = i % 3 == 0 ? who : 0, .method = CHECKIN_BY_FINGER, .score = -1,
                          .device_id = k->config->device_id};
        g_autoptr(GError) error = NULL;
        g_assert_true(store_record_checkin(k->store, &c, &error));
    }
}

/* Sorted lines of a query's output. */
G_GNUC_UNUSED static char *sorted(char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_free(text);
    guint n = g_strv_length(lines);
    for (guint i = 1; i < n; i++)
        for (guint j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    return g_strjoinv("\n", lines);
}

/* Every check-in of the kiosk is at the server exactly once, and the kiosk knows it. */
G_GNUC_UNUSED static void assert_exactly_once(const char *spec, Kiosk *k)
{
    g_autofree char *sql = g_strdup_printf("SELECT uuid FROM events WHERE device_id = '%s'", k->device);
    g_autofree char *at_server = sorted(tu_central_query(spec, sql));
    g_autofree char *at_kiosk = sorted(tu_central_query(k->db, "SELECT uuid FROM checkins"));
    /* Compared whole; the message stays short. */
    g_assert_cmpuint(strlen(at_server), ==, strlen(at_kiosk));
    g_assert_true(strcmp(at_server, at_kiosk) == 0);
    g_autofree char *dups = tu_central_query(spec, "SELECT count(*) - count(DISTINCT uuid) FROM events");
    g_assert_cmpstr(dups, ==, "0");
    g_autofree char *unsent = tu_central_query(k->db, "SELECT count(*) FROM checkins WHERE sync_state <> 'sent'");
    g_assert_cmpstr(unsent, ==, "0");
}

G_GNUC_UNUSED static gint64 server_count(const char *spec, const char *sql)
{
    g_autofree char *v = tu_central_query(spec, sql);
    return g_ascii_strtoll(v, NULL, 10);
}

/* Runs the main loop until the server's storage answers `sql` with `expected`. */
G_GNUC_UNUSED static void wait_server(const char *spec, const char *sql, const char *expected)
{
    for (int i = 0; i < 1000; i++) {
        g_autofree char *v = tu_central_query(spec, sql);
        if (g_strcmp0(v, expected) == 0)
            return;
        tu_run_for(20);
    }
    g_error("the server never answered \"%s\" to %s", expected, sql);
}

G_GNUC_UNUSED static void drain(Kiosk *k)
{
    g_assert_true(tu_run_until(&k->drained, 60000));
}

/* The first enrolled finger's template of `case_number`, as the store reads it (unsealed). */
G_GNUC_UNUSED static void keep_first(gint64 finger_id, gint64 probationer_id, const char *finger, GBytes *print, gpointer data)
{
    (void)finger_id, (void)probationer_id, (void)finger;
    GBytes **out = data;
    if (!*out)
        *out = g_bytes_ref(print);
}

G_GNUC_UNUSED static GBytes *first_print(Store *store, const char *case_number)
{
    StoreProbationer p = {0};
    GBytes *print = NULL;
    if (store_find_probationer(store, case_number, &p, NULL))
        store_foreach_finger_of(store, p.id, keep_first, &print, NULL);
    store_probationer_clear(&p);
    return print;
}

/* Scans the two real prints the tests enroll (FVC fingers 101 and 102, five images each). */
G_GNUC_UNUSED static void sync_fixture_scan_prints(void)
{
    tu_use_virtual_scanner();
    Scanner *scanner = tu_scanner_new(NULL, NULL);
    char *images[5];
    for (int f = 0; f < 2; f++) {
        for (int i = 0; i < 5; i++)
            images[i] = tu_fvc(101 + f, i + 1);
        *(f ? &print_b : &print_a) = tu_capture(scanner, "right-index", images);
        for (int i = 0; i < 5; i++)
            g_free(images[i]);
    }
    scanner_free(scanner);
}
