/* test-adms — the kiosk as an ADMS ("iclock") push terminal against the reference ADMS server
 * (tests/adms-server.c, a separate process on 127.0.0.1): the protocol's text read tolerantly and
 * within bounds, approval, the server down and back, a reply lost after the server stored the batch,
 * 5,000 check-ins queued offline then drained, USERINFO commands applied, everything else -1002.
 *
 * Longer than ~500 lines: the reference server's fixture (start, stop, read what it stored) sits
 * here beside the cases that use it; split by protocol phase if it grows further. */
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "app/store/store-adms.h"
#include "app/store/store-sync.h"
#include "sync/adms-proto.h"
#include "sync/adms.h"
#include "tests/helpers.h"

#define SERIAL "HZTEST0001"

/* ---- the reference server ---- */

typedef struct {
    char *dir;
    GPid pid;
    int port;
} Server;

static void server_start_on(Server *s, int port, const char *extra)
{
    g_autofree char *port_file = g_build_filename(s->dir, "port", NULL);
    g_unlink(port_file);
    const char *b = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(b ? b : "build", "tests", "adms-server", NULL);
    g_autofree char *cmd = g_strdup_printf("%s --dir %s --port %d %s", exe, s->dir, port, extra ? extra : "");
    g_auto(GStrv) argv = NULL;
    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &s->pid, &error));
    g_autofree char *text = NULL;
    for (int i = 0; i < 500 && !g_file_get_contents(port_file, &text, NULL, NULL); i++)
        g_usleep(10000);
    g_assert_nonnull(text);
    s->port = atoi(text);
    g_assert_cmpint(s->port, >, 0);
}

static Server *server_new(const char *name, gboolean approved, const char *extra)
{
    Server *s = g_new0(Server, 1);
    s->dir = g_build_filename(tu_tmpdir(), name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(s->dir, 0700), ==, 0);
    if (approved) {
        g_autofree char *p = g_build_filename(s->dir, "approved", NULL);
        g_assert_true(g_file_set_contents(p, SERIAL "\n", -1, NULL));
    }
    server_start_on(s, 0, extra);
    return s;
}

static void server_stop(Server *s)
{
    if (!s->pid)
        return;
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    g_spawn_close_pid(s->pid);
    s->pid = 0;
}

static void server_free(Server *s)
{
    server_stop(s);
    g_free(s->dir);
    g_free(s);
}

static void server_put(Server *s, const char *name, const char *text)
{
    g_autofree char *p = g_build_filename(s->dir, name, NULL);
    g_assert_true(g_file_set_contents(p, text, -1, NULL));
}

static void server_remove(Server *s, const char *name)
{
    g_autofree char *p = g_build_filename(s->dir, name, NULL);
    g_unlink(p);
}

/* The non-empty lines of one of the server's files (none when it does not exist). */
static GPtrArray *server_lines(Server *s, const char *name)
{
    g_autofree char *p = g_build_filename(s->dir, name, NULL), *text = NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    if (!g_file_get_contents(p, &text, NULL, NULL))
        return out;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l)
            g_ptr_array_add(out, g_strdup(*l));
    return out;
}

static guint server_count(Server *s, const char *name)
{
    g_autoptr(GPtrArray) lines = server_lines(s, name);
    return lines->len;
}

/* Runs the main loop until the server's file has at least `n` lines. */
static gboolean wait_lines(Server *s, const char *name, guint n, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 50) {
        if (server_count(s, name) >= n)
            return TRUE;
        tu_run_for(50);
    }
    return server_count(s, name) >= n;
}

static gboolean wait_state(Adms *a, AdmsState state, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms && adms_get_status(a)->state != state; waited += 50)
        tu_run_for(50);
    return adms_get_status(a)->state == state;
}

/* ---- the kiosk ---- */

static Store *new_store(const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/%s.db", tu_tmpdir(), name);
    g_autoptr(GError) error = NULL;
    Store *s = store_open(path, &error);
    g_assert_no_error(error);
    return s;
}

static gint64 person(Store *store, int n, const char *name, const char *pin)
{
    gint64 id = tu_add_probationer(store, n, name, NULL);
    if (pin) {
        g_autofree char *case_number = g_strdup_printf("TEST-%d", n);
        g_autoptr(GError) error = NULL;
        g_assert_true(store_set_adms_pin(store, case_number, pin, "test", &error));
        g_assert_no_error(error);
    }
    return id;
}

static StoreCheckin checkin(Store *store, gint64 who, CheckinMethod method)
{
    StoreCheckin c = {.probationer_id = who, .method = method, .score = -1, .device_id = "kiosk-test",
                      .duplicate_window_min = 0};
    g_autoptr(GError) error = NULL;
    g_assert_true(store_record_checkin(store, &c, &error));
    return c;
}

static Adms *kiosk_adms(Store *store, int port, int batch)
{
    g_auto(AdmsConfig) c;
    adms_config_init(&c);
    g_free(c.server);
    c.server = g_strdup_printf("http://127.0.0.1:%d/", port);
    g_free(c.serial);
    c.serial = g_strdup(SERIAL);
    c.delay_s = 1;
    c.error_delay_s = 1;
    c.timeout_ms = 5000;
    c.batch_max = batch;
    g_autoptr(GError) error = NULL;
    Adms *a = adms_new(&c, store, "Test Office", &error);
    g_assert_no_error(error);
    return a;
}

/* ---- the protocol's text ---- */

static void test_parse_options(void)
{
    AdmsOptions o;
    g_autoptr(GError) error = NULL;
    const char *crlf = "GET OPTION FROM: X1\r\nTimeZone=+05:00\r\nDelay=7\r\nErrorDelay=45\r\nRealtime=0";
    adms_options_init(&o, 10, 30);
    g_assert_true(adms_parse_options(crlf, strlen(crlf), &o, &error));
    g_assert_cmpint(o.delay_s, ==, 7);
    g_assert_cmpint(o.error_delay_s, ==, 45);
    g_assert_false(o.realtime);
    g_assert_true(o.has_timezone);
    g_assert_cmpint(o.timezone_min, ==, 300);
    const char *lf = "ErrorDelay=60\nDelay=2\nTimeZone=5\n";
    adms_options_init(&o, 10, 30);
    g_assert_true(adms_parse_options(lf, strlen(lf), &o, &error));
    g_assert_cmpint(o.delay_s, ==, 2);
    g_assert_cmpint(o.error_delay_s, ==, 60);
    g_assert_cmpint(o.timezone_min, ==, 300);
    /* A bare OK, and values out of range: the defaults stand. */
    adms_options_init(&o, 10, 30);
    g_assert_true(adms_parse_options("OK", 2, &o, &error));
    g_assert_false(o.got_options);
    g_assert_cmpint(o.delay_s, ==, 10);
    const char *silly = "Delay=-5\nErrorDelay=999999\nDelay=abc";
    g_assert_true(adms_parse_options(silly, strlen(silly), &o, &error));
    g_assert_cmpint(o.delay_s, ==, 10);
    g_assert_cmpint(o.error_delay_s, ==, 30);
    g_assert_false(adms_parse_options("ERROR: Device not verified", 26, &o, &error));
    g_assert_nonnull(strstr(error->message, "Device not verified"));
    g_clear_error(&error);
    /* Hostile: bigger than a terminal reads. */
    gsize big = ADMS_MAX_REPLY + 1;
    g_autofree char *huge = g_malloc(big);
    memset(huge, 'A', big);
    g_assert_false(adms_parse_options(huge, big, &o, &error));
    g_clear_error(&error);
    struct { const char *text; int minutes; } zones[] = {
        {"5", 300}, {"+05:00", 300}, {"300", 300}, {"-3", -180}, {"+0530", 330}, {"5.5", 330}, {"-03:30", -210},
        {"0", 0},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(zones); i++) {
        int m = 9999;
        g_assert_true(adms_parse_timezone(zones[i].text, &m));
        g_assert_cmpint(m, ==, zones[i].minutes);
    }
    int m;
    g_assert_false(adms_parse_timezone("UTC+5", &m));
    g_assert_false(adms_parse_timezone("99:00", &m));
    g_assert_false(adms_parse_timezone("", &m));
}

static void test_parse_replies(void)
{
    gint64 n;
    g_assert_true(adms_reply_is_ok("OK", 2, &n));
    g_assert_cmpint(n, ==, -1);
    g_assert_true(adms_reply_is_ok("OK: 2", 5, &n));
    g_assert_cmpint(n, ==, 2);
    g_assert_true(adms_reply_is_ok("OK:2\n", 5, &n));
    g_assert_cmpint(n, ==, 2);
    g_assert_false(adms_reply_is_ok("ERROR: Device not verified", 26, &n));
    g_assert_false(adms_reply_is_ok("FAIL: busy", 10, &n));
    g_assert_false(adms_reply_is_ok("", 0, &n));
    g_assert_false(adms_reply_is_ok("ok", 2, &n));
    g_assert_false(adms_reply_is_ok("<html>OK</html>", 15, &n));

    GString *body = g_string_new("C:12:DATA UPDATE USERINFO PIN=7\tName=Ali Raza\tPri=0\r\nC:12:INFO\n");
    g_string_append(body, "garbage line\nC::NOID\n");
    g_string_append(body, "C:13:");
    for (int i = 0; i < ADMS_MAX_LINE; i++)
        g_string_append_c(body, 'x'); /* too long: not read */
    g_string_append(body, "\nC:14:CHECK");
    guint skipped = 0;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) cmds = adms_parse_commands(body->str, body->len, &skipped, &error);
    g_string_free(body, TRUE);
    g_assert_nonnull(cmds);
    g_assert_cmpuint(cmds->len, ==, 3);
    g_assert_cmpuint(skipped, ==, 3);
    AdmsCommand *c0 = g_ptr_array_index(cmds, 0), *c2 = g_ptr_array_index(cmds, 2);
    g_assert_cmpstr(c0->id, ==, "12");
    g_autofree char *pin = adms_command_field(c0->command, "PIN");
    g_autofree char *name = adms_command_field(c0->command, "name");
    g_assert_cmpstr(pin, ==, "7");
    g_assert_cmpstr(name, ==, "Ali Raza");
    g_assert_cmpstr(c2->command, ==, "CHECK");
    g_autofree char *ans = adms_format_answer(c0, 0);
    g_assert_cmpstr(ans, ==, "ID=12&Return=0&CMD=DATA");
    /* No more lines than a terminal reads. */
    GString *many = g_string_new(NULL);
    for (int i = 0; i < ADMS_MAX_LINES + 100; i++)
        g_string_append_printf(many, "C:%d:INFO\n", i);
    g_autoptr(GPtrArray) capped = adms_parse_commands(many->str, many->len, &skipped, &error);
    g_string_free(many, TRUE);
    g_assert_cmpuint(capped->len, <=, ADMS_MAX_LINES);

    StoreAdmsPunch p = {.pin = "1001", .wall_time = "2026-03-01T09:15:02+05:00", .by_finger = TRUE};
    g_autofree char *line = adms_format_attlog(&p);
    g_assert_cmpstr(line, ==, "1001\t2026-03-01 09:15:02\t0\t1\t0\t0\t0");
    p.by_finger = FALSE;
    g_autofree char *typed = adms_format_attlog(&p);
    g_assert_cmpstr(typed, ==, "1001\t2026-03-01 09:15:02\t0\t0\t0\t0\t0");
    p.wall_time = "yesterday";
    g_assert_null(adms_format_attlog(&p));
    g_autofree char *serial = adms_serial_from_device_id("lahore-kiosk-03");
    g_assert_cmpstr(serial, ==, "HZLAHOREKIOSK03");
}

/* ---- against the reference server ---- */

/* Every line: seven TAB-separated fields, the PIN, the stored local time, verify as given. */
static void assert_line(const char *line, const char *pin, const StoreCheckin *c, int verify)
{
    g_auto(GStrv) f = g_strsplit(line, "\t", -1);
    g_assert_cmpuint(g_strv_length(f), ==, 7);
    g_assert_cmpstr(f[0], ==, pin);
    g_autofree char *when = adms_local_time(c->wall_time);
    g_assert_cmpstr(f[1], ==, when);
    g_assert_cmpstr(f[2], ==, "0");
    g_assert_cmpint(atoi(f[3]), ==, verify);
    g_assert_cmpstr(f[4], ==, "0");
}

static void test_approval(void)
{
    Server *srv = server_new("approval", FALSE, "--no-options");
    g_autoptr(Store) store = new_store("approval");
    gint64 ali = person(store, 1, "Ali Raza", "1001"), sara = person(store, 2, "Sara Khan", "1002");
    gint64 nopin = person(store, 3, "No Pin", NULL);
    StoreCheckin c1 = checkin(store, ali, CHECKIN_BY_FINGER), c2 = checkin(store, sara, CHECKIN_BY_CASE_NUMBER);
    checkin(store, nopin, CHECKIN_BY_FINGER);
    checkin(store, 0, CHECKIN_BY_FINGER); /* nobody recognised */
    g_autoptr(Adms) a = kiosk_adms(store, srv->port, 200);
    adms_start(a);
    /* Not approved: the server lists the serial, stores nothing, the kiosk keeps both. */
    g_assert_true(wait_state(a, ADMS_WAITING_APPROVAL, 10000));
    g_assert_true(wait_lines(srv, "seen", 1, 5000));
    tu_run_for(2500); /* a few more tries after ErrorDelay */
    g_assert_cmpint(adms_get_status(a)->state, ==, ADMS_WAITING_APPROVAL);
    g_assert_cmpuint(server_count(srv, "attlog"), ==, 0);
    g_assert_cmpint(adms_get_status(a)->pending, ==, 2);
    g_autofree char *state = NULL, *err = NULL;
    gint64 pending = 0;
    g_assert_true(adms_read_status(store, &state, &pending, &err));
    g_assert_cmpstr(state, ==, "waiting approval");
    g_assert_cmpint(pending, ==, 2);
    g_assert_nonnull(strstr(err, "Device not verified"));

    server_put(srv, "approved", SERIAL "\n");
    g_assert_true(wait_lines(srv, "attlog", 2, 10000));
    g_assert_true(wait_state(a, ADMS_APPROVED, 5000));
    g_autoptr(GPtrArray) lines = server_lines(srv, "attlog");
    g_assert_cmpuint(lines->len, ==, 2);
    assert_line(g_ptr_array_index(lines, 0), "1001", &c1, 1);
    assert_line(g_ptr_array_index(lines, 1), "1002", &c2, 0);
    g_assert_cmpint(adms_get_status(a)->pending, ==, 0);
    /* The central server's queue is its own: nothing went there, all four still wait for it. */
    StoreOutboxCounts counts;
    g_assert_true(store_outbox_count(store, &counts, NULL));
    g_assert_cmpint(counts.pending, ==, 4);
    /* Officer actions went up as OPERLOG, with the person a PIN was given to. */
    g_assert_true(wait_lines(srv, "operlog", 4, 5000));
    g_autoptr(GPtrArray) ops = server_lines(srv, "operlog");
    gboolean user = FALSE, oplog = FALSE;
    for (guint i = 0; i < ops->len; i++) {
        const char *l = g_ptr_array_index(ops, i);
        user = user || g_str_has_prefix(l, "USER PIN=1001\tName=Ali Raza\tPri=0\t");
        oplog = oplog || g_str_has_prefix(l, "OPLOG ");
    }
    g_assert_true(user);
    g_assert_true(oplog);
    /* A new check-in goes at once. */
    StoreCheckin c3 = checkin(store, ali, CHECKIN_BY_FINGER);
    adms_poke(a);
    g_assert_true(wait_lines(srv, "attlog", 3, 5000));
    g_autoptr(GPtrArray) after = server_lines(srv, "attlog");
    assert_line(g_ptr_array_index(after, 2), "1001", &c3, 1);
    server_free(srv);
}

static void test_down_and_back(void)
{
    Server *srv = server_new("down", TRUE, NULL);
    int port = srv->port;
    server_stop(srv);
    g_autoptr(Store) store = new_store("down");
    gint64 ali = person(store, 1, "Ali Raza", "1001");
    for (int i = 0; i < 3; i++)
        checkin(store, ali, CHECKIN_BY_FINGER);
    g_autoptr(Adms) a = kiosk_adms(store, port, 200);
    adms_start(a);
    g_assert_true(wait_state(a, ADMS_DOWN, 10000));
    g_assert_cmpint(adms_get_status(a)->pending, ==, 3);
    /* Back, but failing: 503 FAIL and 500 keep everything too. */
    server_put(srv, "fail", "503");
    server_start_on(srv, port, NULL);
    tu_run_for(2500);
    g_assert_cmpint(adms_get_status(a)->state, ==, ADMS_DOWN);
    g_assert_nonnull(strstr(adms_get_status(a)->last_error, "503"));
    server_put(srv, "fail", "500");
    tu_run_for(2000);
    g_assert_cmpuint(server_count(srv, "attlog"), ==, 0);
    g_assert_cmpint(adms_get_status(a)->pending, ==, 3);
    server_remove(srv, "fail");
    g_assert_true(wait_lines(srv, "attlog", 3, 10000));
    g_assert_true(wait_state(a, ADMS_APPROVED, 5000));
    tu_run_for(1500);
    g_assert_cmpuint(server_count(srv, "attlog"), ==, 3);
    server_free(srv);
}

static void test_lost_reply(void)
{
    Server *srv = server_new("lost", TRUE, "--ok-count");
    g_autoptr(Store) store = new_store("lost");
    gint64 ali = person(store, 1, "Ali Raza", "1001");
    for (int i = 0; i < 4; i++)
        checkin(store, ali, CHECKIN_BY_FINGER);
    server_put(srv, "drop-next", "");
    g_autoptr(Adms) a = kiosk_adms(store, srv->port, 200);
    adms_start(a);
    /* The server stored the batch and the reply was lost: the kiosk cannot know, so it sends the
     * batch once more — and only once: the "OK" to the resend moves it on. */
    g_assert_true(wait_lines(srv, "attlog", 8, 15000));
    g_assert_true(wait_state(a, ADMS_APPROVED, 5000));
    checkin(store, ali, CHECKIN_BY_FINGER);
    adms_poke(a);
    g_assert_true(wait_lines(srv, "attlog", 9, 5000));
    tu_run_for(2500);
    g_autoptr(GPtrArray) lines = server_lines(srv, "attlog");
    g_assert_cmpuint(lines->len, ==, 9);
    for (int i = 0; i < 4; i++)
        g_assert_cmpstr(g_ptr_array_index(lines, i), ==, g_ptr_array_index(lines, i + 4));
    g_assert_cmpint(adms_get_status(a)->pending, ==, 0);
    server_free(srv);
}

/* 5,000 check-ins written straight into the database (one transaction: fsyncing each would only
 * measure the disk), then the server appears and they drain in batches. */
static void test_offline_backlog(void)
{
    const int total = 5000;
    Server *srv = server_new("backlog", TRUE, "--ok-count");
    int port = srv->port;
    server_stop(srv);
    g_autoptr(Store) store = new_store("backlog");
    gint64 ali = person(store, 1, "Ali Raza", "1001");
    g_autofree char *path = g_strdup_printf("%s/backlog.db", tu_tmpdir());
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    g_assert_cmpint(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
    for (int i = 0; i < total; i++) {
        g_autofree char *sql = g_strdup_printf(
            "INSERT INTO checkins (uuid, probationer_id, method, result, wall_time, wall_utc_us, local_date, mono_us, "
            "boot_id, device_id) VALUES ('00000000-0000-4000-8000-%012d', %" G_GINT64_FORMAT ", 'finger', 'recorded', "
            "'2026-03-%02d T%02d:%02d:%02d+05:00', 0, '2026-03-01', %d, 'b', 'kiosk-test')",
            i, ali, 1 + i / 1440 % 28, i / 60 % 24, i % 60, i % 60, i);
        /* (the space keeps the format simple; removed below) */
        g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
    g_assert_cmpint(sqlite3_exec(db, "UPDATE checkins SET wall_time = replace(wall_time, ' T', 'T'); COMMIT", NULL,
                                 NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    g_autoptr(Adms) a = kiosk_adms(store, port, 200);
    adms_start(a);
    g_assert_true(wait_state(a, ADMS_DOWN, 10000));
    g_assert_cmpint(adms_get_status(a)->pending, ==, total);
    server_start_on(srv, port, "--ok-count");
    g_assert_true(wait_lines(srv, "attlog", (guint)total, 120000));
    tu_run_for(1500);
    g_autoptr(GPtrArray) lines = server_lines(srv, "attlog");
    g_assert_cmpuint(lines->len, ==, (guint)total);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < lines->len; i++) {
        g_auto(GStrv) f = g_strsplit(g_ptr_array_index(lines, i), "\t", -1);
        g_assert_cmpuint(g_strv_length(f), ==, 7);
        g_assert_cmpstr(f[0], ==, "1001");
        g_hash_table_add(seen, g_ptr_array_index(lines, i));
    }
    g_assert_cmpuint(g_hash_table_size(seen), ==, (guint)total); /* each exactly once */
    g_assert_cmpint(adms_get_status(a)->pending, ==, 0);
    server_free(srv);
}

static void test_commands(void)
{
    Server *srv = server_new("commands", TRUE, NULL);
    g_autoptr(Store) store = new_store("commands");
    person(store, 1, "Old Name", "77");
    person(store, 2, "Leaving Soon", "78");
    GString *cmds = g_string_new(NULL);
    g_string_append(cmds, "C:1:DATA UPDATE USERINFO PIN=501\tName=Bilal Ahmed\tPri=0\tPasswd=\tCard=\tGrp=1\r\n");
    g_string_append(cmds, "C:2:DATA UPDATE USERINFO PIN=77\tName=New Name\tPri=0\n");
    g_string_append(cmds, "C:3:DATA DELETE USERINFO PIN=78\n");
    g_string_append(cmds, "C:4:INFO\nC:5:CHECK\nC:5:REBOOT\nC:7:CLEAR LOG\nC:8:DATA QUERY USERINFO\n");
    g_string_append(cmds, "not a command\n");
    g_string_append(cmds, "C:9:DATA UPDATE USERINFO PIN=bad pin!\tName=x");
    server_put(srv, "commands", cmds->str);
    g_string_free(cmds, TRUE);
    g_autoptr(Adms) a = kiosk_adms(store, srv->port, 200);
    adms_start(a);
    g_assert_true(wait_lines(srv, "devicecmd", 9, 10000));
    tu_run_for(1500);
    g_autoptr(GPtrArray) answers = server_lines(srv, "devicecmd");
    /* INFO's answer carries the kiosk's facts on the lines after it: by then 501 came and 78 left. */
    const char *expected[] = {"ID=1&Return=0&CMD=DATA", "ID=2&Return=0&CMD=DATA", "ID=3&Return=0&CMD=DATA",
                              "ID=4&Return=0&CMD=INFO", "ID=5&Return=0&CMD=CHECK", "ID=5&Return=-1002&CMD=REBOOT",
                              "ID=7&Return=-1002&CMD=CLEAR", "ID=8&Return=-1002&CMD=DATA", "ID=9&Return=-1&CMD=DATA"};
    guint k = 0;
    gboolean info = FALSE;
    for (guint i = 0; i < answers->len; i++) {
        const char *l = g_ptr_array_index(answers, i);
        if (!g_str_has_prefix(l, "ID=")) {
            info = info || g_str_has_prefix(l, "UserCount=2");
            continue;
        }
        g_assert_cmpuint(k, <, G_N_ELEMENTS(expected));
        g_assert_cmpstr(l, ==, expected[k++]);
    }
    g_assert_cmpuint(k, ==, G_N_ELEMENTS(expected));
    g_assert_true(info);
    StoreProbationer p = {0};
    g_autoptr(GError) error = NULL;
    g_assert_true(store_find_probationer(store, "ADMS-501", &p, &error));
    g_assert_cmpstr(p.name_en, ==, "Bilal Ahmed");
    g_assert_true(p.active);
    g_assert_cmpint(p.finger_count, ==, 0); /* fingers are enrolled at the kiosk */
    store_probationer_clear(&p);
    g_autofree char *pin = store_get_adms_pin(store, "ADMS-501");
    g_assert_cmpstr(pin, ==, "501");
    g_assert_true(store_find_probationer(store, "TEST-1", &p, &error));
    g_assert_cmpstr(p.name_en, ==, "New Name");
    store_probationer_clear(&p);
    g_assert_true(store_find_probationer(store, "TEST-2", &p, &error));
    g_assert_false(p.active);
    store_probationer_clear(&p);
    /* UPDATE brings a deactivated person back. */
    server_put(srv, "commands", "C:10:DATA UPDATE USERINFO PIN=78\n");
    g_assert_true(wait_lines(srv, "devicecmd", 10 + 6, 10000)); /* 9 answers, INFO's 6 lines, this */
    g_assert_true(store_find_probationer(store, "TEST-2", &p, &error));
    g_assert_true(p.active);
    g_assert_cmpstr(p.name_en, ==, "Leaving Soon");
    store_probationer_clear(&p);
    server_free(srv);
}

static void test_pins(void)
{
    g_autoptr(Store) store = new_store("pins");
    person(store, 1, "Ali Raza", "1001");
    person(store, 2, "Sara Khan", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_false(store_set_adms_pin(store, "TEST-2", "1001", "test", &error));
    g_assert_error(error, STORE_ERROR, STORE_ERROR_EXISTS);
    g_assert_nonnull(strstr(error->message, "TEST-1"));
    g_clear_error(&error);
    g_assert_false(store_set_adms_pin(store, "TEST-2", "12 34", "test", &error));
    g_assert_error(error, STORE_ERROR, STORE_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_false(store_set_adms_pin(store, "TEST-9", "55", "test", &error));
    g_assert_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_true(store_set_adms_pin(store, "TEST-1", NULL, "test", &error));
    g_assert_true(store_set_adms_pin(store, "TEST-2", "1001", "test", &error));
    g_autofree char *pin = store_get_adms_pin(store, "TEST-2");
    g_assert_cmpstr(pin, ==, "1001");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/adms/parse-options", test_parse_options);
    g_test_add_func("/adms/parse-replies", test_parse_replies);
    g_test_add_func("/adms/pins", test_pins);
    g_test_add_func("/adms/approval", test_approval);
    g_test_add_func("/adms/down-and-back", test_down_and_back);
    g_test_add_func("/adms/lost-reply", test_lost_reply);
    g_test_add_func("/adms/offline-backlog", test_offline_backlog);
    g_test_add_func("/adms/commands", test_commands);
    return g_test_run();
}
