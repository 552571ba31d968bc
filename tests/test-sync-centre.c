/* test-sync-centre — what the centre and the kiosk tell each other besides check-ins, a kiosk (the
 * real sync engine) and the real receiver on 127.0.0.1 over TLS, SQLite and PostgreSQL storage.
 *
 * Photos: one loaded at the centre (haazri-receiver photo) reaches the kiosk with the roster and is
 * removed there when the centre removes it; a bad file is refused at the centre; a photo set on the
 * kiosk stays while the centre has none.
 *
 * The questionnaire's answers reach the centre. An answer given
 * after its check-in already went up follows by itself; an answer given before the push goes in
 * the same sync pass; each is at the centre once (sent again: still one row), a changed answer
 * replaces the old one; "arrested: yes" is flagged in the export (CSV and JSON) and counted in the
 * heartbeat. */
#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include "app/clock-testing.h"
#include "app/config.h"
#include "app/photo.h"
#include "app/store/store-answers.h"
#include "app/store/store-sync.h"
#include "sync/sync.h"
#include "tests/central.h"
#include "tests/helpers.h"

typedef struct {
    char *device, *dir, *conf;
    Config *config;
    Store *store;
    Sync *sync;
} Kiosk;

/* A kiosk provisioned with the receiver by `haazri-ctl provision`, its sync engine in this process. */
static Kiosk *kiosk_new(const char *device, const char *spec, TuReceiver *r)
{
    Kiosk *k = g_new0(Kiosk, 1);
    k->device = g_strdup(device);
    k->dir = g_build_filename(tu_tmpdir(), device, NULL);
    g_assert_cmpint(g_mkdir_with_parents(k->dir, 0700), ==, 0);
    k->conf = g_build_filename(k->dir, "haazri.conf", NULL);
    g_autofree char *text = g_strdup_printf("[kiosk]\ndevice_id = %s\noffice = Lahore\ndata_dir = %s\n"
                                            "[sync]\nca_file = %s\nretry_min_seconds = 0.05\nretry_max_seconds = 0.4\n",
                                            device, k->dir, tu_tls()->ca);
    g_assert_true(g_file_set_contents(k->conf, text, -1, NULL));
    g_autofree char *token = tu_receiver_add_device(spec, device, "Lahore");
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-ctl", NULL);
    g_autofree char *server = g_strdup_printf("--server=%s", r->url);
    g_autofree char *tok = g_strdup_printf("--token=%s", token);
    char *argv[] = {exe, "provision", "--config", k->conf, server, tok, NULL};
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, NULL, NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_autoptr(GError) error = NULL;
    k->config = config_load(k->conf, &error);
    g_assert_no_error(error);
    g_autofree char *db = config_get_db_path(k->config);
    k->store = store_open(db, &error);
    g_assert_no_error(error);
    g_auto(SyncConfig) sc;
    g_auto(SyncCredentials) creds = {0};
    sync_config_init(&sc);
    g_assert_true(sync_config_load(k->config->keyfile, k->conf, &sc, &error));
    g_assert_true(sync_credentials_load(k->config->data_dir, &creds, &error));
    k->sync = sync_new(&sc, &creds, k->store, &error);
    g_assert_no_error(error);
    return k;
}

static void kiosk_free(Kiosk *k)
{
    sync_free(k->sync);
    store_close(k->store);
    config_free(k->config);
    g_free(k->device);
    g_free(k->dir);
    g_free(k->conf);
    g_free(k);
}

typedef struct {
    gboolean done;
    char *error;
} Once;

static void on_once(const GError *error, gpointer data)
{
    Once *o = data;
    o->error = error ? g_strdup(error->message) : NULL;
    o->done = TRUE;
}

/* One whole pass, as `haazri-ctl sync now` does: check-ins, answers, audit, heartbeat, roster. */
static void sync_pass(Kiosk *k)
{
    Once o = {0};
    sync_run_once(k->sync, on_once, &o);
    g_assert_true(tu_run_until(&o.done, 60000));
    g_assert_cmpstr(o.error, ==, NULL);
}

static char *record(Kiosk *k, gint64 who)
{
    StoreCheckin c = {.probationer_id = who, .method = CHECKIN_BY_FINGER, .score = 80,
                      .device_id = k->config->device_id};
    g_autoptr(GError) error = NULL;
    g_assert_true(store_record_checkin(k->store, &c, &error));
    g_assert_cmpint(c.result, ==, CHECKIN_RECORDED);
    return g_strdup(c.uuid);
}

static void answer(Kiosk *k, const char *uuid, const char *question, gboolean yes)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(store_save_answer(k->store, uuid, question, yes, &error));
}

/* The export's row for `uuid` (JSON): its "answers", then " | " and its "attention" when it has one;
 * "" before any answer. The centre keeps answers sealed: this is how they are read. */
static char *answers_at_centre(const char *spec, const char *uuid)
{
    g_autofree char *json = tu_receiver_run(spec, "export", "--office", "Lahore", "--date", "2026-11-24",
                                            "--format", "json", NULL);
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
    JsonArray *rows = json_node_get_array(json_parser_get_root(p));
    for (guint i = 0; i < json_array_get_length(rows); i++) {
        JsonObject *o = json_array_get_object_element(rows, i);
        if (g_strcmp0(json_object_get_string_member(o, "uuid"), uuid) != 0)
            continue;
        const char *answers = json_object_get_string_member_with_default(o, "answers", NULL);
        const char *attention = json_object_get_string_member_with_default(o, "attention", NULL);
        return g_strconcat(answers ? answers : "", attention ? " | " : "", attention ? attention : "", NULL);
    }
    g_error("check-in %s is not in the export", uuid);
}

/* The answers as stored (sealed): the same bytes mean nothing was rewritten. */
static char *answers_stored(const char *spec)
{
    return tu_central_query(spec, "SELECT answer FROM answers ORDER BY checkin_uuid, question_id");
}

static void test_answers_up(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "answers");
    if (!spec)
        return;
    /* One office day, whatever today is: the kiosk's records and its heartbeat's count use it. */
    g_autoptr(GDateTime) morning = g_date_time_new_from_iso8601("2026-11-24T09:10:00+05:00", NULL);
    clock_freeze(morning);
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    g_autofree char *device = g_strdup_printf("answers-%s", (const char *)engine);
    Kiosk *k = kiosk_new(device, spec, r);
    gint64 imran = tu_add_probationer(k->store, 1, "Imran", NULL);
    gint64 sana = tu_add_probationer(k->store, 2, "Sana", NULL);

    /* The check-in goes up before the person has answered (the screen is still asking). */
    g_autofree char *first = record(k, imran);
    sync_pass(k);
    g_autofree char *none = answers_at_centre(spec, first);
    g_assert_cmpstr(none, ==, "");
    clock_advance(20);
    answer(k, first, "address_changed", FALSE);
    answer(k, first, "arrested", TRUE);
    g_assert_cmpint(store_answers_count_unsent(k->store), ==, 2);
    sync_pass(k);
    g_autofree char *got = answers_at_centre(spec, first);
    g_assert_cmpstr(got, ==, "address_changed=no;arrested=yes | arrested=yes");
    g_assert_cmpint(store_answers_count_unsent(k->store), ==, 0);

    /* The heartbeat of that pass counted the answer needing attention; nothing waits. */
    g_autofree char *hb_sql = g_strdup_printf("SELECT heartbeat FROM devices WHERE id = '%s'", device);
    g_autofree char *hb = tu_central_query(spec, hb_sql);
    g_assert_nonnull(strstr(hb, "\"answers_attention\":1"));
    g_assert_nonnull(strstr(hb, "\"answers_unsent\":0"));

    /* Another check-in answered before the next push: check-in and answers in the same pass. */
    clock_advance(600);
    g_autofree char *second = record(k, sana);
    answer(k, second, "address_changed", TRUE);
    answer(k, second, "arrested", FALSE);
    sync_pass(k);
    g_autofree char *both = answers_at_centre(spec, second);
    g_assert_cmpstr(both, ==, "address_changed=yes;arrested=no");

    /* Sent again (as after a lost reply): still one row each, nothing changed. */
    g_autofree char *before = answers_stored(spec);
    g_assert_nonnull(strstr(before, "SFpTM")); /* sealed: base64 of "HZS1"… */
    g_autoptr(GError) error = NULL;
    g_assert_true(store_answers_mark_sent(k->store, 0, &error));
    g_assert_cmpint(store_answers_count_unsent(k->store), ==, 4);
    sync_pass(k);
    g_autofree char *count = tu_central_query(spec, "SELECT count(*) FROM answers");
    g_assert_cmpstr(count, ==, "4");
    g_autofree char *again = answers_at_centre(spec, first);
    g_assert_cmpstr(again, ==, "address_changed=no;arrested=yes | arrested=yes");
    g_autofree char *after = answers_stored(spec);
    g_assert_cmpstr(after, ==, before);

    /* Answered again on the kiosk (after the first answers were acknowledged): the new answer wins. */
    clock_advance(5);
    answer(k, second, "arrested", TRUE);
    g_assert_cmpint(store_answers_count_unsent(k->store), ==, 1);
    sync_pass(k);
    g_autofree char *changed = answers_at_centre(spec, second);
    g_assert_cmpstr(changed, ==, "address_changed=yes;arrested=yes | arrested=yes");
    g_free(hb);
    hb = tu_central_query(spec, hb_sql);
    g_assert_nonnull(strstr(hb, "\"answers_attention\":2"));

    /* The export: every answer with its check-in, the ones needing attention flagged. */
    g_autofree char *csv = tu_receiver_run(spec, "export", "--office", "Lahore", "--date", "2026-11-24", "--format",
                                           "csv", NULL);
    g_assert_true(g_str_has_prefix(csv, "uuid,office,device_id,local_date,wall_time,case_number,result,method,"
                                        "finger,score,clock_offset_s,received_at,answers,attention\n"));
    g_autofree char *line = g_strdup_printf(",address_changed=no;arrested=yes,arrested=yes");
    g_assert_nonnull(strstr(csv, line));

    kiosk_free(k);
    tu_receiver_kill(r);
    clock_thaw();
}

/* `haazri-receiver ARGS...`: its exit status; its stderr in *err. */
static int receiver_status(const char *spec, char **err, ...)
{
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-receiver", NULL);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, exe);
    va_list ap;
    va_start(ap, err);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(argv, (char *)a);
    va_end(ap);
    g_autofree char *db = g_strdup_printf("--db=%s", spec);
    g_ptr_array_add(argv, db);
    g_ptr_array_add(argv, NULL);
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, err,
                               &status, NULL));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static GBytes *kiosk_photo(Kiosk *k, const char *case_number)
{
    StoreProbationer p = {0};
    g_autoptr(GError) error = NULL;
    g_assert_true(store_find_probationer(k->store, case_number, &p, &error));
    GBytes *photo = store_get_photo(k->store, p.id, &error);
    g_assert_no_error(error);
    store_probationer_clear(&p);
    return photo;
}

static void test_photo_down(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "photos");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    g_autofree char *device = g_strdup_printf("photos-%s", (const char *)engine);
    Kiosk *k = kiosk_new(device, spec, r);
    g_autofree char *roster = g_build_filename(tu_tmpdir(), "photo-roster.json", NULL);
    const char *json = "{\"probationers\": ["
        "{\"case_number\": \"LHR-9/2026\", \"name_en\": \"Nadia Pervez\", \"name_ur\": \"نادیہ پرویز\", "
        "\"cnic\": null, \"office\": \"Lahore\", \"status\": \"active\"},"
        "{\"case_number\": \"LHR-10/2026\", \"name_en\": \"Kamran Butt\", \"name_ur\": null, "
        "\"cnic\": null, \"office\": \"Lahore\", \"status\": \"active\"}]}";
    g_assert_true(g_file_set_contents(roster, json, -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", roster, NULL));

    /* Refused at the centre, with the file and the reason named: too wide; a case it doesn't hold. */
    g_autofree char *portrait = tu_data("photos/portrait.jpg");
    g_autofree char *wide = tu_data("photos/wide.png");
    g_autofree char *err = NULL;
    g_assert_cmpint(receiver_status(spec, &err, "photo", "LHR-9/2026", wide, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "wide.png: the photo is 1100x20 pixels; at most 1024x1024 are accepted"));
    g_clear_pointer(&err, g_free);
    g_assert_cmpint(receiver_status(spec, &err, "photo", "LHR-404/2026", portrait, NULL), ==, 1);
    g_assert_nonnull(strstr(err, "case LHR-404/2026 is not in the centre's roster"));
    g_clear_pointer(&err, g_free);

    /* Loaded at the centre: on the kiosk after its next pull, byte for byte. */
    g_assert_cmpint(receiver_status(spec, NULL, "photo", "LHR-9/2026", portrait, NULL), ==, 0);
    sync_pass(k);
    g_autoptr(GBytes) sent = photo_load_file(portrait, NULL);
    g_autoptr(GBytes) got = kiosk_photo(k, "LHR-9/2026");
    g_assert_nonnull(got);
    g_assert_true(g_bytes_equal(got, sent));

    /* A photo set on the kiosk for someone the centre has none of stays through the centre's changes. */
    g_autofree char *png_path = tu_data("photos/portrait.png");
    g_autoptr(GBytes) local = photo_load_file(png_path, NULL);
    StoreProbationer kb = {0};
    g_assert_true(store_find_probationer(k->store, "LHR-10/2026", &kb, NULL));
    g_assert_true(store_set_photo(k->store, kb.id, local, NULL));
    store_probationer_clear(&kb);
    g_free(tu_receiver_run(spec, "roster", "load", roster, NULL)); /* both people change version */
    sync_pass(k);
    g_autoptr(GBytes) kept = kiosk_photo(k, "LHR-10/2026");
    g_assert_true(kept && g_bytes_equal(kept, local));
    g_autoptr(GBytes) still = kiosk_photo(k, "LHR-9/2026");
    g_assert_true(still && g_bytes_equal(still, sent));

    /* Removed at the centre: removed on the kiosk. */
    g_assert_cmpint(receiver_status(spec, NULL, "photo", "LHR-9/2026", "--remove", NULL), ==, 0);
    sync_pass(k);
    g_autoptr(GBytes) gone = kiosk_photo(k, "LHR-9/2026");
    g_assert_null(gone);

    kiosk_free(k);
    tu_receiver_kill(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/sync-centre/sqlite/answers-up", "sqlite", test_answers_up);
    g_test_add_data_func("/sync-centre/postgresql/answers-up", "postgresql", test_answers_up);
    g_test_add_data_func("/sync-centre/sqlite/photos-down", "sqlite", test_photo_down);
    g_test_add_data_func("/sync-centre/postgresql/photos-down", "postgresql", test_photo_down);
    return g_test_run();
}
