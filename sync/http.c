/* http — libcurl multi on the GLib main loop. See http.h.
 *
 * libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call it back
 * (CURLMOPT_TIMERFUNCTION); we turn those into g_unix_fd_add and g_timeout_add sources and hand
 * the events back with curl_multi_socket_action(). Nothing here ever waits. */
#include "sync/http.h"
#include "app/clock.h"

#include <curl/curl.h>
#include <glib-unix.h>
#include <string.h>

#include "app/version.h"

/* A roster with templates is the biggest reply; anything past this is not ours. */
#define MAX_REPLY (64u << 20)

struct Http {
    CURLM *multi;
    guint timer;
    GHashTable *sockets; /* curl_socket_t → GSource id */
    GList *requests;
    char *ca_file, *client_cert, *client_key;
    gboolean allow_insecure_http;
    int connect_timeout_ms, timeout_ms;
};

typedef struct {
    Http *http;
    CURL *easy;
    struct curl_slist *headers;
    GBytes *body;
    GByteArray *reply;
    gint64 server_time;
    char errbuf[CURL_ERROR_SIZE];
    HttpDoneFunc done;
    gpointer user_data;
} Request;

static void request_free(Request *r)
{
    curl_multi_remove_handle(r->http->multi, r->easy);
    curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    if (r->body)
        g_bytes_unref(r->body);
    g_byte_array_unref(r->reply);
    g_free(r);
}

static void check_done(Http *h)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(h->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        Request *r = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        CURLcode code = msg->data.result;
        h->requests = g_list_remove(h->requests, r);
        HttpReply reply = {.retry_after_s = -1, .server_time = r->server_time,
                           .local_time = clock_now_us() / G_USEC_PER_SEC};
        if (code == CURLE_OK) {
            curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &reply.status);
            curl_off_t ra = -1;
            if (curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
                reply.retry_after_s = ra;
        } else {
            reply.error = *r->errbuf ? r->errbuf : curl_easy_strerror(code);
        }
        g_autoptr(GBytes) body = g_bytes_new(r->reply->data, r->reply->len);
        reply.body = body;
        /* The callback may start the next request; this one is finished with first. */
        HttpDoneFunc done = r->done;
        gpointer data = r->user_data;
        curl_multi_remove_handle(h->multi, r->easy);
        done(&reply, data);
        request_free(r);
    }
}

static gboolean on_timeout(gpointer data)
{
    Http *h = data;
    h->timer = 0; /* libcurl may set the next timer from inside socket_action */
    int running;
    curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(h);
    return G_SOURCE_REMOVE;
}

static int on_timer(CURLM *multi, long timeout_ms, void *data)
{
    (void)multi;
    Http *h = data;
    if (h->timer)
        g_source_remove(h->timer);
    h->timer = timeout_ms < 0 ? 0 : g_timeout_add((guint)timeout_ms, on_timeout, h);
    return 0;
}

typedef struct {
    Http *http;
    curl_socket_t fd;
} Watch;

static gboolean on_socket_ready(gint fd, GIOCondition cond, gpointer data)
{
    Watch *w = data;
    Http *h = w->http;
    int ev = 0;
    if (cond & (G_IO_IN | G_IO_HUP))
        ev |= CURL_CSELECT_IN;
    if (cond & G_IO_OUT)
        ev |= CURL_CSELECT_OUT;
    if (cond & G_IO_ERR)
        ev |= CURL_CSELECT_ERR;
    int running;
    curl_multi_socket_action(h->multi, fd, ev, &running);
    check_done(h);
    return G_SOURCE_CONTINUE; /* a source libcurl asked us to drop is gone already */
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *data, void *socketp)
{
    (void)easy;
    (void)socketp;
    Http *h = data;
    g_hash_table_remove(h->sockets, GINT_TO_POINTER(fd));
    if (what == CURL_POLL_REMOVE)
        return 0;
    GIOCondition cond = G_IO_ERR | G_IO_HUP;
    if (what & CURL_POLL_IN)
        cond |= G_IO_IN;
    if (what & CURL_POLL_OUT)
        cond |= G_IO_OUT;
    Watch *w = g_new(Watch, 1);
    *w = (Watch){h, fd};
    guint id = g_unix_fd_add_full(G_PRIORITY_DEFAULT, fd, cond, on_socket_ready, w, g_free);
    g_hash_table_insert(h->sockets, GINT_TO_POINTER(fd), GUINT_TO_POINTER(id));
    return 0;
}

static void remove_source(gpointer id)
{
    g_source_remove(GPOINTER_TO_UINT(id));
}

Http *http_new(const HttpOptions *o)
{
    static gsize once;
    if (g_once_init_enter(&once)) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        g_once_init_leave(&once, 1);
    }
    Http *h = g_new0(Http, 1);
    h->multi = curl_multi_init();
    h->sockets = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, remove_source);
    h->ca_file = o->ca_file && *o->ca_file ? g_strdup(o->ca_file) : NULL;
    h->client_cert = o->client_cert && *o->client_cert ? g_strdup(o->client_cert) : NULL;
    h->client_key = o->client_key && *o->client_key ? g_strdup(o->client_key) : NULL;
    h->allow_insecure_http = o->allow_insecure_http;
    h->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 15000;
    h->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 60000;
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    return h;
}

void http_free(Http *h)
{
    if (!h)
        return;
    g_list_free_full(h->requests, (GDestroyNotify)request_free);
    g_hash_table_destroy(h->sockets);
    if (h->timer)
        g_source_remove(h->timer);
    curl_multi_cleanup(h->multi);
    g_free(h->ca_file);
    g_free(h->client_cert);
    g_free(h->client_key);
    g_free(h);
}

static size_t on_data(char *ptr, size_t size, size_t n, void *data)
{
    Request *r = data;
    if (r->reply->len + size * n > MAX_REPLY)
        return 0; /* libcurl fails the transfer: a reply this big is not ours */
    g_byte_array_append(r->reply, (const guint8 *)ptr, (guint)(size * n));
    return size * n;
}

static size_t on_header(char *line, size_t size, size_t n, void *data)
{
    Request *r = data;
    size_t len = size * n;
    if (len > 5 && g_ascii_strncasecmp(line, "Date:", 5) == 0) {
        g_autofree char *value = g_strstrip(g_strndup(line + 5, len - 5));
        time_t t = curl_getdate(value, NULL);
        if (t > 0)
            r->server_time = t;
    }
    return len;
}

void http_request(Http *h, const char *url, const char *user, const char *password, GBytes *body,
                  gboolean gzipped, HttpDoneFunc done, gpointer user_data)
{
    Request *r = g_new0(Request, 1);
    r->http = h;
    r->easy = curl_easy_init();
    r->reply = g_byte_array_new();
    r->done = done;
    r->user_data = user_data;
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, h->allow_insecure_http ? "https,http" : "https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
    if (h->client_cert) {
        curl_easy_setopt(e, CURLOPT_SSLCERT, h->client_cert);
        if (h->client_key)
            curl_easy_setopt(e, CURLOPT_SSLKEY, h->client_key);
    }
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)h->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "haazri/" HAAZRI_VERSION);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    if (user) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, user);
        curl_easy_setopt(e, CURLOPT_PASSWORD, password ? password : "");
    }
    /* No "Expect: 100-continue" round trip before each batch. */
    r->headers = curl_slist_append(r->headers, "Expect:");
    if (body) {
        r->body = g_bytes_ref(body);
        gsize len = 0;
        const void *data = g_bytes_get_data(body, &len);
        r->headers = curl_slist_append(r->headers, "Content-Type: application/json");
        if (gzipped)
            r->headers = curl_slist_append(r->headers, "Content-Encoding: gzip");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, data);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    h->requests = g_list_prepend(h->requests, r);
    curl_multi_add_handle(h->multi, e);
}

guint http_get_in_flight(Http *h)
{
    return g_list_length(h->requests);
}
