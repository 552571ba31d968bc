/* test-centre-page — the centre's day on one page, read by a real browser: two kiosks of two
 * offices (provisioned, their rosters pulled, check-ins recorded and pushed by the real sync engine)
 * and the real receiver on 127.0.0.1 over TLS; headless Chromium (Debian's) loads /day with a
 * viewer account and the numbers per office must be what `haazri-ctl today` says on that office's
 * kiosk; the CSV has the same people; a wrong password and no account get 401; a phone-sized
 * screenshot is kept (HAAZRI_SCREENSHOTS or the test folder) for a person to look at.
 *
 * The day is today's (the kiosks' haazri-ctl and the receiver read the real clock): due-by times of
 * 00:00 and 23:59 make late/present/missing/expected the same at any minute but 00:00, which the
 * test waits out. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "app/clock.h"
#include "app/config.h"
#include "app/store/store-sync.h"
#include "sync/sync.h"
#include "tests/central.h"
#include "tests/helpers.h"

typedef struct {
    char *device, *dir, *conf;
    Config *config;
    Store *store;
    Sync *sync;
} Kiosk;

static const char *build_dir(void)
{
    const char *b = g_getenv("HAAZRI_BUILD");
    return b ? b : "build";
}

/* Runs argv; its stdout; asserts exit 0 unless `status` is given. */
static char *run(char **argv, const char *input, int *status)
{
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE |
                                                                 (input ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0));
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p = g_subprocess_launcher_spawnv(l, (const char *const *)argv, &error);
    g_assert_no_error(error);
    char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, input, NULL, &out, NULL, &error));
    int rc = g_subprocess_get_if_exited(p) ? g_subprocess_get_exit_status(p) : -1;
    if (status)
        *status = rc;
    else if (rc != 0)
        g_error("%s exited with %d", argv[0], rc);
    return out ? out : g_strdup("");
}

static Kiosk *kiosk_new(const char *device, const char *office, const char *spec, TuReceiver *r)
{
    Kiosk *k = g_new0(Kiosk, 1);
    k->device = g_strdup(device);
    k->dir = g_build_filename(tu_tmpdir(), device, NULL);
    g_assert_cmpint(g_mkdir_with_parents(k->dir, 0700), ==, 0);
    k->conf = g_build_filename(k->dir, "haazri.conf", NULL);
    g_autofree char *text = g_strdup_printf("[kiosk]\ndevice_id = %s\noffice = %s\ndata_dir = %s\n[sync]\nca_file = %s\n",
                                            device, office, k->dir, tu_tls()->ca);
    g_assert_true(g_file_set_contents(k->conf, text, -1, NULL));
    g_autofree char *token = tu_receiver_add_device(spec, device, office);
    g_autofree char *ctl = g_build_filename(build_dir(), "haazri-ctl", NULL);
    g_autofree char *server = g_strdup_printf("--server=%s", r->url);
    g_autofree char *tok = g_strdup_printf("--token=%s", token);
    char *argv[] = {ctl, "provision", "--config", k->conf, server, tok, NULL};
    g_free(run(argv, NULL, NULL)); /* provisioning pulls the office's roster */
    g_autoptr(GError) error = NULL;
    k->config = config_load(k->conf, &error);
    g_assert_no_error(error);
    g_autofree char *db = config_get_db_path(k->config);
    k->store = store_open(db, &error);
    g_assert_no_error(error);
    g_auto(SyncConfig) sc;
    g_auto(SyncCredentials) creds = {0};
    sync_config_init(&sc);
    g_assert_true(sync_config_load(k->config->keyfile, k->conf, &sc, &error));
    g_assert_true(sync_credentials_load(k->config->data_dir, &creds, &error));
    k->sync = sync_new(&sc, &creds, k->store, &error);
    g_assert_no_error(error);
    return k;
}

static void kiosk_free(Kiosk *k)
{
    sync_free(k->sync);
    store_close(k->store);
    config_free(k->config);
    g_free(k->device);
    g_free(k->dir);
    g_free(k->conf);
    g_free(k);
}

static void on_once(const GError *error, gpointer data)
{
    g_assert_null(error);
    *(gboolean *)data = TRUE;
}

static void sync_pass(Kiosk *k)
{
    gboolean done = FALSE;
    sync_run_once(k->sync, on_once, &done);
    g_assert_true(tu_run_until(&done, 60000));
}

static void check_in(Kiosk *k, const char *case_number)
{
    StoreProbationer p = {0};
    g_autoptr(GError) error = NULL;
    g_assert_true(store_find_probationer(k->store, case_number, &p, &error));
    StoreCheckin c = {.probationer_id = p.id, .method = CHECKIN_BY_FINGER, .score = 80, .device_id = k->device};
    g_assert_true(store_record_checkin(k->store, &c, &error));
    g_assert_cmpint(c.result, ==, CHECKIN_RECORDED);
    store_probationer_clear(&p);
}

/* `haazri-ctl today --json` on the kiosk: "due present late expected missing unscheduled". */
static char *kiosk_today(Kiosk *k)
{
    g_autofree char *ctl = g_build_filename(build_dir(), "haazri-ctl", NULL);
    char *argv[] = {ctl, "today", "--json", "--config", k->conf, NULL};
    g_autofree char *json = run(argv, NULL, NULL);
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    JsonObject *counts = json_object_has_member(o, "counts") ? json_object_get_object_member(o, "counts") : o;
    return g_strdup_printf("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                           " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                           json_object_get_int_member(counts, "due"), json_object_get_int_member(counts, "present"),
                           json_object_get_int_member(counts, "late"), json_object_get_int_member(counts, "expected"),
                           json_object_get_int_member(counts, "missing"),
                           json_object_get_int_member(counts, "unscheduled"));
}

/* The page's counts for `office` as the browser's DOM has them, in kiosk_today's order. */
static char *page_counts(const char *dom, const char *office)
{
    g_autofree char *marker = g_strdup_printf("<section data-office=\"%s\">", office);
    const char *sec = strstr(dom, marker);
    g_assert_nonnull(sec);
    static const char *const keys[] = {"due", "present", "late", "expected", "missing", "unscheduled"};
    GString *out = g_string_new(NULL);
    for (int i = 0; i < 6; i++) {
        g_autofree char *attr = g_strdup_printf("data-count=\"%s\">", keys[i]);
        const char *at = strstr(sec, attr);
        g_assert_nonnull(at);
        at = strchr(at, '>') + 1;
        const char *num = at + strcspn(at, "0123456789");
        g_string_append_printf(out, "%s%d", i ? " " : "", atoi(num));
    }
    return g_string_free(out, FALSE);
}

static char *spki_pin(void)
{
    g_autofree char *cmd = g_strdup_printf("sh -c 'openssl x509 -in %s -pubkey -noout | openssl pkey -pubin -outform der "
                                           "| openssl dgst -sha256 -binary | base64'", tu_tls()->cert);
    char *out = NULL;
    g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
    return g_strstrip(out);
}

/* Headless Chromium: the DOM after load (`shot` NULL) or a screenshot of the page at a phone's size. */
static char *browse(const char *url, const char *shot)
{
    g_autofree char *pin = spki_pin();
    g_autofree char *pin_arg = g_strdup_printf("--ignore-certificate-errors-spki-list=%s", pin);
    g_autofree char *profile = g_strdup_printf("--user-data-dir=%s/chromium", tu_tmpdir());
    g_autofree char *shot_arg = shot ? g_strdup_printf("--screenshot=%s", shot) : NULL;
    char *argv[] = {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", pin_arg, profile,
                    "--window-size=412,1000", "--hide-scrollbars", shot ? shot_arg : "--dump-dom", (char *)url, NULL};
    return run(argv, NULL, NULL);
}

static void test_day_page(void)
{
    if (!g_file_test("/usr/bin/chromium", G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip("Debian's chromium is not installed (scripts/deps.sh installs it)");
        return;
    }
    /* Out of the one minute (00:00, office time) where "late after 00:00" can't happen. */
    for (;;) {
        g_autoptr(GDateTime) now = clock_now();
        int m = g_date_time_get_hour(now) * 60 + g_date_time_get_minute(now);
        if (m >= 1 && m < 1438)
            break;
        g_usleep(20 * G_USEC_PER_SEC);
    }
    g_autofree char *spec = g_build_filename(tu_tmpdir(), "centre.db", NULL);
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    g_autofree char *roster = g_build_filename(tu_tmpdir(), "offices.json", NULL);
    /* Every day due; "by 00:00" makes a check-in late and an absence missing, "by 23:59" on time. */
    const char *json = "{\"probationers\": ["
        "{\"case_number\": \"LHR-1\", \"name_en\": \"Imran Siddiqui\", \"name_ur\": \"عمران صدیقی\", \"cnic\": null,"
        " \"office\": \"Lahore\", \"status\": \"active\", \"schedule\": {\"rule\": \"every:1\", \"starts\": \"2020-01-01\", \"ends\": null, \"due_by\": \"23:59\"}},"
        "{\"case_number\": \"LHR-2\", \"name_en\": \"Sana Javed\", \"name_ur\": \"ثنا جاوید\", \"cnic\": null,"
        " \"office\": \"Lahore\", \"status\": \"active\", \"schedule\": {\"rule\": \"every:1\", \"starts\": \"2020-01-01\", \"ends\": null, \"due_by\": \"00:00\"}},"
        "{\"case_number\": \"LHR-3\", \"name_en\": \"Bilal Khan\", \"name_ur\": \"بلال خان\", \"cnic\": null,"
        " \"office\": \"Lahore\", \"status\": \"active\", \"schedule\": {\"rule\": \"every:1\", \"starts\": \"2020-01-01\", \"ends\": null, \"due_by\": \"00:00\"}},"
        "{\"case_number\": \"LHR-4\", \"name_en\": \"Ayesha Noor\", \"name_ur\": \"عائشہ نور\", \"cnic\": null,"
        " \"office\": \"Lahore\", \"status\": \"active\", \"schedule\": {\"rule\": \"every:1\", \"starts\": \"2020-01-01\", \"ends\": null, \"due_by\": \"23:59\"}},"
        "{\"case_number\": \"MUL-1\", \"name_en\": \"Usman Tariq\", \"name_ur\": null, \"cnic\": null,"
        " \"office\": \"Multan\", \"status\": \"active\", \"schedule\": {\"rule\": \"every:1\", \"starts\": \"2020-01-01\", \"ends\": null, \"due_by\": \"00:00\"}},"
        "{\"case_number\": \"MUL-2\", \"name_en\": \"Fatima Bibi\", \"name_ur\": \"فاطمہ بی بی\", \"cnic\": null,"
        " \"office\": \"Multan\", \"status\": \"active\"}]}";
    g_assert_true(g_file_set_contents(roster, json, -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", roster, NULL));
    Kiosk *lahore = kiosk_new("page-lahore", "Lahore", spec, r);
    Kiosk *multan = kiosk_new("page-multan", "Multan", spec, r);

    /* Lahore: Imran on time, Sana late (and answers "arrested: yes"), Bilal missing, Ayesha expected.
     * Multan: Usman missing, Fatima (no schedule) came anyway. */
    check_in(lahore, "LHR-1");
    check_in(lahore, "LHR-2");
    check_in(multan, "MUL-2");
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
    g_autoptr(GPtrArray) day = store_list_checkins(lahore->store, today, NULL);
    g_assert_true(store_save_answer(lahore->store, ((StoreCheckinRow *)day->pdata[1])->uuid, "arrested", TRUE, NULL));
    sync_pass(lahore);
    sync_pass(multan);

    g_autofree char *rx = g_build_filename(build_dir(), "haazri-receiver", NULL);
    g_autofree char *db_arg = g_strdup_printf("--db=%s", spec);
    char *add[] = {rx, "viewer", "add", "district-officer", db_arg, NULL};
    g_free(run(add, "correct horse battery\n", NULL));
    int status = 0;
    char *weak[] = {rx, "viewer", "add", "weak", db_arg, NULL};
    g_free(run(weak, "short\n", &status));
    g_assert_cmpint(status, ==, 1);

    g_autofree char *base = g_strdup_printf("https://district-officer:correct%%20horse%%20battery@127.0.0.1:%d", r->port);
    g_autofree char *url = g_strdup_printf("%s/day?date=%s", base, today);
    g_autofree char *dom = browse(url, NULL);
    g_autofree char *lahore_page = page_counts(dom, "Lahore");
    g_autofree char *multan_page = page_counts(dom, "Multan");
    g_autofree char *lahore_kiosk = kiosk_today(lahore);
    g_autofree char *multan_kiosk = kiosk_today(multan);
    g_assert_cmpstr(lahore_page, ==, lahore_kiosk);
    g_assert_cmpstr(multan_page, ==, multan_kiosk);
    g_assert_cmpstr(lahore_page, ==, "4 1 1 1 1 0");
    g_assert_cmpstr(multan_page, ==, "1 0 0 0 1 1");
    /* Names, the Urdu ones right to left, and the flagged answer. */
    g_assert_nonnull(strstr(dom, "dir=\"rtl\" lang=\"ur\">ثنا جاوید</td>"));
    g_assert_nonnull(strstr(dom, "<span class=\"flag\">arrested: yes</span> Sana Javed (LHR-2)"));
    g_assert_nonnull(strstr(dom, "<td>page-lahore</td>"));

    /* The CSV: the same people. */
    g_autofree char *csv_url = g_strdup_printf("https://127.0.0.1:%d/day.csv?date=%s&office=Lahore", r->port, today);
    g_autofree char *auth = g_strdup("district-officer:correct horse battery");
    char *curl[] = {"curl", "-sS", "--cacert", tu_tls()->ca, "--user", auth, csv_url, NULL};
    g_autofree char *csv = run(curl, NULL, NULL);
    g_assert_nonnull(strstr(csv, "\"Lahore\",\"late\",\"LHR-2\",\"Sana Javed\",\"ثنا جاوید\""));
    g_assert_nonnull(strstr(csv, "\"arrested=yes\""));
    g_assert_nonnull(strstr(csv, "\"Lahore\",\"missing\",\"LHR-3\""));
    g_assert_null(strstr(csv, "Multan"));

    /* No account, a wrong password: 401, nothing of the day. */
    char *anon[] = {"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", tu_tls()->ca, csv_url, NULL};
    g_autofree char *code = run(anon, NULL, NULL);
    g_assert_cmpstr(code, ==, "401");
    char *wrong[] = {"curl", "-s", "-w", " %{http_code}", "--cacert", tu_tls()->ca, "--user", "district-officer:guess",
                     csv_url, NULL};
    g_autofree char *refused = run(wrong, NULL, NULL);
    g_assert_true(g_str_has_suffix(refused, " 401"));
    g_assert_null(strstr(refused, "Sana"));

    /* For a person to look at: the page at a phone's width. */
    const char *dir = g_getenv("HAAZRI_SCREENSHOTS");
    g_autofree char *shot = g_build_filename(dir && *dir ? dir : tu_tmpdir(), "centre-day.png", NULL);
    g_free(browse(url, shot));
    g_assert_true(g_file_test(shot, G_FILE_TEST_EXISTS));
    g_test_message("screenshot: %s", shot);

    kiosk_free(lahore);
    kiosk_free(multan);
    tu_receiver_kill(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/centre-page/two-kiosks-numbers-match-in-chromium", test_day_page);
    return g_test_run();
}
