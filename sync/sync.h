/* sync — every check-in reaches the central server exactly once, whenever the network allows.
 *
 * Runs on the kiosk's main loop and never blocks it: one request in flight at a time (libcurl
 * multi, sync/http.h). Pushes the outbox (app/store/store-sync.h) in gzip'd batches; a row becomes
 * 'sent' only when the server acknowledged its UUID, so a lost reply, a crash or kill -9 at any
 * moment means the batch is sent again — harmless, the server keeps one copy per UUID.
 *   - transport errors, timeouts, 5xx, 408, 429, unreadable replies: retry with exponential backoff
 *     and full jitter; a Retry-After from the server is obeyed;
 *   - 401/403: this kiosk is unknown or revoked — nothing is quarantined (the check-ins are fine),
 *     the kiosk reports it and retries slowly;
 *   - 400/409/413/422 with the centre's JSON error body: the batch is halved until the one event the
 *     server refuses is found, and that event is quarantined with the server's reason (reported by
 *     haazri-ctl sync status), never retried forever nor dropped;
 *   - any other 4xx (404, 405, 415, or a 4xx without the centre's JSON: a wrong [sync] server path, a
 *     proxy): a configuration fault — nothing is quarantined, everything stays pending, the kiosk
 *     shows itself offline (banner, amber light), sync status says to check the address, and it
 *     retries slowly.
 * After the check-ins: the officers' audit trail (POST /v1/audit, from a cursor; rows the centre
 * holds already are harmless to send again), a heartbeat (version, queue, oldest unsent, scanner,
 * clock offset) and the roster pull (GET /v1/roster?since=CURSOR, applied page by page with
 * store_apply_roster(): all of a page or none of it, the cursor in the same transaction). Config: [sync] in haazri.conf; credentials: <data_dir>/sync.key (0600),
 * written by haazri-ctl provision. */
#pragma once

#include <glib.h>

#include "app/store/store.h"
#include "sync/protocol.h"

typedef struct {
    char *server;              /* base URL, e.g. https://omis.example.pk/haazri; "" = sync off */
    char *ca_file;             /* pinned CA (PEM); "" = the system CA bundle */
    char *client_cert, *client_key; /* optional TLS client certificate */
    gboolean allow_insecure_http;   /* demo only: permit http:// */
    int batch_max;             /* check-ins per push */
    int interval_s;            /* heartbeat and roster pull period */
    int retry_min_ms, retry_max_ms; /* backoff bounds */
    int timeout_ms;            /* one request, reply included */
} SyncConfig;

void sync_config_init(SyncConfig *config);
/* Reads [sync] from `kf` (may be NULL: defaults); `path` names the file in messages. */
gboolean sync_config_load(GKeyFile *kf, const char *path, SyncConfig *out, GError **error);
void sync_config_clear(SyncConfig *config);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SyncConfig, sync_config_clear)

/* The device's credentials from provisioning: <data_dir>/sync.key, readable by the service user only. */
typedef struct {
    char *device_id, *secret, *server;
} SyncCredentials;
gboolean sync_credentials_load(const char *data_dir, SyncCredentials *out, GError **error);
gboolean sync_credentials_save(const char *data_dir, const SyncCredentials *creds, GError **error);
void sync_credentials_clear(SyncCredentials *creds);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SyncCredentials, sync_credentials_clear)

typedef struct {
    gboolean online;           /* the last contact with the server succeeded */
    gboolean authorised;       /* FALSE: the server refused this kiosk's credentials */
    gint64 pending, quarantined;
    gint64 last_contact;       /* unix seconds, 0 = never */
    gint64 clock_offset_s;     /* server's Date − kiosk clock at the last contact */
    const char *last_error;    /* one sentence, NULL when the last attempt worked */
    const char *roster_error;  /* the centre's roster or the audit trail could not be exchanged: why */
} SyncStatus;

typedef struct Sync Sync;
typedef void (*SyncStatusFunc)(const SyncStatus *status, gpointer user_data);
/* Fills what only the kiosk knows into the heartbeat: hb->scanner (newly allocated sentence),
 * hb->disk_free_mb and hb->match (newly allocated, app/match-report.h; NULL: none yet). */
typedef void (*SyncHeartbeatFunc)(ProtocolHeartbeat *hb, gpointer user_data);

/* Borrows store (same thread). `config->server` or `creds->server` must be set. */
Sync *sync_new(const SyncConfig *config, const SyncCredentials *creds, Store *store, GError **error);
void sync_free(Sync *sync);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Sync, sync_free)
void sync_subscribe(Sync *sync, SyncStatusFunc func, gpointer user_data);
void sync_set_heartbeat_func(Sync *sync, SyncHeartbeatFunc func, gpointer user_data);
/* Runs for ever on the main loop: push, heartbeat, pull, back off on failure. */
void sync_start(Sync *sync);
/* The kiosk's database cannot be written (app/main.c waits for its owner to be put right): until
 * called again with NULL, only heartbeats go, each carrying `why` (one sentence, no personal data)
 * as "database_unwritable", so the centre sees why the kiosk records nothing. Nothing that would
 * have to be saved afterwards is exchanged — no check-ins (they could not be marked sent), audit
 * rows, enrollments, answers or roster pages — and the status for haazri-ctl is not written. */
void sync_set_unwritable(Sync *sync, const char *why);
/* Something new to send: send it now — unless backing off after a failure, when the scheduled
 * retry stands. */
void sync_poke(Sync *sync);
/* One pass for haazri-ctl and the bench: push until the queue is empty, heartbeat, pull; stops at
 * the first failure. `done` gets NULL on success or the failure. */
typedef void (*SyncDoneFunc)(const GError *error, gpointer user_data);
void sync_run_once(Sync *sync, SyncDoneFunc done, gpointer user_data);
const SyncStatus *sync_get_status(Sync *sync);
