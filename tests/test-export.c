/* test-export — the kiosk's CSV export as someone hostile would meet it: a name written to be run
 * by a spreadsheet, and a link planted at the export's predictable temporary name (issue 22.7). */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "app/clock.h"
#include "app/export.h"
#include "tests/helpers.h"

static Store *store_with_checkin(const char *dir, const char *name_en, const char *name_ur)
{
    g_autofree char *path = g_build_filename(dir, "haazri.db", NULL);
    g_autoptr(GError) error = NULL;
    Store *s = store_open(path, &error);
    g_assert_no_error(error);
    gint64 who = tu_add_probationer(s, 1, name_en, name_ur);
    StoreCheckin c = {.probationer_id = who, .method = CHECKIN_BY_FINGER, .score = 42, .device_id = "k1"};
    g_assert_true(store_record_checkin(s, &c, &error));
    g_assert_no_error(error);
    return s;
}

static char *today(void)
{
    return clock_today(); /* the day the store files a check-in under */
}

/* The same rules as the receiver's exporter: one function writes both. */
static void test_cells(void)
{
    struct { const char *in, *out; } cases[] = {
        {"Ali Raza", "Ali Raza"},
        {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        {"=1+2", "\"'=1+2\""},
        {"+92 300", "\"'+92 300\""},
        {"-cmd|' /C calc'!A0", "\"'-cmd|' /C calc'!A0\""},
        {"@SUM(A1)", "\"'@SUM(A1)\""},
        {"\tTAB", "\"'\tTAB\""},
        {"\r=1", "\"'\r=1\""},
        {"-3.5", "-3.5"},
        {"42.0", "42.0"},
        {"a,b", "\"a,b\""},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GString) line = g_string_new(NULL);
        export_csv_append_cell(line, cases[i].in);
        g_assert_cmpstr(line->str, ==, cases[i].out);
    }
}

static void test_formula_names_guarded(void)
{
    g_autofree char *dir = g_build_filename(tu_tmpdir(), "formula", NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    Store *s = store_with_checkin(dir, "=HYPERLINK(\"http://evil.example/\",\"Ali\")", "@SUM(1+1)");
    g_autofree char *day = today();
    ExportResult r;
    g_autoptr(GError) error = NULL;
    g_assert_true(export_checkins(s, "k1", day, day, dir, &r, &error));
    g_assert_no_error(error);
    g_autofree char *csv = NULL;
    g_assert_true(g_file_get_contents(r.csv_path, &csv, NULL, NULL));
    g_assert_nonnull(strstr(csv, ",\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Ali\"\")\",\"'@SUM(1+1)\","));
    g_assert_null(strstr(csv, ",=HYPERLINK"));
    g_assert_nonnull(strstr(csv, ",42.0,"));
    export_result_clear(&r);
    store_close(s);
}

/* A link at the temporary name (or at the manifest's) is refused with a sentence and never written
 * through: the file it points at is unchanged, and the link is left for someone to look at. */
static void test_planted_link_refused(gconstpointer which)
{
    g_autofree char *dir = g_build_filename(tu_tmpdir(), which, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    Store *s = store_with_checkin(dir, "Ali Raza", NULL);
    g_autofree char *day = today();
    g_autofree char *victim = g_build_filename(dir, "victim", NULL);
    g_assert_true(g_file_set_contents(victim, "precious\n", -1, NULL));
    g_autofree char *name = g_strdup_printf(".haazri-k1-%s_%s.csv%s.partial", day, day,
                                            strcmp(which, "manifest") == 0 ? ".sha256" : "");
    g_autofree char *link = g_build_filename(dir, name, NULL);
    g_assert_cmpint(symlink(victim, link), ==, 0);

    ExportResult r;
    g_autoptr(GError) error = NULL;
    g_assert_false(export_checkins(s, "k1", day, day, dir, &r, &error));
    g_assert_nonnull(error);
    g_assert_nonnull(strstr(error->message, "is in the way and is not a file this export made"));
    g_assert_nonnull(strstr(error->message, name));
    g_autofree char *still = NULL;
    g_assert_true(g_file_get_contents(victim, &still, NULL, NULL));
    g_assert_cmpstr(still, ==, "precious\n");
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    /* Nothing half-made stays behind: no CSV without its manifest. */
    g_autofree char *csv = g_strdup_printf("%s/haazri-k1-%s_%s.csv", dir, day, day);
    g_assert_false(g_file_test(csv, G_FILE_TEST_EXISTS));

    /* Once the link is gone the export works. */
    g_assert_cmpint(g_unlink(link), ==, 0);
    g_clear_error(&error);
    g_assert_true(export_checkins(s, "k1", day, day, dir, &r, &error));
    g_assert_no_error(error);
    export_result_clear(&r);
    store_close(s);
}

/* A temporary file an interrupted export left behind (a regular file) is replaced, not refused. */
static void test_leftover_partial_replaced(void)
{
    g_autofree char *dir = g_build_filename(tu_tmpdir(), "leftover", NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    Store *s = store_with_checkin(dir, "Ali Raza", NULL);
    g_autofree char *day = today();
    g_autofree char *partial = g_strdup_printf("%s/.haazri-k1-%s_%s.csv.partial", dir, day, day);
    g_assert_true(g_file_set_contents(partial, "half a file", -1, NULL));
    ExportResult r;
    g_autoptr(GError) error = NULL;
    g_assert_true(export_checkins(s, "k1", day, day, dir, &r, &error));
    g_assert_no_error(error);
    g_assert_false(g_file_test(partial, G_FILE_TEST_EXISTS));
    g_autofree char *csv = NULL;
    g_assert_true(g_file_get_contents(r.csv_path, &csv, NULL, NULL));
    g_assert_true(g_str_has_prefix(csv, "uuid,"));
    export_result_clear(&r);
    store_close(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/export/cells-guard-formulas", test_cells);
    g_test_add_func("/export/formula-names-guarded", test_formula_names_guarded);
    g_test_add_data_func("/export/planted-link-at-partial-refused", "partial", test_planted_link_refused);
    g_test_add_data_func("/export/planted-link-at-manifest-refused", "manifest", test_planted_link_refused);
    g_test_add_func("/export/leftover-partial-replaced", test_leftover_partial_replaced);
    return g_test_run();
}
