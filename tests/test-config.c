/* test-config — what an installer sees when haazri.conf is right, wrong, or incomplete. */
#include <string.h>

#include "app/clock-testing.h"
#include "app/clock.h"
#include "app/config.h"
#include "tests/helpers.h"

static char *write_conf(const char *name, const char *text)
{
    char *path = g_build_filename(tu_tmpdir(), name, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static void test_defaults(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) c = config_load(NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(c->data_dir, ==, "/var/lib/haazri");
    g_assert_cmpint(c->capture, ==, CAPTURE_CONTINUOUS);
    g_assert_cmpint(c->duplicate_window_min, ==, 0);
    g_assert_cmpstr(c->search, ==, "engine");
    g_assert_cmpint(c->listen_s, <, c->rest_s); /* keeps libfprint's heat model cool, see haazri.conf */
}

static void test_shipped_file_loads(void)
{
    /* config/haazri.conf documents every key with its default: loading it changes nothing. */
    g_autofree char *shipped = g_build_filename(g_getenv("HAAZRI_TESTDATA") ? g_getenv("HAAZRI_TESTDATA") : "tests/data",
                                                "..", "..", "config", "haazri.conf", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) c = config_load(shipped, &error);
    g_assert_no_error(error);
    g_autoptr(Config) d = config_load(NULL, &error);
    g_assert_cmpint(c->listen_s, ==, d->listen_s);
    g_assert_cmpint(c->rest_s, ==, d->rest_s);
    g_assert_cmpint(c->tap_window_s, ==, d->tap_window_s);
    g_assert_cmpint(c->result_s, ==, d->result_s);
    g_assert_cmpint(c->capture, ==, d->capture);
    g_assert_cmpint(c->duplicate_window_min, ==, d->duplicate_window_min);
    g_assert_cmpint(c->attempts_before_fallback, ==, d->attempts_before_fallback);
    g_assert_cmpstr(c->search, ==, d->search);
    g_assert_cmpfloat(c->match_threshold, ==, d->match_threshold);
    g_assert_cmpfloat(c->match_margin, ==, d->match_margin);
    g_assert_cmpstr(c->office, ==, d->office);
}

static void test_values_and_relative_data_dir(void)
{
    g_autofree char *path = write_conf("good.conf",
                                       "[kiosk]\ndevice_id = lhr-01\noffice = Lahore\ndata_dir = var\n"
                                       "[scanner]\ncapture = tap\ntap_window_seconds = 30\n"
                                       "[checkin]\nduplicate_window = 90\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) c = config_load(path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(c->device_id, ==, "lhr-01");
    g_assert_cmpint(c->capture, ==, CAPTURE_TAP);
    g_assert_cmpint(c->tap_window_s, ==, 30);
    g_assert_cmpint(c->duplicate_window_min, ==, 90);
    g_autofree char *expect = g_build_filename(tu_tmpdir(), "var", NULL);
    g_assert_cmpstr(c->data_dir, ==, expect);
}

/* A bad value names file, group, key, value and what was expected. */
static void expect_bad(const char *text, const char *group_key, const char *value, const char *expected)
{
    g_autofree char *path = write_conf("bad.conf", text);
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) c = config_load(path, &error);
    g_assert_null(c);
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, group_key));
    g_assert_nonnull(strstr(error->message, value));
    g_assert_nonnull(strstr(error->message, expected));
}

static void test_bad_values(void)
{
    expect_bad("[checkin]\nduplicate_window = tomorrow\n", "[checkin] duplicate_window", "tomorrow", "\"day\" or a number of minutes");
    expect_bad("[match]\nsearch = fast\n", "[match] search", "fast", "\"libfprint\" or \"engine\"");
    expect_bad("[match]\nthreshold = high\n", "[match] threshold", "high", "a number from 1 to 1000");
    expect_bad("[match]\nmargin = -2\n", "[match] margin", "-2", "a number from 0 to 12");
    expect_bad("[match]\nfalse_match_rate = 0.5\n", "[match] false_match_rate", "0.5", "a number from 1e-12 to 0.01");
    expect_bad("[match]\nfalse_match_rate = often\n", "[match] false_match_rate", "often", "a number from 1e-12");
    expect_bad("[scanner]\ncapture = always\n", "[scanner] capture", "always", "\"continuous\" or \"tap\"");
    expect_bad("[scanner]\nlisten_seconds = 2\n", "[scanner] listen_seconds", "2", "from 5 to 3600");
    expect_bad("[checkin]\nresult_seconds = five\n", "[checkin] result_seconds", "five", "whole number");
    expect_bad("[kiosk]\ndevice_id = lahore office 1\n", "[kiosk] device_id", "lahore office 1", "letters, digits");
    expect_bad("[match]\nsearch = magic\n", "[match] search", "magic", "libfprint");
    expect_bad("[kiosk]\ntimezone = PKT+5\n", "[kiosk] timezone", "PKT+5", "a UTC offset such as +05:00");
}

/* 19:30 UTC on 23 November is already the 24th at the office (+05:00 by default), whatever the
 * machine's TZ says; [kiosk] timezone moves the office's day. */
static void test_office_time_zone(void)
{
    g_autoptr(GDateTime) instant = g_date_time_new_utc(2026, 11, 23, 19, 30, 0);
    clock_freeze(instant);
    g_setenv("TZ", "America/New_York", TRUE);
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) d = config_load(NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(d->timezone, ==, "+05:00");
    g_autofree char *pk_day = clock_today();
    g_assert_cmpstr(pk_day, ==, "2026-11-24");
    g_autoptr(GDateTime) pk_now = clock_now();
    g_autofree char *pk_time = g_date_time_format(pk_now, "%H:%M %:z");
    g_assert_cmpstr(pk_time, ==, "00:30 +05:00");

    g_autofree char *path = write_conf("zone.conf", "[kiosk]\ntimezone = -03:00\n");
    g_autoptr(Config) c = config_load(path, &error);
    g_assert_no_error(error);
    g_autofree char *other_day = clock_today();
    g_assert_cmpstr(other_day, ==, "2026-11-23");
    g_autoptr(Config) back = config_load(NULL, &error); /* the default again, for the tests after */
    clock_thaw();
}

static void test_unreadable_file(void)
{
    g_autofree char *path = write_conf("broken.conf", "[kiosk\ndevice_id = x\n");
    g_autoptr(GError) error = NULL;
    g_assert_null(config_load(path, &error));
    g_assert_nonnull(strstr(error->message, path));
    g_clear_error(&error);
    g_assert_null(config_load("/nonexistent/haazri.conf", &error));
    g_assert_nonnull(strstr(error->message, "/nonexistent/haazri.conf"));
}

static void test_unknown_key_warns(void)
{
    g_autofree char *path = write_conf("unknown.conf", "[kiosk]\nofice = typo\n[colours]\nx = 1\n");
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*unknown key [kiosk] ofice*");
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*unknown group [colours]*");
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) c = config_load(path, &error);
    g_test_assert_expected_messages();
    g_assert_no_error(error);
    g_assert_nonnull(c); /* a warning, not a stop */
}

/* The threshold is a false-match rate; an old point threshold still loads, with a warning that it is
 * no longer what decides. */
static void test_false_match_rate(void)
{
    g_autofree char *path = write_conf("fmr.conf", "[match]\nfalse_match_rate = 1e-8\nmargin = 2\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(Config) c = config_load(path, &error);
    g_assert_no_error(error);
    g_assert_cmpfloat_with_epsilon(c->match_threshold, 8, 1e-9);
    g_assert_cmpfloat(c->match_margin, ==, 2);
    g_autoptr(Config) d = config_load(NULL, &error);
    g_assert_cmpfloat_with_epsilon(d->match_threshold, 6, 1e-9); /* 1e-6 */

    g_autofree char *old = write_conf("old.conf", "[match]\nthreshold = 20\n");
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*[match] threshold = 20 is the old point score*false_match_rate*");
    g_autoptr(Config) o = config_load(old, &error);
    g_test_assert_expected_messages();
    g_assert_no_error(error);
    g_assert_cmpfloat_with_epsilon(o->match_threshold, 6, 1e-9);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/config/defaults", test_defaults);
    g_test_add_func("/config/shipped-file-documents-defaults", test_shipped_file_loads);
    g_test_add_func("/config/values-and-relative-data-dir", test_values_and_relative_data_dir);
    g_test_add_func("/config/bad-values-named", test_bad_values);
    g_test_add_func("/config/office-time-zone", test_office_time_zone);
    g_test_add_func("/config/unreadable-file", test_unreadable_file);
    g_test_add_func("/config/unknown-key-warns", test_unknown_key_warns);
    g_test_add_func("/config/false-match-rate", test_false_match_rate);
    return g_test_run();
}
