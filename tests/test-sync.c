/* test-sync — kiosks and the real receiver on 127.0.0.1 over TLS (a CA made in the test), with
 * SQLite and PostgreSQL storage: every check-in at the server exactly once, whatever happens on the
 * way — the receiver down, 500s, 503 with Retry-After, slow replies, connections cut mid-reply,
 * garbage replies, a wrong certificate, clock skew, a kiosk killed mid-push, several kiosks at once.
 * The people's side (roster down, audit and enrollments up, who may change what, ADMS PINs) is
 * test-sync-people. */
#include "tests/sync-fixture.h"

/* ---- the tests ---- */

static void test_exactly_once(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "once");
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
    g_autofree char *spec = tu_storage_spec(engine, "faults");
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
    g_autofree char *spec = tu_storage_spec(engine, "down");
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
    g_autofree char *spec = tu_storage_spec("sqlite", "wrongcert");
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
    g_autofree char *spec = tu_storage_spec("sqlite", "skew");
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
    g_autofree char *spec = tu_storage_spec(engine, "kill");
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
    g_autofree char *spec = tu_storage_spec("sqlite", "quarantine");
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
    g_autofree char *spec = tu_storage_spec("sqlite", "wrongpath");
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
    g_autofree char *spec = tu_storage_spec("sqlite", "revoked");
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
    g_autofree char *spec = tu_storage_spec(engine, "several");
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    sync_fixture_scan_prints();
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
    }
    g_test_add_func("/sync/wrong-certificate-and-plain-http-refused", test_wrong_certificate);
    g_test_add_func("/sync/clock-skew", test_clock_skew);
    g_test_add_func("/sync/quarantine-with-reason", test_quarantine);
    g_test_add_func("/sync/revoked-device-quarantines-nothing", test_revoked);
    g_test_add_func("/sync/wrong-address-quarantines-nothing", test_wrong_address_quarantines_nothing);
    return g_test_run();
}
