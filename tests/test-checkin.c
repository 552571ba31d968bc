/* test-checkin — the check-in machine end to end, through libfprint's real virtual_image scanner
 * (NBIS extraction, bozorth3 matching) and a real SQLite file: what a probationer at the kiosk sees. */
#include <sqlite3.h>
#include <string.h>

#include "app/checkin.h"
#include "app/clock-testing.h"
#include "app/clock.h"
#include "app/roster.h"
#include "tests/helpers.h"

static Config *config;
static Store *store;
static Scanner *scanner;
static Search *search;
static Checkin *machine;
static char *db_path;

/* The last result the machine announced, as a person would have seen it. */
static struct {
    gboolean arrived;
    CheckinState state;
    char case_number[32];
    char wall_time[40], earlier_time[40];
    char reason[200];
    char next_due[11];
    gboolean offer_case_number;
    gboolean row_on_disk; /* the row was readable from another connection when announced */
} seen;
static gboolean scanner_back;
static gboolean asked_for_case_finger; /* a case-entry prompt was shown */

static gboolean is_result(CheckinState s)
{
    return s != CHECKIN_STATE_WAITING && s != CHECKIN_STATE_SEARCHING && s != CHECKIN_STATE_IDLE &&
           s != CHECKIN_STATE_CASE_ENTRY;
}

static void on_event(const CheckinEvent *ev, gpointer data)
{
    (void)data;
    if (ev->state == CHECKIN_STATE_WAITING && seen.state == CHECKIN_STATE_SCANNER_PROBLEM)
        scanner_back = TRUE;
    if (ev->state == CHECKIN_STATE_CASE_ENTRY)
        asked_for_case_finger = TRUE;
    if (!is_result(ev->state))
        return;
    memset(&seen, 0, sizeof seen);
    seen.arrived = TRUE;
    seen.state = ev->state;
    if (ev->who)
        g_strlcpy(seen.case_number, ev->who->case_number, sizeof seen.case_number);
    if (ev->checkin) {
        g_strlcpy(seen.wall_time, ev->checkin->wall_time, sizeof seen.wall_time);
        g_strlcpy(seen.earlier_time, ev->checkin->earlier_time, sizeof seen.earlier_time);
        seen.row_on_disk = tu_checkin_committed(db_path, ev->checkin->uuid);
    }
    g_strlcpy(seen.reason, ev->reason ? ev->reason : "", sizeof seen.reason);
    g_strlcpy(seen.next_due, ev->next_due ? ev->next_due : "", sizeof seen.next_due);
    seen.offer_case_number = ev->offer_case_number;
}

/* Places a finger and waits for what the screen would show. */
static CheckinState touch(const char *png)
{
    seen.arrived = FALSE;
    tu_hand_queue(png);
    g_assert_true(tu_run_until(&seen.arrived, 20000));
    return seen.state;
}

static void test_fvc_search(void)
{
    int found = 0, missed = 0, wrong = 0;
    for (int f = 101; f <= 110; f++) {
        g_autofree char *expected = g_strdup_printf("TEST-%d", f);
        char first_time[40] = "";
        for (int imp = 6; imp <= 8; imp++) {
            g_autofree char *png = tu_fvc(f, imp);
            CheckinState st = touch(png);
            if (st == CHECKIN_STATE_NOT_RECOGNISED) {
                missed++;
                continue;
            }
            g_assert_true(st == CHECKIN_STATE_RECORDED || st == CHECKIN_STATE_ALREADY);
            g_assert_true(seen.row_on_disk);
            if (strcmp(seen.case_number, expected) != 0) {
                wrong++;
                continue;
            }
            found++;
            /* Counted once a day: the first recognised touch records, later ones say "already",
             * naming the time of the first. */
            if (!*first_time) {
                g_assert_cmpint(st, ==, CHECKIN_STATE_RECORDED);
                /* TEST-101 reports every day: the screen can tell them tomorrow's date. */
                g_autoptr(GDateTime) now = clock_now();
                g_autoptr(GDateTime) tomorrow = g_date_time_add_days(now, 1);
                g_autofree char *expect = g_date_time_format(tomorrow, "%Y-%m-%d");
                g_assert_cmpstr(seen.next_due, ==, f == 101 ? expect : "");
                g_strlcpy(first_time, seen.wall_time, sizeof first_time);
            } else {
                g_assert_cmpint(st, ==, CHECKIN_STATE_ALREADY);
                g_assert_cmpstr(seen.earlier_time, ==, first_time);
            }
        }
    }
    g_test_message("FVC2002 DB2_B impressions 6-8 against 1-5: %d found, %d not found, %d wrong", found, missed, wrong);
    g_assert_cmpint(found, >=, 29);
    g_assert_cmpint(wrong, ==, 0);

    g_autoptr(GError) error = NULL;
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
    g_autoptr(GPtrArray) rows = store_list_checkins(store, today, &error);
    g_assert_no_error(error);
    int recorded = 0;
    for (guint i = 0; i < rows->len; i++)
        recorded += ((StoreCheckinRow *)g_ptr_array_index(rows, i))->result == CHECKIN_RECORDED;
    g_assert_cmpint(recorded, ==, 10); /* one attendance per person per day */
}

static void test_unknown_finger(void)
{
    const char *names[] = {"arch", "loop-right", "tented_arch", "whorl"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *rel = g_strdup_printf("nist/%s.png", names[i]);
        g_autofree char *png = tu_data(rel);
        g_assert_cmpint(touch(png), ==, CHECKIN_STATE_NOT_RECOGNISED);
        g_assert_cmpstr(seen.case_number, ==, "");
        g_assert_true(seen.row_on_disk); /* the attempt is kept too */
    }
    /* After attempts_before_fallback (3) failures in a row, the case number is offered. */
    g_assert_true(seen.offer_case_number);
}

static void test_case_number(void)
{
    g_autofree char *right = tu_fvc(103, 6);
    g_autofree char *other = tu_fvc(104, 6);
    asked_for_case_finger = FALSE;
    checkin_enter_case_number(machine, "TEST-103"); /* typed while the scanner listens for anyone */
    g_assert_cmpint(touch(right), ==, CHECKIN_STATE_ALREADY);
    g_assert_cmpstr(seen.case_number, ==, "TEST-103");
    g_assert_true(asked_for_case_finger); /* the screen asked for that person's finger */

    checkin_enter_case_number(machine, "TEST-103");
    g_assert_cmpint(touch(other), ==, CHECKIN_STATE_NOT_RECOGNISED);
    g_assert_nonnull(strstr(seen.reason, "does not match that case number"));

    /* An unclear touch keeps the case number: the same person's finger is asked for again. */
    checkin_enter_case_number(machine, "TEST-103");
    seen.arrived = FALSE;
    tu_hand_queue_retry(FP_DEVICE_RETRY_REMOVE_FINGER);
    g_assert_true(tu_run_until(&seen.arrived, 10000));
    g_assert_cmpint(seen.state, ==, CHECKIN_STATE_RETRY);
    asked_for_case_finger = FALSE;
    g_assert_cmpint(touch(right), ==, CHECKIN_STATE_ALREADY);
    g_assert_true(asked_for_case_finger);
    g_assert_cmpstr(seen.case_number, ==, "TEST-103");

    seen.arrived = FALSE;
    checkin_enter_case_number(machine, "NO-SUCH-CASE");
    g_assert_true(seen.arrived);
    g_assert_cmpint(seen.state, ==, CHECKIN_STATE_NOT_RECOGNISED);
    g_assert_nonnull(strstr(seen.reason, "case number"));
}

static void test_retry_reason(void)
{
    seen.arrived = FALSE;
    tu_hand_queue_retry(FP_DEVICE_RETRY_CENTER_FINGER);
    g_assert_true(tu_run_until(&seen.arrived, 10000));
    g_assert_cmpint(seen.state, ==, CHECKIN_STATE_RETRY);
    g_assert_nonnull(strstr(seen.reason, "middle"));
}

static void test_unplug_mid_scan(void)
{
    seen.arrived = FALSE;
    scanner_back = FALSE;
    tu_hand_queue_unplug();
    g_assert_true(tu_run_until(&seen.arrived, 10000));
    g_assert_cmpint(seen.state, ==, CHECKIN_STATE_SCANNER_PROBLEM);
    g_assert_nonnull(strstr(seen.reason, "not connected"));
    /* The driver keeps looking; the virtual scanner comes back on the next scan of devices. */
    g_assert_true(tu_run_until(&scanner_back, 15000));
    g_autofree char *png = tu_fvc(105, 7);
    g_assert_cmpint(touch(png), ==, CHECKIN_STATE_ALREADY);
    g_assert_cmpstr(seen.case_number, ==, "TEST-105");
}

/* An officer deactivates someone from haazri-ctl (another process, another connection) while the
 * kiosk runs: their finger stops being recognised at the kiosk's next gallery poll; enrolling again
 * brings them back. */
static void test_deactivation_reaches_kiosk(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) other = store_open(db_path, &error);
    g_assert_no_error(error);
    StoreProbationer p = {0};
    g_assert_true(store_find_probationer(other, "TEST-110", &p, &error));
    g_assert_true(store_set_probationer_active(other, p.id, FALSE, &error));
    g_assert_true(search_reload_if_changed(search, store, &error)); /* what the kiosk's 3 s poll calls */
    g_assert_false(search_reload_if_changed(search, store, &error)); /* nothing new since */
    g_assert_cmpuint(search_get_size(search), ==, 9);
    g_autofree char *png = tu_fvc(110, 8);
    g_assert_cmpint(touch(png), ==, CHECKIN_STATE_NOT_RECOGNISED);
    g_assert_true(store_set_probationer_active(other, p.id, TRUE, &error));
    g_assert_true(search_reload_if_changed(search, store, &error));
    g_assert_cmpint(touch(png), ==, CHECKIN_STATE_ALREADY);
    g_assert_cmpstr(seen.case_number, ==, "TEST-110");
    store_probationer_clear(&p);
}

/* libfprint's heat model needs ~3 minutes of activity to trip, so this drives the machine through the
 * same report the scanner driver makes when libfprint says HOT, then cool again. */
static void test_resting_when_hot(void)
{
    seen.arrived = FALSE;
    checkin_on_scanner_state(machine, SCANNER_HOT, "test");
    g_assert_true(seen.arrived);
    g_assert_cmpint(seen.state, ==, CHECKIN_STATE_RESTING);
    g_assert_nonnull(strstr(seen.reason, "resting"));
    /* While resting, a touch does not start a scan. */
    checkin_tap(machine);
    g_assert_cmpint(checkin_get_state(machine), ==, CHECKIN_STATE_RESTING);
    scanner_back = FALSE;
    seen.state = CHECKIN_STATE_SCANNER_PROBLEM; /* so the next "waiting" counts as back */
    checkin_on_scanner_state(machine, SCANNER_READY, "test");
    g_assert_true(tu_run_until(&scanner_back, 5000));
    g_autofree char *png = tu_fvc(106, 7);
    g_assert_cmpint(touch(png), ==, CHECKIN_STATE_ALREADY);
    g_assert_cmpstr(seen.case_number, ==, "TEST-106");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* A leap day at the office, so "tomorrow" is 1 March, whatever today is (app/clock.h). */
    g_autoptr(GDateTime) leap_day = g_date_time_new(clock_get_zone(), 2028, 2, 29, 10, 0, 0);
    clock_freeze(leap_day);
    tu_use_virtual_scanner();
    config = tu_kiosk_config("[kiosk]\ndevice_id = test-kiosk\noffice = Test Office\ndata_dir = data\n"
                             "[checkin]\nresult_seconds = 1\n[scanner]\nrest_seconds = 1\n"
                             /* libfprint's identify, explicitly: the engine is the default and
                              * test-engine drives the kiosk with it */
                             "[match]\nsearch = libfprint\n",
                             &db_path, &store);
    g_autoptr(GError) error = NULL;

    ScannerCallbacks forward = checkin_scanner_callbacks();
    scanner = tu_scanner_new(&forward, &machine);
    /* Fingers 101-110 enrolled from impressions 1-5, as an officer would. */
    for (int f = 101; f <= 110; f++) {
        gint64 pid = tu_add_probationer(store, f, "Test Person", "ٹیسٹ");
        tu_enroll_fvc(scanner, store, pid, f);
    }
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
    g_assert_true(roster_set_schedule(store, "TEST-101", "every:1", today, NULL, NULL, "test", &error));
    search = search_new(config->search, &error);
    g_assert_true(search_load(search, store, NULL, &error));
    g_assert_cmpuint(search_get_size(search), ==, 10);

    machine = checkin_new(config, store, scanner, search);
    checkin_subscribe(machine, on_event, NULL);
    checkin_start(machine);

    g_test_add_func("/checkin/fvc-search-and-duplicate-window", test_fvc_search);
    g_test_add_func("/checkin/unknown-finger", test_unknown_finger);
    g_test_add_func("/checkin/case-number-fallback", test_case_number);
    g_test_add_func("/checkin/retry-reason", test_retry_reason);
    g_test_add_func("/checkin/unplug-mid-scan-and-recover", test_unplug_mid_scan);
    g_test_add_func("/checkin/resting-when-hot", test_resting_when_hot);
    g_test_add_func("/checkin/deactivation-reaches-kiosk", test_deactivation_reaches_kiosk);
    int rc = g_test_run();

    checkin_free(machine);
    search_free(search);
    scanner_free(scanner);
    store_close(store);
    config_free(config);
    g_free(db_path);
    return rc;
}
