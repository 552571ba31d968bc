/* sync-private — what sync.c (the cycle, check-ins, heartbeat, backoff) and sync-exchange.c (the
 * audit trail and enrollments up, the roster down) share. Nothing else includes it. */
#pragma once

#include "sync/http.h"
#include "sync/sync.h"

#define SYNC_ERROR (g_quark_from_static_string("haazri-sync"))

typedef struct {
    SyncStatusFunc func;
    gpointer data;
} Listener;

struct Sync {
    SyncConfig config;
    char *base, *device_id, *secret;
    Store *store;
    Http *http;
    SyncStatus status;
    char *last_error;
    GArray *listeners;
    SyncHeartbeatFunc heartbeat_func;
    gpointer heartbeat_data;
    guint timer;
    gboolean busy, started;
    int failures;
    guint batch_limit;          /* shrinks to find an event the server refuses */
    GPtrArray *batch;           /* the events in flight */
    gint64 next_heartbeat_us;   /* monotonic */
    gint64 next_pull_us;        /* monotonic; 0 = at once (start, or more pages wait) */
    gint64 audit_last_id;       /* the last audit row in flight */
    char *audit_refused;        /* the centre refused the audit trail for good: why (until restart) */
    GArray *enroll_keys;        /* StoreEnrollmentKey of the fingers in flight */
    char *enroll_refused;       /* the centre refused this kiosk's enrollments: why (until restart) */
    gint64 answers_last_seq;    /* the last questionnaire answer in flight */
    char *answers_refused;      /* the centre refused this kiosk's answers: why (until restart) */
    char *roster_error;         /* the last roster page could not be used: why */
    char *unwritable;           /* the store cannot be written (sync_set_unwritable): why; heartbeats only */
    gint64 counted_us, saved_us;
    SyncDoneFunc once_done;     /* sync_run_once() */
    gpointer once_data;
};

/* sync.c */
/* The next step: whatever waits, in order; or sleep until the next heartbeat or pull. */
void sync_cycle(Sync *s);
/* Tells listeners (and, now and then, the store for haazri-ctl) how things stand. */
void sync_publish(Sync *s, gboolean force);
/* The server answered (whatever it said): note the time and the clock offset. */
void sync_contact(Sync *s, const HttpReply *reply);
/* Something went wrong that may go right later: back off and try again. */
void sync_transient(Sync *s, const char *why, gint64 retry_after_s);
/* "the server answered 409 to <what>: <its reason>" or "could not reach the server (<what>): ..." */
char *sync_describe_failure(const HttpReply *reply, const char *what);
/* The centre refused what was sent, for good: a 400/409/413/422 whose body is the centre's JSON
 * error. A 404, 405, 415 or any 4xx without that body comes from a wrong [sync] server path or a
 * proxy, not from the centre judging a record: see sync_is_misconfigured(). */
gboolean sync_is_refused(const HttpReply *reply);
/* A 4xx that says the address is wrong (not auth, not a timeout or throttling, not a refusal). */
gboolean sync_is_misconfigured(const HttpReply *reply);
/* Backs off slowly and says the server's address looks wrong; nothing is quarantined. */
void sync_misconfigured(Sync *s, const HttpReply *reply, const char *what);
/* POSTs `json` (gzipped when `gzip`) to the server's `path`; busy until `done` runs. */
void sync_send(Sync *s, const char *path, const char *json, gboolean gzip, HttpDoneFunc done);

/* sync-exchange.c: each TRUE when a request went out (its reply continues the cycle). */
gboolean sync_push_answers(Sync *s);
gboolean sync_push_audit(Sync *s);
gboolean sync_push_enrollments(Sync *s);
void sync_pull_roster(Sync *s);
