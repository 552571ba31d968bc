/* sync — the engine: the cycle, check-ins up, heartbeat, backoff, life cycle. The audit trail,
 * enrollments and the roster are in sync-exchange.c. See sync.h. */
#include "sync/sync-private.h"

#include <string.h>

#include "app/clock.h"
#include "app/store/store-answers.h"
#include "app/store/store-roster.h"
#include "app/store/store-sync.h"
#include "app/version.h"
/* A server asking for more than an hour is obeyed for an hour: the office may have fixed it. */
#define MAX_RETRY_AFTER_MS (3600 * 1000)

static void schedule(Sync *s, gint64 delay_ms);

/* ---- status ---- */

void sync_publish(Sync *s, gboolean force)
{
    gint64 now = g_get_monotonic_time();
    if (force || now - s->counted_us > G_USEC_PER_SEC) {
        /* Counting walks the pending index: fine once a second, wasteful after every batch. */
        StoreOutboxCounts counts;
        g_autoptr(GError) error = NULL;
        if (store_outbox_count(s->store, &counts, &error)) {
            s->status.pending = counts.pending;
            s->status.quarantined = counts.quarantined;
        }
        s->counted_us = now;
    }
    s->status.last_error = s->last_error;
    s->status.roster_error = s->roster_error   ? s->roster_error
                             : s->audit_refused ? s->audit_refused
                             : s->enroll_refused ? s->enroll_refused
                                                 : s->answers_refused;
    if (!s->unwritable && (force || now - s->saved_us > 60 * G_USEC_PER_SEC)) {
        /* For haazri-ctl sync status, which runs in another process. */
        g_autofree char *contact = g_strdup_printf("%" G_GINT64_FORMAT, s->status.last_contact);
        g_autofree char *offset = g_strdup_printf("%" G_GINT64_FORMAT, s->status.clock_offset_s);
        g_autoptr(GError) error = NULL;
        if (!store_set_meta(s->store, &error, "last_contact", contact, "clock_offset_s", offset, "online",
                            s->status.online ? "yes" : "no", "authorised", s->status.authorised ? "yes" : "no",
                            "last_error", s->last_error ? s->last_error : "", "roster_error",
                            s->roster_error ? s->roster_error : "", "audit_refused",
                            s->audit_refused ? s->audit_refused : "", "enrollments_refused",
                            s->enroll_refused ? s->enroll_refused : "", "answers_refused",
                            s->answers_refused ? s->answers_refused : "", NULL))
            g_warning("sync: %s", error->message);
        s->saved_us = now;
    }
    for (guint i = 0; i < s->listeners->len; i++) {
        Listener *l = &g_array_index(s->listeners, Listener, i);
        l->func(&s->status, l->data);
    }
}

static void set_error(Sync *s, const char *message)
{
    gboolean changed = g_strcmp0(message, s->last_error) != 0;
    g_free(s->last_error);
    s->last_error = g_strdup(message);
    if (changed && message)
        g_message("sync: %s", message);
    sync_publish(s, changed);
}

/* The server answered (whatever it said): note the time and the clock offset. */
void sync_contact(Sync *s, const HttpReply *reply)
{
    gboolean was = s->status.online;
    s->status.online = TRUE;
    s->status.last_contact = reply->local_time;
    if (reply->server_time > 0)
        s->status.clock_offset_s = reply->server_time - reply->local_time;
    if (!was)
        s->saved_us = 0; /* save the change at the next publish */
}

/* ---- scheduling ---- */

static gboolean on_timer(gpointer data)
{
    Sync *s = data;
    s->timer = 0;
    sync_cycle(s);
    return G_SOURCE_REMOVE;
}

static void schedule(Sync *s, gint64 delay_ms)
{
    if (s->timer)
        g_source_remove(s->timer);
    s->timer = g_timeout_add((guint)CLAMP(delay_ms, 0, G_MAXINT), on_timer, s);
}

static void finish_once(Sync *s, const char *failure)
{
    SyncDoneFunc done = s->once_done;
    s->once_done = NULL;
    g_autoptr(GError) error = failure ? g_error_new_literal(SYNC_ERROR, 1, failure) : NULL;
    sync_publish(s, TRUE);
    done(error, s->once_data);
}

/* Something went wrong that may go right later. */
void sync_transient(Sync *s, const char *why, gint64 retry_after_s)
{
    s->failures++;
    if (s->status.online)
        s->saved_us = 0;
    s->status.online = FALSE;
    set_error(s, why);
    if (s->once_done) {
        finish_once(s, why);
        return;
    }
    gint64 delay;
    if (retry_after_s >= 0) {
        delay = MIN(retry_after_s * 1000, MAX_RETRY_AFTER_MS);
    } else {
        /* Exponential, with "equal jitter": half the delay fixed, half random, so a district's
         * kiosks coming back after a power cut don't all knock at once. */
        gint64 base = s->config.retry_min_ms;
        for (int i = 1; i < s->failures && base < s->config.retry_max_ms; i++)
            base *= 2;
        base = MIN(base, s->config.retry_max_ms);
        delay = base / 2 + g_random_int_range(0, (gint32)(base / 2) + 1);
    }
    schedule(s, delay);
}

/* ---- push ---- */

char *sync_describe_failure(const HttpReply *reply, const char *what)
{
    gsize len = 0;
    const char *body = g_bytes_get_data(reply->body, &len);
    g_autofree char *reason = reply->status ? protocol_parse_error(body, len) : NULL;
    if (!reply->status)
        return g_strdup_printf("could not reach the server (%s): %s", what, reply->error);
    return g_strdup_printf("the server answered %ld to %s%s%s", reply->status, what, reason ? ": " : "",
                           reason ? reason : "");
}

gboolean sync_is_refused(const HttpReply *reply)
{
    long st = reply->status;
    if (st != 400 && st != 409 && st != 413 && st != 422)
        return FALSE;
    gsize len = 0;
    const char *body = reply->body ? g_bytes_get_data(reply->body, &len) : NULL;
    g_autofree char *reason = protocol_parse_error(body, len);
    return reason != NULL;
}

gboolean sync_is_misconfigured(const HttpReply *reply)
{
    long st = reply->status;
    return st >= 400 && st < 500 && st != 401 && st != 403 && st != 408 && st != 429 && !sync_is_refused(reply);
}

void sync_misconfigured(Sync *s, const HttpReply *reply, const char *what)
{
    g_autofree char *why = sync_describe_failure(reply, what);
    g_autofree char *msg = g_strdup_printf("%s — that is not the centre refusing a record: is [sync] server (%s) the "
                                           "right address? Nothing was quarantined; everything waits to be sent",
                                           why, s->base);
    g_message("sync: %s", msg);
    sync_transient(s, msg, MAX(1, s->config.retry_max_ms / 1000));
}

static void on_pushed(const HttpReply *reply, gpointer data)
{
    Sync *s = data;
    s->busy = FALSE;
    g_autoptr(GPtrArray) batch = g_steal_pointer(&s->batch);
    if (reply->status == 200) {
        gsize len = 0;
        const char *body = g_bytes_get_data(reply->body, &len);
        g_autoptr(GError) error = NULL;
        g_autoptr(GHashTable) acked = protocol_parse_acks(body, len, &error);
        if (!acked) {
            g_autofree char *why = g_strdup_printf("the server's reply to a push could not be read (%s); "
                                                   "the check-ins will be sent again", error->message);
            sync_transient(s, why, -1);
            return;
        }
        g_autoptr(GPtrArray) uuids = g_ptr_array_new();
        for (guint i = 0; i < batch->len; i++) {
            StoreOutboxEvent *e = g_ptr_array_index(batch, i);
            if (g_hash_table_contains(acked, e->uuid))
                g_ptr_array_add(uuids, e->uuid);
        }
        sync_contact(s, reply);
        if (uuids->len == 0) {
            sync_transient(s, "the server acknowledged none of the check-ins sent; they will be sent again", -1);
            return;
        }
        if (!store_outbox_mark_sent(s->store, (const char *const *)uuids->pdata, uuids->len, &error)) {
            /* The server has them; sending them again later is harmless. */
            sync_transient(s, error->message, -1);
            return;
        }
        s->failures = 0;
        s->batch_limit = MIN((guint)s->config.batch_max, s->batch_limit * 2);
        gboolean had_error = s->last_error != NULL;
        g_clear_pointer(&s->last_error, g_free);
        sync_publish(s, had_error);
        sync_cycle(s);
        return;
    }
    g_autofree char *why = sync_describe_failure(reply, "a push");
    if (reply->status == 401 || reply->status == 403) {
        sync_contact(s, reply);
        s->status.authorised = FALSE;
        g_autofree char *msg = g_strdup_printf("%s — this kiosk is not (or no longer) registered: "
                                               "provision it again", why);
        sync_transient(s, msg, s->config.retry_max_ms / 1000);
        return;
    }
    if (sync_is_misconfigured(reply)) {
        /* A wrong path or a proxy's 404 says nothing about these check-ins: keep them all. */
        sync_misconfigured(s, reply, "a push");
        return;
    }
    if (sync_is_refused(reply)) {
        sync_contact(s, reply);
        s->status.authorised = TRUE;
        if (batch->len > 1) {
            /* One event in this batch is refused: halve until it is alone. */
            s->batch_limit = MAX(1, batch->len / 2);
            sync_cycle(s);
            return;
        }
        StoreOutboxEvent *e = g_ptr_array_index(batch, 0);
        g_autoptr(GError) error = NULL;
        if (!store_outbox_quarantine(s->store, e->uuid, why, &error)) {
            sync_transient(s, error->message, -1);
            return;
        }
        g_message("sync: check-in %s quarantined: %s", e->uuid, why);
        s->batch_limit = (guint)s->config.batch_max;
        sync_publish(s, TRUE);
        sync_cycle(s);
        return;
    }
    sync_transient(s, why, reply->status ? reply->retry_after_s : -1);
}

void sync_send(Sync *s, const char *path, const char *json, gboolean gzip, HttpDoneFunc done)
{
    g_autoptr(GBytes) body = gzip ? protocol_gzip(json, strlen(json)) : g_bytes_new(json, strlen(json));
    g_autofree char *url = g_strconcat(s->base, path, NULL);
    s->busy = TRUE;
    http_request(s->http, url, s->device_id, s->secret, body, gzip, done, s);
}

static void push(Sync *s, GPtrArray *batch)
{
    s->batch = batch;
    g_autofree char *json = protocol_build_push(s->device_id, batch, s->status.clock_offset_s);
    sync_send(s, "/v1/events", json, TRUE, on_pushed);
}

/* ---- heartbeat ---- */

static void on_heartbeat(const HttpReply *reply, gpointer data)
{
    Sync *s = data;
    s->busy = FALSE;
    if (sync_is_misconfigured(reply)) {
        sync_misconfigured(s, reply, "a heartbeat");
        return;
    }
    if (reply->status != 200) {
        g_autofree char *why = sync_describe_failure(reply, "a heartbeat");
        if (reply->status == 401 || reply->status == 403)
            s->status.authorised = FALSE;
        sync_transient(s, why, reply->status ? reply->retry_after_s : -1);
        return;
    }
    sync_contact(s, reply);
    s->status.authorised = TRUE;
    s->next_heartbeat_us = g_get_monotonic_time() + (gint64)s->config.interval_s * G_USEC_PER_SEC;
    g_clear_pointer(&s->last_error, g_free);
    sync_publish(s, TRUE);
    sync_cycle(s);
}

static void heartbeat(Sync *s)
{
    sync_publish(s, TRUE);
    ProtocolHeartbeat hb = {.device_id = s->device_id, .version = (char *)HAAZRI_VERSION,
                            .queue_length = s->status.pending, .quarantined = s->status.quarantined,
                            .clock_offset_s = s->status.clock_offset_s};
    StoreOutboxCounts counts;
    if (store_outbox_count(s->store, &counts, NULL))
        hb.oldest_unsent = counts.oldest_pending;
    g_autofree char *today = clock_today();
    hb.answers_unsent = MAX(0, store_answers_count_unsent(s->store));
    hb.answers_attention = MAX(0, store_answers_count_attention(s->store, today));
    g_autofree char *unwritable = s->unwritable ? g_utf8_make_valid(s->unwritable, MIN(strlen(s->unwritable),
                                                                                       PROTOCOL_SENTENCE_MAX - 3))
                                                : NULL;
    hb.database_unwritable = unwritable;
    char *scanner = NULL;
    if (s->heartbeat_func) {
        s->heartbeat_func(&hb, s->heartbeat_data);
        scanner = hb.scanner;
    }
    g_autofree char *json = protocol_build_heartbeat(&hb);
    g_free(scanner);
    sync_send(s, "/v1/heartbeat", json, FALSE, on_heartbeat);
}

/* ---- the cycle ---- */

void sync_cycle(Sync *s)
{
    if (s->busy)
        return;
    if (s->timer) {
        g_source_remove(s->timer);
        s->timer = 0;
    }
    if (s->unwritable) {
        /* Read-only: only the heartbeat that says so. */
        gint64 now = g_get_monotonic_time();
        if (now >= s->next_heartbeat_us)
            heartbeat(s);
        else
            schedule(s, (s->next_heartbeat_us - now) / 1000 + 1);
        return;
    }
    g_autoptr(GError) error = NULL;
    GPtrArray *batch = store_outbox_next(s->store, 0, s->batch_limit, &error);
    if (!batch) {
        sync_transient(s, error->message, -1);
        return;
    }
    if (batch->len > 0) {
        push(s, batch);
        return;
    }
    g_ptr_array_unref(batch);
    s->batch_limit = (guint)s->config.batch_max;
    /* Check-ins first, then their questionnaire answers, the audit trail, the fingers enrolled here, the heartbeat and the
     * roster: what the office did matters more than what the centre has to say. */
    if (sync_push_answers(s) || sync_push_audit(s) || sync_push_enrollments(s))
        return;
    gint64 now = g_get_monotonic_time();
    if (now >= s->next_heartbeat_us) {
        heartbeat(s);
        return;
    }
    if (now >= s->next_pull_us) {
        sync_pull_roster(s);
        return;
    }
    if (s->once_done) {
        finish_once(s, NULL);
        return;
    }
    sync_publish(s, TRUE);
    schedule(s, (MIN(s->next_heartbeat_us, s->next_pull_us) - now) / 1000 + 1);
}

/* ---- life cycle ---- */

Sync *sync_new(const SyncConfig *c, const SyncCredentials *creds, Store *store, GError **error)
{
    const char *server = *c->server ? c->server : creds->server;
    if (!server || !*server) {
        g_set_error(error, SYNC_ERROR, 2, "no central server: set [sync] server in the configuration or "
                    "provision this kiosk (haazri-ctl provision --server URL --token TOKEN)");
        return NULL;
    }
    if (!g_str_has_prefix(server, "https://") && !(c->allow_insecure_http && g_str_has_prefix(server, "http://"))) {
        g_set_error(error, SYNC_ERROR, 2, "the central server %s is not an https:// address (plain http:// "
                    "only with [sync] allow_insecure_http = true, for a demo)", server);
        return NULL;
    }
    Sync *s = g_new0(Sync, 1);
    s->config = *c;
    s->config.server = g_strdup(server);
    s->config.ca_file = g_strdup(c->ca_file);
    s->config.client_cert = g_strdup(c->client_cert);
    s->config.client_key = g_strdup(c->client_key);
    s->base = g_strdup(server);
    for (gsize n = strlen(s->base); n > 0 && s->base[n - 1] == '/'; n--)
        s->base[n - 1] = '\0';
    s->device_id = g_strdup(creds->device_id);
    s->secret = g_strdup(creds->secret);
    s->store = store;
    HttpOptions ho = {.ca_file = c->ca_file, .client_cert = c->client_cert, .client_key = c->client_key,
                      .allow_insecure_http = c->allow_insecure_http, .timeout_ms = c->timeout_ms,
                      .connect_timeout_ms = MIN(c->timeout_ms, 15000)};
    s->http = http_new(&ho);
    s->listeners = g_array_new(FALSE, FALSE, sizeof(Listener));
    s->enroll_keys = store_enrollment_keys_new();
    s->batch_limit = (guint)c->batch_max;
    s->status.authorised = TRUE;
    /* What the last run knew, until this one has news. */
    g_autofree char *contact = store_get_meta(store, "last_contact");
    g_autofree char *offset = store_get_meta(store, "clock_offset_s");
    s->status.last_contact = contact ? g_ascii_strtoll(contact, NULL, 10) : 0;
    s->status.clock_offset_s = offset ? g_ascii_strtoll(offset, NULL, 10) : 0;
    return s;
}

void sync_free(Sync *s)
{
    if (!s)
        return;
    if (s->timer)
        g_source_remove(s->timer);
    http_free(s->http);
    if (s->batch)
        g_ptr_array_unref(s->batch);
    sync_config_clear(&s->config);
    g_free(s->base);
    g_free(s->device_id);
    if (s->secret)
        memset(s->secret, 0, strlen(s->secret));
    g_free(s->secret);
    g_free(s->last_error);
    g_free(s->roster_error);
    g_free(s->unwritable);
    g_free(s->audit_refused);
    g_free(s->enroll_refused);
    g_free(s->answers_refused);
    g_array_unref(s->enroll_keys);
    g_array_unref(s->listeners);
    g_free(s);
}

void sync_subscribe(Sync *s, SyncStatusFunc func, gpointer data)
{
    Listener l = {func, data};
    g_array_append_val(s->listeners, l);
}

void sync_set_heartbeat_func(Sync *s, SyncHeartbeatFunc func, gpointer data)
{
    s->heartbeat_func = func;
    s->heartbeat_data = data;
}

void sync_start(Sync *s)
{
    s->started = TRUE;
    schedule(s, 0);
}

void sync_set_unwritable(Sync *s, const char *why)
{
    if (g_strcmp0(why, s->unwritable) == 0)
        return;
    g_free(s->unwritable);
    s->unwritable = g_strdup(why);
    s->next_heartbeat_us = 0; /* tell the centre at once */
    if (s->started && !s->busy)
        schedule(s, 0);
}

void sync_poke(Sync *s)
{
    /* While backing off (or told to wait by Retry-After) the scheduled retry stands: a busy
     * office must not turn every check-in into a knock on a struggling server. */
    if (!s->busy && s->failures == 0)
        schedule(s, 0);
}

void sync_run_once(Sync *s, SyncDoneFunc done, gpointer data)
{
    s->once_done = done;
    s->once_data = data;
    s->next_heartbeat_us = 0;
    s->next_pull_us = 0;
    s->failures = 0;
    if (!s->busy)
        schedule(s, 0);
}

const SyncStatus *sync_get_status(Sync *s)
{
    return &s->status;
}
