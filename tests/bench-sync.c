/* bench-sync — sync throughput on loopback, through TLS, to the real receiver (SQLite storage):
 *   bench: sync_drain_100k_s      a 100,000-check-in backlog drained from one kiosk (target ≤ 30 s)
 *   bench: receiver_events_per_s  10 kiosks (separate haazri-ctl sync now processes) pushing at once
 *   bench: roster_pull_2800_s     a new kiosk pulls an office of 2,800 probationers, two fingers each
 *                                 (real 5-impression FVC templates), applied page by page; the
 *                                 centre unseals every name and template it serves (issue 16.4)
 *   bench: roster_load_2800_s     `haazri-receiver roster load` of that office (sealing included)
 *   bench: seal_roster_2800_ms    sealing and opening again all a 2,800 roster holds (two names,
 *                                 two templates a person) in this process: the crypto's own share
 * The backlog is written straight into the kiosk's database in one transaction (setting it up
 * through store_record_checkin would take 100,000 fsyncs); what is measured is sync alone. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "app/config.h"
#include "app/seal.h"
#include "app/store/store-sync.h"
#include "sync/sync.h"
#include "app/store/store-roster.h"
#include "tests/bench-common.h"
#include "tests/central.h"

static char *make_kiosk(const char *device, const char *spec, TuReceiver *r, int backlog)
{
    g_autofree char *dir = g_build_filename(tu_tmpdir(), device, NULL);
    g_mkdir_with_parents(dir, 0700);
    char *conf = g_build_filename(dir, "haazri.conf", NULL);
    g_autofree char *text = g_strdup_printf("[kiosk]\ndevice_id = %s\noffice = Lahore\ndata_dir = %s\n[sync]\nca_file = %s\n",
                                            device, dir, tu_tls()->ca);
    g_assert_true(g_file_set_contents(conf, text, -1, NULL));
    g_autofree char *token = tu_receiver_add_device(spec, device, "Lahore");
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *ctl = g_build_filename(build ? build : "build", "haazri-ctl", NULL);
    g_autofree char *server = g_strdup_printf("--server=%s", r->url);
    g_autofree char *tok = g_strdup_printf("--token=%s", token);
    char *argv[] = {ctl, "provision", "--config", conf, server, tok, NULL};
    int status;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));

    g_autofree char *db_path = g_build_filename(dir, "haazri.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(db_path, &db), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO checkins (uuid, method, result, wall_time, wall_utc_us, local_date, mono_us, "
                           "boot_id, device_id) VALUES (?, 'finger', 'not_recognised', '2026-03-01T09:00:00+05:00', "
                           "?, '2026-03-01', ?, 'bench-boot', ?)", -1, &st, NULL);
    for (int i = 0; i < backlog; i++) {
        g_autofree char *uuid = g_uuid_string_random();
        sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, 1772337600000000LL + i);
        sqlite3_bind_int64(st, 3, i);
        sqlite3_bind_text(st, 4, device, -1, SQLITE_STATIC);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    g_assert_cmpint(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    return conf;
}

static void on_done(const GError *error, gpointer flag)
{
    g_assert_no_error(error);
    *(gboolean *)flag = TRUE;
}

/* One sync pass of the kiosk `conf` in this process (push, audit, heartbeat, roster pull), timed;
 * its database path in *db_out when asked. */
static double timed_sync_once(const char *conf, char **db_out)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) config = config_load(conf, &error);
    g_assert_no_error(error);
    g_autofree char *db = config_get_db_path(config);
    g_autoptr(Store) store = store_open(db, &error);
    g_assert_no_error(error);
    g_auto(SyncConfig) sc;
    g_auto(SyncCredentials) creds = {0};
    sync_config_init(&sc);
    g_assert_true(sync_config_load(config->keyfile, conf, &sc, &error));
    g_assert_true(sync_credentials_load(config->data_dir, &creds, &error));
    g_autoptr(Sync) sync = sync_new(&sc, &creds, store, &error);
    g_assert_no_error(error);
    gboolean done = FALSE;
    gint64 t0 = g_get_monotonic_time();
    sync_run_once(sync, on_done, &done);
    g_assert_true(tu_run_until(&done, 600000));
    if (db_out)
        *db_out = g_steal_pointer(&db);
    return (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
}

static void bench_drain(void)
{
    g_autofree char *spec = g_build_filename(tu_tmpdir(), "drain.db", NULL);
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    g_autofree char *conf = make_kiosk("bench-drain", spec, r, 100000);
    double s = timed_sync_once(conf, NULL);
    g_autofree char *n = tu_central_query(spec, "SELECT count(*) FROM events");
    g_assert_cmpstr(n, ==, "100000");
    printf("bench: sync_drain_100k_s %.2f s\n", s);
    fprintf(stderr, "(batches of 500 check-ins, gzip, TLS, keep-alive; %.0f check-ins/s)\n", 100000 / s);
    tu_receiver_kill(r);
}

static void bench_ingest(void)
{
    enum { KIOSKS = 10, EACH = 10000 };
    g_autofree char *spec = g_build_filename(tu_tmpdir(), "ingest.db", NULL);
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    char *confs[KIOSKS];
    for (int i = 0; i < KIOSKS; i++) {
        g_autofree char *name = g_strdup_printf("bench-kiosk-%d", i);
        confs[i] = make_kiosk(name, spec, r, EACH);
    }
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *ctl = g_build_filename(build ? build : "build", "haazri-ctl", NULL);
    GPid pids[KIOSKS];
    gint64 t0 = g_get_monotonic_time();
    for (int i = 0; i < KIOSKS; i++) {
        char *argv[] = {ctl, "sync", "now", "--config", confs[i], NULL};
        g_assert_true(g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                    NULL, &pids[i], NULL));
    }
    for (int i = 0; i < KIOSKS; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        g_free(confs[i]);
    }
    double s = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
    g_autofree char *n = tu_central_query(spec, "SELECT count(*) FROM events");
    g_assert_cmpstr(n, ==, "100000");
    printf("bench: receiver_events_per_s %.0f events/s\n", KIOSKS * EACH / s);
    fprintf(stderr, "(%d kiosks x %d check-ins in %.2f s, SQLite storage, %u CPUs)\n", KIOSKS, EACH, s,
            g_get_num_processors());
    tu_receiver_kill(r);
}

/* An enrollment as libfprint serializes it: five FVC impressions of one finger, base64. */
static char *enrolled_template(int finger)
{
    static Scanner *scanner;
    if (!scanner)
        scanner = tu_scanner_new(NULL, NULL);
    FpPrint *parts[5];
    for (int i = 0; i < 5; i++) {
        g_autofree char *png = tu_fvc(finger, i + 1);
        g_autoptr(GPtrArray) empty = g_ptr_array_new();
        g_assert_null(bench_identify(scanner, png, empty, &parts[i]));
    }
    g_autoptr(FpPrint) joined = bench_print_join(parts, 5);
    for (int i = 0; i < 5; i++)
        g_object_unref(parts[i]);
    g_autoptr(GBytes) blob = bench_serialize(joined);
    return g_base64_encode(g_bytes_get_data(blob, NULL), g_bytes_get_size(blob));
}

static void bench_roster(void)
{
    enum { PEOPLE = 2800 };
    g_autofree char *spec = g_build_filename(tu_tmpdir(), "roster.db", NULL);
    g_autofree char *left = enrolled_template(101), *right = enrolled_template(102);
    g_autoptr(GString) json = g_string_new("{\"probationers\": [");
    for (int i = 0; i < PEOPLE; i++)
        g_string_append_printf(json, "%s{\"case_number\": \"LHR-%d/2026\", \"name_en\": \"Probationer %d\", "
                               "\"name_ur\": \"پروبیشنر %d\", \"office\": \"Lahore\", \"status\": \"active\", "
                               "\"fingers\": [{\"finger\": \"right-index\", \"driver\": \"virtual_image\", "
                               "\"template\": \"%s\"}, {\"finger\": \"left-index\", \"driver\": \"virtual_image\", "
                               "\"template\": \"%s\"}], \"schedule\": {\"rule\": \"every:14\", \"starts\": "
                               "\"2026-01-0%d\", \"due_by\": \"13:00\"}}",
                               i ? "," : "", i, i, i, right, left, 1 + i % 9);
    g_string_append(json, "]}");
    g_autofree char *file = g_build_filename(tu_tmpdir(), "roster.json", NULL);
    g_assert_true(g_file_set_contents(file, json->str, -1, NULL));
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    g_autofree char *conf = make_kiosk("bench-roster", spec, r, 0);
    gint64 t_load = g_get_monotonic_time();
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    printf("bench: roster_load_2800_s %.2f s\n", (double)(g_get_monotonic_time() - t_load) / G_USEC_PER_SEC);
    g_autofree char *db = NULL;
    double secs = timed_sync_once(conf, &db);
    g_autofree char *n = tu_central_query(db, "SELECT count(*) FROM fingers");
    g_assert_cmpstr(n, ==, "5600");
    printf("bench: roster_pull_2800_s %.2f s\n", secs);
    fprintf(stderr, "(%d probationers, 2 fingers each, %zu-byte templates, pages of 200; roster JSON %.1f MB)\n",
            PEOPLE, strlen(right) * 3 / 4, json->len / 1e6);
    tu_receiver_kill(r);

    /* What sealing alone costs of that: XChaCha20-Poly1305 over every value, both ways. */
    gsize tlen = 0;
    g_autofree guchar *tpl = g_base64_decode(right, &tlen);
    g_autoptr(Seal) seal = seal_new_random();
    gint64 t0 = g_get_monotonic_time();
    for (int i = 0; i < PEOPLE; i++) {
        g_autofree char *name = g_strdup_printf("Probationer %d", i);
        const struct { const void *data; gsize len; const char *column; } values[] = {
            {name, strlen(name), "name_en"}, {name, strlen(name), "name_ur"},
            {tpl, tlen, "print"}, {tpl, tlen, "print"}};
        for (gsize v = 0; v < G_N_ELEMENTS(values); v++) {
            g_autoptr(GBytes) sealed = seal_value(seal, values[v].data, values[v].len, FALSE, values[v].column);
            g_autoptr(GBytes) back = seal_open_value(seal, g_bytes_get_data(sealed, NULL), g_bytes_get_size(sealed),
                                                     values[v].column, NULL, NULL);
            g_assert_cmpuint(g_bytes_get_size(back), ==, values[v].len);
        }
    }
    printf("bench: seal_roster_2800_ms %.1f ms\n", (double)(g_get_monotonic_time() - t0) / 1000.0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* BENCH_SYNC_ONLY=roster: that part alone (while working on the roster or sealing). */
    const char *only = g_getenv("BENCH_SYNC_ONLY");
    if (!only || strcmp(only, "drain") == 0)
        bench_drain();
    if (!only || strcmp(only, "ingest") == 0)
        bench_ingest();
    if (!only || strcmp(only, "roster") == 0)
        bench_roster();
    return 0;
}
