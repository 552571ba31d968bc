/* test-officer — officer PINs: stored only as Argon2id, wrong PINs (and wrong fingers after the
 * PIN) lock with a growing delay that a restart doesn't reset, every attempt in the audit trail. */
#include <sqlite3.h>
#include <string.h>

#include "app/officer.h"
#include "app/clock-testing.h" /* to wait out a lockout without waiting */
#include "app/clock.h"
#include "app/store/store-private.h"
#include "tests/helpers.h"

static Store *store;
static char *db_path;

static OfficerLoginResult login(const char *user, const char *pin, int *retry)
{
    g_autoptr(GError) error = NULL;
    Officer who = {0};
    OfficerLoginResult r = officer_login(store, user, pin, &who, retry, &error);
    g_assert_no_error(error);
    if (r == OFFICER_LOGIN_OK)
        g_assert_cmpstr(who.username, ==, user);
    officer_clear(&who);
    return r;
}

/* The clock moves on by the lockout's length (the test's clock is frozen; see main). */
static void wait_out_lockout(int seconds)
{
    clock_advance(seconds);
}

static void test_add(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_cmpint(officer_add(store, "asma", "Asma Khan", OFFICER_ROLE_OFFICER, "12ab56", "test", &error), ==, 0);
    g_assert_nonnull(strstr(error->message, "6 to 12 digits"));
    g_clear_error(&error);
    g_assert_cmpint(officer_add(store, "asma", "Asma Khan", OFFICER_ROLE_OFFICER, "482915", "test", &error), >, 0);
    g_assert_no_error(error);
    g_assert_cmpint(officer_add(store, "asma", "Someone Else", OFFICER_ROLE_ADMIN, "111111", "test", &error), ==, 0);
    g_assert_nonnull(strstr(error->message, "already exists"));
    g_clear_error(&error);

    /* The PIN is nowhere in the database file in clear. */
    g_autofree char *data = NULL;
    gsize len = 0;
    sqlite3_exec(store->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    g_assert_true(g_file_get_contents(db_path, &data, &len, NULL));
    g_assert_null(memmem(data, len, "482915", 6));
    g_assert_nonnull(memmem(data, len, "$argon2id$", 10));
}

static void test_login_and_lockout(void)
{
    int retry = -1;
    g_assert_cmpint(login("asma", "482915", &retry), ==, OFFICER_LOGIN_OK);
    g_assert_cmpint(login("asma", "000000", &retry), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 0);
    g_assert_cmpint(login("asma", "000001", &retry), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 0);
    g_assert_cmpint(login("asma", "000002", &retry), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 30); /* third failure: locked */
    /* Locked: even the right PIN is refused, and a restart (a new connection) changes nothing. */
    store_close(store);
    g_autoptr(GError) error = NULL;
    store = store_open(db_path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(login("asma", "482915", &retry), ==, OFFICER_LOGIN_LOCKED);
    g_assert_cmpint(retry, >, 0);
    g_assert_cmpint(retry, <=, 30);
    /* One second before the lockout ends it still holds. */
    wait_out_lockout(29);
    g_assert_cmpint(login("asma", "482915", &retry), ==, OFFICER_LOGIN_LOCKED);
    g_assert_cmpint(retry, ==, 1);
    /* Each further failure doubles the wait. */
    wait_out_lockout(1);
    g_assert_cmpint(login("asma", "000003", &retry), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 60);
    wait_out_lockout(60);
    g_assert_cmpint(login("asma", "000004", &retry), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 120);
    /* The right PIN after the wait resets the count. */
    wait_out_lockout(120);
    g_assert_cmpint(login("asma", "482915", &retry), ==, OFFICER_LOGIN_OK);
    g_assert_cmpint(login("asma", "000005", &retry), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 0);
}

static void test_unknown_and_deactivated(void)
{
    int retry = 0;
    g_assert_cmpint(login("nobody", "123456", &retry), ==, OFFICER_LOGIN_UNKNOWN);
    g_autoptr(GError) error = NULL;
    g_assert_true(officer_set_active(store, "asma", FALSE, "test", &error));
    g_assert_cmpint(login("asma", "482915", &retry), ==, OFFICER_LOGIN_UNKNOWN);
    g_assert_true(officer_set_active(store, "asma", TRUE, "test", &error));
    g_assert_false(officer_set_active(store, "nobody", TRUE, "test", &error));
    g_assert_nonnull(strstr(error->message, "no officer nobody"));
}

/* The finger after the PIN: a wrong one counts like a wrong PIN and locks the same way; the right
 * one clears the count. Stored prints come back as they went in; a second finger is kept apart. */
static void test_finger(void)
{
    g_autoptr(GError) error = NULL;
    gint64 id = officer_add(store, "bilal", "Bilal Shah", OFFICER_ROLE_OFFICER, "246813", "test", &error);
    g_assert_cmpint(id, >, 0);
    g_autoptr(GPtrArray) none = officer_get_fingers(store, id, &error);
    g_assert_cmpuint(none->len, ==, 0);
    g_autoptr(GBytes) print = g_bytes_new_static("FP3-not-a-real-print", 20);
    g_assert_true(officer_set_finger(store, "bilal", "right-index", print, "test", &error));
    g_assert_true(officer_set_finger(store, "bilal", "left-index", print, "test", &error));
    g_assert_true(officer_set_finger(store, "bilal", "right-index", print, "test", &error)); /* again: replaced */
    g_assert_false(officer_set_finger(store, "nobody", "right-index", print, "test", &error));
    g_clear_error(&error);
    g_autoptr(GPtrArray) two = officer_get_fingers(store, id, &error);
    g_assert_cmpuint(two->len, ==, 2);
    g_assert_true(g_bytes_equal(two->pdata[0], print));

    Officer who = {.id = id, .username = "bilal"};
    int retry = -1;
    g_assert_cmpint(officer_finger_result(store, &who, FALSE, &retry, &error), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 0);
    g_assert_cmpint(officer_finger_result(store, &who, TRUE, &retry, &error), ==, OFFICER_LOGIN_OK); /* clears */
    for (int i = 0; i < OFFICER_FREE_ATTEMPTS - 1; i++)
        g_assert_cmpint(officer_finger_result(store, &who, FALSE, &retry, &error), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 0);
    g_assert_cmpint(officer_finger_result(store, &who, FALSE, &retry, &error), ==, OFFICER_LOGIN_WRONG_PIN);
    g_assert_cmpint(retry, ==, 30);
    /* Locked: even the right PIN waits. */
    g_assert_cmpint(login("bilal", "246813", &retry), ==, OFFICER_LOGIN_LOCKED);
}

static void test_audited(void)
{
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(store->db,
                                       "SELECT group_concat(action || ':' || coalesce(detail, ''), ' | ') FROM audit "
                                       "WHERE subject = 'asma'", -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    const char *trail = (const char *)sqlite3_column_text(st, 0);
    g_test_message("%s", trail);
    g_assert_nonnull(strstr(trail, "officer.add:officer"));
    g_assert_nonnull(strstr(trail, "officer.login:"));
    g_assert_nonnull(strstr(trail, "officer.login-failed:failure 3, locked for 30 s"));
    g_assert_nonnull(strstr(trail, "officer.login-refused:locked"));
    g_assert_nonnull(strstr(trail, "officer.deactivate:"));
    g_assert_null(strstr(trail, "482915"));
    sqlite3_finalize(st);
    g_autoptr(GError) error = NULL;
    g_assert_true(store_verify_audit(store, &error));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autoptr(GDateTime) monday = g_date_time_new(clock_get_zone(), 2026, 11, 23, 9, 0, 0);
    clock_freeze(monday);
    db_path = g_build_filename(tu_tmpdir(), "officer.db", NULL);
    g_autoptr(GError) error = NULL;
    store = store_open(db_path, &error);
    g_assert_no_error(error);
    g_test_add_func("/officer/add", test_add);
    g_test_add_func("/officer/login-and-lockout", test_login_and_lockout);
    g_test_add_func("/officer/unknown-and-deactivated", test_unknown_and_deactivated);
    g_test_add_func("/officer/finger", test_finger);
    g_test_add_func("/officer/audited", test_audited);
    int rc = g_test_run();
    store_close(store);
    g_free(db_path);
    return rc;
}
