/* receiver — the reference central server's parts (build/haazri-receiver): devices and their
 * credentials, event ingest, roster publishing, export, and the HTTPS server on libmicrohttpd.
 * Storage is receiver/db.h (SQLite or PostgreSQL). */
#pragma once

#include <stdio.h>

#include "receiver/db.h"
#include "sync/protocol.h"

#define RX_ERROR (g_quark_from_static_string("haazri-receiver"))
typedef enum {
    RX_ERROR_BAD_REQUEST = 400,
    RX_ERROR_UNAUTHORISED = 401,
    RX_ERROR_NOT_FOUND = 404,
    RX_ERROR_CONFLICT = 409,
} RxErrorCode;

/* ---- devices.c ---- */
/* Registers a device (or renews its provisioning token); prints nothing. The token is valid for
 * `ttl_s` seconds and once. */
gboolean rx_device_add(RxDb *db, const char *id, const char *office, gint64 ttl_s, char **token, GError **error);
/* The token as a file for a USB stick: {"device_id", "office", "server", "token", "expires"}, mode
 * 0600, written whole or not at all. */
gboolean rx_device_write_provision_file(const char *path, const char *id, const char *office, const char *server,
                                        const char *token, gint64 ttl_s, GError **error);
gboolean rx_device_revoke(RxDb *db, const char *id, GError **error);
/* Rows: id, office, status, last_seen, clock_offset_s, heartbeat. */
GPtrArray *rx_device_list(RxDb *db, GError **error);
/* From a device's last heartbeat (as stored): why its database cannot be written — it is waiting
 * for its owner to be put right and records nothing — or NULL when it can (or nobody knows). */
char *rx_device_unwritable(const char *heartbeat);
/* From a device's last heartbeat: what its enrolled fingers say about its scanner (the kiosk sends
 * its latest report in every heartbeat, app/match-report.h), or NULL when it sent none. */
MatchReport *rx_device_match(const char *heartbeat);
/* That report in one line for an officer: fingers, genuine and stranger scores, the error rates at
 * the kiosk's threshold, when it was measured (the warning is not in it: it stands on its own). */
char *rx_device_match_summary(const MatchReport *match);
/* Exchanges a provisioning token for the device's secret (shown this once, stored only hashed). */
gboolean rx_device_provision(RxDb *db, const char *id, const char *token, char **secret, char **office,
                             GError **error);
/* TRUE when `secret` is an active device's; its office in *office. */
gboolean rx_device_authenticate(RxDb *db, const char *id, const char *secret, char **office, GError **error);

/* ---- ingest.c ---- */
/* Stores a batch in one transaction: each event once (by UUID), statuses[i] says which were new. */
gboolean rx_ingest_events(RxDb *db, const char *device_id, const char *office, GPtrArray *events,
                          GArray *offsets, ProtocolAck *statuses, GError **error);
gboolean rx_save_heartbeat(RxDb *db, const char *device_id, const char *json, gint64 clock_offset_s,
                           GError **error);
/* Attendance of one office and date (NULL = all), oldest first, as "csv" or "json". */
gboolean rx_export(RxDb *db, const char *office, const char *date, const char *format, FILE *out, GError **error);
/* The kiosks' audit trails (one device, or all when NULL), in order, as "csv" or "json". */
gboolean rx_export_audit(RxDb *db, const char *device, const char *format, FILE *out, GError **error);

/* A roster page stops once its people's photos exceed this (at least one person a page). */
#define RX_PAGE_PHOTO_BYTES (4u << 20)
/* Sets (NULL: removes) a probationer's photo, already checked (app/photo.h); the person's version
 * moves on so every kiosk of the office pulls it. RX_ERROR_NOT_FOUND for a case the centre lacks. */
gboolean rx_photo_set(RxDb *db, const char *case_number, GBytes *photo, GError **error);

/* ---- answers.c ---- */
/* Stores a kiosk's questionnaire answers in one transaction: each once per check-in and question
 * (a newer different answer replaces it); an answer for another kiosk's check-in is refused
 * (RX_ERROR_BAD_REQUEST) and nothing of the push is stored. `stored` counts new or changed rows. */
gboolean rx_ingest_answers(RxDb *db, const char *device_id, const char *office, GPtrArray *answers /* StoreAnswer* */,
                           guint *stored, GError **error);
/* The answers to check-ins of `office` and `date` (NULL = all): uuid → {"q=yes;q=no", "q=yes" (the
 * ones needing attention, "" when none), NULL}. */
GHashTable *rx_answers_by_checkin(RxDb *db, const char *office, const char *date, GError **error);

/* ---- roster.c ---- */
/* Loads probationers (with fingers and schedules) and messages, as read by
 * protocol_parse_roster(..., PROTOCOL_ROSTER_LOAD), in one transaction; each gets a new version. */
gboolean rx_roster_load(RxDb *db, const StoreRoster *load, GError **error);
/* What changed for `office` after version `since`: at most `limit` people and messages, oldest
 * first, each person whole (fingers, schedule); cursor = the last version in the page. */
/* One person as the centre holds them (unsealed), whole; NULL without `error` when there is none. */
StoreRosterPerson *rx_roster_person(RxDb *db, const char *case_number, GError **error);
StoreRoster *rx_roster_changes(RxDb *db, const char *office, gint64 since, guint limit, GError **error);
/* Stores a kiosk's audit rows (each once, by device and id). A row that doesn't continue the
 * trail the centre holds, or differs from one received before, fails with RX_ERROR_CONFLICT. */
gboolean rx_ingest_audit(RxDb *db, const char *device_id, GPtrArray *rows, guint *stored, GError **error);
/* POST /v1/enrollments: fingers a kiosk enrolled (a roster in the loading file's shape). New people
 * are added at `office` (the kiosk's); what the centre holds about known people stays; new fingers,
 * and changed ones an officer's audit row authorises, are stored and published to the office's
 * kiosks; `changed` counts those. A person of another office, or a changed finger no officer
 * re-enrolled, is refused: one sentence each in `refused` (char*), logged in kiosk_refusals. */
gboolean rx_ingest_enrollments(RxDb *db, const char *device_id, const char *office, const StoreRoster *enrolled,
                               guint *changed, GPtrArray *refused, GError **error);

/* ---- server.c ---- */
typedef struct {
    const char *db_spec;
    const char *store_key;     /* the centre's key file (receiver/db.h); NULL = the default */
    const char *listen;        /* "127.0.0.1:8443"; port 0 = any free port */
    const char *cert_file, *key_file; /* PEM; both NULL only with insecure_http */
    gboolean insecure_http;
    const char *port_file;     /* write the port here once listening (for tests and scripts) */
    const char *fault_plan;    /* comma-separated faults for successive pushes (docs/sync.md) */
    gint64 clock_skew_s;       /* added to every Date header (fault tests) */
    gsize max_body;            /* bytes of one body as sent (compressed or not) */
    gsize max_buffered;        /* bytes of request bodies held at once, all connections together */
    int threads;               /* worker threads, and storage connections */
    int max_connections;       /* open connections in all ... */
    int max_per_address;       /* ... and from one IP address */
    int idle_timeout_s;        /* a connection silent this long is closed */
} RxServeOptions;
/* Serves until SIGINT/SIGTERM. Returns the exit status. */
int rx_serve(const RxServeOptions *options);
