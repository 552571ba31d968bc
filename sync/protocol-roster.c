/* protocol-roster — the roster the centre sends (and loads) and the audit rows a kiosk pushes. See
 * protocol.h. */
#include <fprint.h>

#include "app/engine/engine.h"
#include <string.h>

#include "app/schedule.h"
#include "app/store/store-adms.h"
#include "sync/protocol-private.h"

/* A kiosk template is a few kilobytes; one this size is not a fingerprint. */
#define MAX_TEMPLATE (1u << 20)

/* ---- reading ---- */

static gboolean get_bool(JsonObject *o, const char *key, gboolean *out, const char *where, GError **error)
{
    JsonNode *n = json_object_get_member(o, key);
    *out = FALSE;
    if (!n || JSON_NODE_HOLDS_NULL(n))
        return TRUE;
    if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"%s\" must be true or false", where, key);
        return FALSE;
    }
    *out = json_node_get_boolean(n);
    return TRUE;
}

/* An array member; absent (or null) gives NULL without an error when `optional`. */
static gboolean get_array(JsonObject *o, const char *key, gboolean optional, JsonArray **out, const char *where,
                          GError **error)
{
    JsonNode *n = json_object_get_member(o, key);
    *out = NULL;
    if ((!n || JSON_NODE_HOLDS_NULL(n)) && optional)
        return TRUE;
    if (!n || !JSON_NODE_HOLDS_ARRAY(n)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"%s\" must be an array", where, key);
        return FALSE;
    }
    *out = json_node_get_array(n);
    return TRUE;
}

static JsonObject *element_object(JsonArray *a, guint i, const char *where, GError **error)
{
    JsonNode *n = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_OBJECT(n)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%sis not an object", where);
        return NULL;
    }
    return json_node_get_object(n);
}

static StoreRosterFinger *parse_finger(JsonObject *o, const char *where, GError **error)
{
    const char *finger, *driver, *b64;
    if (!pj_get_str(o, "finger", FALSE, 32, &finger, where, error) ||
        !pj_get_str(o, "driver", FALSE, 64, &driver, where, error) ||
        !pj_get_str(o, "template", FALSE, MAX_TEMPLATE * 4 / 3 + 4, &b64, where, error))
        return NULL;
    gsize len = 0;
    g_autofree guchar *raw = *b64 ? g_base64_decode(b64, &len) : NULL;
    if (!*finger) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"finger\" is empty", where);
        return NULL;
    }
    /* Checked before libfprint ever sees it: its deserializer trusts the frame, and a damaged one
     * aborts the process (issue 22.3) — one bad template must not stop a kiosk or the centre. */
    g_autoptr(GError) why = NULL;
    if (!len || !engine_template_check(raw, len, &why)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"template\" is not a fingerprint template libfprint can read "
                    "(base64 of fp_print_serialize): the %s's is refused, %s", where, finger,
                    why ? why->message : "it is empty");
        return NULL;
    }
    g_autoptr(FpPrint) print = fp_print_deserialize(raw, len, &why);
    if (!print) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"template\" is not a fingerprint template libfprint can read "
                    "(base64 of fp_print_serialize): the %s's is refused", where, finger);
        return NULL;
    }
    StoreRosterFinger *f = g_new0(StoreRosterFinger, 1);
    f->finger = g_strdup(finger);
    f->driver = g_strdup(driver);
    f->print = g_bytes_new_take(g_steal_pointer(&raw), len);
    return f;
}

static gboolean parse_schedule(JsonObject *o, StoreRosterPerson *p, const char *where, GError **error)
{
    JsonNode *n = json_object_get_member(o, "schedule");
    if (!n)
        return TRUE; /* unchanged */
    p->has_schedule = TRUE;
    if (JSON_NODE_HOLDS_NULL(n))
        return TRUE; /* none any more */
    if (!JSON_NODE_HOLDS_OBJECT(n)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"schedule\" must be an object or null", where);
        return FALSE;
    }
    JsonObject *s = json_node_get_object(n);
    const char *rule, *starts, *ends, *due_by;
    if (!pj_get_str(s, "rule", FALSE, 64, &rule, where, error) ||
        !pj_get_str(s, "starts", FALSE, 10, &starts, where, error) ||
        !pj_get_str(s, "ends", TRUE, 10, &ends, where, error) ||
        !pj_get_str(s, "due_by", TRUE, 5, &due_by, where, error))
        return FALSE;
    Schedule check;
    g_autoptr(GError) why = NULL;
    if (!schedule_parse(rule, starts, ends, due_by, &check, &why)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"schedule\": %s", where, why->message);
        return FALSE;
    }
    p->schedule = g_new0(StoreRosterSchedule, 1);
    p->schedule->rule = g_strdup(rule);
    p->schedule->starts = g_strdup(starts);
    p->schedule->ends = g_strdup(ends);
    p->schedule->due_by = g_strdup(due_by);
    return TRUE;
}

/* "adms_pin": absent = unchanged; null = none any more; else the PIN at the office's ADMS server,
 * as the kiosk's own rule has it (app/store/store-adms.h: 1 to 24 letters or digits). */
static gboolean parse_adms_pin(JsonObject *o, StoreRosterPerson *p, const char *where, GError **error)
{
    const char *pin;
    if (!json_object_has_member(o, "adms_pin"))
        return TRUE;
    if (!pj_get_str(o, "adms_pin", TRUE, 24, &pin, where, error))
        return FALSE;
    if (pin && !store_adms_pin_is_valid(pin)) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s\"adms_pin\" \"%s\" is not a PIN an ADMS server knows someone by: "
                    "expected 1 to 24 letters or digits, or null", where, pin);
        return FALSE;
    }
    p->has_adms_pin = TRUE;
    p->adms_pin = g_strdup(pin);
    return TRUE;
}

static StoreRosterPerson *parse_person(JsonObject *o, guint i, GError **error)
{
    static const char *const statuses[] = {"active", "inactive", NULL};
    g_autofree char *where = g_strdup_printf("probationer %u: ", i);
    const char *cn, *cnic, *en, *ur, *office, *status;
    if (!pj_get_str(o, "case_number", FALSE, 64, &cn, where, error))
        return NULL;
    g_free(where);
    where = g_strdup_printf("probationer %u (case %s): ", i, cn);
    if (!pj_get_str(o, "name_en", FALSE, 200, &en, where, error) ||
        !pj_get_str(o, "name_ur", TRUE, 400, &ur, where, error) ||
        !pj_get_str(o, "cnic", TRUE, 13, &cnic, where, error) ||
        !pj_get_str(o, "office", FALSE, 200, &office, where, error) ||
        !pj_get_str(o, "status", FALSE, 16, &status, where, error) ||
        !pj_one_of(status, statuses, "status", where, error))
        return NULL;
    if (!*cn || !*en || !*office || (cnic && (strlen(cnic) != 13 || strspn(cnic, "0123456789") != 13))) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s%s", where,
                    !*cn ? "\"case_number\" is empty" : !*en ? "\"name_en\" is empty"
                    : !*office ? "\"office\" is empty" : "\"cnic\" must be 13 digits or null");
        return NULL;
    }
    g_autoptr(StoreRosterPerson) p = g_new0(StoreRosterPerson, 1);
    p->case_number = g_strdup(cn);
    p->name_en = g_strdup(en);
    p->name_ur = ur && *ur ? g_strdup(ur) : NULL;
    p->cnic = g_strdup(cnic);
    p->office = g_strdup(office);
    p->active = strcmp(status, "active") == 0;
    JsonArray *fingers;
    if (!get_array(o, "fingers", TRUE, &fingers, where, error) || !parse_schedule(o, p, where, error) ||
        !protocol_parse_photo(o, &p->has_photo, &p->photo, where, error) || !parse_adms_pin(o, p, where, error))
        return NULL;
    if (fingers) {
        p->fingers = g_ptr_array_new_with_free_func((GDestroyNotify)store_roster_finger_free);
        for (guint j = 0; j < json_array_get_length(fingers); j++) {
            g_autofree char *fwhere = g_strdup_printf("%sfinger %u: ", where, j);
            JsonObject *fo = element_object(fingers, j, fwhere, error);
            StoreRosterFinger *f = fo ? parse_finger(fo, fwhere, error) : NULL;
            if (!f)
                return NULL;
            g_ptr_array_add(p->fingers, f);
        }
    }
    return g_steal_pointer(&p);
}

static StoreRosterMessage *parse_message(JsonObject *o, guint i, ProtocolRosterKind kind, GError **error)
{
    g_autofree char *where = g_strdup_printf("message %u: ", i);
    const char *id, *office, *cn, *en, *ur, *until;
    gboolean withdrawn;
    if (!pj_get_str(o, "id", FALSE, 64, &id, where, error) ||
        !pj_get_str(o, "office", kind == PROTOCOL_ROSTER_REPLY, 200, &office, where, error) ||
        !pj_get_str(o, "case_number", TRUE, 64, &cn, where, error) ||
        !pj_get_str(o, "text_en", TRUE, 2000, &en, where, error) ||
        !pj_get_str(o, "text_ur", TRUE, 4000, &ur, where, error) ||
        !pj_get_str(o, "valid_until", TRUE, 10, &until, where, error) ||
        !get_bool(o, "withdrawn", &withdrawn, where, error))
        return NULL;
    if (!*id || (!withdrawn && !(en && *en) && !(ur && *ur)) || (until && !pj_valid_date(until))) {
        g_set_error(error, PROTOCOL_ERROR, 1, "%s%s", where,
                    !*id ? "\"id\" is empty" : until && !pj_valid_date(until) ? "\"valid_until\" must be YYYY-MM-DD or null"
                                                                               : "needs \"text_en\" or \"text_ur\"");
        return NULL;
    }
    StoreRosterMessage *m = g_new0(StoreRosterMessage, 1);
    m->id = g_strdup(id);
    m->office = g_strdup(office);
    m->case_number = cn && *cn ? g_strdup(cn) : NULL;
    m->text_en = en && *en ? g_strdup(en) : NULL;
    m->text_ur = ur && *ur ? g_strdup(ur) : NULL;
    m->valid_until = g_strdup(until);
    m->withdrawn = withdrawn;
    return m;
}

StoreRoster *protocol_parse_roster(const char *body, gsize len, ProtocolRosterKind kind, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = pj_parse_object(parser, body, len,
                                    kind == PROTOCOL_ROSTER_LOAD ? &json_bounds_roster_file : &json_bounds_message, error);
    if (!o)
        return NULL;
    g_autoptr(StoreRoster) r = store_roster_new();
    JsonArray *people, *messages;
    if (kind == PROTOCOL_ROSTER_REPLY) {
        const char *office;
        if (!pj_get_str(o, "office", FALSE, 200, &office, "", error) ||
            !pj_get_int(o, "cursor", &r->cursor, "", error) || !get_bool(o, "more", &r->more, "", error))
            return NULL;
        r->office = g_strdup(office);
    }
    if (!get_array(o, "probationers", kind == PROTOCOL_ROSTER_LOAD, &people, "", error) ||
        !get_array(o, "messages", TRUE, &messages, "", error))
        return NULL;
    for (guint i = 0; people && i < json_array_get_length(people); i++) {
        g_autofree char *where = g_strdup_printf("probationer %u: ", i);
        JsonObject *po = element_object(people, i, where, error);
        StoreRosterPerson *p = po ? parse_person(po, i, error) : NULL;
        if (!p)
            return NULL;
        g_ptr_array_add(r->people, p);
    }
    for (guint i = 0; messages && i < json_array_get_length(messages); i++) {
        g_autofree char *where = g_strdup_printf("message %u: ", i);
        JsonObject *mo = element_object(messages, i, where, error);
        StoreRosterMessage *m = mo ? parse_message(mo, i, kind, error) : NULL;
        if (!m)
            return NULL;
        g_ptr_array_add(r->messages, m);
    }
    return g_steal_pointer(&r);
}

/* ---- writing ---- */

static void add_person(JsonBuilder *b, const StoreRosterPerson *p)
{
    json_builder_begin_object(b);
    pj_add_str(b, "case_number", p->case_number);
    pj_add_str(b, "name_en", p->name_en);
    pj_add_str(b, "name_ur", p->name_ur);
    pj_add_str(b, "cnic", p->cnic);
    pj_add_str(b, "office", p->office);
    pj_add_str(b, "status", p->active ? "active" : "inactive");
    if (p->fingers) {
        json_builder_set_member_name(b, "fingers");
        json_builder_begin_array(b);
        for (guint i = 0; i < p->fingers->len; i++) {
            const StoreRosterFinger *f = g_ptr_array_index(p->fingers, i);
            gsize len = 0;
            const guchar *data = g_bytes_get_data(f->print, &len);
            g_autofree char *b64 = g_base64_encode(data, len);
            json_builder_begin_object(b);
            pj_add_str(b, "finger", f->finger);
            pj_add_str(b, "driver", f->driver);
            pj_add_str(b, "template", b64);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
    }
    if (p->has_photo)
        protocol_add_photo(b, p->photo);
    if (p->has_adms_pin)
        pj_add_str(b, "adms_pin", p->adms_pin);
    if (p->has_schedule) {
        json_builder_set_member_name(b, "schedule");
        if (!p->schedule) {
            json_builder_add_null_value(b);
        } else {
            json_builder_begin_object(b);
            pj_add_str(b, "rule", p->schedule->rule);
            pj_add_str(b, "starts", p->schedule->starts);
            pj_add_str(b, "ends", p->schedule->ends);
            pj_add_str(b, "due_by", p->schedule->due_by);
            json_builder_end_object(b);
        }
    }
    json_builder_end_object(b);
}

char *protocol_build_roster(const StoreRoster *r)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    pj_add_str(b, "office", r->office);
    pj_add_int(b, "cursor", r->cursor);
    json_builder_set_member_name(b, "more");
    json_builder_add_boolean_value(b, r->more);
    json_builder_set_member_name(b, "probationers");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->people->len; i++)
        add_person(b, g_ptr_array_index(r->people, i));
    json_builder_end_array(b);
    json_builder_set_member_name(b, "messages");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->messages->len; i++) {
        const StoreRosterMessage *m = g_ptr_array_index(r->messages, i);
        json_builder_begin_object(b);
        pj_add_str(b, "id", m->id);
        pj_add_str(b, "case_number", m->case_number);
        pj_add_str(b, "text_en", m->text_en);
        pj_add_str(b, "text_ur", m->text_ur);
        pj_add_str(b, "valid_until", m->valid_until);
        json_builder_set_member_name(b, "withdrawn");
        json_builder_add_boolean_value(b, m->withdrawn);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return pj_finish(b);
}

/* ---- what the centre made of a kiosk's enrollments ---- */

char *protocol_build_enrollments_reply(guint changed, GPtrArray *refused)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    pj_add_int(b, "changed", changed);
    json_builder_set_member_name(b, "refused");
    json_builder_begin_array(b);
    for (guint i = 0; refused && i < refused->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(refused, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
    return pj_finish(b);
}

GPtrArray *protocol_parse_enrollments_reply(const char *body, gsize len, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = pj_parse_object(parser, body, len, &json_bounds_message, error);
    gint64 changed;
    JsonArray *list;
    if (!o || !pj_get_int(o, "changed", &changed, "", error) || !get_array(o, "refused", TRUE, &list, "", error))
        return NULL;
    g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; list && i < json_array_get_length(list); i++) {
        JsonNode *n = json_array_get_element(list, i);
        if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
            g_set_error(error, PROTOCOL_ERROR, 1, "\"refused\" %u is not a string", i);
            return NULL;
        }
        g_ptr_array_add(refused, g_utf8_make_valid(json_node_get_string(n), MIN(strlen(json_node_get_string(n)), 500)));
    }
    return g_steal_pointer(&refused);
}

/* ---- the audit trail ---- */

char *protocol_build_audit(const char *device_id, GPtrArray *rows)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    pj_add_str(b, "device_id", device_id);
    json_builder_set_member_name(b, "rows");
    json_builder_begin_array(b);
    for (guint i = 0; i < rows->len; i++) {
        const StoreAuditRow *r = g_ptr_array_index(rows, i);
        json_builder_begin_object(b);
        pj_add_int(b, "id", r->id);
        pj_add_str(b, "at", r->at);
        pj_add_str(b, "actor", r->actor);
        pj_add_str(b, "action", r->action);
        pj_add_str(b, "subject", r->subject);
        pj_add_str(b, "detail", r->detail);
        pj_add_str(b, "prev_hash", r->prev_hash);
        pj_add_str(b, "hash", r->hash);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return pj_finish(b);
}

GPtrArray *protocol_parse_audit(const char *body, gsize len, const char *device_id, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = pj_parse_object(parser, body, len, &json_bounds_message, error);
    const char *dev;
    JsonArray *list;
    if (!o || !pj_get_str(o, "device_id", FALSE, 64, &dev, "", error) ||
        !get_array(o, "rows", FALSE, &list, "", error))
        return NULL;
    if (strcmp(dev, device_id) != 0) {
        g_set_error(error, PROTOCOL_ERROR, 1, "\"device_id\" is \"%s\" but the credentials are \"%s\"'s", dev,
                    device_id);
        return NULL;
    }
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)store_audit_row_free);
    for (guint i = 0; i < json_array_get_length(list); i++) {
        g_autofree char *where = g_strdup_printf("audit row %u: ", i);
        JsonObject *ro = element_object(list, i, where, error);
        const char *f[7];
        gint64 id;
        if (!ro || !pj_get_int(ro, "id", &id, where, error) || !pj_get_str(ro, "at", FALSE, 40, &f[0], where, error) ||
            !pj_get_str(ro, "actor", FALSE, 100, &f[1], where, error) ||
            !pj_get_str(ro, "action", FALSE, 100, &f[2], where, error) ||
            !pj_get_str(ro, "subject", TRUE, 400, &f[3], where, error) ||
            !pj_get_str(ro, "detail", TRUE, 2000, &f[4], where, error) ||
            !pj_get_str(ro, "prev_hash", FALSE, 64, &f[5], where, error) ||
            !pj_get_str(ro, "hash", FALSE, 64, &f[6], where, error))
            return NULL;
        g_autofree char *hash = store_audit_hash(f[5], f[0], f[1], f[2], f[3], f[4]);
        const StoreAuditRow *prev = i ? g_ptr_array_index(rows, i - 1) : NULL;
        if (strcmp(hash, f[6]) != 0 || (prev && (strcmp(prev->hash, f[5]) != 0 || prev->id >= id))) {
            g_set_error(error, PROTOCOL_ERROR, 1, "audit row %" G_GINT64_FORMAT ": %s", id,
                        strcmp(hash, f[6]) != 0 ? "its hash does not match its fields (edited?)"
                                                : "it does not follow the row before it (a row missing?)");
            return NULL;
        }
        StoreAuditRow *r = g_new0(StoreAuditRow, 1);
        r->id = id;
        r->at = g_strdup(f[0]);
        r->actor = g_strdup(f[1]);
        r->action = g_strdup(f[2]);
        r->subject = g_strdup(f[3]);
        r->detail = g_strdup(f[4]);
        r->prev_hash = g_strdup(f[5]);
        r->hash = g_strdup(f[6]);
        g_ptr_array_add(rows, r);
    }
    return g_steal_pointer(&rows);
}
