/* test-health — the disk watch: low below the warning level, an error naming a missing folder. */
#include <string.h>

#include "app/health.h"
#include "tests/helpers.h"

static void test_levels(void)
{
    HealthDisk d;
    g_autoptr(GError) error = NULL;
    g_assert_true(health_check_disk(tu_tmpdir(), 0, &d, &error));
    g_assert_false(d.low);
    g_assert_cmpuint(d.total_bytes, >, 0);
    g_assert_cmpuint(d.free_bytes, <=, d.total_bytes);
    g_assert_true(health_check_disk(tu_tmpdir(), d.total_bytes + 1, &d, &error));
    g_assert_true(d.low);
}

static void test_missing_folder(void)
{
    HealthDisk d;
    g_autoptr(GError) error = NULL;
    g_assert_false(health_check_disk("/nonexistent/haazri", 1, &d, &error));
    g_assert_nonnull(strstr(error->message, "/nonexistent/haazri"));
}

static int calls;
static void on_change(const HealthDisk *disk, gpointer data)
{
    (void)data;
    g_assert_true(disk->low);
    calls++;
}

static void test_reports_low_at_start(void)
{
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "disk almost full*");
    g_autoptr(Health) h = health_new(tu_tmpdir(), G_MAXUINT / 2, 60, on_change, NULL);
    g_test_assert_expected_messages();
    g_assert_cmpint(calls, ==, 1);
    g_assert_true(health_get_disk(h)->low);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/health/levels", test_levels);
    g_test_add_func("/health/missing-folder", test_missing_folder);
    g_test_add_func("/health/reports-low-at-start", test_reports_low_at_start);
    return g_test_run();
}
