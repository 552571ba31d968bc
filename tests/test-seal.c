/* test-seal — names, CNIC, templates and photos encrypted at rest (issue 16.4): a copy of haazri.db
 * (and its -wal) shows none of them, the store reads them back, the key file is the service user's alone,
 * a wrong key is refused in a sentence, and `key rotate` re-seals everything in one transaction. */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "app/photo.h"
#include "app/seal.h"
#include "app/store/store-schema.h"
#include "app/store/store.h"
#include "tests/helpers.h"

static const char NAME_EN[] = "Zulfiqar Mehmood Qureshi", NAME_UR[] = "ذوالفقار محمود قریشی", CNIC[] = "3520298765431";
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
    g_assert_null(memmem(raw->data, raw->len, "FP3", 3));
    assert_photo_absent(raw);
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
    store_close(s);
    assert_nothing_in_clear(dir);
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
    g_assert_cmpuint(rows, >=, 4); /* the person, the finger, the photo, the key check */
    assert_reads_back(s);
    assert_nothing_in_clear(dir);
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

/* A database from before photos were sealed (schema 8, the photo kept as loaded): the next open
 * seals it, and its bytes are gone from the file. */
static void test_photo_sealed_by_migration(void)
{
    g_autofree char *dir = dir_for("photo-migrate");
    g_autofree char *path = g_build_filename(dir, "haazri.db", NULL);
    g_autofree char *key = g_build_filename(dir, STORE_KEY_FILE, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Seal) seal = seal_load_or_create(key, &error);
    g_assert_no_error(error);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_true(seal_register(seal, NULL, db, &error));
    g_assert_true(store_schema_migrate(db, 0, 8, &error));
    g_assert_no_error(error);
    sqlite3_exec(db, "PRAGMA application_id = 1212242514", NULL, NULL, NULL);
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/seal/copy-reveals-nothing", test_copy_reveals_nothing);
    g_test_add_func("/seal/wrong-key-refused", test_wrong_key_refused);
    g_test_add_func("/seal/rotate", test_rotate);
    g_test_add_func("/seal/photo-sealed-by-migration", test_photo_sealed_by_migration);
    return g_test_run();
}
