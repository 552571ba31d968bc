/* bench-flood — the receiver holds under a connection flood (issue 16, 22):
 *   bench: receiver_ack_ms         a kiosk's batch of 500 check-ins acknowledged, nothing else open
 *   bench: receiver_flood_ack_ms   the same with 5,000 idle TCP connections open against the receiver
 *                                  (median of 5; target ≤ 1000 ms)
 *   bench: receiver_flood_open     how many of the 5,000 were still open when the last batch was
 *                                  acknowledged (none turned away: 50 source addresses × 100, the
 *                                  default --max-per-address)
 * Real receiver over TLS on 127.0.0.1 (SQLite storage), real HTTP client (sync/http); the idle
 * connections come from 127.0.0.2-51 and send nothing. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/store/store-sync.h"
#include "sync/http.h"
#include "sync/protocol.h"
#include "tests/central.h"
#include "tests/helpers.h"

#define IDLE 5000
#define ADDRESSES 50
#define BATCH 500

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

static Reply request(Http *http, const char *url, const char *user, const char *secret, const char *body, gboolean gzip)
{
    g_autoptr(GBytes) raw = g_bytes_new(body, strlen(body));
    g_autoptr(GBytes) sent = gzip ? protocol_gzip(body, strlen(body)) : g_bytes_ref(raw);
    Reply r = {0};
    http_request(http, url, user, secret, sent, gzip, on_reply, &r);
    g_assert_true(tu_run_until(&r.done, 60000));
    return r;
}

static char *batch(int round)
{
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func((GDestroyNotify)store_outbox_event_free);
    for (int i = 0; i < BATCH; i++) {
        StoreOutboxEvent *e = g_new0(StoreOutboxEvent, 1);
        e->uuid = g_uuid_string_random();
        e->device_id = g_strdup("flood-kiosk");
        e->case_number = g_strdup_printf("LHR-%d", i);
        e->finger = g_strdup("right-index");
        e->method = g_strdup("finger");
        e->result = g_strdup("recorded");
        e->score = 40;
        e->wall_time = g_strdup("2026-11-22T09:15:02+05:00");
        e->wall_utc_us = 1795324502000000 + round * BATCH + i;
        e->local_date = g_strdup("2026-11-22");
        e->mono_us = i;
        e->boot_id = g_strdup("bench");
        g_ptr_array_add(events, e);
    }
    return protocol_build_push("flood-kiosk", events, 0);
}

static double timed_push(Http *http, const char *url, const char *secret, int round)
{
    g_autofree char *body = batch(round);
    gint64 t0 = g_get_monotonic_time();
    Reply r = request(http, url, "flood-kiosk", secret, body, TRUE);
    double ms = (g_get_monotonic_time() - t0) / 1000.0;
    g_assert_cmpint(r.status, ==, 200);
    g_free(r.body);
    return ms;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_push(Http *http, const char *url, const char *secret, int first_round)
{
    double ms[5];
    for (int i = 0; i < 5; i++)
        ms[i] = timed_push(http, url, secret, first_round + i);
    qsort(ms, 5, sizeof ms[0], cmp_double);
    return ms[2];
}

int main(void)
{
    /* 5,000 sockets here, as many at the receiver (it raises its own limit the same way). */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < IDLE + 256) {
        printf("bench-flood: the open-files limit is %lu, below %d: not measured\n", (unsigned long)rl.rlim_cur, IDLE);
        return 0;
    }
    g_autofree char *spec = g_build_filename(tu_tmpdir(), "flood.db", NULL);
    TuReceiver *rx = tu_receiver_start_with(spec, "");
    HttpOptions ho = {.ca_file = tu_tls()->ca, .timeout_ms = 60000};
    Http *http = http_new(&ho);
    g_autofree char *token = tu_receiver_add_device(spec, "flood-kiosk", "Lahore");
    g_autofree char *prov = g_strdup_printf("{\"device_id\": \"flood-kiosk\", \"token\": \"%s\"}", token);
    g_autofree char *prov_url = g_strconcat(rx->url, "/v1/provision", NULL);
    Reply p = request(http, prov_url, NULL, NULL, prov, FALSE);
    g_assert_cmpint(p.status, ==, 200);
    const char *s = strstr(p.body, "\"secret\":\"");
    g_assert_nonnull(s);
    g_autofree char *secret = g_strndup(s + 10, 64);
    g_free(p.body);
    g_autofree char *url = g_strconcat(rx->url, "/v1/events", NULL);

    printf("bench: receiver_ack_ms %.0f ms (batch of %d, median of 5, no flood)\n", median_push(http, url, secret, 0),
           BATCH);

    int *fds = g_new(int, IDLE);
    for (int i = 0; i < IDLE; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)rx->port)};
        g_autofree char *from = g_strdup_printf("127.0.0.%d", 2 + i % ADDRESSES);
        inet_pton(AF_INET, from, &src.sin_addr);
        inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
        g_assert_cmpint(bind(fds[i], (struct sockaddr *)&src, sizeof src), ==, 0);
        g_assert_cmpint(connect(fds[i], (struct sockaddr *)&dst, sizeof dst), ==, 0);
    }
    tu_run_for(1000); /* the receiver accepts them all */
    double flood = median_push(http, url, secret, 10);
    int open = 0;
    for (int i = 0; i < IDLE; i++) {
        struct pollfd pf = {.fd = fds[i], .events = POLLIN};
        open += poll(&pf, 1, 0) == 0; /* nothing to read and not closed */
    }
    printf("bench: receiver_flood_ack_ms %.0f ms (batch of %d, median of 5, %d idle connections from %d addresses)\n",
           flood, BATCH, IDLE, ADDRESSES);
    printf("bench: receiver_flood_open %d connections (of %d still open at the end)\n", open, IDLE);
    for (int i = 0; i < IDLE; i++)
        close(fds[i]);
    g_free(fds);
    http_free(http);
    tu_receiver_kill(rx);
    return 0;
}
