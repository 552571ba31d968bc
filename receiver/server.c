/* server — the receiver's HTTPS endpoints on libmicrohttpd (GnuTLS underneath), one thread per
 * connection so a slow kiosk never holds up another; storage connections come from a small pool.
 *
 * Every request but /v1/provision is authenticated (HTTP Basic: device id and secret). A bad
 * request gets a 4xx and one sentence, and nothing of it is stored: a push is parsed and checked
 * completely before its one transaction starts. */
#include <arpa/inet.h>
#include <json-glib/json-glib.h>
#include <microhttpd.h>
#include <signal.h>
#include <string.h>

#include "receiver/receiver.h"
#include "receiver/web.h"
#include "app/clock.h"

/* A push of 5000 check-ins is ~2 MB of JSON before gzip; anything far beyond is not a kiosk. */
#define MAX_UNCOMPRESSED (64u << 20)

typedef struct {
    const RxServeOptions *o;
    GAsyncQueue *pool;
    GMutex lock;
    int opened;
    char **faults;
    guint fault_next;
} Server;

typedef struct {
    GByteArray *body;
    gboolean too_big;
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
    db = rx_db_open(s->o->db_spec, error);
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
    if (!rx_ingest_enrollments(db, device, office, enrolled, &changed, &error)) {
        g_warning("could not store enrollments from %s: %s", device, error->message);
        return send_error(s, c, 500, "the server could not store the enrollments; send them again later");
    }
    if (changed)
        g_message("%s sent %u new or changed fingers", device, changed);
    g_autofree char *json = g_strdup_printf("{\"changed\": %u}", changed);
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
    g_autoptr(JsonParser) p = json_parser_new();
    JsonNode *root = json_parser_load_from_data(p, data, (gssize)len, NULL) ? json_parser_get_root(p) : NULL;
    JsonObject *o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    const char *id = o ? json_object_get_string_member_with_default(o, "device_id", NULL) : NULL;
    const char *token = o ? json_object_get_string_member_with_default(o, "token", NULL) : NULL;
    if (!id || !token)
        return send_error(s, c, 400, "expected a JSON object with \"device_id\" and \"token\" strings");
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

static enum MHD_Result route(Server *s, struct MHD_Connection *c, const char *method, const char *url, GBytes *raw)
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
    } else if (encoding && g_ascii_strcasecmp(encoding, "identity") != 0) {
        return send_error(s, c, 415, "only gzip or no Content-Encoding is accepted");
    }
    if (rx_web_is_page(url)) { /* the centre's day for officers (web.h): its own accounts */
        g_autoptr(GError) error = NULL;
        RxDb *db = take_db(s, &error);
        if (!db)
            return send_error(s, c, 503, "the server's storage is not available; try again later");
        enum MHD_Result ret = rx_web_serve(c, db, method, url);
        give_db(s, db);
        return ret;
    }
    gboolean get_roster = strcmp(url, "/v1/roster") == 0;
    gboolean known = get_roster || strcmp(url, "/v1/events") == 0 || strcmp(url, "/v1/heartbeat") == 0 ||
                     strcmp(url, "/v1/provision") == 0 || strcmp(url, "/v1/audit") == 0 ||
                     strcmp(url, "/v1/enrollments") == 0 || strcmp(url, "/v1/answers") == 0;
    if (!known)
        return send_error(s, c, 404, "no such endpoint (see docs/sync-openapi.yaml)");
    if (strcmp(method, get_roster ? "GET" : "POST") != 0)
        return send_error(s, c, 405, get_roster ? "this endpoint takes GET" : "this endpoint takes POST");

    g_autoptr(GError) error = NULL;
    RxDb *db = take_db(s, &error);
    if (!db) {
        g_warning("storage: %s", error->message);
        return send_error(s, c, 503, "the server's storage is not available; try again later");
    }
    enum MHD_Result ret;
    if (strcmp(url, "/v1/provision") == 0) {
        ret = on_provision(s, c, db, body);
    } else {
        g_autofree char *id = NULL, *secret = NULL, *office = NULL;
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        if (!parse_basic(auth, &id, &secret))
            ret = send_error(s, c, 401, "this request needs the device's id and secret (HTTP Basic)");
        else if (!rx_device_authenticate(db, id, secret, &office, &error))
            ret = send_error(s, c, error->code == RX_ERROR_UNAUTHORISED ? 401 : 500, error->message);
        else if (strcmp(url, "/v1/events") == 0)
            ret = on_events(s, c, db, id, office, body);
        else if (get_roster)
            ret = on_roster(s, c, db, office);
        else if (strcmp(url, "/v1/audit") == 0)
            ret = on_audit(s, c, db, id, body);
        else if (strcmp(url, "/v1/enrollments") == 0)
            ret = on_enrollments(s, c, db, id, office, body);
        else if (strcmp(url, "/v1/answers") == 0)
            ret = on_answers(s, c, db, id, office, body);
        else
            ret = on_heartbeat(s, c, db, id, body);
        if (secret)
            memset(secret, 0, strlen(secret));
    }
    give_db(s, db);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    Server *s = cls;
    Upload *u = *state;
    if (!u) {
        u = g_new0(Upload, 1);
        u->body = g_byte_array_new();
        *state = u;
        return MHD_YES;
    }
    if (*upload_size) {
        if (u->body->len + *upload_size > s->o->max_body)
            u->too_big = TRUE; /* keep reading (and dropping) so the 413 reaches the client */
        else
            g_byte_array_append(u->body, (const guint8 *)upload, (guint)*upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (u->too_big) {
        g_autofree char *msg = g_strdup_printf("the body is larger than %zu bytes: send smaller batches", s->o->max_body);
        return send_error(s, c, 413, msg);
    }
    g_autoptr(GBytes) body = g_bytes_new(u->body->data, u->body->len);
    return route(s, c, method, url, body);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)c;
    (void)code;
    Upload *u = *state;
    if (u) {
        g_byte_array_unref(u->body);
        g_free(u);
    }
    *state = NULL;
}

int rx_serve(const RxServeOptions *o)
{
    Server s = {.o = o, .pool = g_async_queue_new()};
    g_mutex_init(&s.lock);
    if (o->fault_plan && *o->fault_plan)
        s.faults = g_strsplit(o->fault_plan, ",", -1);
    g_autoptr(GError) error = NULL;
    /* The first connection creates the schema alone, before any request can race it. */
    RxDb *first = rx_db_open(o->db_spec, &error);
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
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
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
    struct MHD_Daemon *d = o->insecure_http
        ? MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_SOCK_ADDR, &addr,
                           MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                           MHD_OPTION_END)
        : MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_SOCK_ADDR, &addr,
                           MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, 120u,
                           MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
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
