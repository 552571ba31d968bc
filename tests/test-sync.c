/* test-sync — kiosks and the real receiver on 127.0.0.1 over TLS (a CA made in the test), with
 * SQLite and PostgreSQL storage: every check-in at the server exactly once, whatever happens on the
 * way — the receiver down, 500s, 503 with Retry-After, slow replies, connections cut mid-reply,
 * garbage replies, a wrong certificate, clock skew, a kiosk killed mid-push, several kiosks at once;
 * the roster down, the audit trail and fingers enrolled on a kiosk up. */
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "app/config.h"
#include "app/store-adms.h"
#include "app/store-roster.h"
#include "app/store-sync.h"
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
} Kiosk;

static const char *rx_db_engine_tag(const char *spec)
{
    return g_str_has_prefix(spec, "host=") ? "pg" : "sq";
}

/* A storage spec for this test: an SQLite file, or a fresh PostgreSQL database. */
static char *new_spec(const char *engine, const char *name)
{
    if (strcmp(engine, "sqlite") == 0)
        return g_strdup_printf("%s/%s.db", tu_tmpdir(), name);
    g_autofree char *why = NULL;
    if (!tu_postgres(&why)) {
        g_test_skip(why);
        return NULL;
    }
    return tu_postgres_new_db(name);
}

static int run_ctl(const char *conf, const char *a, const char *b, const char *c, char **out)
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
static Kiosk *kiosk_new_at(const char *name, const char *spec, TuReceiver *r, const char *sync_extra,
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

static Kiosk *kiosk_new(const char *name, const char *spec, TuReceiver *r, const char *sync_extra)
{
    return kiosk_new_at(name, spec, r, sync_extra, "Lahore");
}

static void on_status(const SyncStatus *st, gpointer data)
{
    Kiosk *k = data;
    k->seen = *st;
    g_free(k->seen_error);
    k->seen_error = g_strdup(st->last_error);
    k->seen.last_error = k->seen_error;
    if (st->online && st->pending == 0)
        k->drained = TRUE;
}

static void kiosk_start_sync(Kiosk *k)
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
    k->drained = FALSE;
    sync_start(k->sync);
}

static void kiosk_stop_sync(Kiosk *k)
{
    g_clear_pointer(&k->sync, sync_free);
}

static void kiosk_free(Kiosk *k)
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
static void kiosk_record(Kiosk *k, int n)
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
static char *sorted(char *text)
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
static void assert_exactly_once(const char *spec, Kiosk *k)
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

static gint64 server_count(const char *spec, const char *sql)
{
    g_autofree char *v = tu_central_query(spec, sql);
    return g_ascii_strtoll(v, NULL, 10);
}

/* Runs the main loop until the server's storage answers `sql` with `expected`. */
static void wait_server(const char *spec, const char *sql, const char *expected)
{
    for (int i = 0; i < 1000; i++) {
        g_autofree char *v = tu_central_query(spec, sql);
        if (g_strcmp0(v, expected) == 0)
            return;
        tu_run_for(20);
    }
    g_error("the server never answered \"%s\" to %s", expected, sql);
}

static void drain(Kiosk *k)
{
    g_assert_true(tu_run_until(&k->drained, 60000));
}

/* The first enrolled finger's template of `case_number`, as the store reads it (unsealed). */
static void keep_first(gint64 finger_id, gint64 probationer_id, const char *finger, GBytes *print, gpointer data)
{
    (void)finger_id, (void)probationer_id, (void)finger;
    GBytes **out = data;
    if (!*out)
        *out = g_bytes_ref(print);
}

static GBytes *first_print(Store *store, const char *case_number)
{
    StoreProbationer p = {0};
    GBytes *print = NULL;
    if (store_find_probationer(store, case_number, &p, NULL))
        store_foreach_finger_of(store, p.id, keep_first, &print, NULL);
    store_probationer_clear(&p);
    return print;
}

/* ---- the tests ---- */

static void test_exactly_once(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "once");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k = kiosk_new("kiosk-once", spec, r, NULL);
    kiosk_record(k, 150);
    kiosk_start_sync(k);
    drain(k);
    assert_exactly_once(spec, k);
    /* Nothing was sent twice on a clean line; the heartbeat reached the server. */
    g_assert_cmpint(server_count(spec, "SELECT sum(receipts) FROM events"), ==, 150);
    g_autofree char *hb_sql = g_strdup_printf("SELECT heartbeat LIKE '%%\"queue_length\":0%%' FROM devices "
                                              "WHERE id = '%s'", k->device);
    wait_server(spec, hb_sql, g_str_equal(engine, "sqlite") ? "1" : "t");
    /* A check-in recorded while sync runs follows by itself once poked. */
    kiosk_record(k, 1);
    k->drained = FALSE;
    sync_poke(k->sync);
    drain(k);
    assert_exactly_once(spec, k);
    g_autofree char *out = NULL;
    g_assert_cmpint(run_ctl(k->conf, "sync", "status", NULL, &out), ==, 0);
    g_assert_nonnull(strstr(out, "central server: online"));
    g_assert_nonnull(strstr(out, "queue:          0 check-ins waiting"));
    g_autofree char *csv = tu_receiver_run(spec, "export", "--office", "Lahore", "--format", "csv", NULL);
    g_auto(GStrv) csv_lines = g_strsplit(csv, "\n", -1);
    g_assert_cmpuint(g_strv_length(csv_lines), ==, 152); /* header + 151 */
    kiosk_free(k);
    tu_receiver_kill(r);
}

static void test_faults(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "faults");
    if (!spec)
        return;
    /* Stored-then-lost replies (slow past the kiosk's timeout, cut, garbage) make the kiosk send
     * those batches again; refused ones (500, 503) were never stored. */
    const char *plan = "500,503:1,slow:2500,cut,garbage,ok,500,cut";
    TuReceiver *r = tu_receiver_start(spec, 0, plan, 0);
    Kiosk *k = kiosk_new("kiosk-faults", spec, r, "timeout_seconds = 1");
    kiosk_record(k, 200);
    kiosk_start_sync(k);
    drain(k);
    assert_exactly_once(spec, k);
    g_assert_cmpuint(tu_receiver_log_count(r, "fault for this push"), ==, 8);
    /* Re-sends really happened (slow, cut, garbage and cut: 4 batches of 40) and counted once. */
    g_assert_cmpint(server_count(spec, "SELECT sum(receipts) FROM events"), >=, 200 + 4 * 40);
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM events"), ==, 200);
    kiosk_free(k);
    tu_receiver_kill(r);
}

static void test_receiver_down(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "down");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    int port = r->port;
    Kiosk *k = kiosk_new("kiosk-down", spec, r, NULL);
    tu_receiver_kill(r);
    kiosk_record(k, 60);
    kiosk_start_sync(k);
    /* Offline: the kiosk says so and keeps everything. */
    for (int i = 0; i < 200 && !k->seen_error; i++)
        tu_run_for(20);
    g_assert_nonnull(k->seen_error);
    g_assert_nonnull(strstr(k->seen_error, "could not reach the server"));
    g_assert_false(k->seen.online);
    g_assert_cmpint(k->seen.pending, ==, 60);
    tu_run_for(500); /* several retries against nothing */
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM events"), ==, 0);
    r = tu_receiver_start(spec, port, NULL, 0);
    drain(k);
    assert_exactly_once(spec, k);
    kiosk_free(k);
    tu_receiver_kill(r);
}

static void test_wrong_certificate(void)
{
    g_autofree char *spec = new_spec("sqlite", "wrongcert");
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k = kiosk_new("kiosk-cert", spec, r, NULL);
    kiosk_record(k, 10);
    /* The same kiosk pinned to another CA: the server is not believed, nothing is sent. */
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(k->conf, &text, NULL, NULL));
    g_autofree char *ca_line = g_strdup_printf("ca_file = %s", tu_tls()->ca);
    g_autofree char *wrong_line = g_strdup_printf("ca_file = %s", tu_tls()->wrong_ca);
    g_auto(GStrv) parts = g_strsplit(text, ca_line, 2);
    g_autofree char *wrong = g_strjoinv(wrong_line, parts);
    g_assert_true(g_file_set_contents(k->conf, wrong, -1, NULL));
    g_autofree char *out = NULL;
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, &out), ==, 1);
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM events"), ==, 0);
    g_autofree char *status = NULL;
    g_assert_cmpint(run_ctl(k->conf, "sync", "status", NULL, &status), ==, 0);
    g_assert_nonnull(strstr(status, "OFFLINE"));
    g_assert_nonnull(strstr(status, "certificate"));
    /* Plain http:// is refused by configuration, before any byte leaves. */
    g_autofree char *http = g_strdup_printf("%s\nserver = http://127.0.0.1:%d\n", text, r->port);
    g_assert_true(g_file_set_contents(k->conf, http, -1, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 2);
    /* The right CA again: everything arrives. */
    g_assert_true(g_file_set_contents(k->conf, text, -1, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_exactly_once(spec, k);
    kiosk_free(k);
    tu_receiver_kill(r);
}

static void test_clock_skew(void)
{
    g_autofree char *spec = new_spec("sqlite", "skew");
    /* The server's clock is an hour ahead of the kiosk's (or the kiosk's an hour behind). */
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 3600);
    Kiosk *k = kiosk_new("kiosk-skew", spec, r, NULL);
    kiosk_record(k, 5);
    kiosk_start_sync(k);
    drain(k);
    g_assert_cmpint(k->seen.clock_offset_s, >=, 3598);
    g_assert_cmpint(k->seen.clock_offset_s, <=, 3602);
    /* Events sent after a contact carry the offset, so the centre can correct their times. */
    kiosk_record(k, 5);
    k->drained = FALSE;
    sync_poke(k->sync);
    drain(k);
    assert_exactly_once(spec, k);
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM events WHERE clock_offset_s BETWEEN 3598 AND 3602"), >=, 5);
    g_autofree char *offset_sql = g_strdup_printf("SELECT clock_offset_s FROM devices WHERE id = '%s'", k->device);
    g_assert_cmpint(server_count(spec, offset_sql), >=, 3598);
    kiosk_free(k);
    tu_receiver_kill(r);
}

static void test_kill_mid_push(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "kill");
    if (!spec)
        return;
    /* The first push is stored, then the reply takes 20 s: the kiosk is killed while it waits. */
    TuReceiver *r = tu_receiver_start(spec, 0, "slow:20000", 0);
    Kiosk *k = kiosk_new("kiosk-kill", spec, r, NULL);
    kiosk_record(k, 100);
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-ctl", NULL);
    char *argv[] = {exe, "sync", "now", "--config", k->conf, NULL};
    GPid pid;
    g_assert_true(g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                &pid, NULL));
    for (int i = 0; i < 1000 && server_count(spec, "SELECT count(*) FROM events") < 40; i++)
        g_usleep(10000);
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM events"), ==, 40);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    g_spawn_close_pid(pid);
    /* The kiosk never heard back: all 100 are still waiting on it. */
    g_assert_cmpint(g_ascii_strtoll(tu_central_query(k->db, "SELECT count(*) FROM checkins WHERE sync_state = 'pending'"),
                                    NULL, 10), ==, 100);
    /* Restarted, it sends everything; the 40 the server had are acknowledged as duplicates. */
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_exactly_once(spec, k);
    g_assert_cmpint(server_count(spec, "SELECT sum(receipts) FROM events"), ==, 140);
    kiosk_free(k);
    tu_receiver_kill(r);
}

static void test_quarantine(void)
{
    g_autofree char *spec = new_spec("sqlite", "quarantine");
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k = kiosk_new("kiosk-quarantine", spec, r, NULL);
    kiosk_record(k, 30);
    /* One row damaged on disk (a time the server can't read): the server refuses it for good. */
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(k->db, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "UPDATE checkins SET wall_time = 'yesterday-ish' WHERE id = 17", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM events"), ==, 29);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT sync_state FROM checkins WHERE id = 17"), ==, "quarantined");
    g_autofree char *status = NULL;
    g_assert_cmpint(run_ctl(k->conf, "sync", "status", NULL, &status), ==, 0);
    g_assert_nonnull(strstr(status, "quarantined:    1"));
    g_assert_nonnull(strstr(status, "\"wall_time\" must be an ISO 8601 time"));
    kiosk_free(k);
    tu_receiver_kill(r);
}

/* A wrong path (one folder too deep: the centre's JSON 404) or a proxy's HTML 400 says nothing about
 * the check-ins: none is quarantined, all stay pending, the kiosk shows itself offline and says to
 * check the address; once the address is right, every one arrives (issue 22.4: 50 check-ins became
 * 50 quarantined in one pass). */
static void test_wrong_address_quarantines_nothing(void)
{
    g_autofree char *spec = new_spec("sqlite", "wrongpath");
    TuReceiver *r = tu_receiver_start(spec, 0, "proxy400", 0);
    g_autofree char *deep = g_strdup_printf("server = %s/haazri", r->url);
    Kiosk *k = kiosk_new("kiosk-wrongpath", spec, r, deep);
    kiosk_record(k, 50);
    g_autofree char *status = NULL;
    for (int pass = 0; pass < 2; pass++) {
        g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 1);
        g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM checkins WHERE sync_state = 'pending'"), ==, "50");
        g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM checkins WHERE sync_state = 'quarantined'"), ==, "0");
        g_clear_pointer(&status, g_free);
        g_assert_cmpint(run_ctl(k->conf, "sync", "status", NULL, &status), ==, 0);
        g_assert_nonnull(strstr(status, "quarantined:    0"));
        g_assert_nonnull(strstr(status, "is [sync] server"));
        g_assert_nonnull(strstr(status, "Nothing was quarantined"));
    }
    g_assert_nonnull(strstr(status, "answered 404"));
    /* The running kiosk's view: offline with 50 waiting, which lights the banner and the amber LED. */
    kiosk_start_sync(k);
    for (int i = 0; i < 200 && !(k->seen_error && strstr(k->seen_error, "is [sync] server")); i++)
        tu_run_for(20);
    g_assert_false(k->seen.online);
    g_assert_cmpint(k->seen.pending, ==, 50);
    g_assert_cmpint(k->seen.quarantined, ==, 0);
    kiosk_stop_sync(k);

    /* The right address, behind a proxy that once answers its own HTML 400: still nothing lost. */
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(k->conf, &text, NULL, NULL));
    g_autofree char *fixed = g_strdup_printf("server = %s\n", r->url);
    g_autofree char *deep_line = g_strdup_printf("%s\n", deep);
    g_autoptr(GString) conf = g_string_new(text);
    g_string_replace(conf, deep_line, fixed, 1);
    g_assert_true(g_file_set_contents(k->conf, conf->str, -1, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 1);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM checkins WHERE sync_state = 'pending'"), ==, "50");
    g_clear_pointer(&status, g_free);
    g_assert_cmpint(run_ctl(k->conf, "sync", "status", NULL, &status), ==, 0);
    g_assert_nonnull(strstr(status, "answered 400"));
    g_assert_nonnull(strstr(status, "Nothing was quarantined"));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_exactly_once(spec, k);
    kiosk_free(k);
    tu_receiver_kill(r);
}

static void test_revoked(void)
{
    g_autofree char *spec = new_spec("sqlite", "revoked");
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k = kiosk_new("kiosk-revoked", spec, r, NULL);
    kiosk_record(k, 10);
    g_free(tu_receiver_run(spec, "device", "revoke", k->device, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 1);
    /* Refused as a device, the check-ins are not at fault: none quarantined, all still waiting. */
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM events"), ==, 0);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM checkins WHERE sync_state = 'pending'"), ==, "10");
    g_autofree char *status = NULL;
    g_assert_cmpint(run_ctl(k->conf, "sync", "status", NULL, &status), ==, 0);
    g_assert_nonnull(strstr(status, "not (or no longer) registered"));
    kiosk_free(k);
    tu_receiver_kill(r);
}

static void test_several_kiosks(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "several");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k[4];
    for (int i = 0; i < 4; i++) {
        g_autofree char *name = g_strdup_printf("kiosk-many-%d", i);
        k[i] = kiosk_new(name, spec, r, NULL);
        kiosk_record(k[i], 120);
    }
    /* All at once, on one main loop, plus a second sender racing kiosk 0 with the same rows. */
    for (int i = 0; i < 4; i++)
        kiosk_start_sync(k[i]);
    Kiosk twin = {.device = k[0]->device, .config = k[0]->config, .conf = k[0]->conf};
    g_autoptr(GError) error = NULL;
    twin.store = store_open(k[0]->db, &error);
    g_assert_no_error(error);
    kiosk_start_sync(&twin);
    for (int i = 0; i < 4; i++)
        drain(k[i]);
    drain(&twin);
    for (int i = 0; i < 4; i++)
        assert_exactly_once(spec, k[i]);
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM events"), ==, 480);
    kiosk_stop_sync(&twin);
    store_close(twin.store);
    g_free(twin.seen_error);
    for (int i = 0; i < 4; i++)
        kiosk_free(k[i]);
    tu_receiver_kill(r);
}

/* The centre's roster comes down in pages and is applied; transfers deactivate; the audit trail
 * goes up once, and a trail rewritten on the kiosk is refused by the centre and reported. */
static void test_roster_and_audit(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "roster");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k = kiosk_new("kiosk-roster", spec, r, NULL);
    /* 450 people here (three pages of 200), one at another office, messages for one and for all. */
    g_autoptr(GString) json = g_string_new("{\"probationers\": [");
    for (int i = 0; i < 450; i++)
        g_string_append_printf(json, "{\"case_number\": \"LHR-%d\", \"name_en\": \"Person %d\", "
                               "\"name_ur\": \"شخص %d\", \"office\": \"Lahore\", \"status\": \"active\", "
                               "\"schedule\": {\"rule\": \"weekly:mon,thu\", \"starts\": \"2026-01-05\"}},",
                               i, i, i);
    g_string_append(json, "{\"case_number\": \"MUL-1\", \"name_en\": \"Elsewhere\", \"office\": \"Multan\", "
                           "\"status\": \"active\"}], \"messages\": ["
                           "{\"id\": \"a\", \"office\": \"Lahore\", \"case_number\": \"LHR-7\", \"text_en\": \"See me\"},"
                           "{\"id\": \"b\", \"office\": \"Lahore\", \"text_ur\": \"دفتر جمعہ کو بند ہے\"}]}");
    g_autofree char *file = g_build_filename(k->dir, "roster.json", NULL);
    g_assert_true(g_file_set_contents(file, json->str, -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM probationers WHERE status = 'active'"), ==, "450");
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM schedules"), ==, "450");
    StoreProbationer p449 = {0};
    g_assert_true(store_find_probationer(k->store, "LHR-449", &p449, NULL));
    g_assert_cmpstr(p449.name_ur, ==, "شخص 449"); /* sealed in the file, read through the store */
    store_probationer_clear(&p449);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM messages"), ==, "2");
    g_autofree char *seq = tu_central_query(spec, "SELECT value FROM roster_seq");
    g_assert_cmpstr(tu_central_query(k->db, "SELECT value FROM sync_meta WHERE key = 'roster_cursor'"), ==, seq);
    /* Three pages were pulled, each applied in its own transaction: three audit rows. */
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM audit WHERE action = 'roster.apply'"), ==, "3");

    /* LHR-3 moves to Multan: the Lahore kiosk hears of it and stops recognising them. */
    g_autofree char *moved = g_build_filename(k->dir, "moved.json", NULL);
    g_assert_true(g_file_set_contents(moved, "{\"probationers\": [{\"case_number\": \"LHR-3\", \"name_en\": "
                                              "\"Person 3\", \"office\": \"Multan\", \"status\": \"active\"}]}", -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", moved, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT status FROM probationers WHERE case_number = 'LHR-3'"), ==, "inactive");

    /* Every audit row of the kiosk is at the centre once. */
    g_autofree char *kiosk_rows = tu_central_query(k->db, "SELECT count(*) FROM audit");
    g_autofree char *sql = g_strdup_printf("SELECT count(*) FROM audit WHERE device_id = '%s'", k->device);
    g_assert_cmpstr(tu_central_query(spec, sql), ==, kiosk_rows);

    /* Someone rewrites a row already sent — and re-chains every hash after it, so the kiosk's own
     * trail verifies — then makes the kiosk send everything again: the centre, holding the
     * original, refuses; the kiosk says so; check-ins still flow. */
    tu_rechain_audit(k->db, 2, "nothing happened");
    g_autoptr(Store) check = store_open(k->db, NULL);
    g_assert_true(store_verify_audit(check, NULL));
    kiosk_record(k, 3);
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 1);
    g_autofree char *status = NULL;
    g_assert_cmpint(run_ctl(k->conf, "sync", "status", NULL, &status), ==, 0);
    g_assert_nonnull(strstr(status, "audit refused:  the server answered 409"));
    g_assert_nonnull(strstr(status, "differs from the one the centre received before"));
    g_assert_nonnull(strstr(status, "queue:          0 check-ins waiting"));
    kiosk_free(k);
    tu_receiver_kill(r);
}

/* A finger enrolled on one kiosk reaches the centre once and the office's other kiosks from there;
 * a person the centre already has keeps the centre's names; a re-enrolled finger goes up again; an
 * officer's deactivation on one kiosk reaches the others. */
static void test_enrollments_up(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "enrol");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *a = kiosk_new("kiosk-enrol-a", spec, r, NULL);
    Kiosk *b = kiosk_new("kiosk-enrol-b", spec, r, NULL);
    /* The centre has Ayesha from OMIS: names, no fingers. */
    g_autofree char *file = g_build_filename(a->dir, "omis.json", NULL);
    g_assert_true(g_file_set_contents(file, "{\"probationers\": [{\"case_number\": \"LHR-500\", \"name_en\": "
                                            "\"Ayesha Khan\", \"name_ur\": \"عائشہ خان\", \"office\": \"Lahore\", "
                                            "\"status\": \"active\"}]}", -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);

    /* Kiosk A enrolls Ayesha's finger, and Zainab, whom the centre has never heard of. */
    g_autoptr(GError) error = NULL;
    StoreProbationer ayesha = {0};
    g_assert_true(store_find_probationer(a->store, "LHR-500", &ayesha, &error));
    g_assert_cmpint(store_add_finger(a->store, ayesha.id, "right-index", print_a, "virtual_image", &error), >, 0);
    StoreProbationer zainab = {.case_number = "LHR-900", .name_en = "Zainab Bibi", .office = "Lahore", .active = TRUE};
    gint64 zainab_id = store_add_probationer(a->store, &zainab, &error);
    g_assert_cmpint(store_add_finger(a->store, zainab_id, "left-index", print_b, "virtual_image", &error), >, 0);
    g_assert_cmpint(store_enrollments_count_unsent(a->store), ==, 3); /* two fingers and a new person */
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpint(store_enrollments_count_unsent(a->store), ==, 0);
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM fingers"), ==, 2);
    g_autofree char *log_sql = g_strdup_printf("SELECT count(*) FROM kiosk_changes WHERE device_id = '%s' AND what NOT LIKE 'status:%%'", a->device);
    g_assert_cmpint(server_count(spec, log_sql), ==, 2);
    g_autofree char *office = tu_central_person(spec, "LHR-900", "office");
    g_autofree char *name = tu_central_person(spec, "LHR-900", "name_en");
    g_autofree char *status = tu_central_person(spec, "LHR-900", "status");
    g_assert_cmpstr(office, ==, "Lahore");
    g_assert_cmpstr(name, ==, "Zainab Bibi");
    g_assert_cmpstr(status, ==, "active");
    g_autofree char *name_ur = tu_central_person(spec, "LHR-500", "name_ur");
    g_assert_cmpstr(name_ur, ==, "عائشہ خان");
    /* Nothing goes twice. */
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpint(server_count(spec, log_sql), ==, 2);

    /* Kiosk B, same office, pulls both fingers: the same prints. */
    g_assert_cmpint(run_ctl(b->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autofree char *b_fingers = tu_central_query(b->db, "SELECT count(*) FROM fingers f JOIN probationers p ON "
                                                         "p.id = f.probationer_id WHERE p.case_number IN ('LHR-500', 'LHR-900')");
    g_assert_cmpstr(b_fingers, ==, "2");
    g_assert_cmpint(store_enrollments_count_unsent(b->store), ==, 0); /* the centre's: nothing to send back */

    /* Zainab's finger taken again on A by an officer (the audit row enroll_save writes): it goes up
     * again and B gets the new print. */
    g_assert_true(store_replace_finger(a->store, zainab_id, "left-index", print_a, "virtual_image", &error));
    g_assert_true(store_audit(a->store, "officer1", "finger.re-enroll", "LHR-900", "left-index", &error));
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpint(server_count(spec, log_sql), ==, 3);
    g_assert_cmpint(run_ctl(b->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autoptr(GBytes) b_print = first_print(b->store, "LHR-900");
    g_autoptr(GBytes) want = first_print(a->store, "LHR-500");
    g_assert_true(b_print && want && g_bytes_equal(b_print, want));

    /* An officer at A deactivates Zainab: the centre takes it, and B stops recognising her too. */
    g_assert_true(store_set_probationer_active(a->store, zainab_id, FALSE, &error));
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(spec, "SELECT status FROM probationers WHERE case_number = 'LHR-900'"), ==,
                    "inactive");
    g_assert_cmpint(run_ctl(b->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(b->db, "SELECT status FROM probationers WHERE case_number = 'LHR-900'"), ==,
                    "inactive");
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0); /* its own change back: still inactive */
    g_assert_cmpstr(tu_central_query(a->db, "SELECT status FROM probationers WHERE case_number = 'LHR-900'"), ==,
                    "inactive");
    g_assert_cmpint(store_enrollments_count_unsent(a->store), ==, 0);
    store_probationer_clear(&ayesha);
    kiosk_free(a);
    kiosk_free(b);
    tu_receiver_kill(r);
}

static char *print_b64(GBytes *print)
{
    gsize len = 0;
    const guchar *data = g_bytes_get_data(print, &len);
    return g_base64_encode(data, len);
}

/* The template the centre holds for LHR-700's right index (sealed in its database: read through
 * the receiver, as an operator would). */
static void assert_centre_holds(const char *spec, const char *b64)
{
    g_autofree char *held = tu_central_person(spec, "LHR-700", "finger:right-index");
    g_assert_cmpstr(held, ==, b64);
}

/* Issue 22: the centre decides what a kiosk may change. A kiosk of another office can't replace (or
 * deactivate) a person's finger; a kiosk of the person's own office replaces a finger the centre
 * holds only when its audit trail shows a named officer re-enrolling it — and the centre records
 * which officer. Every refusal is logged at the centre. */
static void test_enrollment_authority(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "authority");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *lahore = kiosk_new("kiosk-auth-lhr", spec, r, NULL);
    /* To the centre, the second kiosk stands in Multan (its credentials say so, whatever it claims). */
    Kiosk *multan = kiosk_new_at("kiosk-auth-mul", spec, r, NULL, "Multan");
    g_autofree char *b64 = print_b64(print_b);
    g_autofree char *file = g_build_filename(lahore->dir, "omis.json", NULL);
    g_autofree char *load = g_strdup_printf("{\"probationers\": [{\"case_number\": \"LHR-700\", \"name_en\": \"Bilal\", "
                                            "\"office\": \"Lahore\", \"status\": \"active\", \"fingers\": [{\"finger\": "
                                            "\"right-index\", \"driver\": \"virtual_image\", \"template\": \"%s\"}]}]}", b64);
    g_assert_true(g_file_set_contents(file, load, -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));

    /* The Multan kiosk claims LHR-700 with its own finger, and deactivates them: both refused. */
    g_autoptr(GError) error = NULL;
    StoreProbationer bilal = {.case_number = "LHR-700", .name_en = "Bilal", .office = "Lahore", .active = TRUE};
    gint64 id = store_add_probationer(multan->store, &bilal, &error);
    g_assert_cmpint(store_add_finger(multan->store, id, "right-index", print_a, "virtual_image", &error), >, 0);
    g_assert_true(store_audit(multan->store, "officer9", "finger.re-enroll", "LHR-700", "right-index", &error));
    g_assert_true(store_set_probationer_active(multan->store, id, FALSE, &error));
    g_assert_cmpint(run_ctl(multan->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_centre_holds(spec, b64);
    g_assert_cmpstr(tu_central_query(spec, "SELECT status FROM probationers WHERE case_number = 'LHR-700'"), ==, "active");
    g_autofree char *refused_sql = g_strdup_printf("SELECT reason FROM kiosk_refusals WHERE device_id = '%s'",
                                                   multan->device);
    g_autofree char *refusal = tu_central_query(spec, refused_sql);
    g_assert_nonnull(strstr(refusal, "belongs to office \"Lahore\", not to this kiosk's (\"Multan\")"));

    /* The Lahore kiosk gets LHR-700; a new template put in without an officer's re-enrollment in its
     * audit trail is refused, the centre's stays. */
    g_assert_cmpint(run_ctl(lahore->conf, "sync", "now", NULL, NULL), ==, 0);
    StoreProbationer here = {0};
    g_assert_true(store_find_probationer(lahore->store, "LHR-700", &here, &error));
    g_assert_true(store_replace_finger(lahore->store, here.id, "right-index", print_a, "virtual_image", &error));
    g_assert_cmpint(run_ctl(lahore->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_centre_holds(spec, b64);
    g_autofree char *lrefused_sql = g_strdup_printf("SELECT what || ': ' || reason FROM kiosk_refusals WHERE "
                                                    "device_id = '%s'", lahore->device);
    g_autofree char *lrefusal = tu_central_query(spec, lrefused_sql);
    g_assert_nonnull(strstr(lrefusal, "right-index: the centre holds another template for this finger"));

    /* An officer re-enrolls it (as enroll_save records it): taken, and the centre names the officer. */
    g_assert_true(store_replace_finger(lahore->store, here.id, "right-index", print_b, "virtual_image", &error));
    g_assert_true(store_replace_finger(lahore->store, here.id, "right-index", print_a, "virtual_image", &error));
    g_assert_true(store_audit(lahore->store, "officer1", "finger.re-enroll", "LHR-700", "right-index", &error));
    g_assert_cmpint(run_ctl(lahore->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autofree char *a64 = print_b64(print_a);
    assert_centre_holds(spec, a64);
    g_assert_cmpstr(tu_central_query(spec, "SELECT actor FROM finger_authority WHERE case_number = 'LHR-700'"), ==,
                    "officer1");
    /* That audit row authorised one change: another new template needs another re-enrollment. */
    g_assert_true(store_replace_finger(lahore->store, here.id, "right-index", print_b, "virtual_image", &error));
    g_assert_cmpint(run_ctl(lahore->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_centre_holds(spec, a64);
    store_probationer_clear(&here);
    kiosk_free(lahore);
    kiosk_free(multan);
    tu_receiver_kill(r);
}

/* `haazri-receiver roster load FILE` that must refuse: its stderr. */
static char *roster_load_refused(const char *spec, const char *json)
{
    g_autofree char *file = g_build_filename(tu_tmpdir(), "refused-roster.json", NULL);
    g_assert_true(g_file_set_contents(file, json, -1, NULL));
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-receiver", NULL);
    char *argv[] = {exe, "roster", "load", file, "--db", (char *)spec, NULL};
    char *err = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, NULL));
    g_assert_false(g_spawn_check_wait_status(status, NULL));
    return err;
}

static char *kiosk_pin(Kiosk *k, const char *case_number)
{
    return store_get_adms_pin(k->store, case_number);
}

/* ADMS PINs held at the centre reach the kiosk with the roster, and the centre's win: a PIN set on
 * the kiosk is replaced, someone here holding the centre's PIN for another person loses it, null
 * removes it, a person the centre says nothing about keeps theirs. Bad PINs, and one PIN for two
 * people of an office, are refused at the load. */
static void test_adms_pins(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "pins");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k = kiosk_new("kiosk-pins", spec, r, NULL);
    g_autofree char *file = g_build_filename(k->dir, "pins.json", NULL);
    g_assert_true(g_file_set_contents(file, "{\"probationers\": ["
        "{\"case_number\": \"LHR-1\", \"name_en\": \"One\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"1001\"},"
        "{\"case_number\": \"LHR-2\", \"name_en\": \"Two\", \"office\": \"Lahore\", \"status\": \"active\"},"
        "{\"case_number\": \"LHR-3\", \"name_en\": \"Three\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"3003\"},"
        "{\"case_number\": \"MUL-1\", \"name_en\": \"Multan\", \"office\": \"Multan\", \"status\": \"active\", \"adms_pin\": \"1001\"}]}",
        -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autofree char *p1 = kiosk_pin(k, "LHR-1"), *p2 = kiosk_pin(k, "LHR-2"), *p3 = kiosk_pin(k, "LHR-3");
    g_assert_cmpstr(p1, ==, "1001");
    g_assert_null(p2);
    g_assert_cmpstr(p3, ==, "3003");

    /* Set here: LHR-2 gets 2002 and LHR-3 gets 3333 by haazri-ctl adms-pin. */
    g_autoptr(GError) error = NULL;
    g_assert_true(store_set_adms_pin(k->store, "LHR-2", "2002", "asma", &error));
    g_assert_true(store_set_adms_pin(k->store, "LHR-3", "3333", "asma", &error));
    /* The centre gives 2002 to LHR-1 and removes LHR-3's: the centre's win. LHR-2, of whom the
     * centre says nothing, loses 2002 all the same: one person per PIN. */
    g_assert_true(g_file_set_contents(file, "{\"probationers\": ["
        "{\"case_number\": \"LHR-1\", \"name_en\": \"One\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"2002\"},"
        "{\"case_number\": \"LHR-3\", \"name_en\": \"Three\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": null}]}",
        -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autofree char *q1 = kiosk_pin(k, "LHR-1"), *q2 = kiosk_pin(k, "LHR-2"), *q3 = kiosk_pin(k, "LHR-3");
    g_assert_cmpstr(q1, ==, "2002");
    g_assert_null(q2);
    g_assert_null(q3);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT group_concat(subject || '=' || detail, ' ') FROM (SELECT * FROM audit "
                                            "WHERE actor = 'central' AND action = 'probationer.adms-pin' ORDER BY id)"),
                    ==, "LHR-1=1001 LHR-3=3003 LHR-2=(none): the centre gives PIN 2002 to case LHR-1 "
                        "LHR-1=2002 (replaces 1001) LHR-3=(none) (replaces 3333)");

    /* Refused at the load, nothing stored: not a PIN; a PIN another person of the office has. */
    g_autofree char *bad = roster_load_refused(spec, "{\"probationers\": [{\"case_number\": \"LHR-2\", \"name_en\": "
                                                     "\"Two\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"20 02\"}]}");
    g_assert_nonnull(strstr(bad, "(case LHR-2): \"adms_pin\" \"20 02\" is not a PIN an ADMS server knows someone by"));
    g_autofree char *twice = roster_load_refused(spec, "{\"probationers\": [{\"case_number\": \"LHR-2\", \"name_en\": "
                                                       "\"Two\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"2002\"}]}");
    g_assert_nonnull(strstr(twice, "the ADMS PIN 2002 is already case LHR-1's at office \"Lahore\""));
    g_assert_cmpstr(tu_central_query(spec, "SELECT count(*) FROM adms_pins WHERE case_number = 'LHR-2'"), ==, "0");
    kiosk_free(k);
    tu_receiver_kill(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
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
    const char *engines[] = {"sqlite", "postgresql"};
    for (int e = 0; e < 2; e++) {
        g_autofree char *a = g_strdup_printf("/sync/%s/exactly-once-over-tls", engines[e]);
        g_autofree char *b = g_strdup_printf("/sync/%s/faults-500-503-slow-cut-garbage", engines[e]);
        g_autofree char *c = g_strdup_printf("/sync/%s/receiver-down-then-back", engines[e]);
        g_autofree char *d = g_strdup_printf("/sync/%s/kill-9-mid-push", engines[e]);
        g_autofree char *f = g_strdup_printf("/sync/%s/several-kiosks-at-once", engines[e]);
        g_test_add_data_func(a, engines[e], test_exactly_once);
        g_test_add_data_func(b, engines[e], test_faults);
        g_test_add_data_func(c, engines[e], test_receiver_down);
        g_test_add_data_func(d, engines[e], test_kill_mid_push);
        g_test_add_data_func(f, engines[e], test_several_kiosks);
        g_autofree char *g = g_strdup_printf("/sync/%s/roster-pages-transfers-audit", engines[e]);
        g_test_add_data_func(g, engines[e], test_roster_and_audit);
        g_autofree char *h = g_strdup_printf("/sync/%s/enrollments-up-and-to-the-other-kiosks", engines[e]);
        g_test_add_data_func(h, engines[e], test_enrollments_up);
        g_autofree char *i = g_strdup_printf("/sync/%s/a-kiosk-changes-only-what-the-centre-allows", engines[e]);
        g_test_add_data_func(i, engines[e], test_enrollment_authority);
        g_autofree char *j = g_strdup_printf("/sync/%s/adms-pins-from-the-centre-win", engines[e]);
        g_test_add_data_func(j, engines[e], test_adms_pins);
    }
    g_test_add_func("/sync/wrong-certificate-and-plain-http-refused", test_wrong_certificate);
    g_test_add_func("/sync/clock-skew", test_clock_skew);
    g_test_add_func("/sync/quarantine-with-reason", test_quarantine);
    g_test_add_func("/sync/revoked-device-quarantines-nothing", test_revoked);
    g_test_add_func("/sync/wrong-address-quarantines-nothing", test_wrong_address_quarantines_nothing);
    return g_test_run();
}
