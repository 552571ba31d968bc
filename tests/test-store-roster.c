/* test-store-roster — the centre's roster on the kiosk: what the protocol refuses (and says why),
 * what applying a page changes (people, fingers, schedules, messages, transfers, deactivations), that
 * a page is all or nothing with its cursor, and the audit rows' way out (edits and gaps detected). */
#include <sqlite3.h>
#include <string.h>

#include "app/store/store-private.h"
#include "app/store/store-roster.h"
#include "app/store/store-sync.h"
#include "sync/protocol.h"
#include "tests/bench-common.h"

static char *template_b64; /* a real libfprint print, scanned from an FVC image */

static Store *open_new(const char *name)
{
    g_autofree char *path = g_build_filename(tu_tmpdir(), name, NULL);
    g_autoptr(GError) error = NULL;
    Store *s = store_open(path, &error);
    g_assert_no_error(error);
    return s;
}

static char *query(Store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), ==, SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        out = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* A pull reply with one person of the given office, status and schedule rule. */
static char *reply(const char *office, const char *status, const char *rule, const char *template, const char *cnic)
{
    return g_strdup_printf(
        "{\"office\": \"Lahore\", \"cursor\": 7, \"more\": false, \"probationers\": [{\"case_number\": \"LHR-1\", "
        "\"name_en\": \"Ali Raza\", \"name_ur\": \"علی رضا\", \"cnic\": %s%s%s, \"office\": \"%s\", \"status\": \"%s\", "
        "\"fingers\": [{\"finger\": \"right-index\", \"driver\": \"virtual_image\", \"template\": \"%s\"}], "
        "\"schedule\": {\"rule\": \"%s\", \"starts\": \"2026-01-01\", \"ends\": null, \"due_by\": \"10:00\"}}], "
        "\"messages\": [{\"id\": \"m1\", \"case_number\": \"LHR-1\", \"text_en\": \"See the officer\"}]}",
        cnic ? "\"" : "", cnic ? cnic : "null", cnic ? "\"" : "", office, status, template, rule);
}

static void assert_refused(const char *body, const char *expected)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(StoreRoster) r = protocol_parse_roster(body, strlen(body), PROTOCOL_ROSTER_REPLY, &error);
    g_assert_null(r);
    g_assert_nonnull(error);
    if (!strstr(error->message, expected))
        g_error("\"%s\" does not say \"%s\"", error->message, expected);
}

static void test_protocol_refuses(void)
{
    g_autofree char *good = reply("Lahore", "active", "weekly:mon", template_b64, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(StoreRoster) r = protocol_parse_roster(good, strlen(good), PROTOCOL_ROSTER_REPLY, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(r->people->len, ==, 1);
    g_assert_cmpint(r->cursor, ==, 7);

    g_autofree char *bad_template = reply("Lahore", "active", "weekly:mon", "bm90IGEgcHJpbnQ=", NULL);
    assert_refused(bad_template, "probationer 0 (case LHR-1): finger 0: \"template\" is not a fingerprint template");
    /* A real template with two bytes of its GVariant framing changed made libfprint's deserializer
     * abort the kiosk (SIGTRAP, issue 22.3): now a sentence naming the case and the finger. */
    gsize len = 0;
    g_autofree guchar *raw = g_base64_decode(template_b64, &len);
    raw[len - 8] ^= 0xff;
    raw[len - 7] ^= 0xff;
    g_autofree char *bent_b64 = g_base64_encode(raw, len);
    g_autofree char *bent = reply("Lahore", "active", "weekly:mon", bent_b64, NULL);
    assert_refused(bent, "probationer 0 (case LHR-1): finger 0: \"template\" is not a fingerprint template libfprint "
                         "can read (base64 of fp_print_serialize): the right-index's is refused, not a libfprint");
    g_autofree char *bad_rule = reply("Lahore", "active", "fortnightly", template_b64, NULL);
    assert_refused(bad_rule, "probationer 0 (case LHR-1): \"schedule\":");
    g_autofree char *bad_status = reply("Lahore", "gone", "weekly:mon", template_b64, NULL);
    assert_refused(bad_status, "\"status\" must be one of \"active\", \"inactive\"");
    g_autofree char *bad_cnic = reply("Lahore", "active", "weekly:mon", template_b64, "12345");
    assert_refused(bad_cnic, "\"cnic\" must be 13 digits or null");
    assert_refused("<html>captive portal</html>", "the body is not JSON");
    assert_refused("{\"office\": \"Lahore\", \"cursor\": \"7\", \"more\": false, \"probationers\": []}",
                   "\"cursor\" must be a whole number");
    assert_refused("{\"office\": \"Lahore\", \"cursor\": 7, \"more\": false, \"probationers\": [], "
                   "\"messages\": [{\"id\": \"m\"}]}", "message 0: needs \"text_en\" or \"text_ur\"");

    /* What the centre builds, the kiosk reads back the same. */
    g_autofree char *built = protocol_build_roster(r);
    g_autoptr(StoreRoster) again = protocol_parse_roster(built, strlen(built), PROTOCOL_ROSTER_REPLY, &error);
    g_assert_no_error(error);
    StoreRosterPerson *p = g_ptr_array_index(again->people, 0);
    g_assert_cmpstr(p->name_ur, ==, "علی رضا");
    g_assert_cmpstr(p->schedule->due_by, ==, "10:00");
    StoreRosterFinger *f = g_ptr_array_index(p->fingers, 0);
    StoreRosterFinger *f0 = g_ptr_array_index(((StoreRosterPerson *)g_ptr_array_index(r->people, 0))->fingers, 0);
    g_assert_true(g_bytes_equal(f->print, f0->print));
}

static StoreRoster *page(gint64 cursor)
{
    StoreRoster *r = store_roster_new();
    r->office = g_strdup("Lahore");
    r->cursor = cursor;
    return r;
}

static StoreRosterPerson *person(const char *case_number, const char *office, gboolean active, const char *rule)
{
    StoreRosterPerson *p = g_new0(StoreRosterPerson, 1);
    p->case_number = g_strdup(case_number);
    p->name_en = g_strdup("Ali Raza");
    p->name_ur = g_strdup("علی رضا");
    p->office = g_strdup(office);
    p->active = active;
    p->fingers = g_ptr_array_new_with_free_func((GDestroyNotify)store_roster_finger_free);
    StoreRosterFinger *f = g_new0(StoreRosterFinger, 1);
    f->finger = g_strdup("right-index");
    f->driver = g_strdup("virtual_image");
    f->print = g_bytes_new_static("print-bytes", 11);
    g_ptr_array_add(p->fingers, f);
    if (rule) {
        p->has_schedule = TRUE;
        p->schedule = g_new0(StoreRosterSchedule, 1);
        p->schedule->rule = g_strdup(rule);
        p->schedule->starts = g_strdup("2026-01-01");
    }
    return p;
}

static StoreRosterMessage *message(const char *id, const char *case_number, const char *text)
{
    StoreRosterMessage *m = g_new0(StoreRosterMessage, 1);
    m->id = g_strdup(id);
    m->case_number = g_strdup(case_number);
    m->text_en = g_strdup(text);
    m->withdrawn = text == NULL;
    return m;
}

static void apply_ok(Store *s, StoreRoster *r, StoreRosterStats *stats)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(store_apply_roster(s, r, "Lahore", stats, &error));
    g_assert_no_error(error);
}

static void test_apply(void)
{
    g_autoptr(Store) s = open_new("apply.db");
    gint64 local = tu_add_probationer(s, 1, "Enrolled Here", NULL); /* the kiosk's own: left alone */
    StoreRosterStats st;
    g_autoptr(StoreRoster) r = page(5);
    g_ptr_array_add(r->people, person("LHR-1", "Lahore", TRUE, "weekly:mon"));
    g_ptr_array_add(r->messages, message("m1", "LHR-1", "Bring your court order"));
    StoreRosterMessage *both = message("all", NULL, "Office closed on Friday");
    both->text_ur = g_strdup("جمعہ کو دفتر بند ہے");
    g_ptr_array_add(r->messages, both);
    g_ptr_array_add(r->messages, message("m2", "NOBODY-HERE", "not for this office"));
    gint64 v0 = store_get_gallery_version(s);
    apply_ok(s, r, &st);
    g_assert_cmpuint(st.added, ==, 1);
    g_assert_cmpuint(st.fingers, ==, 1);
    g_assert_cmpuint(st.schedules, ==, 1);
    g_assert_cmpuint(st.messages, ==, 2);
    g_assert_cmpuint(st.skipped, ==, 1);
    g_assert_cmpint(store_get_gallery_version(s), >, v0);
    g_assert_cmpint(store_get_roster_cursor(s), ==, 5);
    StoreProbationer p = {0};
    g_autoptr(GError) error = NULL;
    g_assert_true(store_find_probationer(s, "LHR-1", &p, &error));
    g_assert_cmpstr(p.name_ur, ==, "علی رضا");
    g_assert_true(p.active);
    /* The person's own message first; everyone else at the office sees the office-wide one. */
    g_autofree char *own = store_get_message(s, p.id, NULL);
    g_assert_cmpstr(own, ==, "Bring your court order");
    g_autofree char *others = store_get_message(s, local, NULL);
    g_assert_cmpstr(others, ==, "Office closed on Friday\nجمعہ کو دفتر بند ہے"); /* both, a line each */
    g_autofree char *audit = query(s, "SELECT actor || ' ' || action || ' ' || detail FROM audit");
    g_assert_true(g_str_has_prefix(audit, "central roster.apply cursor 5: 1 added"));
    g_assert_null(strstr(audit, "Ali")); /* counts only, never names */

    /* The same page again (a lost reply): nothing changes, the gallery is not reloaded. */
    gint64 v1 = store_get_gallery_version(s);
    apply_ok(s, r, &st);
    g_assert_cmpint(store_get_gallery_version(s), ==, v1);
    g_autofree char *fingers = query(s, "SELECT count(*) FROM fingers");
    g_assert_cmpstr(fingers, ==, "1");

    /* Transferred to Multan: no longer checks in here; the history stays. */
    g_autoptr(StoreRoster) moved = page(6);
    g_ptr_array_add(moved->people, person("LHR-1", "Multan", TRUE, NULL));
    g_ptr_array_add(moved->messages, message("m1", NULL, NULL)); /* withdrawn */
    apply_ok(s, moved, &st);
    g_assert_cmpuint(st.deactivated, ==, 1);
    g_assert_cmpint(store_get_gallery_version(s), >, v1);
    StoreProbationer q = {0};
    g_assert_true(store_find_probationer(s, "LHR-1", &q, &error));
    g_assert_false(q.active);
    g_autofree char *msgs = query(s, "SELECT count(*) FROM messages WHERE remote_id = 'central:m1'");
    g_assert_cmpstr(msgs, ==, "0");
    g_autofree char *sched = query(s, "SELECT rule FROM schedules");
    g_assert_cmpstr(sched, ==, "weekly:mon"); /* not mentioned: kept */
    store_probationer_clear(&p);
    store_probationer_clear(&q);
}

static void test_apply_all_or_nothing(void)
{
    g_autoptr(Store) s = open_new("atomic.db");
    StoreRosterStats st;
    g_autoptr(StoreRoster) r = page(9);
    g_ptr_array_add(r->people, person("LHR-2", "Lahore", TRUE, "weekly:tue"));
    g_ptr_array_add(r->people, person("LHR-3", "Lahore", TRUE, "whenever"));
    gint64 v0 = store_get_gallery_version(s);
    g_autoptr(GError) error = NULL;
    g_assert_false(store_apply_roster(s, r, "Lahore", &st, &error));
    g_assert_error(error, STORE_ERROR, STORE_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "case LHR-3"));
    g_autofree char *people = query(s, "SELECT count(*) FROM probationers");
    g_assert_cmpstr(people, ==, "0");
    g_assert_cmpint(store_get_roster_cursor(s), ==, 0);
    g_assert_cmpint(store_get_gallery_version(s), ==, v0);
}

static void test_audit_out(void)
{
    g_autoptr(Store) s = open_new("audit.db");
    for (int i = 0; i < 3; i++)
        g_assert_true(store_audit(s, "officer1", "enroll", "LHR-9", "right-index", NULL));
    g_assert_cmpint(store_audit_count_unsent(s), ==, 3);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = store_audit_unsent(s, 10, &error);
    g_assert_cmpuint(rows->len, ==, 3);
    g_autofree char *json = protocol_build_audit("kiosk-1", rows);
    g_autoptr(GPtrArray) back = protocol_parse_audit(json, strlen(json), "kiosk-1", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(back->len, ==, 3);

    /* An edited field: its hash no longer matches. */
    StoreAuditRow *mid = g_ptr_array_index(rows, 1);
    g_free(mid->subject);
    mid->subject = g_strdup("LHR-10");
    g_autofree char *edited = protocol_build_audit("kiosk-1", rows);
    g_assert_null(protocol_parse_audit(edited, strlen(edited), "kiosk-1", &error));
    g_assert_nonnull(strstr(error->message, "audit row 2: its hash does not match its fields"));
    g_clear_error(&error);
    /* A row taken out: the next one doesn't follow. */
    g_ptr_array_remove_index(rows, 1);
    g_autofree char *gap = protocol_build_audit("kiosk-1", rows);
    g_assert_null(protocol_parse_audit(gap, strlen(gap), "kiosk-1", &error));
    g_assert_nonnull(strstr(error->message, "audit row 3: it does not follow the row before it"));
    g_clear_error(&error);
    /* Another kiosk's credentials can't send this trail. */
    g_assert_null(protocol_parse_audit(json, strlen(json), "kiosk-2", &error));
    g_clear_error(&error);

    g_assert_true(store_audit_mark_sent(s, 3, &error));
    g_assert_cmpint(store_audit_count_unsent(s), ==, 0);
    g_assert_true(store_audit(s, "officer1", "export", NULL, NULL, NULL));
    g_autoptr(GPtrArray) next = store_audit_unsent(s, 10, &error);
    g_assert_cmpuint(next->len, ==, 1);
    g_assert_cmpint(((StoreAuditRow *)g_ptr_array_index(next, 0))->id, ==, 4);
}

/* Fingers enrolled here wait to go up; the centre's never do. Marking them sent doesn't reload the
 * gallery; a finger re-enrolled while the push was out stays unsent; and a roster page never
 * overwrites a finger enrolled here that the centre hasn't got yet. */
static void test_enrollments_out(void)
{
    g_autoptr(Store) s = open_new("enrol.db");
    g_autoptr(GError) error = NULL;
    StoreRosterStats st;
    g_autoptr(StoreRoster) r = store_roster_new();
    g_ptr_array_add(r->people, person("LHR-1", "Lahore", TRUE, NULL)); /* the centre's, with a finger */
    apply_ok(s, r, &st);
    g_assert_cmpint(store_enrollments_count_unsent(s), ==, 0);

    gint64 here = tu_add_probationer(s, 7, "Zainab Bibi", "زینب بی بی");
    g_autoptr(GBytes) mine = g_bytes_new_static("enrolled-here", 13);
    g_assert_cmpint(store_add_finger(s, here, "left-index", mine, "virtual_image", &error), >, 0);
    g_autoptr(GArray) keys = store_enrollment_keys_new();
    g_autoptr(StoreRoster) out = store_enrollments_unsent(s, 10, keys, &error);
    g_assert_cmpuint(out->people->len, ==, 1);
    StoreRosterPerson *p = out->people->pdata[0];
    g_assert_cmpstr(p->case_number, ==, "TEST-7");
    g_assert_cmpstr(p->name_ur, ==, "زینب بی بی");
    g_assert_cmpuint(p->fingers->len, ==, 1);
    g_assert_true(g_bytes_equal(((StoreRosterFinger *)p->fingers->pdata[0])->print, mine));

    g_autofree char *gallery = query(s, "SELECT version FROM gallery_version");
    g_assert_true(store_enrollments_mark_sent(s, keys, &error));
    g_autofree char *after = query(s, "SELECT version FROM gallery_version");
    g_assert_cmpstr(after, ==, gallery); /* nothing a search uses changed */
    g_assert_cmpint(store_enrollments_count_unsent(s), ==, 0);

    /* Re-enrolled while a push is out: the reply marks the old one, the new one still goes. */
    g_array_set_size(keys, 0);
    g_assert_true(store_replace_finger(s, here, "left-index", mine, "virtual_image", &error));
    g_autoptr(StoreRoster) again = store_enrollments_unsent(s, 10, keys, &error);
    g_autoptr(GBytes) retaken = g_bytes_new_static("taken-again", 11);
    g_assert_true(store_replace_finger(s, here, "left-index", retaken, "virtual_image", &error));
    g_assert_true(store_enrollments_mark_sent(s, keys, &error));
    g_assert_cmpint(store_enrollments_count_unsent(s), ==, 1);

    /* The centre sends LHR-1's finger again with another print while the kiosk holds a newer one
     * taken here: the kiosk's stays until the centre has it. */
    g_autofree char *lhr1 = query(s, "SELECT id FROM probationers WHERE case_number = 'LHR-1'");
    g_autoptr(GBytes) newer = g_bytes_new_static("taken-here-today", 16);
    g_assert_true(store_replace_finger(s, g_ascii_strtoll(lhr1, NULL, 10), "right-index", newer, "virtual_image", &error));
    g_autoptr(StoreRoster) page2 = store_roster_new();
    StoreRosterPerson *changed = person("LHR-1", "Lahore", TRUE, NULL);
    g_bytes_unref(((StoreRosterFinger *)changed->fingers->pdata[0])->print);
    ((StoreRosterFinger *)changed->fingers->pdata[0])->print = g_bytes_new_static("older-at-centre", 15);
    g_ptr_array_add(page2->people, changed);
    apply_ok(s, page2, &st);
    g_autofree char *kept = query(s, "SELECT unseal(print, 'print') FROM fingers WHERE finger = 'right-index'");
    g_assert_cmpstr(kept, ==, "taken-here-today");

    /* An officer deactivates LHR-1 here; the centre, not knowing yet, still says active: the
     * officer's decision stays until the centre has it. Then the centre's word counts again. */
    gint64 id1 = g_ascii_strtoll(lhr1, NULL, 10);
    g_assert_true(store_set_probationer_active(s, id1, FALSE, &error));
    g_autoptr(StoreRoster) page3 = store_roster_new();
    g_ptr_array_add(page3->people, person("LHR-1", "Lahore", TRUE, NULL));
    apply_ok(s, page3, &st);
    g_autofree char *status = query(s, "SELECT status FROM probationers WHERE case_number = 'LHR-1'");
    g_assert_cmpstr(status, ==, "inactive");
    g_array_set_size(keys, 0);
    g_autoptr(StoreRoster) up = store_enrollments_unsent(s, 10, keys, &error);
    g_assert_true(store_enrollments_mark_sent(s, keys, &error));
    g_autoptr(StoreRoster) page4 = store_roster_new();
    g_ptr_array_add(page4->people, person("LHR-1", "Lahore", TRUE, NULL));
    apply_ok(s, page4, &st);
    g_autofree char *now_active = query(s, "SELECT status FROM probationers WHERE case_number = 'LHR-1'");
    g_assert_cmpstr(now_active, ==, "active");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tu_use_virtual_scanner();
    Scanner *scanner = tu_scanner_new(NULL, NULL);
    g_autofree char *png = tu_fvc(101, 1);
    g_autoptr(GPtrArray) empty = g_ptr_array_new();
    FpPrint *probe = NULL;
    g_assert_null(bench_identify(scanner, png, empty, &probe));
    g_autoptr(GBytes) blob = bench_serialize(probe);
    template_b64 = g_base64_encode(g_bytes_get_data(blob, NULL), g_bytes_get_size(blob));
    g_object_unref(probe);
    g_test_add_func("/roster/protocol-refuses-and-says-why", test_protocol_refuses);
    g_test_add_func("/roster/apply", test_apply);
    g_test_add_func("/roster/apply-all-or-nothing", test_apply_all_or_nothing);
    g_test_add_func("/roster/audit-out", test_audit_out);
    g_test_add_func("/roster/enrollments-out", test_enrollments_out);
    int rc = g_test_run();
    scanner_free(scanner);
    g_free(template_b64);
    return rc;
}
