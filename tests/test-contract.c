/* test-contract — the reference receiver and the kiosk held to docs/sync-openapi.yaml.
 *
 * A real kiosk (haazri-ctl provision, the sync module, haazri-ctl sync now) talks to the real
 * receiver over TLS on 127.0.0.1 through tests/contract/contract.mjs, an HTTPS proxy that checks
 * every request the kiosk sends and every reply the receiver gives (status, headers, body; error
 * bodies too) against the document's schemas with ajv. The run goes through every endpoint and
 * every reply the document lists: provisioning with a wrong token and a right one, the roster in
 * two pages, check-ins (the first pushes met by a 500 and a 503), a check-in the centre refuses, the
 * audit trail and a rewritten one (409), enrollments, heartbeats (with the scanner's match report),
 * a revoked device; then requests made wrong on purpose (no credentials, not JSON, a foreign
 * encoding, too big, a bad cursor) whose replies must still be as documented. Any disagreement fails the test with the exchange and what
 * differed; so does a documented reply that was never seen. */
#include <curl/curl.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "app/config.h"
#include "app/match-report.h"
#include "app/store/store-roster.h"
#include "sync/sync.h"
#include "tests/central.h"
#include "tests/helpers.h"

static char *top;   /* the source tree */

/* The heartbeat's "match" object, from this kiosk's enrolled fingers (app/match-report.h). */
static void add_match_report(ProtocolHeartbeat *hb, gpointer store)
{
    g_autoptr(MatchReport) m = g_new0(MatchReport, 1);
    g_autoptr(GError) error = NULL;
    g_assert_true(match_report_compute(store, 6, 0, m, &error));
    hb->match = g_steal_pointer(&m);
}
static char *tools; /* scripts/node-tools.sh's folder: Redocly, ajv */

static char *run_out(char **argv, int *status)
{
    g_autofree char *err = NULL;
    char *out = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_sync(top, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, status, &error));
    if (err && *err)
        g_test_message("%s: %s", argv[0], err);
    return out;
}

static int ctl(const char *conf, const char *a, const char *b, const char *c)
{
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-ctl", NULL);
    g_autofree char *abs = g_canonicalize_filename(exe, NULL); /* the commands run in the source tree */
    char *argv[] = {abs, (char *)a, "--config", (char *)conf, (char *)b, (char *)c, NULL};
    int status = 0;
    g_free(run_out(argv, &status));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void die_with_parent(gpointer data)
{
    (void)data;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

typedef struct {
    GPid pid;
    char *url, *log;
} Proxy;

static Proxy *proxy_start(const char *upstream)
{
    const TuTls *tls = tu_tls();
    Proxy *p = g_new0(Proxy, 1);
    g_autofree char *port_file = g_build_filename(tu_tmpdir(), "proxy.port", NULL);
    g_autofree char *script = g_build_filename(top, "tests/contract/contract.mjs", NULL);
    g_autofree char *doc = g_build_filename(top, "docs/sync-openapi.yaml", NULL);
    p->log = g_build_filename(tu_tmpdir(), "contract.jsonl", NULL);
    char *argv[] = {"node", script, "proxy", "--tools", tools, "--doc", doc, "--cert", tls->cert, "--key", tls->key,
                    "--upstream", (char *)upstream, "--ca", tls->ca, "--log", p->log, "--port-file", port_file, NULL};
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, die_with_parent,
                                NULL, &p->pid, &error));
    g_autofree char *text = NULL;
    for (int i = 0; i < 1500 && !g_file_get_contents(port_file, &text, NULL, NULL); i++)
        g_usleep(20000);
    g_assert_nonnull(text);
    p->url = g_strdup_printf("https://127.0.0.1:%d", atoi(text));
    return p;
}

static void proxy_stop(Proxy *p)
{
    kill(p->pid, SIGTERM);
    waitpid(p->pid, NULL, 0);
    g_spawn_close_pid(p->pid);
    g_free(p->url);
    g_free(p->log);
    g_free(p);
}

/* A request made wrong on purpose, through the proxy (which then checks only the reply). */
static long probe(const Proxy *p, const char *name, const char *method, const char *path, const char *userpwd,
                  const char *encoding, const char *body, gsize len)
{
    CURL *e = curl_easy_init();
    g_autofree char *url = g_strconcat(p->url, path, NULL);
    g_autofree char *probe_h = g_strdup_printf("X-Contract-Probe: %s", name);
    g_autofree char *enc_h = encoding ? g_strdup_printf("Content-Encoding: %s", encoding) : NULL;
    struct curl_slist *h = curl_slist_append(NULL, probe_h);
    h = curl_slist_append(h, "Content-Type: application/json");
    if (enc_h)
        h = curl_slist_append(h, enc_h);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CAINFO, tu_tls()->ca);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)len);
    }
    if (userpwd)
        curl_easy_setopt(e, CURLOPT_USERPWD, userpwd);
    FILE *sink = fopen("/dev/null", "w");
    curl_easy_setopt(e, CURLOPT_WRITEDATA, sink);
    g_assert_cmpint(curl_easy_perform(e), ==, CURLE_OK);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    fclose(sink);
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    return status;
}

typedef struct {
    gboolean drained;
} Seen;

static void on_status(const SyncStatus *st, gpointer data)
{
    Seen *seen = data;
    if (st->online && st->pending == 0)
        seen->drained = TRUE;
}

static void test_contract(void)
{
    g_autofree char *spec = g_build_filename(tu_tmpdir(), "central.db", NULL);
    /* The first two pushes fail as a busy centre's would: a 500, then a 503 with Retry-After. */
    TuReceiver *r = tu_receiver_start_with(spec, "--max-body-mb 1 --fault-plan 500,503:1");
    Proxy *p = proxy_start(r->url);

    /* The centre's roster: 250 people (two pages), fingers, schedules, messages for one and all. */
    g_autoptr(GString) json = g_string_new("{\"probationers\": [");
    for (int i = 0; i < 250; i++) {
        /* ADMS PINs: digits, letters and digits, and one removed (null). */
        g_autofree char *pin = i == 4 ? g_strdup("null") : g_strdup_printf(i % 2 ? "\"%d\"" : "\"P%d\"", 1000 + i);
        g_string_append_printf(json, "{\"case_number\": \"LHR-%d\", \"name_en\": \"Person %d\", \"name_ur\": \"شخص %d\", "
                               "\"cnic\": %s, \"office\": \"Lahore\", \"status\": \"%s\", \"adms_pin\": %s, "
                               "\"schedule\": {\"rule\": \"weekly:mon,thu\", \"starts\": \"2026-01-05\", "
                               "\"ends\": null, \"due_by\": \"12:00\"}},",
                               i, i, i, i == 1 ? "\"3520212345671\"" : "null", i == 2 ? "inactive" : "active", pin);
    }
    g_autofree char *print = NULL;
    {
        Scanner *scanner = tu_scanner_new(NULL, NULL);
        g_autoptr(GBytes) b = tu_capture_fvc(scanner, 101);
        scanner_free(scanner);
        print = g_base64_encode(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
    }
    g_string_append_printf(json, "{\"case_number\": \"LHR-F\", \"name_en\": \"Fingered\", \"office\": \"Lahore\", "
                           "\"status\": \"active\", \"fingers\": [{\"finger\": \"right-index\", \"driver\": "
                           "\"virtual_image\", \"template\": \"%s\"}]}], \"messages\": ["
                           "{\"id\": \"a\", \"office\": \"Lahore\", \"case_number\": \"LHR-7\", \"text_en\": \"See me\", "
                           "\"valid_until\": \"2099-01-01\"},"
                           "{\"id\": \"b\", \"office\": \"Lahore\", \"text_ur\": \"دفتر جمعہ کو بند ہے\"}]}", print);
    g_autofree char *file = g_build_filename(tu_tmpdir(), "roster.json", NULL);
    g_assert_true(g_file_set_contents(file, json->str, -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));

    /* The kiosk: provisioned through the proxy (a wrong token first: 401), which pulls the roster. */
    g_autofree char *dir = g_build_filename(tu_tmpdir(), "kiosk", NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    g_autofree char *conf = g_build_filename(dir, "haazri.conf", NULL);
    g_autofree char *text = g_strdup_printf("[kiosk]\ndevice_id = contract-kiosk\noffice = Lahore\ndata_dir = %s\n"
                                            "[sync]\nca_file = %s\nretry_min_seconds = 0.05\nretry_max_seconds = 0.4\n"
                                            "batch_max = 40\n", dir, tu_tls()->ca);
    g_assert_true(g_file_set_contents(conf, text, -1, NULL));
    g_autofree char *token = tu_receiver_add_device(spec, "contract-kiosk", "Lahore");
    g_autofree char *server_arg = g_strdup_printf("--server=%s", p->url);
    g_assert_cmpint(ctl(conf, "provision", server_arg, "--token=not-the-token"), !=, 0);
    g_autofree char *token_arg = g_strdup_printf("--token=%s", token);
    g_assert_cmpint(ctl(conf, "provision", server_arg, token_arg), ==, 0);

    g_autoptr(GError) error = NULL;
    g_autoptr(Config) config = config_load(conf, &error);
    g_assert_no_error(error);
    g_autofree char *db = config_get_db_path(config);
    g_autoptr(Store) store = store_open(db, &error);
    g_assert_no_error(error);
    /* 251 people, less LHR-2: inactive at the centre, and never known here. */
    g_assert_cmpstr(tu_central_query(db, "SELECT count(*) FROM probationers"), ==, "250");
    g_assert_cmpstr(tu_central_query(db, "SELECT count(adms_pin) FROM probationers"), ==, "248");
    g_assert_cmpstr(tu_central_query(db, "SELECT adms_pin FROM probationers WHERE case_number = 'LHR-7'"), ==, "1007");

    /* Check-ins of every kind, a finger enrolled here for someone new, a deactivation. */
    StoreProbationer known = {0};
    g_assert_true(store_find_probationer(store, "LHR-F", &known, &error));
    for (int i = 0; i < 90; i++) {
        StoreCheckin c = {.probationer_id = i % 3 ? known.id : 0, .method = CHECKIN_BY_FINGER,
                          .score = i % 3 ? 41.5 : -1, .device_id = config->device_id};
        g_assert_true(store_record_checkin(store, &c, &error));
        if (i == 1) { /* the questionnaire after a recorded check-in: its answers go up too */
            g_assert_true(store_save_answer(store, c.uuid, "address_changed", FALSE, &error));
            g_assert_true(store_save_answer(store, c.uuid, "arrested", TRUE, &error));
        }
    }
    store_probationer_clear(&known);
    StoreProbationer zainab = {.case_number = "LHR-900", .name_en = "Zainab Bibi", .name_ur = "زینب بی بی",
                               .office = "Lahore", .active = TRUE};
    gint64 zainab_id = store_add_probationer(store, &zainab, &error);
    g_autoptr(GBytes) raw_print = NULL;
    {
        gsize len = 0;
        guchar *bytes = g_base64_decode(print, &len);
        raw_print = g_bytes_new_take(bytes, len);
    }
    g_assert_cmpint(store_add_finger(store, zainab_id, "left-index", raw_print, "virtual_image", &error), >, 0);
    g_assert_true(store_set_probationer_active(store, zainab_id, FALSE, &error));

    /* The kiosk's sync as it runs on the kiosk: events (through a 500 and a 503), audit,
     * enrollments, roster, heartbeat. */
    g_auto(SyncConfig) sc;
    g_auto(SyncCredentials) creds = {0};
    sync_config_init(&sc);
    g_assert_true(sync_config_load(config->keyfile, conf, &sc, &error));
    g_assert_true(sync_credentials_load(config->data_dir, &creds, &error));
    Sync *sync = sync_new(&sc, &creds, store, &error);
    g_assert_no_error(error);
    Seen seen = {0};
    sync_subscribe(sync, on_status, &seen);
    sync_set_heartbeat_func(sync, add_match_report, store); /* as the kiosk's main does */
    sync_start(sync);
    g_assert_true(tu_run_until(&seen.drained, 60000));
    for (int i = 0; i < 1000; i++) {
        g_autofree char *hb = tu_central_query(spec, "SELECT heartbeat LIKE '%\"match\":{\"fingers\":%' FROM devices");
        if (g_strcmp0(hb, "1") == 0 && store_enrollments_count_unsent(store) == 0)
            break;
        tu_run_for(20);
    }
    g_assert_cmpint(store_enrollments_count_unsent(store), ==, 0);
    g_assert_cmpstr(tu_central_query(spec, "SELECT heartbeat LIKE '%\"match\":{\"fingers\":%' FROM devices"), ==,
                    "1");
    sync_free(sync);

    /* A kiosk waiting for its database's owner to be put right: heartbeats only, saying why. */
    Sync *waiting = sync_new(&sc, &creds, store, &error);
    g_assert_no_error(error);
    sync_set_unwritable(waiting, "/var/lib/haazri/haazri.db cannot be written by this user (it opened read-only)");
    sync_start(waiting);
    for (int i = 0; i < 1000; i++) {
        g_autofree char *told = tu_central_query(spec, "SELECT count(*) FROM devices WHERE heartbeat LIKE "
                                                       "'%cannot be written%'");
        if (g_strcmp0(told, "1") == 0)
            break;
        tu_run_for(20);
    }
    sync_free(waiting);
    g_assert_cmpstr(tu_central_query(spec, "SELECT count(*) FROM devices WHERE heartbeat LIKE '%cannot be written%'"),
                    ==, "1");
    g_assert_cmpstr(tu_central_query(spec, "SELECT count(*) FROM events"), ==, "90");
    g_assert_cmpstr(tu_central_query(spec, "SELECT count(*) FROM answers"), ==, "2");
    g_assert_cmpstr(tu_central_query(spec, "SELECT status FROM probationers WHERE case_number = 'LHR-900'"), ==,
                    "inactive");

    /* A check-in the centre refuses (400), then a rewritten audit trail (409). */
    sqlite3 *sq = NULL;
    g_assert_cmpint(sqlite3_open(db, &sq), ==, SQLITE_OK);
    StoreCheckin bad = {.probationer_id = 0, .method = CHECKIN_BY_FINGER, .score = -1, .device_id = config->device_id};
    g_assert_true(store_record_checkin(store, &bad, &error));
    g_assert_cmpint(sqlite3_exec(sq, "UPDATE checkins SET wall_time = 'yesterday-ish' WHERE id = (SELECT max(id) FROM checkins)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(sq);
    g_assert_cmpint(ctl(conf, "sync", "now", NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(db, "SELECT count(*) FROM checkins WHERE sync_state = 'quarantined'"), ==, "1");
    tu_rechain_audit(db, 2, "nothing happened");
    g_assert_cmpint(ctl(conf, "sync", "now", NULL), ==, 1);

    /* Requests made wrong on purpose: every reply as documented. */
    g_autofree char *userpwd = g_strdup_printf("contract-kiosk:%s", creds.secret);
    const char *posts[] = {"/v1/provision", "/v1/events", "/v1/heartbeat", "/v1/audit", "/v1/enrollments",
                           "/v1/answers"};
    gsize big_len = 1536 * 1024;
    g_autofree char *big = g_malloc(big_len);
    memset(big, ' ', big_len);
    for (guint i = 0; i < G_N_ELEMENTS(posts); i++) {
        const char *pw = i ? userpwd : NULL;
        g_assert_cmpint(probe(p, "not-json", "POST", posts[i], pw, NULL, "{\"oops", 6), ==, 400);
        g_assert_cmpint(probe(p, "not-gzip", "POST", posts[i], pw, "gzip", "{}", 2), ==, 400);
        g_assert_cmpint(probe(p, "foreign-encoding", "POST", posts[i], pw, "br", "{}", 2), ==, 415);
        g_assert_cmpint(probe(p, "too-big", "POST", posts[i], pw, NULL, big, big_len), ==, 413);
        if (i)
            g_assert_cmpint(probe(p, "no-credentials", "POST", posts[i], NULL, NULL, "{}", 2), ==, 401);
    }
    g_assert_cmpint(probe(p, "bad-cursor", "GET", "/v1/roster?since=-1", userpwd, NULL, NULL, 0), ==, 400);
    g_assert_cmpint(probe(p, "no-credentials", "GET", "/v1/roster", NULL, NULL, NULL, 0), ==, 401);
    g_assert_cmpint(probe(p, "wrong-device", "POST", "/v1/heartbeat", userpwd, NULL,
                          "{\"device_id\": \"someone-else\", \"version\": \"1\", \"queue_length\": 0, \"quarantined\": 0, "
                          "\"clock_offset_s\": 0, \"disk_free_mb\": 1}", 110), ==, 400);

    /* Revoked: the kiosk's own push is refused as a device (401). */
    StoreCheckin last = {.probationer_id = 0, .method = CHECKIN_BY_FINGER, .score = -1, .device_id = config->device_id};
    g_assert_true(store_record_checkin(store, &last, &error));
    g_free(tu_receiver_run(spec, "device", "revoke", "contract-kiosk", NULL));
    g_assert_cmpint(ctl(conf, "sync", "now", NULL), ==, 1);

    /* The verdict: no disagreement anywhere; every documented reply seen, but the storage failures
     * (500, 503) of the endpoints whose pushes carry no fault plan. */
    proxy_stop(p);
    g_autofree char *script = g_build_filename(top, "tests/contract/contract.mjs", NULL);
    g_autofree char *docp = g_build_filename(top, "docs/sync-openapi.yaml", NULL);
    g_autofree char *log = g_build_filename(tu_tmpdir(), "contract.jsonl", NULL);
    char *argv[] = {"node", script, "report", "--tools", tools, "--doc", docp, "--log", log, NULL};
    int status = 0;
    g_autofree char *report = run_out(argv, &status);
    g_test_message("%s", report);
    g_assert_null(strstr(report, "problem:"));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    const char *unprovoked = "not exercised: POST /v1/provision 500\nnot exercised: POST /v1/provision 503\n"
                             "not exercised: POST /v1/heartbeat 500\nnot exercised: POST /v1/heartbeat 503\n"
                             "not exercised: GET /v1/roster 500\nnot exercised: GET /v1/roster 503\n"
                             "not exercised: POST /v1/audit 500\nnot exercised: POST /v1/audit 503\n"
                             "not exercised: POST /v1/enrollments 500\nnot exercised: POST /v1/enrollments 503\n"
                             "not exercised: POST /v1/answers 500\nnot exercised: POST /v1/answers 503\n";
    g_autoptr(GString) missing = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(report, "\n", -1);
    for (char **l = lines; *l; l++)
        if (g_str_has_prefix(*l, "not exercised:"))
            g_string_append_printf(missing, "%s\n", *l);
    g_assert_cmpstr(missing->str, ==, unprovoked);
    tu_receiver_kill(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tu_use_virtual_scanner();
    /* The source tree is tests/data's grandparent; the npm tools come from the cache the build filled. */
    const char *env = g_getenv("HAAZRI_TESTDATA");
    g_autofree char *data = g_canonicalize_filename(env ? env : "tests/data", NULL);
    g_autofree char *tests = g_path_get_dirname(data);
    top = g_path_get_dirname(tests);
    g_autofree char *script = g_build_filename(top, "scripts/node-tools.sh", NULL);
    char *nt[] = {script, NULL};
    int status = 0;
    tools = g_strstrip(run_out(nt, &status));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_test_add_func("/contract/receiver-and-kiosk-as-documented", test_contract);
    return g_test_run();
}
