/* ingest — events in, attendance out. Exactly once: events.uuid is the primary key and a batch is
 * one transaction of INSERT ... ON CONFLICT DO NOTHING, so a re-sent event (a lost reply, a kiosk
 * killed mid-push, two kiosks racing) finds its row and only counts the extra receipt. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "app/export.h"
#include "receiver/receiver.h"
#include "app/clock.h"

static char *now_iso(void)
{
    g_autoptr(GDateTime) now = clock_now_utc();
    return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean rx_ingest_events(RxDb *db, const char *device_id, const char *office, GPtrArray *events, GArray *offsets,
                          ProtocolAck *statuses, GError **error)
{
    g_autofree char *now = now_iso();
    if (!rx_db_begin(db, error))
        return FALSE;
    for (guint i = 0; i < events->len; i++) {
        const StoreOutboxEvent *e = g_ptr_array_index(events, i);
        g_autofree char *score = e->score >= 0 ? g_strdup_printf("%.6f", e->score) : NULL;
        g_autofree char *utc = g_strdup_printf("%" G_GINT64_FORMAT, e->wall_utc_us);
        g_autofree char *mono = g_strdup_printf("%" G_GINT64_FORMAT, e->mono_us);
        g_autofree char *off = g_strdup_printf("%" G_GINT64_FORMAT, g_array_index(offsets, gint64, i));
        const char *p[] = {e->uuid, device_id, office, "checkin", e->case_number, e->finger, e->method, e->result,
                           score, e->wall_time, utc, e->local_date, mono, e->boot_id, off, now};
        gint64 n = rx_db_change(db,
                                "INSERT INTO events (uuid, device_id, office, type, case_number, finger, method, "
                                "result, score, wall_time, wall_utc_us, local_date, mono_us, boot_id, "
                                "clock_offset_s, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                "$11, $12, $13, $14, $15, $16) ON CONFLICT (uuid) DO NOTHING",
                                p, 16, error);
        if (n < 0)
            goto fail;
        statuses[i] = n == 1 ? PROTOCOL_STORED : PROTOCOL_DUPLICATE;
        if (n == 0 && rx_db_change(db, "UPDATE events SET receipts = receipts + 1 WHERE uuid = $1", p, 1, error) < 0)
            goto fail;
    }
    const char *q[] = {device_id, now};
    if (!rx_db_exec(db, "UPDATE devices SET last_seen = $2 WHERE id = $1", q, 2, error) || !rx_db_commit(db, error))
        goto fail;
    return TRUE;
fail:
    rx_db_rollback(db);
    return FALSE;
}

gboolean rx_save_heartbeat(RxDb *db, const char *device_id, const char *json, gint64 clock_offset_s, GError **error)
{
    g_autofree char *now = now_iso();
    g_autofree char *off = g_strdup_printf("%" G_GINT64_FORMAT, clock_offset_s);
    const char *p[] = {device_id, now, json, off};
    return rx_db_exec(db, "UPDATE devices SET last_seen = $2, heartbeat = $3, clock_offset_s = $4 WHERE id = $1",
                      p, 4, error);
}

/* A CSV field: quoted when it must be, and never read as a formula by a spreadsheet (the kiosk's
 * export writes its cells with the same function). */
static void csv_field(FILE *out, const char *v, gboolean last)
{
    g_autoptr(GString) cell = g_string_new(NULL);
    export_csv_append_cell(cell, v ? v : "");
    g_string_append_c(cell, last ? '\n' : ',');
    fputs(cell->str, out);
}

/* Rows as CSV (a header line first) or a JSON array of objects; `kinds` says per column how JSON
 * shows it: 's' string, 'd' number, 'i' whole number. */
static void write_table(GPtrArray *rows, const char *const *cols, const char *kinds, const char *format, FILE *out)
{
    gsize n = strlen(kinds);
    if (g_strcmp0(format, "csv") == 0) {
        for (gsize c = 0; c < n; c++)
            csv_field(out, cols[c], c + 1 == n);
        for (guint r = 0; r < rows->len; r++)
            for (gsize c = 0; c < n; c++)
                csv_field(out, RX_CELL(rows, r, c), c + 1 == n);
        return;
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    for (guint r = 0; r < rows->len; r++) {
        json_builder_begin_object(b);
        for (gsize c = 0; c < n; c++) {
            json_builder_set_member_name(b, cols[c]);
            const char *v = RX_CELL(rows, r, c);
            if (!v)
                json_builder_add_null_value(b);
            else if (kinds[c] == 'd')
                json_builder_add_double_value(b, g_ascii_strtod(v, NULL));
            else if (kinds[c] == 'i')
                json_builder_add_int_value(b, g_ascii_strtoll(v, NULL, 10));
            else
                json_builder_add_string_value(b, v);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    fprintf(out, "%s\n", text);
}

gboolean rx_export(RxDb *db, const char *office, const char *date, const char *format, FILE *out, GError **error)
{
    static const char *const cols[] = {"uuid", "office", "device_id", "local_date", "wall_time", "case_number",
                                       "result", "method", "finger", "score", "clock_offset_s", "received_at",
                                       "answers", "attention"};
    const char *p[] = {office, date};
    g_autoptr(GPtrArray) rows = rx_db_query(db,
        "SELECT uuid, office, device_id, local_date, wall_time, case_number, result, method, finger, score, "
        "clock_offset_s, received_at FROM events WHERE (CAST($1 AS TEXT) IS NULL OR office = $1) AND "
        "(CAST($2 AS TEXT) IS NULL OR local_date = $2) ORDER BY wall_utc_us, uuid", p, 2, error);
    if (!rows)
        return FALSE;
    /* The questionnaire's answers with their check-in ("arrested=yes;address_changed=no"), and
     * the ones an officer must act on again in "attention" (empty when none). */
    g_autoptr(GHashTable) answers = rx_answers_by_checkin(db, office, date, error);
    if (!answers)
        return FALSE;
    for (guint r = 0; r < rows->len; r++) {
        char **pair = g_hash_table_lookup(answers, RX_CELL(rows, r, 0));
        GPtrArray *row = g_ptr_array_index(rows, r);
        g_ptr_array_add(row, pair ? g_strdup(pair[0]) : NULL);
        g_ptr_array_add(row, pair && *pair[1] ? g_strdup(pair[1]) : NULL);
    }
    write_table(rows, cols, "sssssssssdisss", format, out);
    return TRUE;
}

gboolean rx_export_audit(RxDb *db, const char *device, const char *format, FILE *out, GError **error)
{
    static const char *const cols[] = {"device_id", "id", "at", "actor", "action", "subject", "detail", "hash",
                                       "received_at"};
    const char *p[] = {device};
    g_autoptr(GPtrArray) rows = rx_db_query(db,
        "SELECT device_id, id, at, actor, action, subject, detail, hash, received_at FROM audit "
        "WHERE CAST($1 AS TEXT) IS NULL OR device_id = $1 ORDER BY device_id, id", p, 1, error);
    if (!rows)
        return FALSE;
    write_table(rows, cols, "sisssssss", format, out);
    return TRUE;
}
