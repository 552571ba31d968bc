/* test-store — the database: durable check-ins, the duplicate window, safe opening of bad files,
 * migrations from every earlier version, and the tamper-evident audit trail. */
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "app/clock-testing.h"
#include "app/clock.h"
#include "app/seal.h"
#include "app/store/store-private.h" /* the size cap below needs the connection */
#include "tests/helpers.h"

static char *new_db_path(const char *name)
{
    return g_build_filename(tu_tmpdir(), name, NULL);
}

static Store *open_new(const char *name)
{
    g_autofree char *path = new_db_path(name);
    g_autoptr(GError) error = NULL;
    Store *s = store_open(path, &error);
    g_assert_no_error(error);
    return s;
}

static char *file_sha256(const char *path)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
}

static char *query_text(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        out = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static StoreCheckin attempt(Store *s, gint64 pid, int window)
{
    StoreCheckin c = {.probationer_id = pid, .finger_id = 0, .method = CHECKIN_BY_FINGER, .score = -1,
                      .device_id = "test", .duplicate_window_min = window};
    g_autoptr(GError) error = NULL;
    g_assert_true(store_record_checkin(s, &c, &error));
    g_assert_no_error(error);
    return c;
}

static void test_durable_settings(void)
{
    g_autoptr(Store) s = open_new("settings.db");
    g_autofree char *path = new_db_path("settings.db");
    g_autofree char *mode = query_text(path, "PRAGMA journal_mode");
    g_assert_cmpstr(mode, ==, "wal");
    g_assert_cmpint(store_get_schema_version(s), ==, store_schema_latest());
}

static void test_probationers(void)
{
    g_autoptr(Store) s = open_new("people.db");
    g_autoptr(GError) error = NULL;
    StoreProbationer p = {.case_number = "LHR-1", .cnic = "3520212345671", .name_en = "Ali Raza",
                          .name_ur = "علی رضا", .office = "Lahore", .active = TRUE};
    gint64 id = store_add_probationer(s, &p, &error);
    g_assert_no_error(error);
    g_assert_cmpint(id, >, 0);
    g_assert_cmpint(store_add_probationer(s, &p, &error), ==, 0);
    g_assert_error(error, STORE_ERROR, STORE_ERROR_EXISTS);
    g_assert_nonnull(strstr(error->message, "LHR-1"));
    g_clear_error(&error);

    StoreProbationer bad = {.case_number = "LHR-2", .cnic = "35202-1234567-1", .name_en = "X", .office = "L", .active = TRUE};
    g_assert_cmpint(store_add_probationer(s, &bad, &error), ==, 0);
    g_assert_nonnull(strstr(error->message, "13 digits"));
    g_clear_error(&error);
    /* What the centre could never take is refused here, so every enrollment can go up. */
    g_autofree char *long_case = g_strnfill(65, '7');
    StoreProbationer too_long = {.case_number = long_case, .name_en = "X", .office = "L", .active = TRUE};
    g_assert_cmpint(store_add_probationer(s, &too_long, &error), ==, 0);
    g_assert_cmpstr(error->message, ==, "the case number is too long: it must be 1 to 64 bytes long");
    g_clear_error(&error);
    StoreProbationer no_name = {.case_number = "LHR-3", .name_en = "", .office = "L", .active = TRUE};
    g_assert_cmpint(store_add_probationer(s, &no_name, &error), ==, 0);
    g_assert_cmpstr(error->message, ==, "the English name is missing: it must be 1 to 200 bytes long");
    g_clear_error(&error);

    StoreProbationer got = {0};
    g_assert_true(store_find_probationer(s, "LHR-1", &got, &error));
    g_assert_cmpstr(got.name_ur, ==, "علی رضا");
    g_assert_true(got.active);
    store_probationer_clear(&got);
    g_assert_true(store_set_probationer_active(s, id, FALSE, &error));
    g_assert_true(store_get_probationer(s, id, &got, &error));
    g_assert_false(got.active);
    store_probationer_clear(&got);
    g_assert_false(store_find_probationer(s, "NOPE", &got, &error));
    g_assert_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
}

static void test_duplicate_window(void)
{
    /* Monday 23 November 2026, 23:55 at the office (+05:00), whatever the machine's zone or date. */
    g_autoptr(GDateTime) evening = g_date_time_new(clock_get_zone(), 2026, 11, 23, 23, 55, 2);
    clock_freeze(evening);
    g_autoptr(Store) s = open_new("window.db");
    gint64 a = tu_add_probationer(s, 1, "A", NULL);
    gint64 b = tu_add_probationer(s, 2, "B", NULL);
    StoreCheckin first = attempt(s, a, 0);
    g_assert_cmpint(first.result, ==, CHECKIN_RECORDED);
    g_assert_cmpint(strlen(first.uuid), ==, 36);
    /* wall time in the office's zone, with its UTC offset */
    g_assert_cmpstr(first.wall_time, ==, "2026-11-23T23:55:02+05:00");
    clock_advance(60);
    StoreCheckin again = attempt(s, a, 0);
    g_assert_cmpint(again.result, ==, CHECKIN_DUPLICATE);
    g_assert_cmpstr(again.earlier_time, ==, first.wall_time);
    g_assert_cmpint(attempt(s, b, 0).result, ==, CHECKIN_RECORDED); /* someone else is not a duplicate */
    g_assert_cmpint(attempt(s, a, 30).result, ==, CHECKIN_DUPLICATE);
    g_assert_cmpint(attempt(s, 0, 0).result, ==, CHECKIN_NOT_RECOGNISED);

    /* Past the office's midnight (00:00:30 on the 24th): a new day counts again ... */
    clock_advance(4 * 60 + 28);
    g_autofree char *today = clock_today();
    g_assert_cmpstr(today, ==, "2026-11-24");
    /* ... but a window in minutes still sees the check-in five minutes before midnight. */
    g_assert_cmpint(attempt(s, a, 30).result, ==, CHECKIN_DUPLICATE);
    g_assert_cmpint(attempt(s, a, 0).result, ==, CHECKIN_RECORDED);
    /* A window in minutes looks back only that far: two hours on, 60 minutes have passed. */
    clock_advance(2 * 3600);
    g_assert_cmpint(attempt(s, a, 60).result, ==, CHECKIN_RECORDED);

    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = store_list_checkins(s, "2026-11-23", &error);
    g_assert_cmpuint(rows->len, ==, 5);
    g_autoptr(GPtrArray) next_day = store_list_checkins(s, "2026-11-24", &error);
    g_assert_cmpuint(next_day->len, ==, 3);
    StoreCheckinRow *r0 = g_ptr_array_index(rows, 0);
    g_assert_cmpstr(r0->case_number, ==, "TEST-1");
    g_assert_cmpstr(r0->sync_state, ==, "pending");
    StoreCheckinRow *r4 = g_ptr_array_index(rows, 4);
    g_assert_null(r4->case_number);
    g_autoptr(GPtrArray) none = store_list_checkins(s, "2001-01-01", &error);
    g_assert_cmpuint(none->len, ==, 0);
}

/* A file that isn't a database, or is damaged, or is someone else's, or is newer: a clear error,
 * and not one byte of it changed. */
static void expect_refused(const char *path, StoreError code, const char *words)
{
    g_autofree char *before = file_sha256(path);
    g_autoptr(GError) error = NULL;
    g_assert_null(store_open(path, &error));
    g_assert_error(error, STORE_ERROR, (gint)code);
    g_test_message("%s", error->message);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_nonnull(strstr(error->message, words));
    g_assert_nonnull(strstr(error->message, "left untouched"));
    g_autofree char *after = file_sha256(path);
    g_assert_cmpstr(before, ==, after);
}

static void test_refuses_bad_files(void)
{
    g_autofree char *garbage = new_db_path("garbage.db");
    g_assert_true(g_file_set_contents(garbage, "this is not a database, it is a shopping list\n", -1, NULL));
    expect_refused(garbage, STORE_ERROR_CORRUPT, "not a database");

    g_autofree char *foreign = new_db_path("foreign.db");
    sqlite3 *db = NULL;
    sqlite3_open(foreign, &db);
    sqlite3_exec(db, "PRAGMA user_version = 3; CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    expect_refused(foreign, STORE_ERROR_CORRUPT, "not Haazri's");

    g_autofree char *newer = new_db_path("newer.db");
    { g_autoptr(Store) s = open_new("newer.db"); }
    sqlite3_open(newer, &db);
    g_autofree char *bump = g_strdup_printf("PRAGMA user_version = %d", store_schema_latest() + 1);
    sqlite3_exec(db, bump, NULL, NULL, NULL);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    sqlite3_close(db);
    expect_refused(newer, STORE_ERROR_NEWER, "newer Haazri");

    /* A real database with a page overwritten in the middle (a bad sector, a torn write). */
    g_autofree char *damaged = new_db_path("damaged.db");
    {
        g_autoptr(Store) s = open_new("damaged.db");
        for (int i = 0; i < 300; i++)
            tu_add_probationer(s, i, "Somebody With A Long Enough Name To Fill Pages", NULL);
    }
    sqlite3_open(damaged, &db);
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    sqlite3_close(db);
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(damaged, &data, &len, NULL));
    g_assert_cmpuint(len, >, 4096 * 4);
    memset(data + 4096 * 2, 0x5a, 4096); /* page 3, header and all */
    g_assert_true(g_file_set_contents(damaged, data, (gssize)len, NULL));
    expect_refused(damaged, STORE_ERROR_CORRUPT, "damaged");
}

/* Builds a database at every earlier schema version with data in it, then opens it with this
 * build: it must migrate to the latest version and keep what was there. */
static void test_migrations_from_every_version(void)
{
    for (int v = 0; v < store_schema_latest(); v++) {
        g_autofree char *name = g_strdup_printf("migrate-%d.db", v);
        g_autofree char *path = new_db_path(name);
        sqlite3 *db = NULL;
        g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
        g_autoptr(GError) error = NULL;
        /* Versions from 7 on seal names as they migrate: the kiosk's key, as store_open finds it. */
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *key = g_build_filename(dir, "store.key", NULL);
        g_autoptr(Seal) seal = seal_load_or_create(key, &error);
        g_assert_no_error(error);
        g_assert_true(seal_register(seal, NULL, db, &error));
        g_assert_true(store_schema_migrate(db, 0, v, &error));
        if (v >= 1) {
            sqlite3_exec(db, "PRAGMA application_id = 1212242514", NULL, NULL, NULL);
            /* As that version wrote it: from version 7 on names were sealed when written. */
            g_autofree char *person = g_strdup_printf(
                "INSERT INTO probationers (case_number, name_en, office, created_at, updated_at) "
                "VALUES ('OLD-1', %s, 'Lahore', '2026-01-01T09:00:00+05:00', '2026-01-01T09:00:00+05:00')",
                v >= 7 ? "seal('Kept Person', 'name_en')" : "'Kept Person'");
            g_assert_cmpint(sqlite3_exec(db, person, NULL, NULL, NULL), ==, SQLITE_OK);
            g_assert_cmpint(sqlite3_exec(db,
                "INSERT INTO checkins (uuid, probationer_id, method, result, wall_time, wall_utc_us, local_date, "
                "mono_us, boot_id, device_id) VALUES ('00000000-0000-4000-8000-000000000001', 1, 'finger', "
                "'recorded', '2026-01-01T09:00:00+05:00', 0, '2026-01-01', 0, 'b', 'd')",
                NULL, NULL, NULL), ==, SQLITE_OK);
        }
        sqlite3_close(db);
        g_autoptr(Store) s = store_open(path, &error);
        g_assert_no_error(error);
        g_assert_cmpint(store_get_schema_version(s), ==, store_schema_latest());
        if (v >= 1) {
            StoreProbationer p = {0};
            g_assert_true(store_find_probationer(s, "OLD-1", &p, &error));
            g_assert_cmpstr(p.name_en, ==, "Kept Person");
            store_probationer_clear(&p);
            g_autoptr(GPtrArray) rows = store_list_checkins(s, "2026-01-01", &error);
            g_assert_cmpuint(rows->len, ==, 1);
        }
        /* Migrated, the name written in the clear is sealed (issue 16.4): not in the file any more. */
        g_clear_pointer(&s, store_close);
        g_autofree char *raw = NULL;
        gsize len = 0;
        g_assert_true(g_file_get_contents(path, &raw, &len, NULL));
        g_assert_null(memmem(raw, len, "Kept Person", 11));
    }
}

static void test_audit_trail(void)
{
    g_autoptr(Store) s = open_new("audit.db");
    g_autoptr(GError) error = NULL;
    g_assert_true(store_audit(s, "ctl:officer", "probationer.add", "LHR-1", NULL, &error));
    g_assert_true(store_audit(s, "ctl:officer", "finger.enroll", "LHR-1", "right-index", &error));
    g_assert_true(store_audit(s, "ctl:admin", "probationer.deactivate", "LHR-1", NULL, &error));
    g_assert_true(store_verify_audit(s, &error));

    g_autofree char *path = new_db_path("audit.db");
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    /* The triggers refuse edits and deletions outright ... */
    g_assert_cmpint(sqlite3_exec(db, "UPDATE audit SET actor = 'nobody' WHERE id = 2", NULL, NULL, NULL), !=, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "DELETE FROM audit WHERE id = 2", NULL, NULL, NULL), !=, SQLITE_OK);
    /* ... and someone who drops them to edit a row is caught by the hash chain. */
    g_assert_cmpint(sqlite3_exec(db, "DROP TRIGGER audit_append_only_u; UPDATE audit SET actor = 'nobody' WHERE id = 2",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_false(store_verify_audit(s, &error));
    g_assert_nonnull(strstr(error->message, "row 2"));
    g_assert_nonnull(strstr(error->message, "changed"));
    g_clear_error(&error);
    g_assert_cmpint(sqlite3_exec(db, "UPDATE audit SET actor = 'ctl:officer' WHERE id = 2; "
                                     "DROP TRIGGER audit_append_only_d; DELETE FROM audit WHERE id = 2",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    g_assert_false(store_verify_audit(s, &error));
    g_assert_nonnull(strstr(error->message, "row 3"));
    g_assert_nonnull(strstr(error->message, "deleted"));
}

static void test_database_full(void)
{
    /* SQLite's own size cap gives the same SQLITE_FULL a full disk does (the real full disk is
     * exercised by tests/test-nothing-lost.sh on a tiny tmpfs). */
    g_autoptr(Store) s = open_new("full.db");
    gint64 a = tu_add_probationer(s, 1, "A", NULL);
    g_autofree char *path = new_db_path("full.db");
    int before = 0;
    g_autoptr(GError) error = NULL;
    /* Fill until the cap bites, through the real API. */
    sqlite3_exec(s->db, "PRAGMA max_page_count = 12", NULL, NULL, NULL);
    StoreCheckin c = {.probationer_id = a, .method = CHECKIN_BY_FINGER, .score = -1, .device_id = "test",
                      .duplicate_window_min = 1};
    gboolean ok = TRUE;
    for (int i = 0; i < 5000 && ok; i++) {
        ok = store_record_checkin(s, &c, &error);
        before += ok;
    }
    g_assert_false(ok);
    g_assert_error(error, STORE_ERROR, STORE_ERROR_FULL);
    g_assert_nonnull(strstr(error->message, "full"));
    g_autofree char *count = query_text(path, "SELECT count(*) FROM checkins");
    g_assert_cmpint(atoi(count), ==, before); /* every confirmed one is there, the failed one is not */
    g_autofree char *check = query_text(path, "PRAGMA integrity_check");
    g_assert_cmpstr(check, ==, "ok");
}

/* The people store_list_gallery_changes() names after change `after`, at most `max`; `complete` and
 * `newest` as it says. */
static GArray *changed_after(Store *s, gint64 after, guint max, gboolean *complete, gint64 *newest)
{
    g_autoptr(GError) error = NULL;
    GArray *who = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_assert_true(store_list_gallery_changes(s, after, max, who, newest, complete, &error));
    g_assert_no_error(error);
    if (!*complete || who->len == 0)
        g_assert_cmpint(*newest, ==, after);
    return who;
}

/* What the running kiosk asks after another process changed the gallery: whose fingers changed
 * (each person once, however often), a page at a time, and when it can't be told, that it can't. */
static void test_gallery_changes(void)
{
    g_autoptr(Store) s = open_new("changes.db");
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) print = g_bytes_new_static("not a real print", 16);
    gint64 a = tu_add_probationer(s, 1, "A", NULL), b = tu_add_probationer(s, 2, "B", NULL);
    gint64 start = store_get_gallery_change(s);
    g_assert_cmpint(store_add_finger(s, a, "right-index", print, "virtual_image", &error), >, 0);
    g_assert_true(store_set_probationer_active(s, b, FALSE, &error));
    g_assert_true(store_set_probationer_active(s, b, TRUE, &error));
    g_assert_cmpint(store_add_finger(s, b, "left-index", print, "virtual_image", &error), >, 0);
    gboolean complete = FALSE;
    gint64 newest = 0;
    g_autoptr(GArray) both = changed_after(s, start, 10, &complete, &newest);
    g_assert_true(complete);
    g_assert_cmpuint(both->len, ==, 2);
    g_assert_cmpint(g_array_index(both, gint64, 0), ==, a);
    g_assert_cmpint(g_array_index(both, gint64, 1), ==, b);
    g_assert_cmpint(newest, ==, store_get_gallery_change(s));
    g_autoptr(GArray) none = changed_after(s, store_get_gallery_change(s), 10, &complete, &newest);
    g_assert_true(complete);
    g_assert_cmpuint(none->len, ==, 0);
    /* A page of one: A (changed first), told up to A's change; the next page after it: B. */
    g_autoptr(GArray) first = changed_after(s, start, 1, &complete, &newest);
    g_assert_true(complete);
    g_assert_cmpuint(first->len, ==, 1);
    g_assert_cmpint(g_array_index(first, gint64, 0), ==, a);
    g_assert_cmpint(newest, >, start);
    g_assert_cmpint(newest, <, store_get_gallery_change(s));
    g_autoptr(GArray) second = changed_after(s, newest, 1, &complete, &newest);
    g_assert_true(complete);
    g_assert_cmpuint(second->len, ==, 1);
    g_assert_cmpint(g_array_index(second, gint64, 0), ==, b);
    g_assert_cmpint(newest, ==, store_get_gallery_change(s));
    /* A changed again after B: a page of one now names B, whose latest change is the earlier. */
    g_assert_true(store_set_probationer_active(s, a, FALSE, &error));
    g_autoptr(GArray) again = changed_after(s, start, 1, &complete, &newest);
    g_assert_cmpint(g_array_index(again, gint64, 0), ==, b);
    g_assert_true(store_set_probationer_active(s, a, TRUE, &error));

    /* More changes than the store keeps: the oldest are gone, so a reader behind them is told so. */
    gint64 before = store_get_gallery_change(s);
    g_assert_true(store_bulk_begin(s, &error));
    for (int i = 0; i < 10001; i++)
        g_assert_true(store_set_probationer_active(s, a, i % 2 == 1, &error));
    g_assert_true(store_bulk_commit(s, &error));
    g_autoptr(GArray) lost = changed_after(s, before, 10, &complete, &newest);
    g_assert_false(complete);
    g_autoptr(GArray) recent = changed_after(s, store_get_gallery_change(s) - 9999, 10, &complete, &newest);
    g_assert_true(complete);
    g_assert_cmpuint(recent->len, ==, 1);
}

/* One large transaction (the first start's saved search indexes, a roster of thousands) grows the
 * -wal past 20 MB; once it is checkpointed and the next write starts it again, it is cut back to
 * STORE_WAL_KEPT_BYTES instead of keeping that size on the kiosk's disk. */
static void test_wal_is_cut_back(void)
{
    g_autofree char *path = new_db_path("wal.db");
    g_autofree char *wal = g_strconcat(path, "-wal", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) s = store_open(path, &error);
    g_assert_no_error(error);
    guint8 bytes[8192];
    g_autoptr(GRand) rng = g_rand_new_with_seed(12);
    for (gsize i = 0; i < sizeof bytes; i++)
        bytes[i] = (guint8)g_rand_int(rng); /* incompressible, like a sealed print; the same every run */
    g_autoptr(GBytes) print = g_bytes_new(bytes, sizeof bytes);
    g_assert_true(store_bulk_begin(s, &error));
    for (int i = 0; i < 2500; i++) {
        gint64 pid = tu_add_probationer(s, 1000 + i, "Test Person", NULL);
        g_assert_cmpint(store_add_finger(s, pid, "right-index", print, "virtual_image", &error), >, 0);
    }
    g_assert_true(store_bulk_commit(s, &error));
    struct stat st;
    g_assert_cmpint(stat(wal, &st), ==, 0);
    g_assert_cmpint(st.st_size, >, 20 * 1024 * 1024);
    g_assert_true(store_set_probationer_active(s, 1, FALSE, &error)); /* the next write */
    g_assert_cmpint(stat(wal, &st), ==, 0);
    g_assert_cmpint(st.st_size, <=, STORE_WAL_KEPT_BYTES);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/store/wal-and-schema", test_durable_settings);
    g_test_add_func("/store/probationers", test_probationers);
    g_test_add_func("/store/duplicate-window", test_duplicate_window);
    g_test_add_func("/store/refuses-bad-files-untouched", test_refuses_bad_files);
    g_test_add_func("/store/migrations-from-every-version", test_migrations_from_every_version);
    g_test_add_func("/store/audit-trail-tamper-evident", test_audit_trail);
    g_test_add_func("/store/database-full", test_database_full);
    g_test_add_func("/store/gallery-changes", test_gallery_changes);
    g_test_add_func("/store/wal-is-cut-back", test_wal_is_cut_back);
    return g_test_run();
}
