/* store-answers — the after-check-in questionnaire's answers on their way to the centre, and what
 * the officer sees of them.
 *
 * An answer is given after its check-in was recorded (often after the check-in already went up), so
 * answers travel as their own acknowledged records (POST /v1/answers), keyed at the centre by
 * (check-in UUID, question): sending one again changes nothing. The kiosk keeps a cursor
 * (sync_meta "answers_sent_seq") over the answers' sequence; answering again gives the answer a new,
 * higher sequence (store_save_answer), so a changed answer goes up again. */
#pragma once

#include "app/store/store.h"

typedef struct {
    gint64 seq;          /* the order answers were given (their rowid) */
    char *checkin_uuid;
    char *question_id;
    char *answer;        /* "yes" | "no" */
    char *answered_at;   /* ISO 8601 local time with offset */
} StoreAnswer;

/* An answer an officer must act on: "arrested: yes". The one rule both ends use (the kiosk's history
 * and heartbeat, the centre's export and page). */
gboolean store_answer_needs_attention(const char *question_id, const char *answer);

/* Up to `limit` answers the centre has not acknowledged, in the order given (StoreAnswer*). */
GPtrArray *store_answers_unsent(Store *store, guint limit, GError **error);
void store_answer_free(StoreAnswer *answer);
/* The centre has every answer up to `last_seq`. */
gboolean store_answers_mark_sent(Store *store, gint64 last_seq, GError **error);
/* -1 when the database can't be read. */
gint64 store_answers_count_unsent(Store *store);
/* Answers needing attention given with check-ins of `date` (YYYY-MM-DD, the office's day). */
gint64 store_answers_count_attention(Store *store, const char *date);
/* The questions answered "yes" for a check-in, comma-separated in question order ("" when none);
 * NULL with `error` when the database can't be read. */
char *store_answers_yes(Store *store, const char *checkin_uuid, GError **error);
