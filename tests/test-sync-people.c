/* test-sync-people — the people's side of the kiosk-centre exchange, with the real receiver on
 * 127.0.0.1 over TLS and SQLite and PostgreSQL storage: the roster down in pages (transfers
 * deactivate), the audit trail and fingers enrolled on a kiosk up and on to the office's other
 * kiosks, a kiosk changing only what the centre allows, and ADMS PINs from the centre's roster. */
#include "tests/sync-fixture.h"

/* The centre's roster comes down in pages and is applied; transfers deactivate; the audit trail
 * goes up once, and a trail rewritten on the kiosk is refused by the centre and reported. */
static void test_roster_and_audit(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "roster");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k = kiosk_new("kiosk-roster", spec, r, NULL);
    /* 450 people here (three pages of 200), one at another office, messages for one and for all. */
    g_autoptr(GString) json = g_string_new("{\"probationers\": [");
    for (int i = 0; i < 450; i++)
        g_string_append_printf(json, "{\"case_number\": \"LHR-%d\", \"name_en\": \"Person %d\", "
                               "\"name_ur\": \"شخص %d\", \"office\": \"Lahore\", \"status\": \"active\", "
                               "\"schedule\": {\"rule\": \"weekly:mon,thu\", \"starts\": \"2026-01-05\"}},",
                               i, i, i);
    g_string_append(json, "{\"case_number\": \"MUL-1\", \"name_en\": \"Elsewhere\", \"office\": \"Multan\", "
                           "\"status\": \"active\"}], \"messages\": ["
                           "{\"id\": \"a\", \"office\": \"Lahore\", \"case_number\": \"LHR-7\", \"text_en\": \"See me\"},"
                           "{\"id\": \"b\", \"office\": \"Lahore\", \"text_ur\": \"دفتر جمعہ کو بند ہے\"}]}");
    g_autofree char *file = g_build_filename(k->dir, "roster.json", NULL);
    g_assert_true(g_file_set_contents(file, json->str, -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM probationers WHERE status = 'active'"), ==, "450");
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM schedules"), ==, "450");
    StoreProbationer p449 = {0};
    g_assert_true(store_find_probationer(k->store, "LHR-449", &p449, NULL));
    g_assert_cmpstr(p449.name_ur, ==, "شخص 449"); /* sealed in the file, read through the store */
    store_probationer_clear(&p449);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM messages"), ==, "2");
    /* Messages are sealed at the centre and on the kiosk; the check-in screen reads them. */
    g_assert_cmpstr(tu_central_query(spec, "SELECT count(*) FROM messages WHERE text_en = 'See me'"), ==, "0");
    StoreProbationer p7 = {0};
    g_assert_true(store_find_probationer(k->store, "LHR-7", &p7, NULL));
    g_autofree char *own = store_get_message(k->store, p7.id, NULL);
    g_assert_cmpstr(own, ==, "See me");
    g_autofree char *office = store_get_message(k->store, p7.id + 1, NULL);
    g_assert_cmpstr(office, ==, "دفتر جمعہ کو بند ہے");
    store_probationer_clear(&p7);
    g_autofree char *seq = tu_central_query(spec, "SELECT value FROM roster_seq");
    g_assert_cmpstr(tu_central_query(k->db, "SELECT value FROM sync_meta WHERE key = 'roster_cursor'"), ==, seq);
    /* Three pages were pulled, each applied in its own transaction: three audit rows. */
    g_assert_cmpstr(tu_central_query(k->db, "SELECT count(*) FROM audit WHERE action = 'roster.apply'"), ==, "3");

    /* LHR-3 moves to Multan: the Lahore kiosk hears of it and stops recognising them. */
    g_autofree char *moved = g_build_filename(k->dir, "moved.json", NULL);
    g_assert_true(g_file_set_contents(moved, "{\"probationers\": [{\"case_number\": \"LHR-3\", \"name_en\": "
                                              "\"Person 3\", \"office\": \"Multan\", \"status\": \"active\"}]}", -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", moved, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT status FROM probationers WHERE case_number = 'LHR-3'"), ==, "inactive");

    /* Every audit row of the kiosk is at the centre once. */
    g_autofree char *kiosk_rows = tu_central_query(k->db, "SELECT count(*) FROM audit");
    g_autofree char *sql = g_strdup_printf("SELECT count(*) FROM audit WHERE device_id = '%s'", k->device);
    g_assert_cmpstr(tu_central_query(spec, sql), ==, kiosk_rows);

    /* Someone rewrites a row already sent — and re-chains every hash after it, so the kiosk's own
     * trail verifies — then makes the kiosk send everything again: the centre, holding the
     * original, refuses; the kiosk says so; check-ins still flow. */
    tu_rechain_audit(k->db, 2, "nothing happened");
    g_autoptr(Store) check = store_open(k->db, NULL);
    g_assert_true(store_verify_audit(check, NULL));
    kiosk_record(k, 3);
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 1);
    g_autofree char *status = NULL;
    g_assert_cmpint(run_ctl(k->conf, "sync", "status", NULL, &status), ==, 0);
    g_assert_nonnull(strstr(status, "audit refused:  the server answered 409"));
    g_assert_nonnull(strstr(status, "differs from the one the centre received before"));
    g_assert_nonnull(strstr(status, "queue:          0 check-ins waiting"));
    kiosk_free(k);
    tu_receiver_kill(r);
}

/* A finger enrolled on one kiosk reaches the centre once and the office's other kiosks from there;
 * a person the centre already has keeps the centre's names; a re-enrolled finger goes up again; an
 * officer's deactivation on one kiosk reaches the others. */
static void test_enrollments_up(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "enrol");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *a = kiosk_new("kiosk-enrol-a", spec, r, NULL);
    Kiosk *b = kiosk_new("kiosk-enrol-b", spec, r, NULL);
    /* The centre has Ayesha from OMIS: names, no fingers. */
    g_autofree char *file = g_build_filename(a->dir, "omis.json", NULL);
    g_assert_true(g_file_set_contents(file, "{\"probationers\": [{\"case_number\": \"LHR-500\", \"name_en\": "
                                            "\"Ayesha Khan\", \"name_ur\": \"عائشہ خان\", \"office\": \"Lahore\", "
                                            "\"status\": \"active\"}]}", -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);

    /* Kiosk A enrolls Ayesha's finger, and Zainab, whom the centre has never heard of. */
    g_autoptr(GError) error = NULL;
    StoreProbationer ayesha = {0};
    g_assert_true(store_find_probationer(a->store, "LHR-500", &ayesha, &error));
    g_assert_cmpint(store_add_finger(a->store, ayesha.id, "right-index", print_a, "virtual_image", &error), >, 0);
    StoreProbationer zainab = {.case_number = "LHR-900", .name_en = "Zainab Bibi", .office = "Lahore", .active = TRUE};
    gint64 zainab_id = store_add_probationer(a->store, &zainab, &error);
    g_assert_cmpint(store_add_finger(a->store, zainab_id, "left-index", print_b, "virtual_image", &error), >, 0);
    g_assert_cmpint(store_enrollments_count_unsent(a->store), ==, 3); /* two fingers and a new person */
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpint(store_enrollments_count_unsent(a->store), ==, 0);
    g_assert_cmpint(server_count(spec, "SELECT count(*) FROM fingers"), ==, 2);
    g_autofree char *log_sql = g_strdup_printf("SELECT count(*) FROM kiosk_changes WHERE device_id = '%s' AND what NOT LIKE 'status:%%'", a->device);
    g_assert_cmpint(server_count(spec, log_sql), ==, 2);
    g_autofree char *office = tu_central_person(spec, "LHR-900", "office");
    g_autofree char *name = tu_central_person(spec, "LHR-900", "name_en");
    g_autofree char *status = tu_central_person(spec, "LHR-900", "status");
    g_assert_cmpstr(office, ==, "Lahore");
    g_assert_cmpstr(name, ==, "Zainab Bibi");
    g_assert_cmpstr(status, ==, "active");
    g_autofree char *name_ur = tu_central_person(spec, "LHR-500", "name_ur");
    g_assert_cmpstr(name_ur, ==, "عائشہ خان");
    /* Nothing goes twice. */
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpint(server_count(spec, log_sql), ==, 2);

    /* Kiosk B, same office, pulls both fingers: the same prints. */
    g_assert_cmpint(run_ctl(b->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autofree char *b_fingers = tu_central_query(b->db, "SELECT count(*) FROM fingers f JOIN probationers p ON "
                                                         "p.id = f.probationer_id WHERE p.case_number IN ('LHR-500', 'LHR-900')");
    g_assert_cmpstr(b_fingers, ==, "2");
    g_assert_cmpint(store_enrollments_count_unsent(b->store), ==, 0); /* the centre's: nothing to send back */

    /* Zainab's finger taken again on A by an officer (the audit row enroll_save writes): it goes up
     * again and B gets the new print. */
    g_assert_true(store_replace_finger(a->store, zainab_id, "left-index", print_a, "virtual_image", &error));
    g_assert_true(store_audit(a->store, "officer1", "finger.re-enroll", "LHR-900", "left-index", &error));
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpint(server_count(spec, log_sql), ==, 3);
    g_assert_cmpint(run_ctl(b->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autoptr(GBytes) b_print = first_print(b->store, "LHR-900");
    g_autoptr(GBytes) want = first_print(a->store, "LHR-500");
    g_assert_true(b_print && want && g_bytes_equal(b_print, want));

    /* An officer at A deactivates Zainab: the centre takes it, and B stops recognising her too. */
    g_assert_true(store_set_probationer_active(a->store, zainab_id, FALSE, &error));
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(spec, "SELECT status FROM probationers WHERE case_number = 'LHR-900'"), ==,
                    "inactive");
    g_assert_cmpint(run_ctl(b->conf, "sync", "now", NULL, NULL), ==, 0);
    g_assert_cmpstr(tu_central_query(b->db, "SELECT status FROM probationers WHERE case_number = 'LHR-900'"), ==,
                    "inactive");
    g_assert_cmpint(run_ctl(a->conf, "sync", "now", NULL, NULL), ==, 0); /* its own change back: still inactive */
    g_assert_cmpstr(tu_central_query(a->db, "SELECT status FROM probationers WHERE case_number = 'LHR-900'"), ==,
                    "inactive");
    g_assert_cmpint(store_enrollments_count_unsent(a->store), ==, 0);
    store_probationer_clear(&ayesha);
    kiosk_free(a);
    kiosk_free(b);
    tu_receiver_kill(r);
}

static char *print_b64(GBytes *print)
{
    gsize len = 0;
    const guchar *data = g_bytes_get_data(print, &len);
    return g_base64_encode(data, len);
}

/* The template the centre holds for LHR-700's right index (sealed in its database: read through
 * the receiver, as an operator would). */
static void assert_centre_holds(const char *spec, const char *b64)
{
    g_autofree char *held = tu_central_person(spec, "LHR-700", "finger:right-index");
    g_assert_cmpstr(held, ==, b64);
}

/* Issue 22: the centre decides what a kiosk may change. A kiosk of another office can't replace (or
 * deactivate) a person's finger; a kiosk of the person's own office replaces a finger the centre
 * holds only when its audit trail shows a named officer re-enrolling it — and the centre records
 * which officer. Every refusal is logged at the centre. */
static void test_enrollment_authority(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "authority");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *lahore = kiosk_new("kiosk-auth-lhr", spec, r, NULL);
    /* To the centre, the second kiosk stands in Multan (its credentials say so, whatever it claims). */
    Kiosk *multan = kiosk_new_at("kiosk-auth-mul", spec, r, NULL, "Multan");
    g_autofree char *b64 = print_b64(print_b);
    g_autofree char *file = g_build_filename(lahore->dir, "omis.json", NULL);
    g_autofree char *load = g_strdup_printf("{\"probationers\": [{\"case_number\": \"LHR-700\", \"name_en\": \"Bilal\", "
                                            "\"office\": \"Lahore\", \"status\": \"active\", \"fingers\": [{\"finger\": "
                                            "\"right-index\", \"driver\": \"virtual_image\", \"template\": \"%s\"}]}]}", b64);
    g_assert_true(g_file_set_contents(file, load, -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));

    /* The Multan kiosk claims LHR-700 with its own finger, and deactivates them: both refused. */
    g_autoptr(GError) error = NULL;
    StoreProbationer bilal = {.case_number = "LHR-700", .name_en = "Bilal", .office = "Lahore", .active = TRUE};
    gint64 id = store_add_probationer(multan->store, &bilal, &error);
    g_assert_cmpint(store_add_finger(multan->store, id, "right-index", print_a, "virtual_image", &error), >, 0);
    g_assert_true(store_audit(multan->store, "officer9", "finger.re-enroll", "LHR-700", "right-index", &error));
    g_assert_true(store_set_probationer_active(multan->store, id, FALSE, &error));
    g_assert_cmpint(run_ctl(multan->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_centre_holds(spec, b64);
    g_assert_cmpstr(tu_central_query(spec, "SELECT status FROM probationers WHERE case_number = 'LHR-700'"), ==, "active");
    g_autofree char *refused_sql = g_strdup_printf("SELECT reason FROM kiosk_refusals WHERE device_id = '%s'",
                                                   multan->device);
    g_autofree char *refusal = tu_central_query(spec, refused_sql);
    g_assert_nonnull(strstr(refusal, "belongs to office \"Lahore\", not to this kiosk's (\"Multan\")"));

    /* The Lahore kiosk gets LHR-700; a new template put in without an officer's re-enrollment in its
     * audit trail is refused, the centre's stays. */
    g_assert_cmpint(run_ctl(lahore->conf, "sync", "now", NULL, NULL), ==, 0);
    StoreProbationer here = {0};
    g_assert_true(store_find_probationer(lahore->store, "LHR-700", &here, &error));
    g_assert_true(store_replace_finger(lahore->store, here.id, "right-index", print_a, "virtual_image", &error));
    g_assert_cmpint(run_ctl(lahore->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_centre_holds(spec, b64);
    g_autofree char *lrefused_sql = g_strdup_printf("SELECT what || ': ' || reason FROM kiosk_refusals WHERE "
                                                    "device_id = '%s'", lahore->device);
    g_autofree char *lrefusal = tu_central_query(spec, lrefused_sql);
    g_assert_nonnull(strstr(lrefusal, "right-index: the centre holds another template for this finger"));

    /* An officer re-enrolls it (as enroll_save records it): taken, and the centre names the officer. */
    g_assert_true(store_replace_finger(lahore->store, here.id, "right-index", print_b, "virtual_image", &error));
    g_assert_true(store_replace_finger(lahore->store, here.id, "right-index", print_a, "virtual_image", &error));
    g_assert_true(store_audit(lahore->store, "officer1", "finger.re-enroll", "LHR-700", "right-index", &error));
    g_assert_cmpint(run_ctl(lahore->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autofree char *a64 = print_b64(print_a);
    assert_centre_holds(spec, a64);
    g_assert_cmpstr(tu_central_query(spec, "SELECT actor FROM finger_authority WHERE case_number = 'LHR-700'"), ==,
                    "officer1");
    /* That audit row authorised one change: another new template needs another re-enrollment. */
    g_assert_true(store_replace_finger(lahore->store, here.id, "right-index", print_b, "virtual_image", &error));
    g_assert_cmpint(run_ctl(lahore->conf, "sync", "now", NULL, NULL), ==, 0);
    assert_centre_holds(spec, a64);
    store_probationer_clear(&here);
    kiosk_free(lahore);
    kiosk_free(multan);
    tu_receiver_kill(r);
}

/* `haazri-receiver roster load FILE` that must refuse: its stderr. */
static char *roster_load_refused(const char *spec, const char *json)
{
    g_autofree char *file = g_build_filename(tu_tmpdir(), "refused-roster.json", NULL);
    g_assert_true(g_file_set_contents(file, json, -1, NULL));
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(build ? build : "build", "haazri-receiver", NULL);
    char *argv[] = {exe, "roster", "load", file, "--db", (char *)spec, NULL};
    char *err = NULL;
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, NULL));
    g_assert_false(g_spawn_check_wait_status(status, NULL));
    return err;
}

static char *kiosk_pin(Kiosk *k, const char *case_number)
{
    return store_get_adms_pin(k->store, case_number);
}

/* ADMS PINs held at the centre reach the kiosk with the roster, and the centre's win: a PIN set on
 * the kiosk is replaced, someone here holding the centre's PIN for another person loses it, null
 * removes it, a person the centre says nothing about keeps theirs. Bad PINs, and one PIN for two
 * people of an office, are refused at the load. */
static void test_adms_pins(gconstpointer engine)
{
    g_autofree char *spec = tu_storage_spec(engine, "pins");
    if (!spec)
        return;
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    Kiosk *k = kiosk_new("kiosk-pins", spec, r, NULL);
    g_autofree char *file = g_build_filename(k->dir, "pins.json", NULL);
    g_assert_true(g_file_set_contents(file, "{\"probationers\": ["
        "{\"case_number\": \"LHR-1\", \"name_en\": \"One\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"1001\"},"
        "{\"case_number\": \"LHR-2\", \"name_en\": \"Two\", \"office\": \"Lahore\", \"status\": \"active\"},"
        "{\"case_number\": \"LHR-3\", \"name_en\": \"Three\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"3003\"},"
        "{\"case_number\": \"MUL-1\", \"name_en\": \"Multan\", \"office\": \"Multan\", \"status\": \"active\", \"adms_pin\": \"1001\"}]}",
        -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autofree char *p1 = kiosk_pin(k, "LHR-1"), *p2 = kiosk_pin(k, "LHR-2"), *p3 = kiosk_pin(k, "LHR-3");
    g_assert_cmpstr(p1, ==, "1001");
    g_assert_null(p2);
    g_assert_cmpstr(p3, ==, "3003");

    /* Set here: LHR-2 gets 2002 and LHR-3 gets 3333 by haazri-ctl adms-pin. */
    g_autoptr(GError) error = NULL;
    g_assert_true(store_set_adms_pin(k->store, "LHR-2", "2002", "asma", &error));
    g_assert_true(store_set_adms_pin(k->store, "LHR-3", "3333", "asma", &error));
    /* The centre gives 2002 to LHR-1 and removes LHR-3's: the centre's win. LHR-2, of whom the
     * centre says nothing, loses 2002 all the same: one person per PIN. */
    g_assert_true(g_file_set_contents(file, "{\"probationers\": ["
        "{\"case_number\": \"LHR-1\", \"name_en\": \"One\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"2002\"},"
        "{\"case_number\": \"LHR-3\", \"name_en\": \"Three\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": null}]}",
        -1, NULL));
    g_free(tu_receiver_run(spec, "roster", "load", file, NULL));
    g_assert_cmpint(run_ctl(k->conf, "sync", "now", NULL, NULL), ==, 0);
    g_autofree char *q1 = kiosk_pin(k, "LHR-1"), *q2 = kiosk_pin(k, "LHR-2"), *q3 = kiosk_pin(k, "LHR-3");
    g_assert_cmpstr(q1, ==, "2002");
    g_assert_null(q2);
    g_assert_null(q3);
    g_assert_cmpstr(tu_central_query(k->db, "SELECT group_concat(subject || '=' || detail, ' ') FROM (SELECT * FROM audit "
                                            "WHERE actor = 'central' AND action = 'probationer.adms-pin' ORDER BY id)"),
                    ==, "LHR-1=1001 LHR-3=3003 LHR-2=(none): the centre gives PIN 2002 to case LHR-1 "
                        "LHR-1=2002 (replaces 1001) LHR-3=(none) (replaces 3333)");

    /* Refused at the load, nothing stored: not a PIN; a PIN another person of the office has. */
    g_autofree char *bad = roster_load_refused(spec, "{\"probationers\": [{\"case_number\": \"LHR-2\", \"name_en\": "
                                                     "\"Two\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"20 02\"}]}");
    g_assert_nonnull(strstr(bad, "(case LHR-2): \"adms_pin\" \"20 02\" is not a PIN an ADMS server knows someone by"));
    g_autofree char *twice = roster_load_refused(spec, "{\"probationers\": [{\"case_number\": \"LHR-2\", \"name_en\": "
                                                       "\"Two\", \"office\": \"Lahore\", \"status\": \"active\", \"adms_pin\": \"2002\"}]}");
    g_assert_nonnull(strstr(twice, "the ADMS PIN 2002 is already case LHR-1's at office \"Lahore\""));
    g_assert_cmpstr(tu_central_query(spec, "SELECT count(*) FROM adms_pins WHERE case_number = 'LHR-2'"), ==, "0");
    kiosk_free(k);
    tu_receiver_kill(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    sync_fixture_scan_prints();
    const char *engines[] = {"sqlite", "postgresql"};
    for (int e = 0; e < 2; e++) {
        g_autofree char *g = g_strdup_printf("/sync/%s/roster-pages-transfers-audit", engines[e]);
        g_test_add_data_func(g, engines[e], test_roster_and_audit);
        g_autofree char *h = g_strdup_printf("/sync/%s/enrollments-up-and-to-the-other-kiosks", engines[e]);
        g_test_add_data_func(h, engines[e], test_enrollments_up);
        g_autofree char *i = g_strdup_printf("/sync/%s/a-kiosk-changes-only-what-the-centre-allows", engines[e]);
        g_test_add_data_func(i, engines[e], test_enrollment_authority);
        g_autofree char *j = g_strdup_printf("/sync/%s/adms-pins-from-the-centre-win", engines[e]);
        g_test_add_data_func(j, engines[e], test_adms_pins);
    }
    return g_test_run();
}
