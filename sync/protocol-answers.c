/* protocol-answers — the questionnaire's answers a kiosk pushes (POST /v1/answers), and a person's
 * photo in the roster. See protocol.h. */
#include "sync/protocol-private.h"

#include "app/photo.h"

#include <string.h>

char *protocol_build_answers(const char *device_id, GPtrArray *answers)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    pj_add_str(b, "device_id", device_id);
    json_builder_set_member_name(b, "answers");
    json_builder_begin_array(b);
    for (guint i = 0; i < answers->len; i++) {
        const StoreAnswer *a = g_ptr_array_index(answers, i);
        json_builder_begin_object(b);
        pj_add_str(b, "checkin_uuid", a->checkin_uuid);
        pj_add_str(b, "question_id", a->question_id);
        pj_add_str(b, "answer", a->answer);
        pj_add_str(b, "answered_at", a->answered_at);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return pj_finish(b);
}

/* A question id as the kiosk's [screen] questions name them: a short lowercase word. */
static gboolean valid_question(const char *q)
{
    if (!*q)
        return FALSE;
    for (const char *p = q; *p; p++)
        if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '_')
            return FALSE;
    return TRUE;
}

GPtrArray *protocol_parse_answers(const char *body, gsize len, const char *device_id, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = pj_parse_object(parser, body, len, &json_bounds_message, error);
    const char *dev;
    if (!o || !pj_get_str(o, "device_id", FALSE, 64, &dev, "", error))
        return NULL;
    if (strcmp(dev, device_id) != 0) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"device_id\" is \"%s\" but the credentials are \"%s\"'s", dev,
                    device_id);
        return NULL;
    }
    JsonNode *list = json_object_get_member(o, "answers");
    if (!list || !JSON_NODE_HOLDS_ARRAY(list)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"answers\" must be an array");
        return NULL;
    }
    JsonArray *a = json_node_get_array(list);
    if (json_array_get_length(a) > PROTOCOL_ANSWERS_MAX) {
        g_set_error(error, PROTOCOL_ERROR, 1, "a push holds at most %d answers, not %u", PROTOCOL_ANSWERS_MAX,
                    json_array_get_length(a));
        return NULL;
    }
    static const char *const answers[] = {"yes", "no", NULL};
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)store_answer_free);
    for (guint i = 0; i < json_array_get_length(a); i++) {
        g_autofree char *where = g_strdup_printf("answer %u: ", i);
        JsonNode *n = json_array_get_element(a, i);
        if (!JSON_NODE_HOLDS_OBJECT(n)) {
            g_set_error(error, PROTOCOL_ERROR, 1, "%sis not an object", where);
            return NULL;
        }
        JsonObject *ao = json_node_get_object(n);
        const char *uuid, *question, *answer, *at;
        if (!pj_get_str(ao, "checkin_uuid", FALSE, 36, &uuid, where, error) ||
            !pj_get_str(ao, "question_id", FALSE, 32, &question, where, error) ||
            !pj_get_str(ao, "answer", FALSE, 8, &answer, where, error) ||
            !pj_one_of(answer, answers, "answer", where, error) ||
            !pj_get_str(ao, "answered_at", FALSE, 40, &at, where, error))
            return NULL;
        g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(at, NULL);
        const char *bad = !g_uuid_string_is_valid(uuid) ? "\"checkin_uuid\" is not a UUID"
                          : !valid_question(question)   ? "\"question_id\" must be lowercase letters, digits and _"
                          : !t                          ? "\"answered_at\" must be an ISO 8601 time with its UTC offset"
                                                        : NULL;
        if (bad) {
            g_set_error(error, PROTOCOL_ERROR, 1, "%s%s", where, bad);
            return NULL;
        }
        StoreAnswer *r = g_new0(StoreAnswer, 1);
        r->seq = i;
        r->checkin_uuid = g_ascii_strdown(uuid, -1);
        r->question_id = g_strdup(question);
        r->answer = g_strdup(answer);
        r->answered_at = g_strdup(at);
        g_ptr_array_add(out, r);
    }
    return g_steal_pointer(&out);
}

/* ---- a person's photo in the roster ---- */

gboolean protocol_parse_photo(JsonObject *o, gboolean *has_photo, GBytes **photo, const char *where, GError **error)
{
    *has_photo = json_object_has_member(o, "photo");
    *photo = NULL;
    const char *b64;
    /* Base64 of PHOTO_MAX_BYTES, bounded before decoding. */
    if (!*has_photo || !pj_get_str(o, "photo", TRUE, (PHOTO_MAX_BYTES + 2) / 3 * 4 + 4, &b64, where, error))
        return !*has_photo;
    if (!b64)
        return TRUE;
    gsize len = 0;
    guchar *raw = g_base64_decode(b64, &len);
    g_autoptr(GBytes) data = g_bytes_new_take(raw, len);
    g_autoptr(GError) why = NULL;
    if (!photo_check(data, NULL, &why)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"photo\": %s", where, why->message);
        return FALSE;
    }
    *photo = g_steal_pointer(&data);
    return TRUE;
}

void protocol_add_photo(JsonBuilder *b, GBytes *photo)
{
    json_builder_set_member_name(b, "photo");
    if (!photo) {
        json_builder_add_null_value(b);
        return;
    }
    gsize len = 0;
    const guchar *data = g_bytes_get_data(photo, &len);
    g_autofree char *b64 = g_base64_encode(data, len);
    json_builder_add_string_value(b, b64);
}
