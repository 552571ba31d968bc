/* protocol — the kiosk ↔ central server messages (docs/sync-openapi.yaml), built and checked in one
 * place so both ends (sync/ on the kiosk, receiver/ at the centre) agree by construction.
 *
 *   POST /v1/events     {"device_id", "sent_at", "clock_offset_s", "events": [event...]}, gzip
 *                       → {"results": [{"uuid", "status": "stored"|"duplicate"}]}
 *   POST /v1/heartbeat  {"device_id", "version", "queue_length", ...} → {"server_time"}
 *   GET  /v1/roster?since=CURSOR → {"office", "cursor", "more", "probationers": [...], "messages": [...]}
 *   POST /v1/audit      {"device_id", "rows": [audit row...]}, gzip → {"last_id", "stored"}
 *   POST /v1/provision  {"device_id", "token"} → {"device_id", "secret"}
 *   POST /v1/answers    {"device_id", "answers": [answer...]}, gzip → {"stored"}
 * Errors: a 4xx/5xx status with {"error": "one sentence"}. */
#pragma once

#include <glib.h>

#include "app/match-report.h"
#include "app/store/store-answers.h"
#include "sync/roster-page.h"
#include "app/store/store-sync.h"

#define PROTOCOL_ERROR (g_quark_from_static_string("haazri-protocol"))

/* The push body for `events` (StoreOutboxEvent*); each event carries clock_offset_s too. */
char *protocol_build_push(const char *device_id, GPtrArray *events, gint64 clock_offset_s);
/* Checks a push body strictly (types, enums, UUIDs, dates; every event's device must be
 * `device_id`). Returns StoreOutboxEvent* with clock offsets in `offsets` (gint64 array), or NULL
 * with one sentence naming the event and field. Nothing is half-accepted. */
GPtrArray *protocol_parse_push(const char *body, gsize len, const char *device_id, GArray **offsets,
                               GError **error);

typedef enum { PROTOCOL_STORED, PROTOCOL_DUPLICATE } ProtocolAck;
/* {"results": [...]} for the server: statuses[i] is for events[i]. */
char *protocol_build_acks(GPtrArray *events, const ProtocolAck *statuses);
/* The UUIDs the server acknowledged (a set: uuid → itself). A body that isn't a valid ack is an
 * error: the kiosk then keeps the events and sends them again. */
GHashTable *protocol_parse_acks(const char *body, gsize len, GError **error);

/* The longest sentence a heartbeat carries about the kiosk (database_unwritable). */
#define PROTOCOL_SENTENCE_MAX 1000

typedef struct {
    char *device_id, *version, *oldest_unsent, *scanner;
    gint64 queue_length, quarantined, clock_offset_s, disk_free_mb;
    /* Optional (0 from a kiosk that doesn't send them): questionnaire answers not yet at the
     * centre, and today's answers needing an officer's attention (store_answer_needs_attention). */
    gint64 answers_unsent, answers_attention;
    /* NULL when the kiosk can save; else why its database cannot be written, one sentence (no
     * personal data): it is waiting for its owner to be put right and records nothing meanwhile. */
    char *database_unwritable;
    /* NULL until the kiosk has measured its scanner on its enrolled fingers (app/match-report.h),
     * and from a kiosk too old to: the "match" object, numbers and one warning sentence only. */
    MatchReport *match;
} ProtocolHeartbeat;
char *protocol_build_heartbeat(const ProtocolHeartbeat *hb);
gboolean protocol_parse_heartbeat(const char *body, gsize len, ProtocolHeartbeat *out, GError **error);
void protocol_heartbeat_clear(ProtocolHeartbeat *hb);

/* POST /v1/provision's body {"device_id", "token"}; and the provisioning file a centre writes for a
 * USB stick {"device_id", "server", "token", ...} (server NULL for the first). Both small: read
 * within json_bounds_small. Newly allocated strings, or FALSE with a sentence. */
gboolean protocol_parse_provision(const char *body, gsize len, char **device_id, char **server, char **token,
                                  GError **error);

/* {"error": message}. */
char *protocol_build_error(const char *message);
/* The "error" member of a body, or NULL when it has none (newly allocated, at most 300 chars). */
char *protocol_parse_error(const char *body, gsize len);

/* gzip (what Content-Encoding: gzip means); gunzip refuses output larger than `max` (zip bombs). */
GBytes *protocol_gzip(const void *data, gsize len);
GBytes *protocol_gunzip(const void *data, gsize len, gsize max, GError **error);

/* ---- the roster (protocol-roster.c) ---- */
typedef enum {
    PROTOCOL_ROSTER_REPLY, /* GET /v1/roster's reply: office, cursor and more are required */
    PROTOCOL_ROSTER_LOAD,  /* haazri-receiver roster load FILE: every person and message names its office */
} ProtocolRosterKind;
/* Templates travel base64 in "template"; each must be a print libfprint can read, and each
 * schedule one app/schedule.h accepts, so a bad one is refused where it enters (the centre's load)
 * and again where it arrives (the kiosk). The error names the person or message and the field. */
StoreRoster *protocol_parse_roster(const char *body, gsize len, ProtocolRosterKind kind, GError **error);
char *protocol_build_roster(const StoreRoster *roster);

/* POST /v1/enrollments' reply: {"changed": N, "refused": ["case X, finger: why", ...]}. The centre
 * decides what a kiosk may change (docs/security.md); a refusal is for good (sending it again gets
 * the same answer), so the kiosk logs it and moves on. */
char *protocol_build_enrollments_reply(guint changed, GPtrArray *refused /* char* */);
/* The refusals (char*, maybe none), or NULL with a sentence when the body isn't such a reply. */
GPtrArray *protocol_parse_enrollments_reply(const char *body, gsize len, GError **error);

/* ---- the audit trail (protocol-roster.c) ---- */
char *protocol_build_audit(const char *device_id, GPtrArray *rows /* StoreAuditRow* */);
/* Rows in order; each row's hash must match its fields (store_audit_hash) and its prev_hash the
 * row before it in the batch. */
GPtrArray *protocol_parse_audit(const char *body, gsize len, const char *device_id, GError **error);

/* ---- the questionnaire's answers (protocol-answers.c) ---- */
#define PROTOCOL_ANSWERS_MAX 500
/* {"device_id", "answers": [{"checkin_uuid", "question_id", "answer": "yes"|"no", "answered_at"}]} */
char *protocol_build_answers(const char *device_id, GPtrArray *answers /* StoreAnswer* */);
/* Checked strictly (UUIDs, a question id, yes/no, a time with its offset; at most
 * PROTOCOL_ANSWERS_MAX); StoreAnswer* (seq = the position in the push), or NULL with a sentence
 * naming the answer and field. */
GPtrArray *protocol_parse_answers(const char *body, gsize len, const char *device_id, GError **error);
