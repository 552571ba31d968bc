/* test-roster — the officer's day: due people present, late, still expected or missing, and those
 * who came without being due; the next reporting date. */
#include <string.h>

#include "app/roster.h"
#include "app/clock-testing.h" /* check-ins recorded at chosen times of day */
#include "app/clock.h"
#include "tests/helpers.h"

static Store *store;

static void checkin_at(gint64 pid, const char *wall)
{
    StoreCheckin c = {.probationer_id = pid, .method = CHECKIN_BY_FINGER, .score = -1, .device_id = "t",
                      .duplicate_window_min = 1};
    g_autoptr(GError) error = NULL;
    g_autoptr(GDateTime) at = g_date_time_new_from_iso8601(wall, NULL);
    clock_freeze(at);
    g_assert_true(store_record_checkin(store, &c, &error));
    g_assert_cmpstr(c.wall_time, ==, wall);
}

static RosterRow *find(GPtrArray *rows, const char *case_number)
{
    for (guint i = 0; i < rows->len; i++)
        if (strcmp(((RosterRow *)rows->pdata[i])->case_number, case_number) == 0)
            return rows->pdata[i];
    return NULL;
}

static void test_day(void)
{
    g_autoptr(GError) error = NULL;
    gint64 on_time = tu_add_probationer(store, 1, "On Time", NULL);
    gint64 late = tu_add_probationer(store, 2, "Came Late", NULL);
    tu_add_probationer(store, 3, "Not Yet", NULL);
    tu_add_probationer(store, 4, "Never Came", NULL);
    gint64 extra = tu_add_probationer(store, 5, "Not Due", NULL);
    tu_add_probationer(store, 6, "Other Day", NULL);
    /* 2026-11-24 is a Tuesday. */
    g_assert_true(roster_set_schedule(store, "TEST-1", "weekly:tue", "2026-11-01", NULL, "12:00", "t", &error));
    g_assert_true(roster_set_schedule(store, "TEST-2", "weekly:tue", "2026-11-01", NULL, "12:00", "t", &error));
    g_assert_true(roster_set_schedule(store, "TEST-3", "every:7", "2026-11-03", NULL, "16:00", "t", &error));
    g_assert_true(roster_set_schedule(store, "TEST-4", "weekly:mon,tue", "2026-11-01", NULL, "11:00", "t", &error));
    g_assert_true(roster_set_schedule(store, "TEST-6", "weekly:wed", "2026-11-01", NULL, NULL, "t", &error));
    g_assert_false(roster_set_schedule(store, "TEST-1", "weekly:tuesday", "2026-11-01", NULL, NULL, "t", &error));
    g_clear_error(&error);
    checkin_at(on_time, "2026-11-24T09:10:00+05:00");
    checkin_at(late, "2026-11-24T13:45:00+05:00");
    checkin_at(extra, "2026-11-24T10:00:00+05:00");

    g_autoptr(GTimeZone) pk = g_time_zone_new_identifier("+05:00");
    g_autoptr(GDateTime) at_two = g_date_time_new(pk, 2026, 11, 24, 14, 0, 0);
    RosterCounts n;
    g_autoptr(GPtrArray) rows = roster_for_day(store, "2026-11-24", at_two, &n, &error);
    g_assert_no_error(error);
    g_assert_cmpint(n.due, ==, 4);
    g_assert_cmpint(n.present, ==, 1);
    g_assert_cmpint(n.late, ==, 1);
    g_assert_cmpint(n.expected, ==, 1);
    g_assert_cmpint(n.missing, ==, 1);
    g_assert_cmpint(n.unscheduled, ==, 1);
    g_assert_cmpuint(rows->len, ==, 5); /* TEST-6 is due on Wednesdays and did not come: not listed */
    g_assert_cmpstr(((RosterRow *)rows->pdata[0])->case_number, ==, "TEST-4"); /* missing comes first */
    g_assert_cmpint(find(rows, "TEST-2")->status, ==, ROSTER_LATE);
    g_assert_cmpstr(find(rows, "TEST-2")->checked_in_at, ==, "2026-11-24T13:45:00+05:00");
    g_assert_cmpint(find(rows, "TEST-3")->status, ==, ROSTER_EXPECTED);
    g_assert_cmpint(find(rows, "TEST-5")->status, ==, ROSTER_UNSCHEDULED);

    /* After 16:00 the one still expected is missing too. */
    g_autoptr(GDateTime) evening = g_date_time_new(pk, 2026, 11, 24, 17, 0, 0);
    g_autoptr(GPtrArray) later = roster_for_day(store, "2026-11-24", evening, &n, &error);
    g_assert_cmpint(n.missing, ==, 2);
    g_assert_cmpint(n.expected, ==, 0);

    GDate from, got;
    g_date_set_dmy(&from, 25, 11, 2026);
    g_assert_true(roster_next_due(store, late, &from, &got));
    g_autofree char *next = schedule_format_date(&got);
    g_assert_cmpstr(next, ==, "2026-12-01");
    g_assert_false(roster_next_due(store, extra, &from, &got)); /* no schedule: not known */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *path = g_build_filename(tu_tmpdir(), "roster.db", NULL);
    g_autoptr(GError) error = NULL;
    store = store_open(path, &error);
    g_assert_no_error(error);
    g_test_add_func("/roster/day", test_day);
    int rc = g_test_run();
    store_close(store);
    return rc;
}
