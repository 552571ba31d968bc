/* server — the receiver's HTTPS endpoints on libmicrohttpd (GnuTLS underneath): a pool of worker
 * threads, each waiting on its connections with epoll, so thousands of idle or slow connections
 * cost file descriptors, not threads; storage connections come from a small pool.
 *
 * Every request but /v1/provision is authenticated (HTTP Basic: device id and secret) as soon as
 * its headers are in, before a byte of its body is kept: an unknown path, a wrong method or a
 * wrong secret is answered without buffering or inflating anything. Bodies are bounded as sent
 * (--max-body-mb), once inflated (MAX_UNCOMPRESSED) and all together (--max-buffered-mb); the
 * JSON inside is bounded before it is parsed (sync/json-bounded.h). Connections are capped in all
 * and per address, and one silent for --idle-timeout seconds is closed.
 *
 * A bad request gets a 4xx and one sentence, and nothing of it is stored: a push is parsed and
 * checked completely before its one transaction starts.
 *
 * Longer than the ~500 lines the style guide asks: the request lifecycle (headers, body bounds,
 * authentication, dispatch) is one state machine of libmicrohttpd callbacks; the endpoints' work is
 * in ingest.c, roster.c, answers.c, devices.c. */
#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <microhttpd.h>
#include <signal.h>
#include <sys/resource.h>
#include <string.h>

#include "receiver/receiver.h"
#include "receiver/web.h"
#include "app/clock.h"
#include "sync/json-bounded.h"

/* A push of 5000 check-ins is ~2.5 MB of JSON before gzip; anything far beyond is not a kiosk.
 * The same as the bounded JSON reader's limit, so an inflated body the reader would refuse is
 * never inflated past it. */
#define MAX_UNCOMPRESSED (32u << 20)

typedef struct {
    const RxServeOptions *o;
    GAsyncQueue *pool;
    GMutex lock;
    int opened;
    char **faults;
    guint fault_next;
    gsize buffered; /* bytes of bodies held now, under s->lock */
} Server;

/* One request, from its headers to its completion. */
typedef struct {
    GByteArray *body;
    gsize limit;        /* bytes this body may have as sent */
    gboolean too_big;   /* over `limit`: read on and dropped, then 413 */
    gboolean no_room;   /* over --max-buffered-mb with the others: dropped, then 503 */
    unsigned refuse;    /* decided from the headers alone: the status to answer (body dropped) */
    const char *refuse_why;
    char *device, *office; /* authenticated */
} Upload;

/* ---- replies ---- */

static void add_date(struct MHD_Response *r, gint64 skew_s)
{
    if (!skew_s)
        return; /* libmicrohttpd adds the true Date itself */
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    g_autoptr(GDateTime) now = clock_now_utc();
    g_autoptr(GDateTime) t = g_date_time_add_seconds(now, (double)skew_s);
    g_autofree char *date = g_strdup_printf("%s, %02d %s %04d %02d:%02d:%02d GMT", days[g_date_time_get_day_of_week(t) - 1],
                                            g_date_time_get_day_of_month(t), months[g_date_time_get_month(t) - 1],
                                            g_date_time_get_year(t), g_date_time_get_hour(t),
                                            g_date_time_get_minute(t), g_date_time_get_second(t));
    MHD_add_response_header(r, MHD_HTTP_HEADER_DATE, date);
}

static enum MHD_Result send_reply(Server *s, struct MHD_Connection *c, unsigned status, const char *body,
                                  gint64 retry_after_s)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    add_date(r, s->o->clock_skew_s);
    if (retry_after_s >= 0) {
        g_autofree char *ra = g_strdup_printf("%" G_GINT64_FORMAT, retry_after_s);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"haazri\"");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error(Server *s, struct MHD_Connection *c, unsigned status, const char *message)
{
    g_autofree char *json = protocol_build_error(message);
    return send_reply(s, c, status, json, -1);
}

/* "cut" fault: a reply that promises 4 KB and stops after 16 bytes, closing the connection. */
static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    if (pos > 0)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = MIN(max, 16);
    memcpy(buf, "{\"results\": [{\"u", n);
    return (ssize_t)n;
}

/* ---- the storage pool ---- */

static RxDb *take_db(Server *s, GError **error)
{
    RxDb *db = g_async_queue_try_pop(s->pool);
    if (db)
        return db;
    g_mutex_lock(&s->lock);
    gboolean open_one = s->opened < s->o->threads;
    if (open_one)
        s->opened++;
    g_mutex_unlock(&s->lock);
    if (!open_one)
        return g_async_queue_pop(s->pool);
    db = rx_db_open(s->o->db_spec, s->o->store_key, error);
    if (!db) {
        g_mutex_lock(&s->lock);
        s->opened--;
        g_mutex_unlock(&s->lock);
    }
    return db;
}

static void give_db(Server *s, RxDb *db)
{
    g_async_queue_push(s->pool, db);
}

/* ---- endpoints ---- */

static const char *next_fault(Server *s)
{
    const char *f = NULL;
    g_mutex_lock(&s->lock);
    if (s->faults && s->faults[s->fault_next])
        f = s->faults[s->fault_next++];
    g_mutex_unlock(&s->lock);
    return f;
}

static enum MHD_Result on_events(Server *s, struct MHD_Connection *c, RxDb *db, const char *device, const char *office,
                                 GBytes *body)
{
    const char *fault = next_fault(s);
    if (fault)
        g_message("fault for this push: %s", fault);
    if (g_strcmp0(fault, "500") == 0)
        return send_error(s, c, 500, "injected fault: internal error");
    if (g_strcmp0(fault, "proxy400") == 0) /* a proxy's own refusal: HTML, not the centre's JSON */
        return send_reply(s, c, 400, "<html><body>400 Bad Request (proxy)</body></html>", -1);
    if (fault && g_str_has_prefix(fault, "503:"))
        return send_reply(s, c, 503, "{\"error\": \"injected fault: busy\"}", g_ascii_strtoll(fault + 4, NULL, 10));
    gsize len = 0;
    const char *data = g_bytes_get_data(body, &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) offsets = NULL;
    g_autoptr(GPtrArray) events = protocol_parse_push(data, len, device, &offsets, &error);
    if (!events)
        return send_error(s, c, 400, error->message);
    g_autofree ProtocolAck *statuses = g_new0(ProtocolAck, MAX(1, events->len));
    if (!rx_ingest_events(db, device, office, events, offsets, statuses, &error)) {
        g_warning("could not store a push from %s: %s", device, error->message);
        return send_error(s, c, 500, "the server could not store the events; send them again later");
    }
    if (fault && g_str_has_prefix(fault, "slow:"))
        g_usleep((gulong)g_ascii_strtoll(fault + 5, NULL, 10) * 1000);
    if (g_strcmp0(fault, "garbage") == 0)
        return send_reply(s, c, 200, "<html>502 Bad Gateway from a captive portal</html>", -1);
    if (g_strcmp0(fault, "cut") == 0) {
        struct MHD_Response *r = MHD_create_response_from_callback(4096, 64, cut_reader, NULL, NULL);
        enum MHD_Result ret = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ret;
    }
    g_autofree char *json = protocol_build_acks(events, statuses);
    return send_reply(s, c, 200, json, -1);
}

static enum MHD_Result on_heartbeat(Server *s, struct MHD_Connection *c, RxDb *db, const char *device, GBytes *body)
{
    gsize len = 0;
    const char *data = g_bytes_get_data(body, &len);
    ProtocolHeartbeat hb;
    g_autoptr(GError) error = NULL;
    if (!protocol_parse_heartbeat(data, len, &hb, &error))
        return send_error(s, c, 400, error->message);
    gboolean ok = g_strcmp0(hb.device_id, device) == 0;
    g_autofree char *json = g_strndup(data, len);
    if (ok && !rx_save_heartbeat(db, device, json, hb.clock_offset_s, &error)) {
        protocol_heartbeat_clear(&hb);
        g_warning("could not store a heartbeat from %s: %s", device, error->message);
        return send_error(s, c, 500, "the server could not store the heartbeat");
    }
    protocol_heartbeat_clear(&hb);
    if (!ok)
        return send_error(s, c, 400, "\"device_id\" is not the device of the credentials");
    g_autoptr(GDateTime) now = clock_now_utc();
    g_autofree char *iso = g_date_time_format(now, "{\"server_time\": \"%Y-%m-%dT%H:%M:%SZ\"}");
    return send_reply(s, c, 200, iso, -1);
}

/* A page of roster changes: at most this many people and messages. A person with two enrolled
 * fingers is ~9 KB of JSON (3.4 KB templates, base64), so a page stays near 2 MB. */
#define ROSTER_PAGE 200

static enum MHD_Result on_roster(Server *s, struct MHD_Connection *c, RxDb *db, const char *office)
{
    const char *since_arg = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
    gint64 since = 0;
    if (since_arg && !g_ascii_string_to_signed(since_arg, 10, 0, G_MAXINT64, &since, NULL))
        return send_error(s, c, 400, "\"since\" must be the cursor of the last roster page (a whole number >= 0)");
    g_autoptr(GError) error = NULL;
    g_autoptr(StoreRoster) r = rx_roster_changes(db, office, since, ROSTER_PAGE, &error);
    if (!r) {
        g_warning("could not read the roster for %s: %s", office, error ? error->message : "inconsistent rows");
        return send_error(s, c, 500, "the server could not read the roster; try again later");
    }
    g_autofree char *json = protocol_build_roster(r);
    return send_reply(s, c, 200, json, -1);
}

static enum MHD_Result on_audit(Server *s, struct MHD_Connection *c, RxDb *db, const char *device, GBytes *body)
{
    gsize len = 0;
    const char *data = g_bytes_get_data(body, &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = protocol_parse_audit(data, len, device, &error);
    if (!rows)
        return send_error(s, c, 400, error->message);
    guint stored = 0;
    if (!rx_ingest_audit(db, device, rows, &stored, &error)) {
        if (error->domain == RX_ERROR && error->code == RX_ERROR_CONFLICT) {
            g_warning("audit trail of %s refused: %s", device, error->message);
            return send_error(s, c, 409, error->message);
        }
        g_warning("could not store audit rows from %s: %s", device, error->message);
        return send_error(s, c, 500, "the server could not store the audit rows; send them again later");
    }
    gint64 last = rows->len ? ((StoreAuditRow *)g_ptr_array_index(rows, rows->len - 1))->id : 0;
    g_autofree char *json = g_strdup_printf("{\"last_id\": %" G_GINT64_FORMAT ", \"stored\": %u}", last, stored);
    return send_reply(s, c, 200, json, -1);
}

static enum MHD_Result on_enrollments(Server *s, struct MHD_Connection *c, RxDb *db, const char *device,
                                     const char *office, GBytes *body)
{
    gsize len = 0;
    const char *data = g_bytes_get_data(body, &len);
    g_autoptr(GError) error = NULL;
    /* The loading file's shape, with the same checks: every template must be one libfprint reads. */
    g_autoptr(StoreRoster) enrolled = protocol_parse_roster(data, len, PROTOCOL_ROSTER_LOAD, &error);
    if (!enrolled)
        return send_error(s, c, 400, error->message);
    guint changed = 0;
    g_autoptr(GPtrArray) refused = g_ptr_array_new_with_free_func(g_free);
    if (!rx_ingest_enrollments(db, device, office, enrolled, &changed, refused, &error)) {
        g_warning("could not store enrollments from %s: %s", device, error->message);
        return send_error(s, c, 500, "the server could not store the enrollments; send them again later");
    }
    if (changed)
        g_message("%s sent %u new or changed fingers", device, changed);
    g_autofree char *json = protocol_build_enrollments_reply(changed, refused);
    return send_reply(s, c, 200, json, -1);
}

static enum MHD_Result on_answers(Server *s, struct MHD_Connection *c, RxDb *db, const char *device,
                                  const char *office, GBytes *body)
{
    gsize len = 0;
    const char *data = g_bytes_get_data(body, &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) answers = protocol_parse_answers(data, len, device, &error);
    if (!answers)
        return send_error(s, c, 400, error->message);
    guint stored = 0;
    if (!rx_ingest_answers(db, device, office, answers, &stored, &error)) {
        if (error->domain == RX_ERROR && error->code == RX_ERROR_BAD_REQUEST)
            return send_error(s, c, 400, error->message);
        g_warning("could not store answers from %s: %s", device, error->message);
        return send_error(s, c, 500, "the server could not store the answers; send them again later");
    }
    g_autofree char *json = g_strdup_printf("{\"stored\": %u}", stored);
    return send_reply(s, c, 200, json, -1);
}

static enum MHD_Result on_provision(Server *s, struct MHD_Connection *c, RxDb *db, GBytes *body)
{
    gsize len = 0;
    const char *data = g_bytes_get_data(body, &len);
    g_autofree char *id = NULL, *token = NULL;
    g_autoptr(GError) why = NULL;
    if (!protocol_parse_provision(data, len, &id, NULL, &token, &why))
        return send_error(s, c, 400, why->message);
    g_autofree char *secret = NULL, *office = NULL;
    g_autoptr(GError) error = NULL;
    if (!rx_device_provision(db, id, token, &secret, &office, &error))
        return send_error(s, c, error->code == RX_ERROR_UNAUTHORISED ? 401 : 500, error->message);
    g_message("device %s provisioned (office %s)", id, office);
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "device_id");
    json_builder_add_string_value(b, id);
    json_builder_set_member_name(b, "secret");
    json_builder_add_string_value(b, secret);
    json_builder_set_member_name(b, "office");
    json_builder_add_string_value(b, office);
    json_builder_end_object(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) out = json_builder_get_root(b);
    json_generator_set_root(gen, out);
    g_autofree char *json = json_generator_to_data(gen, NULL);
    return send_reply(s, c, 200, json, -1);
}

/* HTTP Basic: "Basic base64(id:secret)". */
static gboolean parse_basic(const char *header, char **id, char **secret)
{
    if (!header || g_ascii_strncasecmp(header, "Basic ", 6) != 0)
        return FALSE;
    gsize len = 0;
    g_autofree guchar *raw = g_base64_decode(header + 6, &len);
    g_autofree char *text = g_strndup((const char *)raw, len);
    char *colon = strchr(text, ':');
    if (!colon)
        return FALSE;
    *id = g_strndup(text, (gsize)(colon - text));
    *secret = g_strdup(colon + 1);
    return TRUE;
}

static gboolean known_endpoint(const char *url)
{
    static const char *const urls[] = {"/v1/roster", "/v1/events", "/v1/heartbeat", "/v1/provision", "/v1/audit",
                                       "/v1/enrollments", "/v1/answers", NULL};
    return g_strv_contains(urls, url);
}

/* What the headers alone decide: where, how, and who. Runs before any body byte is read, so an
 * unknown path or a wrong secret costs no memory and no inflating. */
static void admit(Server *s, struct MHD_Connection *c, const char *url, const char *method, Upload *u)
{
    gboolean get_roster = strcmp(url, "/v1/roster") == 0, provision = strcmp(url, "/v1/provision") == 0;
    const char *encoding = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING);
    u->limit = provision ? json_bounds_small.max_bytes : s->o->max_body;
    if (!known_endpoint(url)) {
        u->refuse = 404;
        u->refuse_why = "no such endpoint (see docs/sync-openapi.yaml)";
    } else if (strcmp(method, get_roster ? "GET" : "POST") != 0) {
        u->refuse = 405;
        u->refuse_why = get_roster ? "this endpoint takes GET" : "this endpoint takes POST";
    } else if (encoding && g_ascii_strcasecmp(encoding, "gzip") != 0 && g_ascii_strcasecmp(encoding, "identity") != 0) {
        u->refuse = 415;
        u->refuse_why = "only gzip or no Content-Encoding is accepted";
    }
    if (u->refuse || provision)
        return;
    g_autofree char *id = NULL, *secret = NULL;
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!parse_basic(auth, &id, &secret)) {
        u->refuse = 401;
        u->refuse_why = "this request needs the device's id and secret (HTTP Basic)";
        return;
    }
    g_autoptr(GError) error = NULL;
    RxDb *db = take_db(s, &error);
    if (!db) {
        g_warning("storage: %s", error->message);
        u->refuse = 503;
        u->refuse_why = "the server's storage is not available; try again later";
    } else if (!rx_device_authenticate(db, id, secret, &u->office, &error)) {
        u->refuse = error->code == RX_ERROR_UNAUTHORISED ? 401 : 500;
        u->refuse_why = error->code == RX_ERROR_UNAUTHORISED ? "unknown or revoked device, or a wrong secret"
                                                             : "the server could not check the credentials";
    } else {
        u->device = g_steal_pointer(&id);
    }
    if (db)
        give_db(s, db);
    memset(secret, 0, strlen(secret));
}

/* Room for `n` more body bytes among all connections' (--max-buffered-mb). */
static gboolean hold(Server *s, gsize n)
{
    g_mutex_lock(&s->lock);
    gboolean room = s->buffered + n <= s->o->max_buffered;
    if (room)
        s->buffered += n;
    g_mutex_unlock(&s->lock);
    return room;
}

static void release(Server *s, gsize n)
{
    g_mutex_lock(&s->lock);
    s->buffered -= n;
    g_mutex_unlock(&s->lock);
}

/* An admitted request with its whole body: inflate (bounded), then the endpoint. */
static enum MHD_Result route(Server *s, struct MHD_Connection *c, const char *url, const Upload *u, GBytes *raw)
{
    g_autoptr(GBytes) body = g_bytes_ref(raw);
    const char *encoding = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING);
    if (encoding && g_ascii_strcasecmp(encoding, "gzip") == 0) {
        g_autoptr(GError) error = NULL;
        gsize len = 0;
        const void *data = g_bytes_get_data(raw, &len);
        GBytes *plain = protocol_gunzip(data, len, MAX_UNCOMPRESSED, &error);
        if (!plain)
            return send_error(s, c, 400, error->message);
        g_bytes_unref(body);
        body = plain;
    }
    g_autoptr(GError) error = NULL;
    RxDb *db = take_db(s, &error);
    if (!db) {
        g_warning("storage: %s", error->message);
        return send_error(s, c, 503, "the server's storage is not available; try again later");
    }
    enum MHD_Result ret;
    if (strcmp(url, "/v1/provision") == 0)
        ret = on_provision(s, c, db, body);
    else if (strcmp(url, "/v1/events") == 0)
        ret = on_events(s, c, db, u->device, u->office, body);
    else if (strcmp(url, "/v1/roster") == 0)
        ret = on_roster(s, c, db, u->office);
    else if (strcmp(url, "/v1/audit") == 0)
        ret = on_audit(s, c, db, u->device, body);
    else if (strcmp(url, "/v1/enrollments") == 0)
        ret = on_enrollments(s, c, db, u->device, u->office, body);
    else if (strcmp(url, "/v1/answers") == 0)
        ret = on_answers(s, c, db, u->device, u->office, body);
    else
        ret = on_heartbeat(s, c, db, u->device, body);
    give_db(s, db);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    Server *s = cls;
    Upload *u = *state;
    if (!u && rx_web_is_page(url)) { /* the centre's day for officers (web.h): its own accounts, no body */
        g_autoptr(GError) error = NULL;
        RxDb *db = take_db(s, &error);
        if (!db)
            return send_error(s, c, 503, "the server's storage is not available; try again later");
        enum MHD_Result ret = rx_web_serve(c, db, method, url);
        give_db(s, db);
        return ret;
    }
    if (!u) {
        u = g_new0(Upload, 1);
        u->body = g_byte_array_new();
        *state = u;
        admit(s, c, url, method, u);
        return MHD_YES;
    }
    if (*upload_size) {
        gsize n = *upload_size;
        *upload_size = 0;
        /* Refused, too big or no room: keep reading (and dropping) so the answer reaches the client. */
        if (u->refuse || u->too_big || u->no_room)
            return MHD_YES;
        if (u->body->len + n > u->limit) {
            u->too_big = TRUE;
        } else if (!hold(s, n)) {
            u->no_room = TRUE;
        } else {
            g_byte_array_append(u->body, (const guint8 *)upload, (guint)n);
            return MHD_YES;
        }
        release(s, u->body->len);
        g_byte_array_set_size(u->body, 0);
        return MHD_YES;
    }
    if (u->refuse)
        return send_error(s, c, u->refuse, u->refuse_why);
    if (u->too_big) {
        g_autofree char *msg = g_strdup_printf("the body is larger than %zu bytes: send smaller batches", u->limit);
        return send_error(s, c, 413, msg);
    }
    if (u->no_room)
        return send_reply(s, c, 503, "{\"error\": \"the server is receiving too much at once; send again shortly\"}",
                          5);
    g_autoptr(GBytes) body = g_bytes_new_static(u->body->data, u->body->len);
    return route(s, c, url, u, body);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode code)
{
    (void)c;
    (void)code;
    Server *s = cls;
    Upload *u = *state;
    if (u) {
        release(s, u->body->len);
        g_byte_array_unref(u->body);
        g_free(u->device);
        g_free(u->office);
        g_free(u);
    }
    *state = NULL;
}

/* Every connection is a file descriptor: raise the soft limit to the hard one, and serve no more
 * connections than it allows (with room for storage, logs and the listening socket). */
static unsigned connection_budget(int wanted)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return (unsigned)wanted;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t room = rl.rlim_cur > 256 ? rl.rlim_cur - 128 : rl.rlim_cur / 2;
    if ((rlim_t)wanted > room) {
        g_printerr("haazri-receiver: serving at most %lu connections (the open-files limit is %lu; raise "
                   "LimitNOFILE for --max-connections %d)\n", (unsigned long)room, (unsigned long)rl.rlim_cur, wanted);
        return (unsigned)room;
    }
    return (unsigned)wanted;
}

int rx_serve(const RxServeOptions *o)
{
    Server s = {.o = o, .pool = g_async_queue_new()};
    g_mutex_init(&s.lock);
    if (o->fault_plan && *o->fault_plan)
        s.faults = g_strsplit(o->fault_plan, ",", -1);
    g_autoptr(GError) error = NULL;
    /* The first connection creates the schema alone, before any request can race it. */
    RxDb *first = rx_db_open(o->db_spec, o->store_key, &error);
    if (!first) {
        g_printerr("haazri-receiver: %s\n", error->message);
        return 1;
    }
    s.opened = 1;
    give_db(&s, first);

    g_autofree char *host = NULL;
    const char *colon = strrchr(o->listen, ':');
    struct sockaddr_in addr = {.sin_family = AF_INET};
    gint64 port = -1;
    if (colon)
        host = g_strndup(o->listen, (gsize)(colon - o->listen));
    if (!colon || !g_ascii_string_to_signed(colon + 1, 10, 0, 65535, &port, NULL) ||
        inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        g_printerr("haazri-receiver: --listen \"%s\" is not valid: expected IPv4-ADDRESS:PORT, e.g. 127.0.0.1:8443\n",
                   o->listen);
        return 2;
    }
    addr.sin_port = htons((uint16_t)port);

    g_autofree char *cert = NULL, *key = NULL;
    /* A pool of threads over epoll, not a thread per connection: an idle connection is a file
     * descriptor, not a thread and its stack (issue 16: 200 idle connections were 202 threads). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (!o->insecure_http) {
        if (!o->cert_file || !o->key_file || !g_file_get_contents(o->cert_file, &cert, NULL, &error) ||
            !g_file_get_contents(o->key_file, &key, NULL, &error)) {
            g_printerr("haazri-receiver: %s (HTTPS needs --cert and --key PEM files; --insecure-http only for a demo)\n",
                       error ? error->message : "no certificate given");
            return 2;
        }
        flags |= MHD_USE_TLS;
    }
    /* Block the stop signals in every thread; the main thread waits for them below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    unsigned max_conn = connection_budget(o->max_connections);
    unsigned pool = (unsigned)o->threads;
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, &addr},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, &s},
        {MHD_OPTION_THREAD_POOL_SIZE, pool, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, max_conn, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)o->max_per_address, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)o->idle_timeout_s, NULL},
        {MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096, NULL},
        {o->insecure_http ? MHD_OPTION_END : MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_ARRAY, opts,
                                            MHD_OPTION_END);
    if (!d) {
        g_printerr("haazri-receiver: cannot listen on %s (in use? a bad certificate or key?)\n", o->listen);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    guint16 bound = info ? info->port : (guint16)port;
    g_printerr("haazri-receiver: listening on %s://%s:%u (%s storage)\n", o->insecure_http ? "http" : "https", host,
               bound, first->engine->name);
    if (o->port_file) {
        g_autofree char *text = g_strdup_printf("%u\n", bound);
        if (!g_file_set_contents(o->port_file, text, -1, &error))
            g_printerr("haazri-receiver: %s\n", error->message);
    }
    int sig = 0;
    sigwait(&stop, &sig);
    g_printerr("haazri-receiver: stopping\n");
    MHD_stop_daemon(d);
    RxDb *db;
    while ((db = g_async_queue_try_pop(s.pool)))
        rx_db_close(db);
    g_async_queue_unref(s.pool);
    g_strfreev(s.faults);
    g_mutex_clear(&s.lock);
    return 0;
}
