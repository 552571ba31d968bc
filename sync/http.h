/* http — HTTPS requests on the GLib main loop (libcurl's multi interface), so sync never blocks the
 * screen or a check-in. One Http keeps libcurl's connection cache: keep-alive across requests.
 *
 * TLS is always verified (the system CA bundle, or a pinned CA file); plain http:// is refused
 * unless allow_insecure_http. Redirects are not followed. */
#pragma once

#include <glib.h>

typedef struct Http Http;

typedef struct {
    const char *ca_file;        /* NULL/"": the system CA bundle */
    const char *client_cert;    /* optional client certificate (PEM) and its key */
    const char *client_key;
    gboolean allow_insecure_http;
    int connect_timeout_ms;
    int timeout_ms;             /* the whole request, reply included */
    gsize max_reply;            /* a longer reply body fails the request; 0 = 64 MiB */
    const char *content_type;   /* of request bodies; NULL = application/json */
} HttpOptions;

typedef struct {
    long status;                /* 0: no HTTP reply at all (then `error` says why) */
    GBytes *body;               /* never NULL */
    const char *error;          /* transport failure in one sentence, or NULL */
    gint64 retry_after_s;       /* from Retry-After, -1 when absent */
    gint64 server_time;         /* unix seconds from the Date header, 0 when absent */
    gint64 local_time;          /* unix seconds when the reply arrived */
} HttpReply;

typedef void (*HttpDoneFunc)(const HttpReply *reply, gpointer user_data);

/* Copies the options. */
Http *http_new(const HttpOptions *options);
/* Cancels requests in flight (their callbacks are not called). */
void http_free(Http *http);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Http, http_free)

/* Sends one request; `done` runs later on the main loop, exactly once. `body` NULL = GET.
 * `gzipped`: the body is already gzip-compressed (sends Content-Encoding: gzip). `user` and
 * `password` (may be NULL) go as HTTP Basic authentication. */
void http_request(Http *http, const char *url, const char *user, const char *password,
                  GBytes *body, gboolean gzipped, HttpDoneFunc done, gpointer user_data);
guint http_get_in_flight(Http *http);
