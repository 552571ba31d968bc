/* store-sync — the store's side of sync with the central server: the outbox (the checkins table's
 * sync_state), quarantine with the server's reason, and small bookkeeping values (sync_meta).
 *
 * The outbox is the checkins table itself: store_record_checkin() inserts every row as 'pending' in
 * the same fsync'd transaction that records it, so a check-in can never be recorded and not queued.
 * A row leaves 'pending' only when the server acknowledged its UUID ('sent') or refused it for good
 * ('quarantined', with the reason). The roster the server sends is applied by store_apply_roster(). */
#pragma once

#include "app/store/store.h"

typedef struct {
    gint64 id;           /* the checkins row: the order events happened in */
    char *uuid;
    char *case_number;   /* NULL: nobody recognised */
    char *finger;        /* NULL: none */
    char *method;        /* "finger" | "case_number" */
    char *result;        /* "recorded" | "duplicate" | "not_recognised" */
    double score;        /* < 0: none */
    char *wall_time;     /* ISO 8601 local time with offset */
    gint64 wall_utc_us;
    char *local_date;
    gint64 mono_us;
    char *boot_id;
    char *device_id;
} StoreOutboxEvent;

/* Up to `limit` pending check-ins with id > after_id, oldest first (array of StoreOutboxEvent*). */
GPtrArray *store_outbox_next(Store *store, gint64 after_id, guint limit, GError **error);
void store_outbox_event_free(StoreOutboxEvent *event);
/* Marks the acknowledged check-ins 'sent', all in one transaction. Unknown UUIDs are ignored. */
gboolean store_outbox_mark_sent(Store *store, const char *const *uuids, guint n, GError **error);
/* The server refused this check-in for good: keep it, with the reason, out of the queue. */
gboolean store_outbox_quarantine(Store *store, const char *uuid, const char *reason, GError **error);
/* Puts every quarantined check-in back in the queue (after the server or the data was fixed). */
gboolean store_outbox_requeue(Store *store, gint64 *count, GError **error);

typedef struct {
    gint64 pending, quarantined, sent;
    char oldest_pending[40]; /* wall time, "" when none */
} StoreOutboxCounts;
gboolean store_outbox_count(Store *store, StoreOutboxCounts *out, GError **error);
/* The newest `limit` quarantined check-ins: array of "uuid\twall_time\treason" strings. */
GPtrArray *store_outbox_list_quarantined(Store *store, guint limit, GError **error);

/* sync_meta: small named values (pull cursor, last contact, clock offset). NULL when unset. */
char *store_get_meta(Store *store, const char *key);
/* Sets every key/value pair of the NULL-terminated list in one transaction. */
gboolean store_set_meta(Store *store, GError **error, const char *key, const char *value, ...)
    G_GNUC_NULL_TERMINATED;

/* The audit trail's way to the centre (it is append-only, so a cursor is enough). */
typedef struct {
    gint64 id;
    char *at, *actor, *action, *subject, *detail, *prev_hash, *hash;
} StoreAuditRow;
/* Up to `limit` audit rows with id > after_id, oldest first (each target keeps its own position:
 * the centre's below, an ADMS server's in sync/adms.c). */
GPtrArray *store_audit_after(Store *store, gint64 after_id, guint limit, GError **error);
/* Up to `limit` audit rows after the last one the centre acknowledged (sync_meta "audit_sent_id"). */
GPtrArray *store_audit_unsent(Store *store, guint limit, GError **error);
void store_audit_row_free(StoreAuditRow *row);
gboolean store_audit_mark_sent(Store *store, gint64 last_id, GError **error);
gint64 store_audit_count_unsent(Store *store);
