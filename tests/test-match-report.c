/* test-match-report — the kiosk measures its own scanner on its enrolled fingers (app/match-report.c)
 * and the centre hears it: fingers scanned through libfprint's virtual scanner from FVC2002 images,
 * the reporter on its own thread, the kiosk's real sync engine, the real receiver on 127.0.0.1 over
 * TLS with SQLite and PostgreSQL storage, read back as an officer does (`haazri-receiver device
 * list`, the day page over HTTPS). A gallery whose prints can't be told apart reaches the centre as
 * a warning, in red on the day page. */
#include <string.h>

#include "app/engine/engine.h"
#include "app/match-report.h"
#include "tests/sync-fixture.h"

/* Five touches of each of FVC2002 DB2_B fingers 101..104: a careful enrollment. */
static GBytes *good[4];
/* Five touches of five *different* fingers as one: prints that don't match their own owner, as a
 * careless enrollment before today's check or a dirty glass would leave them. */
static GBytes *poor;

static void scan_prints(void)
{
    tu_use_virtual_scanner();
    Scanner *scanner = tu_scanner_new(NULL, NULL);
    for (int f = 0; f < 4; f++)
        good[f] = tu_capture_fvc(scanner, 101 + f);
    char *images[5];
    for (int i = 0; i < 5; i++)
        images[i] = tu_fvc(105 + i, 1);
    poor = tu_capture(scanner, "right-index", images);
    for (int i = 0; i < 5; i++)
        g_free(images[i]);
    scanner_free(scanner);
}

/* Enrolls one finger of a new probationer, as the enrollment screen stores it. */
static void enroll(Store *store, int n, GBytes *print)
{
    gint64 who = tu_add_probationer(store, n, "Person", NULL);
    g_autoptr(GError) error = NULL;
    g_assert_cmpint(store_add_finger(store, who, "right-index", print, "virtual_image", &error), >, 0);
    g_assert_no_error(error);
}

static MatchReport *report_of(MatchReporter *reporter, Store *store)
{
    g_assert_true(match_reporter_poll(reporter, store_get_gallery_version(store)));
    match_reporter_wait(reporter);
    MatchReport *m = match_reporter_get_latest(reporter);
    g_assert_nonnull(m);
    return m;
}

static void test_reporter(void)
{
    g_autofree char *db = g_build_filename(tu_tmpdir(), "reporter.db", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) store = store_open(db, &error);
    g_assert_no_error(error);
    for (int f = 0; f < 4; f++)
        enroll(store, f + 1, good[f]);

    g_autoptr(MatchReporter) reporter = match_reporter_new(db, ENGINE_DEFAULT_THRESHOLD, 0, 3600);
    /* Started, not waited for: nothing to show until the thread is done and collected. */
    g_assert_true(match_reporter_poll(reporter, store_get_gallery_version(store)));
    g_assert_null(match_reporter_get_latest(reporter));
    match_reporter_wait(reporter);
    g_autoptr(MatchReport) m = match_reporter_get_latest(reporter);
    g_assert_nonnull(m);
    /* Four fingers of five touches: 4 x 10 genuine comparisons, 6 pairs of strangers. */
    g_assert_cmpuint(m->fingers, ==, 4);
    g_assert_cmpuint(m->poor_fingers, ==, 0);
    g_assert_cmpuint(m->genuine, ==, 40);
    g_assert_cmpuint(m->impostor, ==, 6);
    g_assert_cmpfloat(m->genuine_median, >, ENGINE_DEFAULT_THRESHOLD);
    g_assert_cmpfloat(m->impostor_max, <, m->genuine_median);
    g_assert_cmpfloat(m->false_match_rate, ==, 0);
    g_assert_cmpfloat(m->false_non_match_rate, <, 0.5);
    g_assert_cmpfloat(m->threshold, ==, ENGINE_DEFAULT_THRESHOLD);
    g_assert_null(m->warning);
    g_autoptr(GDateTime) at = g_date_time_new_from_iso8601(m->computed_at, NULL);
    g_assert_nonnull(at);

    /* The same numbers as `haazri-ctl match report` computes, blocking. */
    MatchReport direct;
    g_assert_true(match_report_compute(store, ENGINE_DEFAULT_THRESHOLD, 0, &direct, &error));
    g_assert_cmpuint(direct.genuine, ==, m->genuine);
    g_assert_cmpfloat(direct.genuine_median, ==, m->genuine_median);
    g_assert_cmpuint(direct.impressions, ==, 4 * 5);
    g_assert_cmpfloat(direct.search_threshold, ==, ENGINE_DEFAULT_THRESHOLD); /* a small office */
    match_report_clear(&direct);
    /* A sample (the kiosk's, at 20,000 fingers): spread over the gallery, at most that many. */
    MatchReport sample;
    g_assert_true(match_report_compute(store, ENGINE_DEFAULT_THRESHOLD, 3, &sample, &error));
    g_assert_cmpuint(sample.fingers, ==, 2); /* every second of 4 */
    g_assert_cmpuint(sample.genuine, ==, 20);
    g_assert_cmpuint(sample.impressions, ==, 4 * 5); /* the whole gallery's, from the sample's share */
    match_report_clear(&sample);

    /* Nothing changed: nothing computed again. The gallery changed within the hour: it waits. */
    g_assert_false(match_reporter_poll(reporter, store_get_gallery_version(store)));
    enroll(store, 5, poor);
    g_assert_false(match_reporter_poll(reporter, store_get_gallery_version(store)));
    g_autoptr(MatchReport) still = match_reporter_get_latest(reporter);
    g_assert_cmpuint(still->fingers, ==, 4);

    /* With no interval to wait, the change is measured; the poor finger is counted as such. */
    g_autoptr(MatchReporter) eager = match_reporter_new(db, ENGINE_DEFAULT_THRESHOLD, 0, 0);
    g_autoptr(MatchReport) now = report_of(eager, store);
    g_assert_cmpuint(now->fingers, ==, 5);
    g_assert_cmpuint(now->poor_fingers, ==, 1);

    /* Stopped while it computes (the kiosk shutting down): freed at once, the thread ends alone. */
    MatchReporter *stopping = match_reporter_new(db, ENGINE_DEFAULT_THRESHOLD, 0, 0);
    g_assert_true(match_reporter_poll(stopping, store_get_gallery_version(store)));
    match_reporter_free(stopping);
}

/* What the kiosk's main adds to every heartbeat: its latest report. */
static void on_heartbeat(ProtocolHeartbeat *hb, gpointer reporter)
{
    hb->match = match_reporter_get_latest(reporter);
}

/* Runs argv with `input` on its standard input; its standard output (asserts exit 0). */
static char *run_with_input(char **argv, const char *input)
{
    g_autoptr(GSubprocess) p = g_subprocess_newv((const char *const *)argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                 G_SUBPROCESS_FLAGS_STDOUT_PIPE, NULL);
    g_assert_nonnull(p);
    char *out = NULL;
    g_assert_true(g_subprocess_communicate_utf8(p, input, NULL, &out, NULL, NULL));
    g_assert_true(g_subprocess_get_successful(p));
    return out;
}

/* The day page as a district officer's browser gets it. */
static char *day_page(const char *spec, TuReceiver *r)
{
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-receiver", NULL);
    g_autofree char *db_arg = g_strdup_printf("--db=%s", spec);
    char *add[] = {exe, "viewer", "add", "district-officer", db_arg, NULL};
    g_free(run_with_input(add, "correct horse battery\n"));
    g_autofree char *url = g_strdup_printf("https://127.0.0.1:%d/day", r->port);
    char *curl[] = {"curl", "-sSL", "--cacert", tu_tls()->ca, "--user", "district-officer:correct horse battery",
                    url, NULL};
    return run_with_input(curl, NULL);
}

/* A kiosk with `n` enrolled fingers measures them, sends its heartbeat; what the centre shows. */
static Kiosk *kiosk_reporting(const char *name, const char *spec, TuReceiver *r, GBytes *const *prints, int n,
                              MatchReporter **reporter)
{
    Kiosk *k = kiosk_new(name, spec, r, NULL);
    for (int i = 0; i < n; i++)
        enroll(k->store, i + 1, prints[i]);
    *reporter = match_reporter_new(k->db, k->config->match_threshold, MATCH_REPORT_KIOSK_FINGERS, 3600);
    g_autoptr(MatchReport) m = report_of(*reporter, k->store);
    k->heartbeat = on_heartbeat;
    k->heartbeat_data = *reporter;
    kiosk_start_sync(k);
    g_autofree char *sql = g_strdup_printf("SELECT count(*) FROM devices WHERE id = '%s' AND heartbeat LIKE "
                                           "'%%\"match\":{\"fingers\":%d,%%'", k->device, n);
    wait_server(spec, sql, "1");
    return k;
}

static void test_centre_sees_report(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "match");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    MatchReporter *reporter;
    Kiosk *k = kiosk_reporting("scanner-ok", spec, r, good, 4, &reporter);

    g_autofree char *list = tu_receiver_run(spec, "device", "list", NULL);
    g_autofree char *expect = g_strdup_printf("%s ", k->device);
    const char *mine = strstr(list, expect);
    g_assert_nonnull(mine);
    g_assert_nonnull(strstr(mine, "    scanner: 4 fingers compared (0 poor); a finger's own touches score "));
    g_assert_nonnull(strstr(mine, "at threshold 6.0: false matches 0.00 %"));
    g_assert_null(strstr(list, "SCANNER WARNING"));
    g_autofree char *page = day_page(spec, r);
    g_autofree char *row = g_strdup_printf("<tr data-kiosk-scanner=\"%s\"><td colspan=4>scanner check: 4 fingers "
                                           "compared (0 poor)", k->device);
    g_assert_nonnull(strstr(page, row));

    kiosk_free(k);
    match_reporter_free(reporter);
    tu_receiver_kill(r);
}

static void test_centre_hears_warning(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "match_poor");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    MatchReporter *reporter;
    GBytes *prints[] = {poor, poor, good[0]};
    Kiosk *k = kiosk_reporting("scanner-poor", spec, r, prints, 3, &reporter);

    g_autofree char *list = tu_receiver_run(spec, "device", "list", NULL);
    g_assert_nonnull(strstr(list, "    scanner: 3 fingers compared (2 poor)"));
    g_assert_nonnull(strstr(list, "    SCANNER WARNING: most enrolled fingers score below the threshold against "
                                  "their own other touches"));
    /* In red on the day page: the row is marked and the warning flagged. */
    g_autofree char *page = day_page(spec, r);
    g_autofree char *row = g_strdup_printf("<tr class=missing data-kiosk-scanner=\"%s\"><td colspan=4><span "
                                           "class=flag>scanner: most enrolled fingers score below", k->device);
    g_assert_nonnull(strstr(page, row));

    kiosk_free(k);
    match_reporter_free(reporter);
    tu_receiver_kill(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    scan_prints();
    g_test_add_func("/match-report/reporter-off-the-loop-when-the-gallery-changes", test_reporter);
    g_test_add_data_func("/match-report/sqlite/centre-sees-the-scanner", "sqlite", test_centre_sees_report);
    g_test_add_data_func("/match-report/postgresql/centre-sees-the-scanner", "postgresql", test_centre_sees_report);
    g_test_add_data_func("/match-report/sqlite/poor-prints-warn-the-centre", "sqlite", test_centre_hears_warning);
    g_test_add_data_func("/match-report/postgresql/poor-prints-warn-the-centre", "postgresql",
                         test_centre_hears_warning);
    int rc = g_test_run();
    for (int f = 0; f < 4; f++)
        g_bytes_unref(good[f]);
    g_bytes_unref(poor);
    return rc;
}
