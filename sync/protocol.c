/* protocol — building and checking the sync messages. See protocol.h. */
#include "sync/protocol.h"
#include "app/clock.h"
#include "sync/protocol-private.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

void pj_add_str(JsonBuilder *b, const char *key, const char *value)
{
    json_builder_set_member_name(b, key);
    if (value)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

void pj_add_int(JsonBuilder *b, const char *key, gint64 value)
{
    json_builder_set_member_name(b, key);
    json_builder_add_int_value(b, value);
}

char *pj_finish(JsonBuilder *b)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    return json_generator_to_data(gen, NULL);
}

static char *utc_now_iso(void)
{
    g_autoptr(GDateTime) now = clock_now_utc();
    return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}

char *protocol_build_push(const char *device_id, GPtrArray *events, gint64 clock_offset_s)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *now = utc_now_iso();
    json_builder_begin_object(b);
    pj_add_str(b, "device_id", device_id);
    pj_add_str(b, "sent_at", now);
    pj_add_int(b, "clock_offset_s", clock_offset_s);
    json_builder_set_member_name(b, "events");
    json_builder_begin_array(b);
    for (guint i = 0; i < events->len; i++) {
        const StoreOutboxEvent *e = g_ptr_array_index(events, i);
        json_builder_begin_object(b);
        pj_add_str(b, "uuid", e->uuid);
        pj_add_str(b, "type", "checkin");
        pj_add_str(b, "device_id", e->device_id);
        pj_add_str(b, "case_number", e->case_number);
        pj_add_str(b, "finger", e->finger);
        pj_add_str(b, "method", e->method);
        pj_add_str(b, "result", e->result);
        json_builder_set_member_name(b, "score");
        if (e->score >= 0)
            json_builder_add_double_value(b, e->score);
        else
            json_builder_add_null_value(b);
        pj_add_str(b, "wall_time", e->wall_time);
        pj_add_int(b, "wall_utc_us", e->wall_utc_us);
        pj_add_str(b, "local_date", e->local_date);
        pj_add_int(b, "mono_us", e->mono_us);
        pj_add_str(b, "boot_id", e->boot_id);
        pj_add_int(b, "clock_offset_s", clock_offset_s);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return pj_finish(b);
}

/* ---- strict reading ---- */

JsonObject *pj_parse_object(JsonParser *p, const char *body, gsize len, const JsonBounds *bounds, GError **error)
{
    g_autoptr(GError) local = NULL;
    if (!json_bounded_load(p, body, len, bounds, &local)) {
        /* Past a bound: the bound's own sentence ("the JSON is nested deeper than 16 levels"). */
        if (local->domain == JSON_BOUNDED_ERROR && local->code != JSON_BOUNDED_MALFORMED)
            g_set_error(error, PROTOCOL_ERROR, 1, "%s", local->message);
        else
            g_set_error(error, PROTOCOL_ERROR, 1, "the body is not JSON (%s)", local->message);
        return NULL;
    }
    JsonNode *root = json_parser_get_root(p);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "the body is not a JSON object");
        return NULL;
    }
    return json_node_get_object(root);
}

/* A member that must be a string (or null when `nullable`). `*out` is borrowed. */
gboolean pj_get_str(JsonObject *o, const char *key, gboolean nullable, gsize max, const char **out,
                        const char *where, GError **error)
{
    JsonNode *n = json_object_get_member(o, key);
    *out = NULL;
    if ((!n || JSON_NODE_HOLDS_NULL(n)) && nullable)
        return TRUE;
    if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"%s\" must be a string%s", where, key,
                    nullable ? " or null" : "");
        return FALSE;
    }
    *out = json_node_get_string(n);
    if (strlen(*out) > max || !g_utf8_validate(*out, -1, NULL)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"%s\" must be text of at most %zu bytes", where, key, max);
        return FALSE;
    }
    return TRUE;
}

gboolean pj_get_int(JsonObject *o, const char *key, gint64 *out, const char *where, GError **error)
{
    JsonNode *n = json_object_get_member(o, key);
    if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"%s\" must be a whole number", where, key);
        return FALSE;
    }
    *out = json_node_get_int(n);
    return TRUE;
}

gboolean pj_one_of(const char *v, const char *const *allowed, const char *key, const char *where,
                       GError **error)
{
    if (v && g_strv_contains(allowed, v))
        return TRUE;
    g_autofree char *list = g_strjoinv("\", \"", (char **)allowed);
    g_set_error(error, PROTOCOL_ERROR, 1, "%s\"%s\" must be one of \"%s\"", where, key, list);
    return FALSE;
}

gboolean pj_valid_date(const char *s)
{
    int y, m, d;
    char tail;
    return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
           g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

static StoreOutboxEvent *parse_event(JsonNode *node, guint i, const char *device_id, gint64 *offset,
                                     GError **error)
{
    g_autofree char *where = g_strdup_printf("event %u: ", i);
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%sis not an object", where);
        return NULL;
    }
    JsonObject *o = json_node_get_object(node);
    static const char *const methods[] = {"finger", "case_number", NULL};
    static const char *const results[] = {"recorded", "duplicate", "not_recognised", NULL};
    static const char *const types[] = {"checkin", NULL};
    const char *uuid, *type, *dev, *cn, *finger, *method, *result, *wall, *date, *boot;
    if (!pj_get_str(o, "uuid", FALSE, 36, &uuid, where, error))
        return NULL;
    if (!g_uuid_string_is_valid(uuid)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"uuid\" \"%s\" is not a UUID", where, uuid);
        return NULL;
    }
    g_free(where);
    where = g_strdup_printf("event %u (%s): ", i, uuid);
    gint64 utc, mono;
    JsonNode *score = json_object_get_member(o, "score");
    if (!pj_get_str(o, "type", FALSE, 32, &type, where, error) || !pj_one_of(type, types, "type", where, error) ||
        !pj_get_str(o, "device_id", FALSE, 64, &dev, where, error) ||
        !pj_get_str(o, "case_number", TRUE, 64, &cn, where, error) ||
        !pj_get_str(o, "finger", TRUE, 32, &finger, where, error) ||
        !pj_get_str(o, "method", FALSE, 32, &method, where, error) || !pj_one_of(method, methods, "method", where, error) ||
        !pj_get_str(o, "result", FALSE, 32, &result, where, error) || !pj_one_of(result, results, "result", where, error) ||
        !pj_get_str(o, "wall_time", FALSE, 40, &wall, where, error) ||
        !pj_get_int(o, "wall_utc_us", &utc, where, error) ||
        !pj_get_str(o, "local_date", FALSE, 10, &date, where, error) ||
        !pj_get_int(o, "mono_us", &mono, where, error) ||
        !pj_get_str(o, "boot_id", FALSE, 64, &boot, where, error) ||
        !pj_get_int(o, "clock_offset_s", offset, where, error))
        return NULL;
    if (strcmp(dev, device_id) != 0) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"device_id\" is \"%s\" but this device is \"%s\"", where,
                    dev, device_id);
        return NULL;
    }
    g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(wall, NULL);
    if (!t || !pj_valid_date(date)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"%s\" must be %s", where, t ? "local_date" : "wall_time",
                    t ? "a date YYYY-MM-DD" : "an ISO 8601 time with its UTC offset");
        return NULL;
    }
    if (score && !JSON_NODE_HOLDS_NULL(score) &&
        (!JSON_NODE_HOLDS_VALUE(score) ||
         (json_node_get_value_type(score) != G_TYPE_DOUBLE && json_node_get_value_type(score) != G_TYPE_INT64))) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"score\" must be a number or null", where);
        return NULL;
    }
    /* A score is a match strength: never below 0 (stored as NULL before, silently). The pre-scan
     * already refused one beyond a double's range, and wall_utc_us beyond 64 bits. */
    if (score && !JSON_NODE_HOLDS_NULL(score) && !(json_node_get_double(score) >= 0)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"score\" must be 0 or more (or null)", where);
        return NULL;
    }
    if (utc < 0 || mono < 0) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"%s\" must not be negative", where, utc < 0 ? "wall_utc_us" : "mono_us");
        return NULL;
    }
    StoreOutboxEvent *e = g_new0(StoreOutboxEvent, 1);
    e->uuid = g_ascii_strdown(uuid, -1);
    e->device_id = g_strdup(dev);
    e->case_number = g_strdup(cn);
    e->finger = g_strdup(finger);
    e->method = g_strdup(method);
    e->result = g_strdup(result);
    e->score = score && !JSON_NODE_HOLDS_NULL(score) ? json_node_get_double(score) : -1;
    e->wall_time = g_strdup(wall);
    e->wall_utc_us = utc;
    e->local_date = g_strdup(date);
    e->mono_us = mono;
    e->boot_id = g_strdup(boot);
    return e;
}

GPtrArray *protocol_parse_push(const char *body, gsize len, const char *device_id, GArray **offsets,
                               GError **error)
{
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *o = pj_parse_object(p, body, len, &json_bounds_message, error);
    if (!o)
        return NULL;
    const char *dev;
    if (!pj_get_str(o, "device_id", FALSE, 64, &dev, "", error))
        return NULL;
    if (strcmp(dev, device_id) != 0) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"device_id\" is \"%s\" but the credentials are \"%s\"'s",
                    dev, device_id);
        return NULL;
    }
    JsonNode *list = json_object_get_member(o, "events");
    if (!list || !JSON_NODE_HOLDS_ARRAY(list)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"events\" must be an array");
        return NULL;
    }
    JsonArray *a = json_node_get_array(list);
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func((GDestroyNotify)store_outbox_event_free);
    g_autoptr(GArray) offs = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        gint64 off = 0;
        StoreOutboxEvent *e = parse_event(json_array_get_element(a, i), i, device_id, &off, error);
        if (!e)
            return NULL;
        g_ptr_array_add(events, e);
        g_array_append_val(offs, off);
        if (!g_hash_table_add(seen, e->uuid)) {
            g_set_error(error, PROTOCOL_ERROR, 1, "event %u: uuid %s appears twice in the batch", i, e->uuid);
            return NULL;
        }
    }
    if (offsets)
        *offsets = g_steal_pointer(&offs);
    return g_steal_pointer(&events);
}

char *protocol_build_acks(GPtrArray *events, const ProtocolAck *statuses)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "results");
    json_builder_begin_array(b);
    for (guint i = 0; i < events->len; i++) {
        const StoreOutboxEvent *e = g_ptr_array_index(events, i);
        json_builder_begin_object(b);
        pj_add_str(b, "uuid", e->uuid);
        pj_add_str(b, "status", statuses[i] == PROTOCOL_STORED ? "stored" : "duplicate");
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return pj_finish(b);
}

GHashTable *protocol_parse_acks(const char *body, gsize len, GError **error)
{
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *o = pj_parse_object(p, body, len, &json_bounds_message, error);
    if (!o)
        return NULL;
    JsonNode *list = json_object_get_member(o, "results");
    if (!list || !JSON_NODE_HOLDS_ARRAY(list)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "the reply has no \"results\" array");
        return NULL;
    }
    JsonArray *a = json_node_get_array(list);
    g_autoptr(GHashTable) acked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    static const char *const statuses[] = {"stored", "duplicate", NULL};
    for (guint i = 0; i < json_array_get_length(a); i++) {
        JsonNode *n = json_array_get_element(a, i);
        g_autofree char *where = g_strdup_printf("result %u: ", i);
        const char *uuid, *status;
        if (!JSON_NODE_HOLDS_OBJECT(n)) {
            g_set_error(error, PROTOCOL_ERROR, 1, "%sis not an object", where);
            return NULL;
        }
        JsonObject *r = json_node_get_object(n);
        if (!pj_get_str(r, "uuid", FALSE, 36, &uuid, where, error) || !pj_get_str(r, "status", FALSE, 16, &status, where, error) ||
            !pj_one_of(status, statuses, "status", where, error))
            return NULL;
        g_hash_table_add(acked, g_ascii_strdown(uuid, -1));
    }
    return g_steal_pointer(&acked);
}

/* ---- heartbeat ---- */

char *protocol_build_heartbeat(const ProtocolHeartbeat *hb)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autofree char *now = utc_now_iso();
    json_builder_begin_object(b);
    pj_add_str(b, "device_id", hb->device_id);
    pj_add_str(b, "sent_at", now);
    pj_add_str(b, "version", hb->version);
    pj_add_int(b, "queue_length", hb->queue_length);
    pj_add_int(b, "quarantined", hb->quarantined);
    pj_add_str(b, "oldest_unsent", hb->oldest_unsent && *hb->oldest_unsent ? hb->oldest_unsent : NULL);
    pj_add_str(b, "scanner", hb->scanner);
    pj_add_int(b, "clock_offset_s", hb->clock_offset_s);
    pj_add_int(b, "disk_free_mb", hb->disk_free_mb);
    pj_add_int(b, "answers_unsent", hb->answers_unsent);
    pj_add_int(b, "answers_attention", hb->answers_attention);
    pj_add_str(b, "database_unwritable", hb->database_unwritable);
    if (hb->match)
        protocol_add_match(b, hb->match);
    json_builder_end_object(b);
    return pj_finish(b);
}

gboolean protocol_parse_heartbeat(const char *body, gsize len, ProtocolHeartbeat *out, GError **error)
{
    *out = (ProtocolHeartbeat){0};
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *o = pj_parse_object(p, body, len, &json_bounds_message, error);
    const char *dev, *version, *oldest, *scanner, *unwritable;
    if (!o || !pj_get_str(o, "device_id", FALSE, 64, &dev, "", error) ||
        !pj_get_str(o, "version", FALSE, 64, &version, "", error) ||
        !pj_get_str(o, "oldest_unsent", TRUE, 40, &oldest, "", error) ||
        !pj_get_str(o, "scanner", TRUE, 500, &scanner, "", error) ||
        !pj_get_str(o, "database_unwritable", TRUE, PROTOCOL_SENTENCE_MAX, &unwritable, "", error) ||
        !pj_get_int(o, "queue_length", &out->queue_length, "", error) ||
        !pj_get_int(o, "quarantined", &out->quarantined, "", error) ||
        !pj_get_int(o, "clock_offset_s", &out->clock_offset_s, "", error) ||
        !pj_get_int(o, "disk_free_mb", &out->disk_free_mb, "", error))
        return FALSE;
    /* Newer members: absent from an older kiosk's heartbeat, whole numbers when present. */
    if ((json_object_has_member(o, "answers_unsent") &&
         !pj_get_int(o, "answers_unsent", &out->answers_unsent, "", error)) ||
        (json_object_has_member(o, "answers_attention") &&
         !pj_get_int(o, "answers_attention", &out->answers_attention, "", error)) ||
        !protocol_parse_match(o, &out->match, error))
        return FALSE;
    out->device_id = g_strdup(dev);
    out->version = g_strdup(version);
    out->oldest_unsent = g_strdup(oldest);
    out->scanner = g_strdup(scanner);
    out->database_unwritable = unwritable && *unwritable ? g_strdup(unwritable) : NULL;
    return TRUE;
}

void protocol_heartbeat_clear(ProtocolHeartbeat *hb)
{
    g_clear_pointer(&hb->device_id, g_free);
    g_clear_pointer(&hb->version, g_free);
    g_clear_pointer(&hb->oldest_unsent, g_free);
    g_clear_pointer(&hb->scanner, g_free);
    g_clear_pointer(&hb->database_unwritable, g_free);
    g_clear_pointer(&hb->match, match_report_free);
}

gboolean protocol_parse_provision(const char *body, gsize len, char **device_id, char **server, char **token,
                                  GError **error)
{
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *o = pj_parse_object(p, body, len, &json_bounds_small, error);
    const char *id, *url = NULL, *t;
    if (!o || !pj_get_str(o, "device_id", FALSE, 64, &id, "", error) ||
        (server && !pj_get_str(o, "server", FALSE, 2000, &url, "", error)) ||
        !pj_get_str(o, "token", FALSE, 200, &t, "", error))
        return FALSE;
    if (!*id || !*t || (server && !*url)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"%s\" is empty", !*id ? "device_id" : !*t ? "token" : "server");
        return FALSE;
    }
    *device_id = g_strdup(id);
    *token = g_strdup(t);
    if (server)
        *server = g_strdup(url);
    return TRUE;
}

char *protocol_build_error(const char *message)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    pj_add_str(b, "error", message);
    json_builder_end_object(b);
    return pj_finish(b);
}

char *protocol_parse_error(const char *body, gsize len)
{
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *o = body ? pj_parse_object(p, body, len, &json_bounds_message, NULL) : NULL;
    const char *msg = NULL;
    if (!o || !pj_get_str(o, "error", FALSE, 100000, &msg, "", NULL) || !msg)
        return NULL;
    return g_utf8_substring(msg, 0, MIN(g_utf8_strlen(msg, -1), 300));
}

/* ---- gzip ---- */

static GBytes *convert(GConverter *conv, const void *data, gsize len, gsize max, GError **error)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    const guint8 *in = data;
    gsize in_left = len;
    guint8 buf[65536];
    for (;;) {
        gsize read = 0, written = 0;
        GConverterResult r = g_converter_convert(conv, in, in_left, buf, sizeof buf,
                                                 G_CONVERTER_INPUT_AT_END,
                                                 &read, &written, error);
        if (r == G_CONVERTER_ERROR)
            return NULL;
        in += read;
        in_left -= read;
        g_byte_array_append(out, buf, (guint)written);
        if (out->len > max) {
            g_set_error(error, PROTOCOL_ERROR, 2, "the body is larger than %zu bytes once uncompressed", max);
            return NULL;
        }
        if (r == G_CONVERTER_FINISHED)
            break;
    }
    return g_byte_array_free_to_bytes(g_steal_pointer(&out));
}

GBytes *protocol_gzip(const void *data, gsize len)
{
    /* Level 1: on loopback and on 3G alike the JSON shrinks ~8x already; higher levels cost CPU
     * the kiosk's small board needs for fingerprints. */
    g_autoptr(GZlibCompressor) z = g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
    return convert(G_CONVERTER(z), data, len, G_MAXSIZE, NULL);
}

GBytes *protocol_gunzip(const void *data, gsize len, gsize max, GError **error)
{
    g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    g_autoptr(GError) local = NULL;
    GBytes *out = convert(G_CONVERTER(z), data, len, max, &local);
    if (!out && local->domain == PROTOCOL_ERROR)
        g_propagate_error(error, g_steal_pointer(&local));
    else if (!out)
        g_set_error(error, PROTOCOL_ERROR, 2, "the body is not valid gzip (%s)", local->message);
    return out;
}
