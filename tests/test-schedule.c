/* test-schedule — reporting rules as an officer writes them, and the days they make due. */
#include <string.h>

#include "app/schedule.h"

static Schedule parse(const char *rule, const char *starts, const char *ends, const char *by)
{
    Schedule s;
    g_autoptr(GError) error = NULL;
    g_assert_true(schedule_parse(rule, starts, ends, by, &s, &error));
    g_assert_no_error(error);
    return s;
}

static gboolean due(const Schedule *s, const char *day)
{
    GDate d;
    g_assert_true(schedule_parse_date(day, &d));
    return schedule_is_due(s, &d);
}

static char *next(const Schedule *s, const char *from)
{
    GDate d, out;
    g_assert_true(schedule_parse_date(from, &d));
    return schedule_next_due(s, &d, &out) ? schedule_format_date(&out) : NULL;
}

static void test_weekly(void)
{
    Schedule s = parse("weekly:tue,FRI", "2026-11-01", NULL, "12:00");
    g_assert_true(due(&s, "2026-11-24"));  /* a Tuesday */
    g_assert_true(due(&s, "2026-11-27"));  /* a Friday */
    g_assert_false(due(&s, "2026-11-23")); /* a Monday */
    g_assert_false(due(&s, "2026-10-27")); /* a Tuesday before the order started */
    g_assert_cmpint(s.due_by_min, ==, 12 * 60);
    g_autofree char *n = next(&s, "2026-11-25");
    g_assert_cmpstr(n, ==, "2026-11-27");
}

static void test_every_and_monthly(void)
{
    Schedule f = parse("every:14", "2026-11-02", "2026-12-31", NULL);
    g_assert_true(due(&f, "2026-11-02"));
    g_assert_true(due(&f, "2026-11-16"));
    g_assert_false(due(&f, "2026-11-09"));
    g_assert_cmpint(f.due_by_min, ==, -1);
    g_autofree char *last = next(&f, "2026-12-29");
    g_assert_null(last); /* the next would be 2027-01-11, after supervision ends */
    Schedule m = parse("monthly:31", "2026-01-01", NULL, NULL);
    g_assert_true(due(&m, "2026-02-28")); /* the last day of a shorter month */
    g_assert_true(due(&m, "2026-03-31"));
    g_assert_false(due(&m, "2026-03-30"));
}

/* Calendar edges: a year's end, leap and common Februaries, the last day of an order (--until). */
static void test_calendar_edges(void)
{
    Schedule w = parse("weekly:tue,fri", "2026-11-01", NULL, NULL);
    g_autofree char *new_year = next(&w, "2026-12-30");
    g_assert_cmpstr(new_year, ==, "2027-01-01"); /* a Friday */
    Schedule m = parse("monthly:30", "2026-01-01", NULL, NULL);
    g_autofree char *jan = next(&m, "2026-12-31");
    g_assert_cmpstr(jan, ==, "2027-01-30");
    g_autofree char *leap = next(&m, "2028-02-01");
    g_assert_cmpstr(leap, ==, "2028-02-29");
    g_autofree char *common = next(&m, "2027-02-01");
    g_assert_cmpstr(common, ==, "2027-02-28");
    Schedule d = parse("every:1", "2028-02-28", NULL, NULL);
    g_assert_true(due(&d, "2028-02-29"));
    g_autofree char *after_leap = next(&d, "2028-02-29");
    g_assert_cmpstr(after_leap, ==, "2028-02-29");
    /* --until is the last day the order runs: due on it, never after it. */
    Schedule u = parse("every:14", "2026-11-02", "2026-12-28", NULL);
    g_assert_true(due(&u, "2026-12-28"));
    g_assert_false(due(&u, "2027-01-11"));
    g_autofree char *on_last = next(&u, "2026-12-15");
    g_assert_cmpstr(on_last, ==, "2026-12-28");
    g_autofree char *none = next(&u, "2026-12-29");
    g_assert_null(none);
}

static void expect_bad(const char *rule, const char *starts, const char *ends, const char *by, const char *words)
{
    Schedule s;
    g_autoptr(GError) error = NULL;
    g_assert_false(schedule_parse(rule, starts, ends, by, &s, &error));
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, words));
}

static void test_bad_input(void)
{
    expect_bad("weekly:someday", "2026-01-01", NULL, NULL, "expected weekly:DAY");
    expect_bad("daily", "2026-01-01", NULL, NULL, "reporting rule \"daily\"");
    expect_bad("every:0", "2026-01-01", NULL, NULL, "every:N");
    expect_bad("monthly:32", "2026-01-01", NULL, NULL, "monthly:D (1-31)");
    expect_bad("weekly:mon", "2026-02-30", NULL, NULL, "start date \"2026-02-30\"");
    expect_bad("weekly:mon", "2026-03-01", "2026-02-01", NULL, "on or after the start date");
    expect_bad("weekly:mon", "2026-03-01", NULL, "25:00", "HH:MM");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/schedule/weekly", test_weekly);
    g_test_add_func("/schedule/every-and-monthly", test_every_and_monthly);
    g_test_add_func("/schedule/calendar-edges", test_calendar_edges);
    g_test_add_func("/schedule/bad-input", test_bad_input);
    return g_test_run();
}
