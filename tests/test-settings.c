/* test-settings — what an administrator may change on the device (app/settings.c): names and values
 * outside the list are refused with a sentence naming them; a change is kept in the store with an
 * audit row saying what it was and what it became (and changing nothing writes nothing); after a
 * restart the kiosk's configuration is the file's with the stored changes laid over it; a stored
 * value the programs no longer accept is skipped with a warning, never a start-up failure. */
#include <sqlite3.h>
#include <string.h>

#include "app/config.h"
#include "app/settings.h"
#include "app/store/store-private.h"
#include "tests/helpers.h"

static char *conf_path;

static Store *open_store(const char *name)
{
    g_autofree char *path = g_build_filename(tu_tmpdir(), name, NULL);
    g_autoptr(GError) error = NULL;
    Store *s = store_open(path, &error);
    g_assert_no_error(error);
    return s;
}

static gint64 count(Store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_refusals(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_false(settings_check("kiosk.device_id", "x", &error));
    g_assert_cmpstr(error->message, ==, "\"kiosk.device_id\" is not a setting that can be changed on the device (these "
                                        "can: screen.languages, sound.volume, sound.speak, scanner.capture)");
    g_clear_error(&error);
    g_assert_false(settings_check("scanner.capture", "sometimes", &error));
    g_assert_cmpstr(error->message, ==, "scanner.capture cannot be \"sometimes\": it must be one of continuous, tap");
    g_clear_error(&error);
    g_assert_false(settings_check("sound.volume", "101", &error));
    g_assert_nonnull(strstr(error->message, "or any whole number from 0 to 100"));
    g_clear_error(&error);
    g_assert_true(settings_check("sound.volume", "70", &error));
    g_assert_true(settings_check("screen.languages", "en;ur", &error));

    /* Refused before anything is written. */
    g_autoptr(Store) s = open_store("refusals.db");
    g_assert_false(settings_set(s, "imran", "scanner.capture", "never", &error));
    g_assert_cmpint(count(s, "SELECT count(*) FROM device_settings"), ==, 0);
    g_assert_cmpint(count(s, "SELECT count(*) FROM audit"), ==, 0);
}

static void test_next_choice(void)
{
    g_assert_cmpstr(settings_next_choice("scanner.capture", "continuous"), ==, "tap");
    g_assert_cmpstr(settings_next_choice("scanner.capture", "tap"), ==, "continuous");
    g_assert_cmpstr(settings_next_choice("screen.languages", "ur;en"), ==, "en;ur");
    /* The file's 70 is between the steps: a tap makes it louder, and from the loudest it goes silent. */
    g_assert_cmpstr(settings_next_choice("sound.volume", "70"), ==, "75");
    g_assert_cmpstr(settings_next_choice("sound.volume", "100"), ==, "0");
}

static void test_stored_audited_and_laid_over_the_file(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) s = open_store("over.db");
    g_assert_true(settings_set(s, "imran", "scanner.capture", "tap", &error));
    g_assert_true(settings_set(s, "imran", "scanner.capture", "tap", &error)); /* the same again */
    g_assert_true(settings_set(s, "imran", "screen.languages", "en;ur", &error));
    g_assert_cmpint(count(s, "SELECT count(*) FROM audit WHERE action = 'setting.change'"), ==, 2);
    g_assert_cmpint(count(s, "SELECT count(*) FROM audit WHERE actor = 'imran' AND subject = 'scanner.capture' "
                             "AND detail = '(file) -> tap'"), ==, 1);
    g_assert_true(store_verify_audit(s, &error));

    /* A restart: the file says continuous; the stored change wins, the rest is the file's. */
    g_autoptr(Config) c = config_load(conf_path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(c->capture, ==, CAPTURE_CONTINUOUS);
    g_assert_true(settings_overlay(s, c->keyfile, &error));
    g_assert_true(config_reread(c, &error));
    g_assert_cmpint(c->capture, ==, CAPTURE_TAP);
    g_assert_cmpint(c->listen_s, ==, 30); /* untouched: the file's */
    g_assert_true(g_str_has_suffix(c->data_dir, "/kiosk-data")); /* still taken from the file's folder */
    g_autofree char *langs = settings_get(c->keyfile, "screen.languages");
    g_assert_cmpstr(langs, ==, "en;ur");
    g_autofree char *volume = settings_get(c->keyfile, "sound.volume");
    g_assert_cmpstr(volume, ==, "40"); /* the file's */
    g_autofree char *speak = settings_get(c->keyfile, "sound.speak");
    g_assert_cmpstr(speak, ==, "true"); /* nobody said: the default */

    /* Back to the file's value: forgotten, and audited as such. */
    g_assert_true(settings_set(s, "haazri-ctl", "scanner.capture", NULL, &error));
    g_assert_cmpint(count(s, "SELECT count(*) FROM device_settings"), ==, 1);
    g_assert_cmpint(count(s, "SELECT count(*) FROM audit WHERE detail = 'tap -> (file)'"), ==, 1);
    g_autoptr(Config) again = config_load(conf_path, &error);
    g_assert_true(settings_overlay(s, again->keyfile, &error) && config_reread(again, &error));
    g_assert_cmpint(again->capture, ==, CAPTURE_CONTINUOUS);
}

static void test_bad_stored_value_skipped(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) s = open_store("bad.db");
    g_assert_cmpint(sqlite3_exec(s->db, "INSERT INTO device_settings VALUES ('scanner.capture', 'sometimes', 'imran', "
                                        "'2026-11-23T09:00:00+05:00')", NULL, NULL, NULL), ==, SQLITE_OK);
    g_autoptr(Config) c = config_load(conf_path, &error);
    g_test_expect_message(NULL, G_LOG_LEVEL_WARNING,
                          "ignoring the device setting changed by imran at 2026-11-23T09:00:00+05:00: "
                          "scanner.capture cannot be \"sometimes\"*");
    g_assert_true(settings_overlay(s, c->keyfile, &error));
    g_test_assert_expected_messages();
    g_assert_true(config_reread(c, &error));
    g_assert_cmpint(c->capture, ==, CAPTURE_CONTINUOUS);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    conf_path = g_build_filename(tu_tmpdir(), "haazri.conf", NULL);
    g_assert_true(g_file_set_contents(conf_path,
                                      "[kiosk]\ndata_dir = kiosk-data\n[scanner]\ncapture = continuous\n"
                                      "listen_seconds = 30\n[sound]\nvolume = 40\n",
                                      -1, NULL));
    g_test_add_func("/settings/refusals", test_refusals);
    g_test_add_func("/settings/next-choice", test_next_choice);
    g_test_add_func("/settings/stored-audited-and-laid-over-the-file", test_stored_audited_and_laid_over_the_file);
    g_test_add_func("/settings/bad-stored-value-skipped", test_bad_stored_value_skipped);
    int rc = g_test_run();
    g_free(conf_path);
    return rc;
}
