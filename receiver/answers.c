/* answers — the questionnaire's answers at the centre: stored once per check-in and question,
 * sealed (db-seal.c), joined to the attendance export, the ones needing attention flagged. */
#include <string.h>

#include "app/clock.h"
#include "app/store/store-answers.h"
#include "receiver/receiver.h"

gboolean rx_ingest_answers(RxDb *db, const char *device_id, const char *office, GPtrArray *answers, guint *stored,
                           GError **error)
{
    g_autoptr(GDateTime) now_t = clock_now_utc();
    g_autofree char *now = g_date_time_format(now_t, "%Y-%m-%dT%H:%M:%SZ");
    *stored = 0;
    if (!rx_db_begin(db, error))
        return FALSE;
    for (guint i = 0; i < answers->len; i++) {
        const StoreAnswer *a = g_ptr_array_index(answers, i);
        /* A check-in the centre holds must be this kiosk's: no kiosk answers for another. */
        const char *u[] = {a->checkin_uuid};
        g_autoptr(GPtrArray) owner = rx_db_query(db, "SELECT device_id FROM events WHERE uuid = $1", u, 1, error);
        if (!owner)
            goto fail;
        if (owner->len && g_strcmp0(RX_CELL(owner, 0, 0), device_id) != 0) {
            g_set_error(error, RX_ERROR, RX_ERROR_BAD_REQUEST, "answer %u: check-in %s is another kiosk's", i,
                        a->checkin_uuid);
            goto fail;
        }
        /* The same answer again changes nothing. Sealed answers never compare equal (each has its
         * own nonce), so the one held is opened and compared here. */
        const char *k[] = {a->checkin_uuid, a->question_id};
        g_autoptr(GPtrArray) held = rx_db_query(db, "SELECT answer FROM answers WHERE checkin_uuid = $1 AND "
                                                    "question_id = $2", k, 2, error);
        g_autofree char *was = NULL;
        if (!held || (held->len && !rx_db_unseal_text(db, "answer", RX_CELL(held, 0, 0), &was, error)))
            goto fail;
        if (was && g_strcmp0(g_strchomp(was), a->answer) == 0)
            continue;
        /* "no" padded to the length of "yes": the sealed value's length does not tell them apart. */
        g_autofree char *sealed = rx_db_seal_text(db, "answer", g_strcmp0(a->answer, "no") == 0 ? "no " : a->answer);
        const char *p[] = {a->checkin_uuid, a->question_id, device_id, office, sealed, a->answered_at, now};
        /* The newer answer wins (answered again on the kiosk). */
        gint64 n = rx_db_change(db,
            "INSERT INTO answers (checkin_uuid, question_id, device_id, office, answer, answered_at, received_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (checkin_uuid, question_id) "
            "DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at, "
            "received_at = excluded.received_at WHERE answers.device_id = excluded.device_id AND "
            "excluded.answered_at >= answers.answered_at",
            p, 7, error);
        if (n < 0)
            goto fail;
        *stored += (guint)n;
    }
    const char *q[] = {device_id, now};
    if (!rx_db_exec(db, "UPDATE devices SET last_seen = $2 WHERE id = $1", q, 2, error) || !rx_db_commit(db, error))
        goto fail;
    return TRUE;
fail:
    rx_db_rollback(db);
    return FALSE;
}

GHashTable *rx_answers_by_checkin(RxDb *db, const char *office, const char *date, GError **error)
{
    const char *p[] = {office, date};
    g_autoptr(GPtrArray) rows = rx_db_query(db,
        "SELECT a.checkin_uuid, a.question_id, a.answer FROM answers a JOIN events e ON e.uuid = a.checkin_uuid "
        "WHERE (CAST($1 AS TEXT) IS NULL OR e.office = $1) AND (CAST($2 AS TEXT) IS NULL OR e.local_date = $2) "
        "ORDER BY a.checkin_uuid, a.question_id", p, 2, error);
    if (!rows)
        return NULL;
    GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
    for (guint r = 0; r < rows->len; r++) {
        const char *uuid = RX_CELL(rows, r, 0), *question = RX_CELL(rows, r, 1);
        g_autofree char *answer = NULL;
        if (!rx_db_unseal_text(db, "answer", RX_CELL(rows, r, 2), &answer, error)) {
            g_hash_table_unref(out);
            return NULL;
        }
        g_strchomp(answer);
        char **pair = g_hash_table_lookup(out, uuid);
        if (!pair) {
            pair = g_new0(char *, 3);
            pair[0] = g_strdup("");
            pair[1] = g_strdup("");
            g_hash_table_insert(out, g_strdup(uuid), pair);
        }
        char *answers = g_strdup_printf("%s%s%s=%s", pair[0], *pair[0] ? ";" : "", question, answer);
        g_free(pair[0]);
        pair[0] = answers;
        if (store_answer_needs_attention(question, answer)) {
            char *flag = g_strdup_printf("%s%s%s=%s", pair[1], *pair[1] ? ";" : "", question, answer);
            g_free(pair[1]);
            pair[1] = flag;
        }
    }
    return out;
}
