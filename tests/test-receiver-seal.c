/* test-receiver-seal — the centre's database sealed at rest (receiver/db-seal.c, issue 16.4), on
 * SQLite and PostgreSQL: a copy of the database (SQLite's file and -wal; PostgreSQL's pg_dump and
 * data folder) shows no name, CNIC, template, photo, message or answer; the receiver reads them
 * back; its key file is 0600; a wrong key is refused in a sentence; a database of a version before
 * sealing (or before messages and answers were sealed) is sealed at its next open; `key rotate`
 * re-seals everything. Roster pages, the day page and the export over sealed data are the other
 * receiver tests (test-sync, test-sync-people, test-centre-page, test-receiver). */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "app/photo.h"
#include "drivers/scanner.h"
#include "tests/central.h"
#include "tests/helpers.h"

static const char NAME_EN[] = "Zulfiqar Mehmood Qureshi", NAME_UR[] = "ذوالفقار محمود قریشی", CNIC[] = "3520298765431";
/* A message for the person, in both languages: personal text, sealed too. */
static const char MESSAGE[] = "Zulfiqar, bring your court order on Monday", MESSAGE_UR[] = "اگلی پیشی جمعرات کو ہوگی";
static GBytes *print; /* a real libfprint template, scanned from FVC images */

static char *new_spec(const char *engine, const char *name)
{
    if (strcmp(engine, "sqlite") == 0) {
        g_autofree char *dir = g_build_filename(tu_tmpdir(), name, NULL);
        g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
        return g_build_filename(dir, "receiver.db", NULL);
    }
    g_autofree char *why = NULL;
    if (!tu_postgres(&why)) {
        g_test_skip(why);
        return NULL;
    }
    return tu_postgres_new_db(name);
}

/* The key every receiver of this process uses (tests/central.h). */
static char *key_path(void)
{
    g_assert_nonnull(g_getenv("HAAZRI_RECEIVER_KEY"));
    return g_strdup(g_getenv("HAAZRI_RECEIVER_KEY"));
}

static GBytes *photo(void)
{
    g_autofree char *path = tu_data("photos/portrait.jpg");
    g_autoptr(GError) error = NULL;
    GBytes *b = photo_load_file(path, &error);
    g_assert_no_error(error);
    return b;
}

static char *b64_of(GBytes *b)
{
    return g_base64_encode(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
}

/* The roster file an operator loads, with the person's photo set afterwards. */
static void load_person(const char *spec)
{
    g_autofree char *b64 = b64_of(print);
    g_autofree char *json = g_strdup_printf(
        "{\"probationers\": [{\"case_number\": \"LHR-77\", \"name_en\": \"%s\", \"name_ur\": \"%s\", \"cnic\": \"%s\", "
        "\"office\": \"Lahore\", \"status\": \"active\", \"fingers\": [{\"finger\": \"right-index\", \"driver\": "
        "\"virtual_image\", \"template\": \"%s\"}]}], \"messages\": [{\"id\": \"m1\", \"office\": \"Lahore\", "
        "\"case_number\": \"LHR-77\", \"text_en\": \"%s\", \"text_ur\": \"%s\"}]}", NAME_EN, NAME_UR, CNIC, b64,
        MESSAGE, MESSAGE_UR);
    g_autofree char *file = g_build_filename(tu_tmpdir(), "omis-seal.json", NULL);
    g_assert_true(g_file_set_contents(file, json, -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_autofree char *jpeg = tu_data("photos/portrait.jpg");
    g_free(tu_receiver_run(spec, "photo", "LHR-77", jpeg, NULL));
}

/* What the centre holds about LHR-77, read through the receiver: all of it, in the clear. */
static void assert_reads_back(const char *spec)
{
    g_autofree char *en = tu_central_person(spec, "LHR-77", "name_en");
    g_autofree char *ur = tu_central_person(spec, "LHR-77", "name_ur");
    g_autofree char *cnic = tu_central_person(spec, "LHR-77", "cnic");
    g_autofree char *tpl = tu_central_person(spec, "LHR-77", "finger:right-index");
    g_autofree char *b64 = b64_of(print);
    g_assert_cmpstr(en, ==, NAME_EN);
    g_assert_cmpstr(ur, ==, NAME_UR);
    g_assert_cmpstr(cnic, ==, CNIC);
    g_assert_cmpstr(tpl, ==, b64);
    g_autoptr(GBytes) face = photo();
    g_autofree char *face64 = b64_of(face);
    g_autofree char *json = tu_receiver_run(spec, "roster", "show", "LHR-77", NULL);
    g_assert_nonnull(strstr(json, face64)); /* the photo, as a kiosk's roster page carries it */
}

/* None of the person's personal data in `raw`: names, CNIC, the template and the photo, as bytes
 * and as the base64 the receiver stored them in before. */
static void assert_absent(const void *raw, gsize len, const char *what)
{
    g_test_message("checking %s (%zu bytes)", what, len);
    g_assert_cmpuint(len, >, 4096);
    g_assert_null(memmem(raw, len, NAME_EN, strlen(NAME_EN)));
    g_assert_null(memmem(raw, len, "Zulfiqar", 8));
    g_assert_null(memmem(raw, len, NAME_UR, strlen(NAME_UR)));
    g_assert_null(memmem(raw, len, CNIC, strlen(CNIC)));
    g_assert_null(memmem(raw, len, MESSAGE, strlen(MESSAGE)));
    g_assert_null(memmem(raw, len, "court order", 11));
    g_assert_null(memmem(raw, len, MESSAGE_UR, strlen(MESSAGE_UR)));
    g_autoptr(GBytes) face = photo();
    GBytes *values[] = {print, face};
    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        gsize n = 0;
        const guint8 *data = g_bytes_get_data(values[i], &n);
        g_autofree char *b64 = b64_of(values[i]);
        g_assert_null(memmem(raw, len, data + n / 2, 32));
        g_assert_null(memmem(raw, len, b64 + strlen(b64) / 2, 40));
    }
}

static void add_file(GByteArray *all, const char *path)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (g_file_get_contents(path, &data, &len, NULL))
        g_byte_array_append(all, (guint8 *)data, (guint)len);
}

static void add_folder(GByteArray *all, const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    for (const char *name; d && (name = g_dir_read_name(d));) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            add_folder(all, path);
        else
            add_file(all, path);
    }
}

/* What a copy of the centre's database holds. SQLite: the file and its -wal. PostgreSQL: a dump,
 * and the files of the sealed tables (whole data folder when `whole`: its WAL too). */
static void assert_copy_reveals_nothing(const char *engine, const char *spec, gboolean whole)
{
    g_autoptr(GByteArray) raw = g_byte_array_new();
    if (strcmp(engine, "sqlite") == 0) {
        add_file(raw, spec);
        g_autofree char *wal = g_strconcat(spec, "-wal", NULL);
        add_file(raw, wal);
        assert_absent(raw->data, raw->len, "the SQLite file and its -wal");
        return;
    }
    g_autofree char *dump = tu_postgres_dump(spec);
    g_assert_nonnull(strstr(dump, "CREATE TABLE public.probationers"));
    assert_absent(dump, strlen(dump), "pg_dump");
    g_free(tu_central_query(spec, "CHECKPOINT"));
    if (whole) {
        add_folder(raw, tu_postgres_data_dir());
        assert_absent(raw->data, raw->len, "PostgreSQL's data folder");
        return;
    }
    g_autofree char *files = tu_central_query(spec, "SELECT pg_relation_filepath(oid) FROM pg_class WHERE relname IN "
                                                    "('probationers', 'fingers', 'photos', 'messages', 'answers') UNION "
                                                    "ALL SELECT pg_relation_filepath(reltoastrelid) FROM pg_class WHERE "
                                                    "relname IN ('probationers', 'fingers', 'photos', 'messages', "
                                                    "'answers') AND reltoastrelid <> 0");
    g_auto(GStrv) lines = g_strsplit(files, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_autofree char *path = g_build_filename(tu_postgres_data_dir(), lines[i], NULL);
        add_file(raw, path);
    }
    assert_absent(raw->data, raw->len, "the sealed tables' files"); /* 8 KB pages: never small */
}

static void test_copy_reveals_nothing(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "centre_copy");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0); /* serving: SQLite's WAL not folded in */
    load_person(spec);
    assert_copy_reveals_nothing(engine, spec, TRUE);
    assert_reads_back(spec);
    tu_receiver_kill(r);
    g_autofree char *key = key_path();
    struct stat st;
    g_assert_cmpint(g_stat(key, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    g_assert_cmpint(st.st_size, ==, 32);
}

/* Runs the receiver expecting a refusal; its stderr. */
static char *receiver_fails(const char *spec, const char *a, const char *b, const char *c)
{
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-receiver", NULL);
    char *argv[] = {exe, (char *)a, (char *)b, (char *)c, "--db", (char *)spec, NULL};
    g_autofree char *out = NULL;
    char *err = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL));
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    return err;
}

/* Another key (or none: a new one would be made) does not open the centre's database. */
static void test_wrong_key_refused(void)
{
    g_autofree char *spec = new_spec("sqlite", "centre_wrongkey");
    load_person(spec);
    g_autofree char *key = key_path();
    g_autofree char *saved = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(key, &saved, &len, NULL));
    g_assert_cmpint(g_unlink(key), ==, 0);
    g_autofree char *err = receiver_fails(spec, "roster", "show", "LHR-77");
    g_assert_nonnull(strstr(err, "is not the key this database's names and fingerprints were sealed with"));
    g_assert_true(g_file_set_contents_full(key, saved, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
    assert_reads_back(spec);
}

/* A message, a check-in and its two answers as a receiver from before their sealing wrote them:
 * the message's text in the clear, the answers' table with its CHECK and `attention` flag. */
static char *clear_messages_and_answers_sql(void)
{
    return g_strdup_printf(
        "INSERT INTO messages (id, office, case_number, text_en, text_ur, withdrawn, version) "
        "VALUES ('m1', 'Lahore', 'LHR-77', '%s', '%s', 0, 1);"
        "INSERT INTO events (uuid, device_id, office, type, case_number, finger, method, result, score, wall_time, "
        "wall_utc_us, local_date, mono_us, boot_id, clock_offset_s, received_at) VALUES ('u-1', 'k1', 'Lahore', "
        "'checkin', 'LHR-77', 'right-index', 'finger', 'recorded', 40, '2026-01-02T09:00:00+05:00', "
        "1767326400000000, '2026-01-02', 1, 'b', 0, '2026-01-02T04:00:01Z');"
        "DROP TABLE answers;"
        "CREATE TABLE answers (checkin_uuid TEXT NOT NULL, question_id TEXT NOT NULL,"
        "  device_id TEXT NOT NULL REFERENCES devices(id), office TEXT NOT NULL,"
        "  answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')), attention INTEGER NOT NULL,"
        "  answered_at TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (checkin_uuid, question_id));"
        "INSERT INTO answers VALUES ('u-1', 'arrested', 'k1', 'Lahore', 'yes', 1, '2026-01-02T09:00:10+05:00', "
        "'2026-01-02T04:00:11Z'), ('u-1', 'address_changed', 'k1', 'Lahore', 'no', 0, "
        "'2026-01-02T09:00:20+05:00', '2026-01-02T04:00:21Z');", MESSAGE, MESSAGE_UR);
}

static void exec_sql(const char *engine, const char *spec, const char *sql)
{
    if (strcmp(engine, "sqlite") != 0) {
        g_free(tu_central_query(spec, sql));
        return;
    }
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(spec, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
}

/* The message and the answers sealed (base64 of "HZS1"…), a "yes" as long as a "no"; the answers
 * read back for OMIS (the export), "arrested: yes" flagged for an officer. */
static void assert_messages_and_answers_sealed(const char *spec)
{
    g_autofree char *messages = tu_central_query(spec, "SELECT count(*) FROM messages WHERE text_en LIKE 'SFpTM%' "
                                                       "AND text_ur LIKE 'SFpTM%'");
    g_assert_cmpstr(messages, ==, "1");
    g_autofree char *answers = tu_central_query(spec, "SELECT count(*) || ' ' || "
                                                   "count(DISTINCT length(rtrim(answer, '='))) FROM "
                                                      "answers WHERE answer LIKE 'SFpTM%'");
    g_assert_cmpstr(answers, ==, "2 1");
    g_autofree char *csv = tu_receiver_run(spec, "export", "--date", "2026-01-02", "--format", "csv", NULL);
    g_assert_nonnull(strstr(csv, ",address_changed=no;arrested=yes,arrested=yes"));
}

/* A database of a receiver from before sealing: names and templates in the clear, no key check.
 * Made as that version wrote it: today's tables without `meta`, rows in the clear. */
static void make_clear_database(const char *engine, const char *spec)
{
    g_free(tu_receiver_add_device(spec, "k1", "Lahore")); /* the tables, and the kiosk of the answers */
    g_autofree char *b64 = b64_of(print);
    g_autoptr(GBytes) face = photo();
    g_autofree char *face64 = b64_of(face);
    g_autofree char *more = clear_messages_and_answers_sql();
    g_autofree char *sql = g_strdup_printf(
        "DROP TABLE meta;"
        "INSERT INTO probationers (case_number, office, cnic, name_en, name_ur, status, version) "
        "VALUES ('LHR-77', 'Lahore', '%s', '%s', '%s', 'active', 1);"
        "INSERT INTO fingers (case_number, finger, driver, print_b64) VALUES ('LHR-77', 'right-index', "
        "'virtual_image', '%s');"
        "INSERT INTO photos (case_number, data_b64, bytes, loaded_at) VALUES ('LHR-77', '%s', %zu, "
        "'2026-01-01T09:00:00Z');"
        "UPDATE roster_seq SET value = 1;%s", CNIC, NAME_EN, NAME_UR, b64, face64, g_bytes_get_size(face), more);
    exec_sql(engine, spec, sql);
}

/* A database sealed by the receiver before messages and answers were (no seal_generation): the
 * names sealed, the message and the answers in the clear. */
static void make_names_only_sealed_database(const char *engine, const char *spec)
{
    g_free(tu_receiver_add_device(spec, "k1", "Lahore"));
    load_person(spec);
    g_autofree char *more = clear_messages_and_answers_sql();
    g_autofree char *sql = g_strdup_printf("DELETE FROM meta WHERE key = 'seal_generation'; DELETE FROM messages;%s",
                                           more);
    exec_sql(engine, spec, sql);
}

static void test_clear_database_sealed_at_open(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "centre_migrate");
    if (!spec)
        return;
    make_clear_database(engine, spec);
    assert_reads_back(spec); /* the first open seals it, then reads it */
    assert_copy_reveals_nothing(engine, spec, FALSE);
    assert_messages_and_answers_sealed(spec);
}

static void test_messages_and_answers_sealed_at_open(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "centre_migrate2");
    if (!spec)
        return;
    make_names_only_sealed_database(engine, spec);
    assert_reads_back(spec); /* the next open seals what was left in the clear */
    assert_copy_reveals_nothing(engine, spec, FALSE);
    assert_messages_and_answers_sealed(spec);
}

static void test_rotate(gconstpointer engine)
{
    g_autofree char *spec = new_spec(engine, "centre_rotate");
    if (!spec)
        return;
    load_person(spec);
    g_autofree char *key = key_path();
    g_autofree char *old = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(key, &old, &len, NULL));
    g_autofree char *said = tu_receiver_run(spec, "key", "rotate", NULL);
    /* the CNIC, two names, the template, the photo, the message in two languages */
    g_assert_nonnull(strstr(said, "7 values re-sealed"));
    g_autofree char *now = NULL;
    g_assert_true(g_file_get_contents(key, &now, NULL, NULL));
    g_assert_true(memcmp(now, old, 32) != 0);
    assert_reads_back(spec);
    assert_copy_reveals_nothing(engine, spec, FALSE);
    /* The old key (a backup's) opens nothing any more. */
    g_assert_true(g_file_set_contents_full(key, old, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
    g_autofree char *err = receiver_fails(spec, "roster", "show", "LHR-77");
    g_assert_nonnull(strstr(err, "is not the key this database's names and fingerprints were sealed with"));
    g_assert_true(g_file_set_contents_full(key, now, 32, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
    assert_reads_back(spec);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tu_use_virtual_scanner();
    Scanner *scanner = tu_scanner_new(NULL, NULL);
    print = tu_capture_fvc(scanner, 101);
    scanner_free(scanner);
    const char *engines[] = {"sqlite", "postgresql"};
    for (int e = 0; e < 2; e++) {
        g_autofree char *a = g_strdup_printf("/receiver-seal/%s/copy-reveals-nothing", engines[e]);
        g_autofree char *b = g_strdup_printf("/receiver-seal/%s/clear-database-sealed-at-open", engines[e]);
        g_autofree char *c = g_strdup_printf("/receiver-seal/%s/rotate", engines[e]);
        g_autofree char *d = g_strdup_printf("/receiver-seal/%s/messages-and-answers-sealed-at-open", engines[e]);
        g_test_add_data_func(a, engines[e], test_copy_reveals_nothing);
        g_test_add_data_func(b, engines[e], test_clear_database_sealed_at_open);
        g_test_add_data_func(c, engines[e], test_rotate);
        /* After copy-reveals-nothing: it reads PostgreSQL's whole data folder, where the clear rows
         * this writes (as an old version would have) stay in the WAL. */
        g_test_add_data_func(d, engines[e], test_messages_and_answers_sealed_at_open);
    }
    g_test_add_func("/receiver-seal/wrong-key-refused", test_wrong_key_refused);
    return g_test_run();
}
