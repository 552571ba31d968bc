/* test-seal — names, CNIC, templates, photos, messages, officers' names and the questionnaire's
 * answers encrypted at rest (issue 16.4): a copy of haazri.db (and its -wal) shows none of them, the
 * store reads them back, the key file is the service user's alone, a wrong key is refused in a
 * sentence, and `key rotate` re-seals everything in one transaction. */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "app/officer.h"
#include "app/photo.h"
#include "app/seal.h"
#include "app/store/store-answers.h"
#include "app/store/store-roster.h"
#include "app/store/store-schema.h"
#include "app/store/store.h"
#include "tests/helpers.h"

static const char NAME_EN[] = "Zulfiqar Mehmood Qureshi", NAME_UR[] = "ذوالفقار محمود قریشی", CNIC[] = "3520298765431";
/* An officer's message to the person, one the centre sent the whole office (both languages), and
 * the officer's own name: personal text, sealed since schema 10. */
static const char MESSAGE[] = "Zulfiqar, bring your court order on Monday", OFFICE_EN[] = "Hearing dates moved to Thursday",
                  OFFICE_UR[] = "اگلی پیشی جمعرات کو ہوگی", OFFICER_NAME[] = "Rukhsana Parveen Abbasi";
/* Stands for a template: libfprint's header and a run of bytes no sealed value would show. */
static const guint8 TEMPLATE[] = "FP3\x01\x02\x03templatebytes-minutiae-0123456789-abcdefghij";

/* A real photo (tests/data/photos), as haazri-ctl photo or the Enroll screen would load it. */
static GBytes *photo(void)
{
    g_autofree char *path = tu_data("photos/portrait.jpg");
    g_autoptr(GError) error = NULL;
    GBytes *b = photo_load_file(path, &error);
    g_assert_no_error(error);
    return b;
}

/* A run of the photo's bytes from its middle (compressed image data, not a common JPEG header). */
static void assert_photo_absent(const GByteArray *raw)
{
    g_autoptr(GBytes) jpeg = photo();
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(jpeg, &len);
    g_assert_null(memmem(raw->data, raw->len, data + len / 2, 32));
}

static char *dir_for(const char *name)
{
    char *dir = g_build_filename(tu_tmpdir(), name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    return dir;
}

static Store *open_in(const char *dir, GError **error)
{
    g_autofree char *path = g_build_filename(dir, "haazri.db", NULL);
    return store_open(path, error);
}

/* Every byte of the database's files on disk: what a copied SD card or a backup would hold. */
static GByteArray *raw_files(const char *dir)
{
    GByteArray *all = g_byte_array_new();
    const char *names[] = {"haazri.db", "haazri.db-wal"};
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);
        g_autofree char *data = NULL;
        gsize len = 0;
        if (g_file_get_contents(path, &data, &len, NULL))
            g_byte_array_append(all, (guint8 *)data, (guint)len);
    }
    return all;
}

static void assert_nothing_in_clear(const char *dir)
{
    g_autoptr(GByteArray) raw = raw_files(dir);
    g_assert_cmpuint(raw->len, >, 4096);
    g_assert_null(memmem(raw->data, raw->len, NAME_EN, strlen(NAME_EN)));
    g_assert_null(memmem(raw->data, raw->len, "Zulfiqar", 8));
    g_assert_null(memmem(raw->data, raw->len, NAME_UR, strlen(NAME_UR)));
    g_assert_null(memmem(raw->data, raw->len, CNIC, strlen(CNIC)));
    g_assert_null(memmem(raw->data, raw->len, TEMPLATE + 6, 20));
    /* the template's whole header: its three letters alone turn up in ciphertext by chance (once in
     * a CI run; ~1 % of runs for files this size) */
    g_assert_null(memmem(raw->data, raw->len, TEMPLATE, 6));
    assert_photo_absent(raw);
    g_assert_null(memmem(raw->data, raw->len, MESSAGE, strlen(MESSAGE)));
    g_assert_null(memmem(raw->data, raw->len, "court order", 11));
    g_assert_null(memmem(raw->data, raw->len, OFFICE_EN, strlen(OFFICE_EN)));
    g_assert_null(memmem(raw->data, raw->len, OFFICE_UR, strlen(OFFICE_UR)));
    g_assert_null(memmem(raw->data, raw->len, OFFICER_NAME, strlen(OFFICER_NAME)));
    g_assert_null(memmem(raw->data, raw->len, "Rukhsana", 8));
}

/* The answers as whoever copied the files sees them (plain SQLite, no key): every one sealed, and
 * a "yes" as long as a "no" — three bytes are too short to look for in the raw file. */
static void assert_answers_sealed(const char *dir, guint expected)
{
    g_autofree char *copy = g_build_filename(dir, "copied", NULL);
    g_assert_cmpint(g_mkdir_with_parents(copy, 0700), ==, 0);
    const char *names[] = {"haazri.db", "haazri.db-wal"};
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *from = g_build_filename(dir, names[i], NULL), *to = g_build_filename(copy, names[i], NULL);
        g_autofree char *data = NULL;
        gsize len = 0;
        g_unlink(to);
        if (g_file_get_contents(from, &data, &len, NULL))
            g_assert_true(g_file_set_contents(to, data, (gssize)len, NULL));
    }
    g_autofree char *path = g_build_filename(copy, "haazri.db", NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT answer FROM checkin_answers", -1, &st, NULL), ==, SQLITE_OK);
    guint n = 0;
    int size = -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        g_assert_true(seal_is_sealed(sqlite3_column_blob(st, 0), (gsize)sqlite3_column_bytes(st, 0)));
        if (size >= 0)
            g_assert_cmpint(sqlite3_column_bytes(st, 0), ==, size);
        size = sqlite3_column_bytes(st, 0);
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    g_assert_cmpuint(n, ==, expected);
}

/* What the check-in screen, the officer's views and sync read: the message, the officer's name, the
 * answers (a "yes" to "arrested", a "no" to "address_changed"). */
static void assert_personal_text_reads_back(Store *s, gint64 person)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *own = store_get_message(s, person, &error);
    g_assert_cmpstr(own, ==, MESSAGE);
    g_autofree char *office = store_get_message(s, person + 1000, &error); /* someone with no message of their own */
    g_autofree char *both = g_strconcat(OFFICE_EN, "\n", OFFICE_UR, NULL);
    g_assert_cmpstr(office, ==, both);
    g_autoptr(GPtrArray) officers = officer_list(s, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(officers->len, ==, 1);
    g_assert_cmpstr(((Officer *)officers->pdata[0])->name, ==, OFFICER_NAME);
    g_autoptr(GPtrArray) answers = store_answers_unsent(s, 10, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(answers->len, ==, 2);
    const StoreAnswer *arrested = answers->pdata[0], *moved = answers->pdata[1];
    g_assert_cmpstr(arrested->question_id, ==, "arrested");
    g_assert_cmpstr(arrested->answer, ==, "yes");
    g_assert_cmpstr(moved->question_id, ==, "address_changed");
    g_assert_cmpstr(moved->answer, ==, "no");
    g_autofree char *yes = store_answers_yes(s, arrested->checkin_uuid, &error);
    g_assert_cmpstr(yes, ==, "arrested");
}

/* The message, officer and answers of add_person(), through the product's own calls. */
static void add_personal_text(Store *s, gint64 id)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(store_set_message(s, id, MESSAGE, &error));
    g_autoptr(StoreRoster) r = store_roster_new();
    r->cursor = 1;
    StoreRosterMessage *m = g_new0(StoreRosterMessage, 1);
    m->id = g_strdup("office-1");
    m->text_en = g_strdup(OFFICE_EN);
    m->text_ur = g_strdup(OFFICE_UR);
    g_ptr_array_add(r->messages, m);
    StoreRosterStats stats;
    g_assert_true(store_apply_roster(s, r, "Lahore", &stats, &error));
    g_assert_no_error(error);
    g_assert_cmpint(officer_add(s, "rukhsana", OFFICER_NAME, OFFICER_ROLE_OFFICER, "482913", "test", &error), >, 0);
    g_assert_no_error(error);
    StoreCheckin c = {.probationer_id = id, .method = CHECKIN_BY_FINGER, .score = -1, .device_id = "k1"};
    g_assert_true(store_record_checkin(s, &c, &error));
    g_assert_true(store_save_answer(s, c.uuid, "arrested", TRUE, &error));
    g_assert_true(store_save_answer(s, c.uuid, "address_changed", FALSE, &error));
    g_assert_no_error(error);
}

static gint64 add_person(Store *s)
{
    g_autoptr(GError) error = NULL;
    StoreProbationer p = {.case_number = "LHR-77", .name_en = (char *)NAME_EN, .name_ur = (char *)NAME_UR,
                          .cnic = (char *)CNIC, .office = "Lahore", .active = TRUE};
    gint64 id = store_add_probationer(s, &p, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) print = g_bytes_new_static(TEMPLATE, sizeof TEMPLATE - 1);
    g_assert_cmpint(store_add_finger(s, id, "right-index", print, "virtual_image", &error), >, 0);
    g_assert_no_error(error);
    g_autoptr(GBytes) face = photo();
    g_assert_true(store_set_photo(s, id, face, &error));
    add_personal_text(s, id);
    return id;
}

static void on_finger(gint64 finger_id, gint64 probationer_id, const char *finger, GBytes *print, gpointer data)
{
    (void)finger_id, (void)probationer_id, (void)finger;
    *(GBytes **)data = g_bytes_ref(print);
}

static void assert_reads_back(Store *s)
{
    g_autoptr(GError) error = NULL;
    StoreProbationer p = {0};
    g_assert_true(store_find_probationer(s, "LHR-77", &p, &error));
    g_assert_cmpstr(p.name_en, ==, NAME_EN);
    g_assert_cmpstr(p.name_ur, ==, NAME_UR);
    g_assert_cmpstr(p.cnic, ==, CNIC);
    GBytes *print = NULL;
    g_assert_true(store_foreach_active_finger(s, on_finger, &print, &error));
    g_assert_nonnull(print);
    g_assert_cmpmem(g_bytes_get_data(print, NULL), g_bytes_get_size(print), TEMPLATE, sizeof TEMPLATE - 1);
    g_bytes_unref(print);
    g_autoptr(GBytes) face = store_get_photo(s, p.id, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) want = photo();
    g_assert_nonnull(face);
    g_assert_true(g_bytes_equal(face, want));
    assert_personal_text_reads_back(s, p.id);
    store_probationer_clear(&p);
}

static void test_copy_reveals_nothing(void)
{
    g_autofree char *dir = dir_for("copy");
    g_autoptr(GError) error = NULL;
    Store *s = open_in(dir, &error);
    g_assert_no_error(error);
    add_person(s);
    /* While it runs (the WAL not yet folded in) and after it closed. */
    assert_nothing_in_clear(dir);
    assert_answers_sealed(dir, 2);
    store_close(s);
    assert_nothing_in_clear(dir);
    assert_answers_sealed(dir, 2);
    s = open_in(dir, &error);
    g_assert_no_error(error);
    assert_reads_back(s);
    store_close(s);

    g_autofree char *key = g_build_filename(dir, STORE_KEY_FILE, NULL);
    struct stat st;
    g_assert_cmpint(g_stat(key, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    g_assert_cmpint(st.st_size, ==, 32);
}

/* The database with another kiosk's key (or its own key lost): one sentence, nothing read. */
static void test_wrong_key_refused(void)
{
    g_autofree char *dir = dir_for("wrongkey");
    g_autoptr(GError) error = NULL;
    Store *s = open_in(dir, &error);
    add_person(s);
    store_close(s);
    g_autofree char *key = g_build_filename(dir, STORE_KEY_FILE, NULL);
    g_autofree char *saved = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(key, &saved, &len, NULL));
    g_autofree char *other = g_strnfill(32, 'k');
    g_assert_true(g_file_set_contents(key, other, 32, NULL));
    g_assert_null(open_in(dir, &error));
    g_assert_error(error, STORE_ERROR, STORE_ERROR_KEY);
    g_assert_nonnull(strstr(error->message, "is not the key this database's names and fingerprints were sealed with"));
    g_clear_error(&error);
    g_assert_true(g_file_set_contents(key, saved, (gssize)len, NULL));
    s = open_in(dir, &error);
    g_assert_no_error(error);
    assert_reads_back(s);
    store_close(s);
}

/* key rotate: everything re-sealed under a new key in one transaction; the old key opens nothing. */
static void test_rotate(void)
{
    g_autofree char *dir = dir_for("rotate");
    g_autoptr(GError) error = NULL;
    Store *s = open_in(dir, &error);
    add_person(s);
    g_autofree char *key = g_build_filename(dir, STORE_KEY_FILE, NULL);
    g_autofree char *old = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(key, &old, &len, NULL));
    guint rows = 0;
    g_assert_true(store_rotate_key(s, "test", &rows, &error));
    g_assert_no_error(error);
    /* the person, the finger, the photo, 2 messages, the officer, 2 answers, the key check */
    g_assert_cmpuint(rows, >=, 9);
    assert_reads_back(s);
    assert_nothing_in_clear(dir);
    assert_answers_sealed(dir, 2);
    g_assert_true(store_verify_audit(s, &error));
    store_close(s);
    g_autofree char *now = NULL;
    g_assert_true(g_file_get_contents(key, &now, NULL, NULL));
    g_assert_true(memcmp(now, old, 32) != 0);
    s = open_in(dir, &error);
    g_assert_no_error(error);
    assert_reads_back(s);
    store_close(s);
    /* The old key (from a backup, say) no longer opens it. */
    g_assert_true(g_file_set_contents(key, old, (gssize)len, NULL));
    g_assert_null(open_in(dir, &error));
    g_assert_error(error, STORE_ERROR, STORE_ERROR_KEY);
    g_clear_error(&error);
    /* A rotation that committed and stopped before renaming its key: store.key.new opens it. */
    g_autofree char *next = g_strconcat(key, ".new", NULL);
    g_assert_true(g_file_set_contents(next, now, 32, NULL));
    s = open_in(dir, &error);
    g_assert_no_error(error);
    assert_reads_back(s);
    store_close(s);
    g_assert_false(g_file_test(next, G_FILE_TEST_EXISTS));
}

/* A kiosk's database as the version with schema `version` left it, its key beside it and seal()
 * registered (with `*seal`, which must outlive the connection), for a test to write rows the way
 * that version did. */
static sqlite3 *old_database(const char *dir, const char *path, int version, Seal **seal_out)
{
    g_autofree char *key = g_build_filename(dir, STORE_KEY_FILE, NULL);
    g_autoptr(GError) error = NULL;
    Seal *seal = *seal_out = seal_load_or_create(key, &error);
    g_assert_no_error(error);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_true(seal_register(seal, NULL, db, &error));
    g_assert_true(store_schema_migrate(db, 0, version, &error));
    g_assert_no_error(error);
    sqlite3_exec(db, "PRAGMA application_id = 1212242514", NULL, NULL, NULL);
    return db;
}

/* A database from before photos were sealed (schema 8, the photo kept as loaded): the next open
 * seals it, and its bytes are gone from the file. */
static void test_photo_sealed_by_migration(void)
{
    g_autofree char *dir = dir_for("photo-migrate");
    g_autofree char *path = g_build_filename(dir, "haazri.db", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Seal) seal = NULL;
    sqlite3 *db = old_database(dir, path, 8, &seal);
    /* As version 8 wrote them: the name sealed, the photo in the clear. */
    g_assert_cmpint(sqlite3_exec(db, "INSERT INTO probationers (case_number, name_en, office, created_at, updated_at) "
                                     "VALUES ('OLD-1', seal('Kept Person', 'name_en'), 'Lahore', "
                                     "'2026-01-01T09:00:00+05:00', '2026-01-01T09:00:00+05:00')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
    g_autoptr(GBytes) face = photo();
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, "INSERT INTO photos (probationer_id, png) VALUES (1, ?)", -1, &st, NULL), ==,
                    SQLITE_OK);
    sqlite3_bind_blob(st, 1, g_bytes_get_data(face, NULL), (int)g_bytes_get_size(face), SQLITE_STATIC);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);

    Store *s = store_open(path, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) back = store_get_photo(s, 1, &error);
    g_assert_no_error(error);
    g_assert_true(back && g_bytes_equal(back, face));
    store_close(s);
    g_autoptr(GByteArray) raw = raw_files(dir);
    assert_photo_absent(raw);
}

/* A database from before messages, officers' names and answers were sealed (schema 9, as that
 * version wrote them): the next open seals them, the screen and the officer's views read them back,
 * and their clear text is gone from the file and the WAL. */
static void test_personal_text_sealed_by_migration(void)
{
    g_autofree char *dir = dir_for("text-migrate");
    g_autofree char *path = g_build_filename(dir, "haazri.db", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Seal) seal = NULL;
    sqlite3 *db = old_database(dir, path, 9, &seal);
    g_autofree char *rows = g_strdup_printf(
        "INSERT INTO probationers (case_number, name_en, office, created_at, updated_at) VALUES ('OLD-1', "
        "  seal('Kept Person', 'name_en'), 'Lahore', '2026-01-01T09:00:00+05:00', '2026-01-01T09:00:00+05:00');"
        "INSERT INTO messages (remote_id, probationer_id, text_en) VALUES ('local:1', 1, '%s');"
        "INSERT INTO messages (remote_id, probationer_id, text_en, text_ur) VALUES ('central:office-1', NULL, '%s', '%s');"
        "INSERT INTO officers (username, name, role, pin_hash, created_at) VALUES ('rukhsana', '%s', 'officer', "
        "  'x', '2026-01-01T09:00:00+05:00');"
        "INSERT INTO checkins (uuid, probationer_id, method, result, wall_time, wall_utc_us, local_date, mono_us, "
        "  boot_id, device_id) VALUES ('u-1', 1, 'finger', 'recorded', '2026-01-02T09:00:00+05:00', 1, '2026-01-02', "
        "  1, 'b', 'k1');"
        "INSERT INTO checkin_answers (checkin_uuid, question_id, answer, answered_at) VALUES "
        "  ('u-1', 'arrested', 'yes', '2026-01-02T09:00:10+05:00'),"
        "  ('u-1', 'address_changed', 'no', '2026-01-02T09:00:20+05:00');",
        MESSAGE, OFFICE_EN, OFFICE_UR, OFFICER_NAME);
    g_assert_cmpint(sqlite3_exec(db, rows, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);

    Store *s = store_open(path, &error);
    g_assert_no_error(error);
    assert_personal_text_reads_back(s, 1);
    store_close(s);
    g_autoptr(GByteArray) raw = raw_files(dir);
    g_assert_null(memmem(raw->data, raw->len, "court order", 11));
    g_assert_null(memmem(raw->data, raw->len, OFFICE_EN, strlen(OFFICE_EN)));
    g_assert_null(memmem(raw->data, raw->len, OFFICE_UR, strlen(OFFICE_UR)));
    g_assert_null(memmem(raw->data, raw->len, "Rukhsana", 8));
    assert_answers_sealed(dir, 2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/seal/copy-reveals-nothing", test_copy_reveals_nothing);
    g_test_add_func("/seal/wrong-key-refused", test_wrong_key_refused);
    g_test_add_func("/seal/rotate", test_rotate);
    g_test_add_func("/seal/photo-sealed-by-migration", test_photo_sealed_by_migration);
    g_test_add_func("/seal/personal-text-sealed-by-migration", test_personal_text_sealed_by_migration);
    return g_test_run();
}
