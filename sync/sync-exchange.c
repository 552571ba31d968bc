/* sync-exchange — what goes up besides check-ins (the officers' audit trail; fingers enrolled and
 * people (de)activated here) and what comes down (the roster). Part of the sync engine: see
 * sync-private.h; docs/sync.md says what each does. */
#include "sync/sync-private.h"

#include <string.h>

#include "app/store/store-answers.h"
#include "app/store/store-roster.h"
#include "app/store/store-sync.h"

/* Audit rows per push: a day of officer work is a few dozen. */
#define AUDIT_BATCH 200
/* Fingers per push of enrollments: ~5 KB each as base64, so a push stays a few hundred KB. */
#define ENROLL_BATCH 64

/* ---- what goes up besides check-ins ---- */

/* The reply to a push of `what`: TRUE when the centre took it (the caller notes that and moves on).
 * A refusal that sending again won't fix is kept in `refused` until restart: those rows stay here,
 * complete and in use, check-ins and the roster carry on, and haazri-ctl sync status says why. */
static gboolean taken(Sync *s, const HttpReply *reply, const char *what, char **refused)
{
    s->busy = FALSE;
    if (reply->status == 200) {
        sync_contact(s, reply);
        return TRUE;
    }
    if (sync_is_misconfigured(reply)) {
        sync_misconfigured(s, reply, what);
        return FALSE;
    }
    g_autofree char *why = sync_describe_failure(reply, what);
    if (sync_is_refused(reply)) {
        sync_contact(s, reply);
        g_free(*refused);
        *refused = g_steal_pointer(&why);
        g_warning("sync: %s", *refused);
        sync_publish(s, TRUE);
        sync_cycle(s);
        return FALSE;
    }
    sync_transient(s, why, reply->status ? reply->retry_after_s : -1);
    return FALSE;
}

/* The questionnaire's answers (app/store/store-answers.h). A refusal: an answer the centre can't take. */
static void on_answers_pushed(const HttpReply *reply, gpointer data)
{
    Sync *s = data;
    if (!taken(s, reply, "the questionnaire's answers", &s->answers_refused))
        return;
    g_autoptr(GError) error = NULL;
    if (!store_answers_mark_sent(s->store, s->answers_last_seq, &error)) {
        sync_transient(s, error->message, -1); /* sending them again changes nothing at the centre */
        return;
    }
    sync_cycle(s);
}

gboolean sync_push_answers(Sync *s)
{
    if (s->answers_refused)
        return FALSE;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) answers = store_answers_unsent(s->store, PROTOCOL_ANSWERS_MAX, &error);
    if (!answers || answers->len == 0)
        return FALSE;
    s->answers_last_seq = ((StoreAnswer *)g_ptr_array_index(answers, answers->len - 1))->seq;
    g_autofree char *json = protocol_build_answers(s->device_id, answers);
    sync_send(s, "/v1/answers", json, TRUE, on_answers_pushed);
    return TRUE;
}

/* The officers' audit trail. A refusal (409) means the trail doesn't continue what the centre
 * holds: an officer must look. */
static void on_audit_pushed(const HttpReply *reply, gpointer data)
{
    Sync *s = data;
    if (!taken(s, reply, "the audit trail", &s->audit_refused))
        return;
    g_autoptr(GError) error = NULL;
    if (!store_audit_mark_sent(s->store, s->audit_last_id, &error)) {
        sync_transient(s, error->message, -1); /* sending them again is harmless */
        return;
    }
    sync_cycle(s);
}

gboolean sync_push_audit(Sync *s)
{
    if (s->audit_refused)
        return FALSE;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = store_audit_unsent(s->store, AUDIT_BATCH, &error);
    if (!rows || rows->len == 0)
        return FALSE;
    s->audit_last_id = ((StoreAuditRow *)g_ptr_array_index(rows, rows->len - 1))->id;
    g_autofree char *json = protocol_build_audit(s->device_id, rows);
    sync_send(s, "/v1/audit", json, TRUE, on_audit_pushed);
    return TRUE;
}

/* Fingers enrolled and people (de)activated here. A refusal: e.g. a template the centre can't read. */
static void on_enrollments_pushed(const HttpReply *reply, gpointer data)
{
    Sync *s = data;
    if (!taken(s, reply, "the enrollments", &s->enroll_refused))
        return;
    g_autoptr(GError) error = NULL;
    /* What the centre would not take from this kiosk (another office's person, a finger changed
     * without an officer's re-enrollment in the audit trail): for good, so logged and not resent. */
    gsize len = 0;
    const char *body = g_bytes_get_data(reply->body, &len);
    g_autoptr(GPtrArray) refused = protocol_parse_enrollments_reply(body, len, NULL);
    for (guint i = 0; refused && i < refused->len; i++)
        g_warning("sync: the centre refused an enrollment from this kiosk: %s", (char *)g_ptr_array_index(refused, i));
    if (!store_enrollments_mark_sent(s->store, s->enroll_keys, &error)) {
        sync_transient(s, error->message, -1); /* sending them again changes nothing at the centre */
        return;
    }
    sync_cycle(s);
}

gboolean sync_push_enrollments(Sync *s)
{
    if (s->enroll_refused)
        return FALSE;
    g_autoptr(GError) error = NULL;
    g_array_set_size(s->enroll_keys, 0);
    g_autoptr(StoreRoster) enrolled = store_enrollments_unsent(s->store, ENROLL_BATCH, s->enroll_keys, &error);
    if (!enrolled || enrolled->people->len == 0)
        return FALSE;
    g_autofree char *json = protocol_build_roster(enrolled);
    sync_send(s, "/v1/enrollments", json, TRUE, on_enrollments_pushed);
    return TRUE;
}

/* ---- the roster ---- */

static void roster_problem(Sync *s, char *why)
{
    if (g_strcmp0(why, s->roster_error) != 0)
        g_warning("sync: %s", why);
    g_free(s->roster_error);
    s->roster_error = why;
    /* Not a network problem: the kiosk stays online and asks again at the next interval. */
    s->next_pull_us = g_get_monotonic_time() + (gint64)s->config.interval_s * G_USEC_PER_SEC;
    sync_publish(s, TRUE);
    sync_cycle(s);
}

static void on_roster(const HttpReply *reply, gpointer data)
{
    Sync *s = data;
    s->busy = FALSE;
    if (sync_is_misconfigured(reply)) {
        sync_misconfigured(s, reply, "a roster pull");
        return;
    }
    if (reply->status != 200) {
        g_autofree char *why = sync_describe_failure(reply, "a roster pull");
        if (reply->status == 401 || reply->status == 403)
            s->status.authorised = FALSE;
        sync_transient(s, why, reply->status ? reply->retry_after_s : -1);
        return;
    }
    sync_contact(s, reply);
    gsize len = 0;
    const char *body = g_bytes_get_data(reply->body, &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(StoreRoster) roster = protocol_parse_roster(body, len, PROTOCOL_ROSTER_REPLY, &error);
    if (!roster) {
        roster_problem(s, g_strdup_printf("the centre's roster could not be used (%s); nothing of it was applied",
                                          error->message));
        return;
    }
    StoreRosterStats stats;
    if (!store_apply_roster(s->store, roster, roster->office, &stats, &error)) {
        if (g_error_matches(error, STORE_ERROR, STORE_ERROR_INVALID)) {
            roster_problem(s, g_strdup_printf("%s; nothing of that page was applied", error->message));
            return;
        }
        sync_transient(s, error->message, -1); /* the store: full disk, ... */
        return;
    }
    if (stats.added || stats.updated || stats.deactivated || stats.messages)
        g_message("sync: roster applied: %u added, %u updated, %u deactivated, %u fingers, %u messages",
                  stats.added, stats.updated, stats.deactivated, stats.fingers, stats.messages);
    g_clear_pointer(&s->roster_error, g_free);
    s->next_pull_us = roster->more ? 0 : g_get_monotonic_time() + (gint64)s->config.interval_s * G_USEC_PER_SEC;
    sync_publish(s, TRUE);
    sync_cycle(s);
}

void sync_pull_roster(Sync *s)
{
    g_autofree char *url = g_strdup_printf("%s/v1/roster?since=%" G_GINT64_FORMAT, s->base,
                                           store_get_roster_cursor(s->store));
    s->busy = TRUE;
    http_request(s->http, url, s->device_id, s->secret, NULL, FALSE, on_roster, s);
}
