/* day — the centre's day per office, as the officer's Today on a kiosk counts it (app/roster.c):
 * who was due by their reporting schedule, who came (a "recorded" check-in at one of the office's
 * kiosks) and when, late after the due-by time, missing once it has passed; each kiosk's last
 * contact, queue and scanner; the answers needing attention. See receiver/web.h. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "app/schedule.h"
#include "app/store/store-answers.h"
#include "receiver/web.h"
#include "sync/json-bounded.h"

static void person_free(RxDayPerson *p)
{
    g_free(p->case_number);
    g_free(p->name_en);
    g_free(p->name_ur);
    g_free(p->at);
    g_free(p->question);
    g_free(p);
}

static void kiosk_free(RxDayKiosk *k)
{
    g_free(k->id);
    g_free(k->last_seen);
    g_free(k->scanner);
    g_free(k->unwritable);
    match_report_free(k->match);
    g_free(k);
}

void rx_day_office_free(RxDayOffice *o)
{
    g_free(o->office);
    g_ptr_array_unref(o->people);
    g_ptr_array_unref(o->kiosks);
    g_ptr_array_unref(o->flags);
    g_free(o);
}

static RxDayOffice *office_for(GHashTable *by_name, GPtrArray *out, const char *name)
{
    RxDayOffice *o = g_hash_table_lookup(by_name, name);
    if (o)
        return o;
    o = g_new0(RxDayOffice, 1);
    o->office = g_strdup(name);
    o->people = g_ptr_array_new_with_free_func((GDestroyNotify)person_free);
    o->kiosks = g_ptr_array_new_with_free_func((GDestroyNotify)kiosk_free);
    o->flags = g_ptr_array_new_with_free_func((GDestroyNotify)person_free);
    g_hash_table_insert(by_name, o->office, o);
    g_ptr_array_add(out, o);
    return o;
}

/* Minutes after midnight of an ISO 8601 local time ("2026-11-23T09:41:07+05:00"), -1 if none. */
static int minute_of(const char *iso)
{
    int h, m;
    return iso && strlen(iso) >= 16 && sscanf(iso + 11, "%2d:%2d", &h, &m) == 2 ? h * 60 + m : -1;
}

static const char *const status_names[] = {"missing", "late", "expected", "present", "unscheduled"};

const char *rx_day_status_name(RxDayStatus s)
{
    return status_names[s];
}

static int by_status_then_name(gconstpointer a, gconstpointer b)
{
    const RxDayPerson *x = *(RxDayPerson *const *)a, *y = *(RxDayPerson *const *)b;
    return x->status != y->status ? (int)x->status - (int)y->status : g_strcmp0(x->name_en, y->name_en);
}

static int by_office(gconstpointer a, gconstpointer b)
{
    return g_strcmp0((*(RxDayOffice *const *)a)->office, (*(RxDayOffice *const *)b)->office);
}

static gboolean add_people(RxDb *db, const char *date, GDateTime *now, GHashTable *by_name, GPtrArray *out,
                           GError **error)
{
    GDate day;
    if (!schedule_parse_date(date, &day)) {
        g_set_error(error, RX_ERROR, RX_ERROR_BAD_REQUEST, "\"%s\" is not a date: expected YYYY-MM-DD", date);
        return FALSE;
    }
    g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
    int now_min = g_date_time_get_hour(now) * 60 + g_date_time_get_minute(now), cmp_today = strcmp(date, today);
    const char *p[] = {date};
    /* Who came: the first recorded check-in of the day at one of the office's kiosks. */
    g_autoptr(GPtrArray) rows = rx_db_query(db,
        "SELECT p.office, p.case_number, p.name_en, p.name_ur, p.sched_rule, p.sched_starts, p.sched_ends, "
        "p.sched_due_by, (SELECT min(e.wall_time) FROM events e WHERE e.case_number = p.case_number AND "
        "e.office = p.office AND e.local_date = $1 AND e.result = 'recorded') "
        "FROM probationers p WHERE p.status = 'active'", p, 1, error);
    if (!rows)
        return FALSE;
    for (guint r = 0; r < rows->len; r++) {
        Schedule sched;
        gboolean has = RX_CELL(rows, r, 4) && schedule_parse(RX_CELL(rows, r, 4), RX_CELL(rows, r, 5),
                                                             RX_CELL(rows, r, 6), RX_CELL(rows, r, 7), &sched, NULL);
        gboolean due = has && schedule_is_due(&sched, &day);
        const char *came = RX_CELL(rows, r, 8);
        RxDayOffice *o = office_for(by_name, out, RX_CELL(rows, r, 0));
        if (!due && !came)
            continue;
        RxDayPerson *d = g_new0(RxDayPerson, 1);
        d->case_number = g_strdup(RX_CELL(rows, r, 1));
        if (!rx_db_unseal_text(db, "name_en", RX_CELL(rows, r, 2), &d->name_en, error) ||
            !rx_db_unseal_text(db, "name_ur", RX_CELL(rows, r, 3), &d->name_ur, error)) {
            person_free(d);
            return FALSE;
        }
        d->at = came ? g_strndup(came + 11, 5) : NULL;
        if (!due)
            d->status = RX_DAY_UNSCHEDULED;
        else if (came)
            d->status = sched.due_by_min >= 0 && minute_of(came) > sched.due_by_min ? RX_DAY_LATE : RX_DAY_PRESENT;
        else if (cmp_today > 0 || (cmp_today == 0 && (sched.due_by_min < 0 || now_min <= sched.due_by_min)))
            d->status = RX_DAY_EXPECTED;
        else
            d->status = RX_DAY_MISSING;
        o->due += due;
        o->present += d->status == RX_DAY_PRESENT;
        o->late += d->status == RX_DAY_LATE;
        o->expected += d->status == RX_DAY_EXPECTED;
        o->missing += d->status == RX_DAY_MISSING;
        o->unscheduled += d->status == RX_DAY_UNSCHEDULED;
        g_ptr_array_add(o->people, d);
    }
    return TRUE;
}

static gint64 member_int(JsonObject *o, const char *key)
{
    JsonNode *n = o ? json_object_get_member(o, key) : NULL;
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64 ? json_node_get_int(n) : -1;
}

static gboolean add_kiosks(RxDb *db, GHashTable *by_name, GPtrArray *out, GError **error)
{
    g_autoptr(GPtrArray) rows = rx_db_query(db, "SELECT office, id, last_seen, heartbeat FROM devices "
                                                "WHERE status = 'active' ORDER BY id", NULL, 0, error);
    if (!rows)
        return FALSE;
    for (guint r = 0; r < rows->len; r++) {
        RxDayKiosk *k = g_new0(RxDayKiosk, 1);
        k->id = g_strdup(RX_CELL(rows, r, 1));
        k->last_seen = g_strdup(RX_CELL(rows, r, 2));
        k->queue = k->attention = -1;
        /* The heartbeat as the kiosk sent it (protocol.h checked it then); read defensively. */
        g_autoptr(JsonParser) p = json_parser_new();
        const char *hb = RX_CELL(rows, r, 3);
        if (hb && json_bounded_load(p, hb, strlen(hb), &json_bounds_message, NULL) && JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))) {
            JsonObject *o = json_node_get_object(json_parser_get_root(p));
            k->queue = member_int(o, "queue_length");
            k->attention = member_int(o, "answers_attention");
            const char *scanner = json_object_get_string_member_with_default(o, "scanner", NULL);
            k->scanner = g_strdup(scanner);
        }
        k->unwritable = rx_device_unwritable(hb);
        k->match = rx_device_match(hb);
        g_ptr_array_add(office_for(by_name, out, RX_CELL(rows, r, 0))->kiosks, k);
    }
    return TRUE;
}

static gboolean add_flags(RxDb *db, const char *date, GHashTable *by_name, GPtrArray *out, GError **error)
{
    const char *p[] = {date};
    g_autoptr(GPtrArray) rows = rx_db_query(db,
        "SELECT e.office, e.case_number, p.name_en, p.name_ur, a.question_id, e.wall_time, a.answer FROM answers a "
        "JOIN events e ON e.uuid = a.checkin_uuid LEFT JOIN probationers p ON p.case_number = e.case_number "
        "WHERE e.local_date = $1 ORDER BY e.wall_utc_us, a.question_id", p, 1, error);
    if (!rows)
        return FALSE;
    for (guint r = 0; r < rows->len; r++) {
        /* Answers are sealed (db-seal.c): which need an officer is decided here, on the day's few. */
        g_autofree char *answer = NULL;
        if (!rx_db_unseal_text(db, "answer", RX_CELL(rows, r, 6), &answer, error))
            return FALSE;
        if (!store_answer_needs_attention(RX_CELL(rows, r, 4), g_strchomp(answer)))
            continue;
        RxDayPerson *f = g_new0(RxDayPerson, 1);
        f->case_number = g_strdup(RX_CELL(rows, r, 1));
        if (!rx_db_unseal_text(db, "name_en", RX_CELL(rows, r, 2), &f->name_en, error) ||
            !rx_db_unseal_text(db, "name_ur", RX_CELL(rows, r, 3), &f->name_ur, error)) {
            person_free(f);
            return FALSE;
        }
        f->question = g_strdup(RX_CELL(rows, r, 4));
        f->at = RX_CELL(rows, r, 5) ? g_strndup(RX_CELL(rows, r, 5) + 11, 5) : NULL;
        g_ptr_array_add(office_for(by_name, out, RX_CELL(rows, r, 0))->flags, f);
    }
    return TRUE;
}

GPtrArray *rx_day_report(RxDb *db, const char *date, GDateTime *now, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)rx_day_office_free);
    g_autoptr(GHashTable) by_name = g_hash_table_new(g_str_hash, g_str_equal);
    if (!add_people(db, date, now, by_name, out, error) || !add_kiosks(db, by_name, out, error) ||
        !add_flags(db, date, by_name, out, error))
        return NULL;
    for (guint i = 0; i < out->len; i++)
        g_ptr_array_sort(((RxDayOffice *)out->pdata[i])->people, by_status_then_name);
    g_ptr_array_sort(out, by_office);
    return g_steal_pointer(&out);
}
