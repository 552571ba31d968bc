/* bench-core — the check-in core's figures, through the real virtual scanner and a real database file:
 *   enroll_ms              one finger, 5 touches, libfprint NBIS extraction included (median of 10)
 *   search_demo_ms         finger on the sensor → decision shown, at the demo's gallery (10 fingers)
 *   checkin_commit_p50_ms / checkin_commit_p99_ms
 *                          store_record_checkin() with its fsync, 2,000 check-ins on the build disk
 * Prints `bench: KEY VALUE UNIT` lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/checkin.h"
#include "tests/helpers.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(double *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

static Checkin *machine;
static gint64 finger_on_us, decided_us;
static gboolean decided;

static void on_event(const CheckinEvent *ev, gpointer data)
{
    (void)data;
    if (ev->state == CHECKIN_STATE_SEARCHING)
        finger_on_us = g_get_monotonic_time();
    if (ev->state == CHECKIN_STATE_RECORDED || ev->state == CHECKIN_STATE_ALREADY ||
        ev->state == CHECKIN_STATE_NOT_RECOGNISED) {
        decided_us = g_get_monotonic_time();
        decided = TRUE;
    }
}

int main(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
    g_log_set_handler(NULL, G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, g_log_default_handler, NULL);
    g_setenv("G_MESSAGES_DEBUG", "", TRUE);
    tu_use_virtual_scanner();
    /* The commit figure belongs to a real disk, so the database goes under build/, not /tmp. */
    const char *build = g_getenv("HAAZRI_BUILD") ? g_getenv("HAAZRI_BUILD") : "build";
    g_autofree char *dir = g_build_filename(build, "bench-core", NULL);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    g_mkdir_with_parents(dir, 0700);
    g_autofree char *conf = g_build_filename(dir, "haazri.conf", NULL);
    g_file_set_contents(conf, "[kiosk]\ndevice_id = bench\ndata_dir = .\n[checkin]\nresult_seconds = 1\n[leds]\nenabled = false\n", -1, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) config = config_load(conf, &error);
    g_assert_no_error(error);
    g_autofree char *db = config_get_db_path(config);
    g_autoptr(Store) store = store_open(db, &error);
    g_assert_no_error(error);

    ScannerCallbacks forward = checkin_scanner_callbacks();
    g_autoptr(Scanner) scanner = tu_scanner_new(&forward, &machine);
    double enroll[10];
    for (int f = 101; f <= 110; f++) {
        gint64 pid = tu_add_probationer(store, f, "Bench Person", NULL);
        char *images[5];
        for (int i = 0; i < 5; i++)
            images[i] = tu_fvc(f, i + 1);
        gint64 t0 = g_get_monotonic_time();
        tu_enroll(scanner, store, pid, "right-index", images);
        enroll[f - 101] = (g_get_monotonic_time() - t0) / 1000.0;
        for (int i = 0; i < 5; i++)
            g_free(images[i]);
    }
    printf("bench: enroll_ms %.1f ms\n", percentile(enroll, 10, 0.5));

    g_autoptr(Search) search = search_new(config->search, &error);
    search_load(search, store, NULL, &error);
    machine = checkin_new(config, store, scanner, search);
    checkin_subscribe(machine, on_event, NULL);
    checkin_start(machine);
    double touch[30];
    int n = 0;
    for (int f = 101; f <= 110; f++) {
        for (int imp = 6; imp <= 8; imp++) {
            g_autofree char *png = tu_fvc(f, imp);
            decided = FALSE;
            tu_hand_queue(png);
            if (!tu_run_until(&decided, 20000))
                return 1;
            touch[n++] = (decided_us - finger_on_us) / 1000.0;
        }
    }
    fprintf(stderr, "search_demo_ms: median of %d touches, %u fingers enrolled, search backend %s\n", n,
            search_get_size(search), search_get_backend(search));
    printf("bench: search_demo_ms %.1f ms\n", percentile(touch, n, 0.5));
    g_clear_pointer(&machine, checkin_free);

    enum { COMMITS = 2000 };
    static double commit[COMMITS];
    for (int i = 0; i < COMMITS; i++) {
        StoreCheckin c = {.probationer_id = 1 + i % 10, .method = CHECKIN_BY_FINGER, .score = -1,
                          .device_id = "bench", .duplicate_window_min = 0};
        if (!store_record_checkin(store, &c, &error))
            return 1;
        commit[i] = c.commit_us / 1000.0;
    }
    printf("bench: checkin_commit_p50_ms %.2f ms\n", percentile(commit, COMMITS, 0.5));
    fprintf(stderr, "checkin_commit: %d durable commits (fsync each) on %s\n", COMMITS, dir);
    printf("bench: checkin_commit_p99_ms %.2f ms\n", percentile(commit, COMMITS, 0.99));
    return 0;
}
