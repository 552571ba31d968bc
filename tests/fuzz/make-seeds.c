/* make-seeds — writes the seed corpus of tests/fuzz/corpus/ from real messages: each built by the
 * same code the kiosk and the receiver use (sync/protocol.h), with real fingerprint templates
 * captured from the FVC2002 images in tests/data (libfprint's virtual scanner). Run once by hand
 * (tests/fuzz/README.md); the files are committed. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "app/store/store.h"
#include "sync/protocol.h"
#include "tests/helpers.h"

static const char *out;

static void put(const char *target, const char *name, const void *data, gsize len)
{
    g_autofree char *dir = g_build_filename(out, target, NULL);
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
}

static void put_text(const char *target, const char *name, const char *text)
{
    put(target, name, text, strlen(text));
}

static StoreOutboxEvent *event(int i, const char *device)
{
    StoreOutboxEvent *e = g_new0(StoreOutboxEvent, 1);
    e->uuid = g_uuid_string_random();
    e->device_id = g_strdup(device);
    e->case_number = i % 3 ? g_strdup_printf("LHR-%d/2026", 100 + i) : NULL;
    e->finger = e->case_number ? g_strdup("right-index") : NULL;
    e->method = g_strdup(i % 5 ? "finger" : "case_number");
    e->result = g_strdup(e->case_number ? "recorded" : "not_recognised");
    e->score = e->case_number ? 41.5 + i : -1;
    e->wall_time = g_strdup("2026-11-22T09:15:02+05:00");
    e->wall_utc_us = 1795324502000000 + i;
    e->local_date = g_strdup("2026-11-22");
    e->mono_us = 5000 + i;
    e->boot_id = g_strdup("5b1c0a44-3f0e-4d7e-8d2b-8a1d1c2f3e4a");
    return e;
}

int main(int argc, char **argv)
{
    g_assert_cmpint(argc, ==, 2);
    out = argv[1];
    tu_use_virtual_scanner();
    Scanner *scanner = tu_scanner_new(NULL, NULL);
    GBytes *prints[2];
    for (int f = 0; f < 2; f++) {
        char *images[5];
        for (int i = 0; i < 5; i++)
            images[i] = tu_fvc(101 + f, i + 1);
        prints[f] = tu_capture(scanner, "right-index", images);
        for (int i = 0; i < 5; i++)
            g_free(images[i]);
    }
    scanner_free(scanner);
    for (int f = 0; f < 2; f++) {
        gsize len = 0;
        const void *d = g_bytes_get_data(prints[f], &len);
        put("template", f ? "fvc-102.fpt" : "fvc-101.fpt", d, len);
    }

    /* Check-ins up, and what the centre answers. */
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func((GDestroyNotify)store_outbox_event_free);
    for (int i = 0; i < 6; i++)
        g_ptr_array_add(events, event(i, "multan-1"));
    g_autofree char *push = protocol_build_push("multan-1", events, -3);
    put_text("push", "six-checkins.json", push);
    put_text("json_bounded", "push.json", push);
    g_autoptr(GBytes) gz = protocol_gzip(push, strlen(push));
    put("gunzip", "push.json.gz", g_bytes_get_data(gz, NULL), g_bytes_get_size(gz));
    ProtocolAck acks[6] = {PROTOCOL_STORED, PROTOCOL_DUPLICATE, PROTOCOL_STORED, PROTOCOL_STORED, PROTOCOL_STORED,
                           PROTOCOL_STORED};
    g_autofree char *ack = protocol_build_acks(events, acks);
    put_text("replies", "acks.json", ack);
    g_autofree char *err = protocol_build_error("event 0 (uuid): \"wall_utc_us\" must be a whole number");
    put_text("replies", "error.json", err);
    g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(refused, g_strdup("case LHR-7, right-index: the centre holds another template"));
    g_autofree char *enr = protocol_build_enrollments_reply(1, refused);
    put_text("replies", "enrollments.json", enr);

    ProtocolHeartbeat hb = {.device_id = "multan-1", .version = "0.9", .oldest_unsent = "2026-11-22T09:15:02+05:00",
                            .scanner = "elanmoc ready", .queue_length = 3, .clock_offset_s = -2, .disk_free_mb = 900};
    g_autofree char *hbj = protocol_build_heartbeat(&hb);
    put_text("heartbeat", "heartbeat.json", hbj);

    /* An audit trail with a true hash chain. */
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)store_audit_row_free);
    const char *actions[][4] = {{"officer1", "officer.login", "officer1", NULL},
                                {"officer1", "finger.re-enroll", "LHR-7/2026", "right-index"},
                                {"officer1", "probationer.deactivate", "LHR-9/2026", NULL}};
    char *prev = g_strdup("");
    for (int i = 0; i < 3; i++) {
        StoreAuditRow *r = g_new0(StoreAuditRow, 1);
        r->id = i + 1;
        r->at = g_strdup("2026-11-22T09:15:02+05:00");
        r->actor = g_strdup(actions[i][0]);
        r->action = g_strdup(actions[i][1]);
        r->subject = g_strdup(actions[i][2]);
        r->detail = g_strdup(actions[i][3]);
        r->prev_hash = prev;
        r->hash = store_audit_hash(r->prev_hash, r->at, r->actor, r->action, r->subject, r->detail);
        prev = g_strdup(r->hash);
        g_ptr_array_add(rows, r);
    }
    g_free(prev);
    g_autofree char *audit = protocol_build_audit("multan-1", rows);
    put_text("audit", "three-rows.json", audit);

    /* A roster page and a loading file, with real templates and a schedule. */
    g_autoptr(StoreRoster) r = store_roster_new();
    r->office = g_strdup("Multan");
    r->cursor = 42;
    r->more = TRUE;
    for (int i = 0; i < 2; i++) {
        StoreRosterPerson *p = g_new0(StoreRosterPerson, 1);
        p->case_number = g_strdup_printf("MUL-%d/2026", 300 + i);
        p->name_en = g_strdup(i ? "Imran Siddiqui" : "Ayesha Khan");
        p->name_ur = g_strdup(i ? "عمران صدیقی" : "عائشہ خان");
        p->cnic = i ? g_strdup("3520212345671") : NULL;
        p->office = g_strdup("Multan");
        p->active = TRUE;
        p->fingers = g_ptr_array_new_with_free_func((GDestroyNotify)store_roster_finger_free);
        StoreRosterFinger *f = g_new0(StoreRosterFinger, 1);
        f->finger = g_strdup("right-index");
        f->driver = g_strdup("virtual_image");
        f->print = g_bytes_ref(prints[i]);
        g_ptr_array_add(p->fingers, f);
        p->has_schedule = TRUE;
        if (i) {
            p->schedule = g_new0(StoreRosterSchedule, 1);
            p->schedule->rule = g_strdup("weekly:mon,thu");
            p->schedule->starts = g_strdup("2026-11-01");
            p->schedule->due_by = g_strdup("13:00");
        }
        g_ptr_array_add(r->people, p);
    }
    StoreRosterMessage *m = g_new0(StoreRosterMessage, 1);
    m->id = g_strdup("2026-11-notice");
    m->office = g_strdup("Multan");
    m->text_en = g_strdup("The office is closed on Friday.");
    m->text_ur = g_strdup("دفتر جمعہ کو بند ہے۔");
    m->valid_until = g_strdup("2026-11-28");
    g_ptr_array_add(r->messages, m);
    g_autofree char *page = protocol_build_roster(r);
    put_text("roster_page", "two-people-one-message.json", page);
    put_text("json_bounded", "roster-page.json", page);
    put_text("enrollments", "two-people-one-message.json", page);

    put_text("provision", "request.json", "{\"device_id\": \"multan-1\", \"token\": \"3q2+7w5kYjFhZDM0\"}");
    put_text("provision", "file.json", "{\"device_id\": \"multan-1\", \"office\": \"Multan\", \"server\": "
                                       "\"https://centre.example:8443\", \"token\": \"3q2+7w5kYjFhZDM0\", "
                                       "\"expires\": \"2026-11-25T09:00:00Z\"}");
    g_autofree char *conf = NULL;
    gsize conf_len = 0;
    g_assert_true(g_file_get_contents("config/haazri.conf", &conf, &conf_len, NULL));
    put("config", "haazri.conf", conf, conf_len);
    put_text("config", "sync.conf", "[kiosk]\ndevice_id = multan-1\noffice = Multan\n[sync]\nserver = "
                                    "https://centre.example:8443\nbatch_max = 500\ninterval_seconds = 300\n"
                                    "retry_min_seconds = 5\n");
    for (int f = 0; f < 2; f++)
        g_bytes_unref(prints[f]);
    return 0;
}
