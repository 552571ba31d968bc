/* test-receiver — the reference receiver refuses what is not a kiosk's honest request, with a 4xx
 * and a reason, and stores nothing of it: unknown devices, wrong secrets, malformed JSON, wrong
 * types, another device's events, bodies too big (or too big once unzipped), reused provisioning
 * tokens, bodies nested 100,000 deep, values json-glib would store wrong (a number beyond 64 bits, a
 * NUL inside a case number, a negative score), gzip bombs from strangers; and it keeps serving
 * kiosks while a thousand idle connections sit open. A heartbeat's scanner report ("match") is
 * checked member by member. Real server on 127.0.0.1 over TLS, real HTTP
 * client (sync/http). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync/http.h"
#include "sync/protocol.h"
#include "tests/central.h"
#include "tests/helpers.h"

static char *spec;
static TuReceiver *rx;
static Http *http;

typedef struct {
    gboolean done;
    long status;
    char *body;
} Reply;

static void on_reply(const HttpReply *r, gpointer data)
{
    Reply *out = data;
    out->status = r->status;
    gsize len = 0;
    const char *b = g_bytes_get_data(r->body, &len);
    out->body = g_strndup(b, len);
    out->done = TRUE;
}

/* Sends `body` (gzipped when asked) to `path` and returns the status; *reason gets the error text. */
static long post(const char *path, const char *user, const char *secret, const void *body, gsize len, gboolean gzip,
                 char **reason)
{
    g_autoptr(GBytes) raw = g_bytes_new(body, len);
    g_autoptr(GBytes) sent = gzip ? protocol_gzip(body, len) : g_bytes_ref(raw);
    g_autofree char *url = g_strconcat(rx->url, path, NULL);
    Reply r = {0};
    http_request(http, url, user, secret, sent, gzip, on_reply, &r);
    g_assert_true(tu_run_until(&r.done, 30000));
    if (reason)
        *reason = protocol_parse_error(r.body, strlen(r.body));
    g_free(r.body);
    return r.status;
}

static char *provision(const char *device)
{
    g_autofree char *token = tu_receiver_add_device(spec, device, "Multan");
    g_autofree char *json = g_strdup_printf("{\"device_id\": \"%s\", \"token\": \"%s\"}", device, token);
    g_autofree char *url = g_strconcat(rx->url, "/v1/provision", NULL);
    g_autoptr(GBytes) body = g_bytes_new(json, strlen(json));
    Reply r = {0};
    http_request(http, url, NULL, NULL, body, FALSE, on_reply, &r);
    g_assert_true(tu_run_until(&r.done, 30000));
    g_assert_cmpint(r.status, ==, 200);
    const char *s = strstr(r.body, "\"secret\":\"");
    g_assert_nonnull(s);
    char *secret = g_strndup(s + 10, 64);
    /* The same token again: refused, the secret is not issued twice. */
    Reply again = {0};
    http_request(http, url, NULL, NULL, body, FALSE, on_reply, &again);
    g_assert_true(tu_run_until(&again.done, 30000));
    g_assert_cmpint(again.status, ==, 401);
    g_free(again.body);
    g_free(r.body);
    return secret;
}

static const char *event_tmpl =
    "{\"uuid\": \"%s\", \"type\": \"checkin\", \"device_id\": \"%s\", \"case_number\": \"LHR-1\", "
    "\"finger\": \"right-index\", \"method\": \"finger\", \"result\": \"recorded\", \"score\": null, "
    "\"wall_time\": \"2026-11-22T09:15:02+05:00\", \"wall_utc_us\": %s, \"local_date\": \"2026-11-22\", "
    "\"mono_us\": 5, \"boot_id\": \"b\", \"clock_offset_s\": 0}";

static char *batch(const char *device, const char *ev1, const char *ev2)
{
    return g_strdup_printf("{\"device_id\": \"%s\", \"sent_at\": \"2026-11-22T04:15:02Z\", \"clock_offset_s\": 0, "
                           "\"events\": [%s%s%s]}", device, ev1, ev2 ? ", " : "", ev2 ? ev2 : "");
}

static gint64 stored(void)
{
    g_autofree char *n = tu_central_query(spec, "SELECT count(*) FROM events");
    return g_ascii_strtoll(n, NULL, 10);
}

static void test_refusals(void)
{
    g_autofree char *secret = provision("multan-1");
    g_autofree char *other_secret = provision("multan-2");
    g_autofree char *good = g_strdup_printf(event_tmpl, "6f1c1b2e-0d4a-4b8e-9a51-0c2f9a0e1d11", "multan-1",
                                            "1795324502000000");
    g_autofree char *wrong_type = g_strdup_printf(event_tmpl, "7a2d2c3f-1e5b-4c9f-8b62-1d3fab1f2e22", "multan-1",
                                                  "\"1795324502000000\"");
    g_autofree char *other = g_strdup_printf(event_tmpl, "8b3e3d40-2f6c-4da0-9c73-2e40bc203f33", "multan-2",
                                             "1795324502000000");
    g_autofree char *reason = NULL;
    g_autofree char *ok = batch("multan-1", good, NULL);

    /* Who is asking: nobody, a wrong secret, another device's secret for this device's name. */
    g_assert_cmpint(post("/v1/events", NULL, NULL, ok, strlen(ok), TRUE, &reason), ==, 401);
    g_clear_pointer(&reason, g_free);
    g_assert_cmpint(post("/v1/events", "multan-1", "0000", ok, strlen(ok), TRUE, &reason), ==, 401);
    g_assert_nonnull(strstr(reason, "unknown or revoked device"));
    g_clear_pointer(&reason, g_free);
    g_assert_cmpint(post("/v1/events", "multan-1", other_secret, ok, strlen(ok), TRUE, NULL), ==, 401);
    g_assert_cmpint(post("/v1/events", "nobody-here", secret, ok, strlen(ok), TRUE, NULL), ==, 401);

    /* What is said: not JSON, not gzip, a wrong type beside a good event, another device's event. */
    g_assert_cmpint(post("/v1/events", "multan-1", secret, "{\"events\": [", 12, TRUE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "not JSON"));
    g_clear_pointer(&reason, g_free);
    g_assert_cmpint(post("/v1/events", "multan-1", secret, ok, strlen(ok), FALSE, NULL), ==, 200);
    g_assert_cmpint(stored(), ==, 1);
    g_autoptr(GBytes) not_gzip = g_bytes_new_static("plainly not gzip", 16);
    {
        g_autofree char *url = g_strconcat(rx->url, "/v1/events", NULL);
        Reply r = {0};
        http_request(http, url, "multan-1", secret, not_gzip, TRUE, on_reply, &r);
        g_assert_true(tu_run_until(&r.done, 30000));
        g_assert_cmpint(r.status, ==, 400);
        g_assert_nonnull(strstr(r.body, "gzip"));
        g_free(r.body);
    }
    g_autofree char *mixed = batch("multan-1", wrong_type, good);
    g_assert_cmpint(post("/v1/events", "multan-1", secret, mixed, strlen(mixed), TRUE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "event 0 (7a2d2c3f-1e5b-4c9f-8b62-1d3fab1f2e22): \"wall_utc_us\" must be a whole number"));
    g_clear_pointer(&reason, g_free);
    g_autofree char *foreign = batch("multan-1", other, NULL);
    g_assert_cmpint(post("/v1/events", "multan-1", secret, foreign, strlen(foreign), TRUE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "\"device_id\" is \"multan-2\""));
    g_clear_pointer(&reason, g_free);
    g_assert_cmpint(stored(), ==, 1); /* nothing of a refused batch */

    /* How much: over --max-body-mb, and a small gzip that unpacks to 100 MB. */
    gsize big = 3u << 20;
    g_autofree char *huge = g_malloc(big);
    memset(huge, ' ', big);
    g_assert_cmpint(post("/v1/events", "multan-1", secret, huge, big, FALSE, &reason), ==, 413);
    g_assert_nonnull(strstr(reason, "larger than"));
    g_clear_pointer(&reason, g_free);
    gsize bomb = 100u << 20;
    g_autofree char *zeros = g_malloc0(bomb);
    g_assert_cmpint(post("/v1/events", "multan-1", secret, zeros, bomb, TRUE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "once uncompressed"));
    g_clear_pointer(&reason, g_free);

    /* Where: no such endpoint. Then a revoked device is shut out at once. */
    g_assert_cmpint(post("/v1/nothing", "multan-1", secret, ok, strlen(ok), FALSE, NULL), ==, 404);
    g_free(tu_receiver_run(spec, "device", "revoke", "multan-1", NULL));
    g_assert_cmpint(post("/v1/events", "multan-1", secret, ok, strlen(ok), TRUE, NULL), ==, 401);
    g_assert_cmpint(stored(), ==, 1);

    /* The one stored event, as OMIS gets it. */
    g_autofree char *json = tu_receiver_run(spec, "export", "--office", "Multan", "--date", "2026-11-22", "--format",
                                            "json", NULL);
    g_assert_nonnull(strstr(json, "\"case_number\" : \"LHR-1\""));
    g_assert_nonnull(strstr(json, "\"device_id\" : \"multan-1\""));
    g_autofree char *none = tu_receiver_run(spec, "export", "--office", "Lahore", "--format", "csv", NULL);
    g_assert_cmpstr(none, ==, "uuid,office,device_id,local_date,wall_time,case_number,result,method,finger,score,"
                              "clock_offset_s,received_at,answers,attention");
}

/* Answers (POST /v1/answers): a wrong value, a time without its offset and an answer for another
 * kiosk's check-in are refused with the answer and field named, nothing of that push stored; the
 * same answer twice is one row. */
static void test_answers(void)
{
    g_autofree char *secret = provision("multan-3");
    g_autofree char *other_secret = provision("multan-4");
    const char *uuid = "9c4f4e51-3a7d-4eb1-8d84-3f51cd314a44";
    g_autofree char *ev = g_strdup_printf(event_tmpl, uuid, "multan-3", "1795324502000000");
    g_autofree char *push = batch("multan-3", ev, NULL);
    g_assert_cmpint(post("/v1/events", "multan-3", secret, push, strlen(push), TRUE, NULL), ==, 200);
    const char *tmpl = "{\"device_id\": \"%s\", \"answers\": [{\"checkin_uuid\": \"%s\", \"question_id\": "
                       "\"arrested\", \"answer\": \"%s\", \"answered_at\": \"%s\"}]}";
    g_autofree char *maybe = g_strdup_printf(tmpl, "multan-3", uuid, "maybe", "2026-11-22T09:15:40+05:00");
    g_autofree char *no_zone = g_strdup_printf(tmpl, "multan-3", uuid, "yes", "2026-11-22 09:15");
    g_autofree char *theirs = g_strdup_printf(tmpl, "multan-4", uuid, "yes", "2026-11-22T09:15:40+05:00");
    g_autofree char *good = g_strdup_printf(tmpl, "multan-3", uuid, "yes", "2026-11-22T09:15:40+05:00");
    g_autofree char *reason = NULL;
    g_assert_cmpint(post("/v1/answers", "multan-3", secret, maybe, strlen(maybe), TRUE, &reason), ==, 400);
    g_assert_cmpstr(reason, ==, "answer 0: \"answer\" must be one of \"yes\", \"no\"");
    g_clear_pointer(&reason, g_free);
    g_assert_cmpint(post("/v1/answers", "multan-3", secret, no_zone, strlen(no_zone), TRUE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "\"answered_at\" must be an ISO 8601 time"));
    g_clear_pointer(&reason, g_free);
    g_assert_cmpint(post("/v1/answers", "multan-4", other_secret, theirs, strlen(theirs), TRUE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "is another kiosk's"));
    g_clear_pointer(&reason, g_free);
    g_autofree char *none = tu_central_query(spec, "SELECT count(*) FROM answers");
    g_assert_cmpstr(none, ==, "0");
    for (int i = 0; i < 2; i++)
        g_assert_cmpint(post("/v1/answers", "multan-3", secret, good, strlen(good), TRUE, NULL), ==, 200);
    g_autofree char *one = tu_central_query(spec, "SELECT question_id || ' ' || device_id FROM answers");
    g_assert_cmpstr(one, ==, "arrested multan-3");
    /* Sealed in the database (receiver/db-seal.c): base64 of "HZS1"…, never the answer itself, and
     * a "no" as long as a "yes" (its length would tell them apart). */
    g_autofree char *no = g_strdup_printf("{\"device_id\": \"multan-3\", \"answers\": [{\"checkin_uuid\": \"%s\", "
                                          "\"question_id\": \"address_changed\", \"answer\": \"no\", \"answered_at\": "
                                          "\"2026-11-22T09:15:50+05:00\"}]}", uuid);
    g_assert_cmpint(post("/v1/answers", "multan-3", secret, no, strlen(no), TRUE, NULL), ==, 200);
    g_autofree char *held = tu_central_query(spec, "SELECT count(*) || ' ' || "
                                                   "count(DISTINCT length(rtrim(answer, '='))) FROM "
                                                   "answers WHERE answer LIKE 'SFpTM%'");
    g_assert_cmpstr(held, ==, "2 1");
    /* Read back for OMIS: the answers, "arrested: yes" flagged for an officer. */
    g_autofree char *csv = tu_receiver_run(spec, "export", "--office", "Multan", "--date", "2026-11-22", "--format",
                                           "csv", NULL);
    g_assert_nonnull(strstr(csv, ",address_changed=no;arrested=yes,arrested=yes"));
}


static char *replace(const char *text, const char *from, const char *to)
{
    g_auto(GStrv) parts = g_strsplit(text, from, -1);
    g_assert_cmpuint(g_strv_length(parts), ==, 2);
    return g_strjoinv(to, parts);
}

static char *nested(guint depth)
{
    char *s = g_malloc(depth * 2 + 1);
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[depth * 2] = '\0';
    return s;
}

/* Issue 16 and 22: what killed the receiver, or was stored silently wrong, is a 400 naming it. */
static void test_hostile_bodies(void)
{
    g_autofree char *secret = provision("multan-3");
    g_autofree char *reason = NULL;
    gint64 before = stored();

    /* Nested 100,000 deep: json-glib recursed until the stack overflowed. Now a 400, and the
     * server goes on (unauthenticated provision; an authenticated push, plain and gzipped). */
    g_autofree char *deep_small = nested(30000);
    g_assert_cmpint(post("/v1/provision", NULL, NULL, deep_small, strlen(deep_small), FALSE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "nested deeper than"));
    g_clear_pointer(&reason, g_free);
    g_autofree char *deep = nested(100000);
    g_assert_cmpint(post("/v1/events", "multan-3", secret, deep, strlen(deep), FALSE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "nested deeper than"));
    g_clear_pointer(&reason, g_free);
    g_autofree char *deeper = nested(1000000);
    g_assert_cmpint(post("/v1/events", "multan-3", secret, deeper, strlen(deeper), TRUE, &reason), ==, 400);
    g_assert_nonnull(strstr(reason, "nested deeper than"));
    g_clear_pointer(&reason, g_free);
    g_assert_cmpint(post("/v1/audit", "multan-3", secret, deep, strlen(deep), FALSE, NULL), ==, 400);
    g_assert_cmpint(post("/v1/enrollments", "multan-3", secret, deep, strlen(deep), FALSE, NULL), ==, 400);
    g_assert_cmpint(post("/v1/heartbeat", "multan-3", secret, deep, strlen(deep), FALSE, NULL), ==, 400);

    /* Values json-glib would have stored wrong, each a 400 naming the field. */
    g_autofree char *good = g_strdup_printf(event_tmpl, "9c4f4e51-3a7d-4eb1-8d84-3f51cd314a44", "multan-3",
                                            "1795324502000000");
    g_autofree char *huge_utc = g_strdup_printf(event_tmpl, "9c4f4e51-3a7d-4eb1-8d84-3f51cd314a44", "multan-3",
                                                "99999999999999999999");
    g_autofree char *nul_case = replace(good, "\"LHR-1\"", "\"abc\\u0000DEF\"");
    g_autofree char *negative = replace(good, "\"score\": null", "\"score\": -0.5");
    struct { const char *event, *field; } wrong[] = {
        {huge_utc, "\"wall_utc_us\": 99999999999999999999 is not a whole number"},
        {nul_case, "\"case_number\": a string holds a NUL character"},
        {negative, "\"score\" must be 0 or more"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(wrong); i++) {
        g_autofree char *b = batch("multan-3", wrong[i].event, NULL);
        g_assert_cmpint(post("/v1/events", "multan-3", secret, b, strlen(b), TRUE, &reason), ==, 400);
        g_assert_nonnull(strstr(reason, wrong[i].field));
        g_clear_pointer(&reason, g_free);
    }
    g_assert_cmpint(stored(), ==, before);

    /* A gzip bomb from a stranger, or to no endpoint, is refused before it is inflated. */
    gsize bomb = 100u << 20;
    g_autofree char *zeros = g_malloc0(bomb);
    g_assert_cmpint(post("/v1/events", NULL, NULL, zeros, bomb, TRUE, NULL), ==, 401);
    g_assert_cmpint(post("/v1/events", "multan-3", "wrong", zeros, bomb, TRUE, NULL), ==, 401);
    g_assert_cmpint(post("/v1/nothing", "multan-3", secret, zeros, bomb, TRUE, NULL), ==, 404);

    /* Still serving. */
    g_autofree char *ok = batch("multan-3", good, NULL);
    g_assert_cmpint(post("/v1/events", "multan-3", secret, ok, strlen(ok), TRUE, NULL), ==, 200);
    g_assert_cmpint(stored(), ==, before + 1);
}

/* A TCP connection from `source` (another loopback address) that sends nothing. */
/* A heartbeat's "match" report (what the kiosk's enrolled fingers say about its scanner): every
 * member checked, a wrong one refused naming it, and the report the centre keeps is the last good one. */
static void test_heartbeat_match(void)
{
    g_autofree char *secret = provision("multan-7");
    MatchReport m = {.fingers = 40, .poor_fingers = 2, .genuine = 400, .impostor = 780, .genuine_median = 31.5,
                     .genuine_p10 = 12.25, .impostor_max = 5.5, .impostor_p99 = 3.25, .threshold = 6,
                     .false_match_rate = 0.5, .false_non_match_rate = 0.25, .computed_at = "2026-12-04T10:00:00Z"};
    ProtocolHeartbeat hb = {.device_id = "multan-7", .version = "1.0", .match = &m};
    g_autofree char *good = protocol_build_heartbeat(&hb);
    g_assert_cmpint(post("/v1/heartbeat", "multan-7", secret, good, strlen(good), FALSE, NULL), ==, 200);
    hb.match = NULL; /* a kiosk that has not measured yet, or is too old to */
    g_autofree char *none = protocol_build_heartbeat(&hb);
    g_assert_cmpint(post("/v1/heartbeat", "multan-7", secret, none, strlen(none), FALSE, NULL), ==, 200);
    g_assert_cmpint(post("/v1/heartbeat", "multan-7", secret, good, strlen(good), FALSE, NULL), ==, 200);
    g_autofree char *kept = tu_central_query(spec, "SELECT heartbeat FROM devices WHERE id = 'multan-7'");
    g_assert_nonnull(strstr(kept, "\"match\":{\"fingers\":40,\"poor_fingers\":2,\"genuine\":400,"));

    struct { const char *from, *to, *reason; } wrong[] = {
        {"\"match\":{", "\"match\":[1],\"x\":{", "\"match\" must be an object or null"},
        {"\"fingers\":40", "\"fingers\":-1", "\"match\": \"fingers\" must be a whole number from 0 to"},
        {"\"poor_fingers\":2", "\"poor_fingers\":41", "\"match\": \"poor_fingers\" (41) is more than \"fingers\" (40)"},
        {"\"genuine\":400", "\"genuine\":\"400\"", "\"match\": \"genuine\" must be a whole number"},
        {"\"genuine_median\":31.5", "\"genuine_median\":null", "\"match\": \"genuine_median\" must be a number from 0 to 1000"},
        {"\"impostor_p99\":3.25,", "", "\"match\": \"impostor_p99\" must be a number from 0 to 1000"},
        {"\"false_non_match_rate\":0.25", "\"false_non_match_rate\":3.75",
         "\"match\": \"false_non_match_rate\" must be a number from 0 to 1"},
        {"\"warning\":null", "\"warning\":7", "\"match\": \"warning\" must be a string or null"},
        {"\"2026-12-04T10:00:00Z\"", "\"yesterday\"", "\"match\": \"computed_at\" must be an ISO 8601 time"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(wrong); i++) {
        g_assert_nonnull(strstr(good, wrong[i].from));
        g_autofree char *bad = replace(good, wrong[i].from, wrong[i].to);
        g_autofree char *reason = NULL;
        g_assert_cmpint(post("/v1/heartbeat", "multan-7", secret, bad, strlen(bad), FALSE, &reason), ==, 400);
        if (!strstr(reason, wrong[i].reason))
            g_error("%s: the reason was \"%s\"", wrong[i].to, reason);
    }
    g_autofree char *after = tu_central_query(spec, "SELECT heartbeat FROM devices WHERE id = 'multan-7'");
    g_assert_cmpstr(after, ==, kept);
}

static int idle_connection(int port, const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(fd, >=, 0);
    struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    g_assert_cmpint(inet_pton(AF_INET, source, &src.sin_addr), ==, 1);
    g_assert_cmpint(inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr), ==, 1);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&src, sizeof src), ==, 0);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&dst, sizeof dst), ==, 0);
    return fd;
}

/* TRUE when the server closed `fd` (end of stream or a reset, maybe after a TLS alert) within `ms`. */
static gboolean closed_by_server(int fd, int ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int left = (int)((end - g_get_monotonic_time()) / 1000);
        if (left <= 0 || poll(&p, 1, left) != 1)
            return FALSE;
        char buf[256];
        if (read(fd, buf, sizeof buf) <= 0)
            return TRUE;
    }
}

/* Issue 16/22: ~1,014 idle connections locked every kiosk out (a thread each, select()). Now 1,120
 * idle connections from 28 addresses leave the kiosk served; a 41st from one address is turned
 * away; and idle ones are closed after --idle-timeout. */
static void test_idle_connections(void)
{
    g_autofree char *flood_spec = g_build_filename(tu_tmpdir(), "flood.db", NULL);
    TuReceiver *frx = tu_receiver_start_with(flood_spec, "--max-per-address 40 --idle-timeout 10");
    char *main_spec = spec;
    TuReceiver *main_rx = rx;
    spec = flood_spec;
    rx = frx;
    g_autofree char *secret = provision("multan-9");
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    for (int a = 2; a < 30; a++) {
        g_autofree char *source = g_strdup_printf("127.0.0.%d", a);
        for (int i = 0; i < 40; i++) {
            int fd = idle_connection(frx->port, source);
            g_array_append_val(fds, fd);
        }
    }
    int extra = idle_connection(frx->port, "127.0.0.2");
    g_assert_true(closed_by_server(extra, 5000));
    close(extra);
    /* The kiosk's address is its own: its push goes through beside 1,120 idle connections. */
    g_autofree char *ev = g_strdup_printf(event_tmpl, "ad5f5f62-4b8e-4fc2-9e95-4062de425b55", "multan-9",
                                          "1795324502000000");
    g_autofree char *b = batch("multan-9", ev, NULL);
    g_assert_cmpint(post("/v1/events", "multan-9", secret, b, strlen(b), TRUE, NULL), ==, 200);
    g_assert_cmpint(stored(), ==, 1);
    /* The idle ones are let go (after 10 s without a byte). */
    g_assert_true(closed_by_server(g_array_index(fds, int, 0), 30000));
    for (guint i = 0; i < fds->len; i++)
        close(g_array_index(fds, int, i));
    spec = main_spec;
    rx = main_rx;
    tu_receiver_kill(frx);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    spec = g_build_filename(tu_tmpdir(), "receiver.db", NULL);
    rx = tu_receiver_start_with(spec, "--max-body-mb 2");
    HttpOptions ho = {.ca_file = tu_tls()->ca, .timeout_ms = 30000};
    http = http_new(&ho);
    g_test_add_func("/receiver/refuses-with-a-reason-and-stores-nothing", test_refusals);
    g_test_add_func("/receiver/hostile-bodies-get-a-400-and-the-server-stays-up", test_hostile_bodies);
    g_test_add_func("/receiver/idle-connections-do-not-lock-kiosks-out", test_idle_connections);
    g_test_add_func("/receiver/answers-checked-and-stored-once", test_answers);
    g_test_add_func("/receiver/heartbeat-match-report-checked-member-by-member", test_heartbeat_match);
    int rc = g_test_run();
    http_free(http);
    tu_receiver_kill(rx);
    g_free(spec);
    return rc;
}
