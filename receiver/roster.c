/* roster — what the centre publishes to its kiosks (probationers, templates, schedules, messages,
 * deactivations, transfers) and the kiosks' audit trails coming back. See receiver.h. */
#include <string.h>

#include "receiver/receiver.h"
#include "app/clock.h"

static char *now_iso(void)
{
    g_autoptr(GDateTime) now = clock_now_utc();
    return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}

/* The next version, inside the open transaction. The UPDATE holds roster_seq's row until commit,
 * so two loads can't interleave and versions become visible in order. */
static char *next_version(RxDb *db, GError **error)
{
    g_autoptr(GPtrArray) rows = rx_db_query(db, "UPDATE roster_seq SET value = value + 1 WHERE id = 1 RETURNING value",
                                            NULL, 0, error);
    return rows && rows->len ? g_strdup(RX_CELL(rows, 0, 0)) : NULL;
}

/* Stores a finger, sealed (db-seal.c); 1 when stored, -1 on error. Callers compare with what is
 * held first (a sealed value differs every time it is sealed, so SQL cannot tell "the same"). */
static gint64 upsert_finger(RxDb *db, const char *case_number, const StoreRosterFinger *f, GError **error)
{
    gsize len = 0;
    const guchar *data = g_bytes_get_data(f->print, &len);
    g_autofree char *sealed = rx_db_seal(db, "print", data, len, FALSE);
    const char *fp[] = {case_number, f->finger, f->driver, sealed};
    return rx_db_change(db,
                        "INSERT INTO fingers (case_number, finger, driver, print_b64) VALUES ($1, $2, $3, $4) "
                        "ON CONFLICT (case_number, finger) DO UPDATE SET driver = excluded.driver, "
                        "print_b64 = excluded.print_b64",
                        fp, 4, error);
}

/* The person's photo (NULL: removed), inside the caller's transaction. */
static gboolean store_photo(RxDb *db, const char *case_number, GBytes *photo, GError **error)
{
    gsize len = 0;
    const guchar *data = photo ? g_bytes_get_data(photo, &len) : NULL;
    g_autofree char *b64 = photo ? rx_db_seal(db, "photo", data, len, FALSE) : NULL;
    g_autofree char *bytes = g_strdup_printf("%zu", len);
    g_autofree char *now = now_iso();
    const char *pp[] = {case_number, b64, bytes, now};
    return rx_db_exec(db, "INSERT INTO photos (case_number, data_b64, bytes, loaded_at) "
                          "VALUES ($1, $2, CAST($3 AS BIGINT), $4) ON CONFLICT (case_number) DO UPDATE SET "
                          "data_b64 = excluded.data_b64, bytes = excluded.bytes, loaded_at = excluded.loaded_at",
                      pp, 4, error);
}

gboolean rx_photo_set(RxDb *db, const char *case_number, GBytes *photo, GError **error)
{
    if (!rx_db_begin(db, error))
        return FALSE;
    g_autofree char *version = next_version(db, error);
    const char *p[] = {case_number, version};
    gint64 n = version ? rx_db_change(db, "UPDATE probationers SET version = CAST($2 AS BIGINT) WHERE case_number = $1",
                                      p, 2, error)
                       : -1;
    if (n == 0)
        g_set_error(error, RX_ERROR, RX_ERROR_NOT_FOUND, "case %s is not in the centre's roster (load it first)",
                    case_number);
    if (n != 1 || !store_photo(db, case_number, photo, error) || !rx_db_commit(db, error)) {
        rx_db_rollback(db);
        return FALSE;
    }
    return TRUE;
}

/* The person's ADMS PIN (NULL: removed), inside the caller's transaction. Another person of the
 * same office with that PIN is refused: the office's attendance server knows one person by it. */
static gboolean save_adms_pin(RxDb *db, const StoreRosterPerson *p, GError **error)
{
    if (p->adms_pin) {
        const char *q[] = {p->adms_pin, p->office, p->case_number};
        g_autoptr(GPtrArray) rows = rx_db_query(db, "SELECT a.case_number FROM adms_pins a JOIN probationers pr ON "
                                                    "pr.case_number = a.case_number WHERE a.pin = $1 AND pr.office = $2 "
                                                    "AND a.case_number <> $3 LIMIT 1", q, 3, error);
        if (!rows)
            return FALSE;
        if (rows->len) {
            g_set_error(error, RX_ERROR, RX_ERROR_CONFLICT, "the ADMS PIN %s is already case %s's at office \"%s\" "
                        "(one person per PIN at an office's attendance server; give that case another PIN, or "
                        "\"adms_pin\": null, in the same or an earlier load)", p->adms_pin, RX_CELL(rows, 0, 0),
                        p->office);
            return FALSE;
        }
    }
    const char *pp[] = {p->case_number, p->adms_pin};
    return rx_db_exec(db, "INSERT INTO adms_pins (case_number, pin) VALUES ($1, $2) "
                          "ON CONFLICT (case_number) DO UPDATE SET pin = excluded.pin", pp, 2, error);
}

static gboolean load_person(RxDb *db, const StoreRosterPerson *p, GError **error)
{
    g_autofree char *version = next_version(db, error);
    if (!version)
        return FALSE;
    const StoreRosterSchedule *sc = p->schedule;
    g_autofree char *cnic = rx_db_seal_text(db, "cnic", p->cnic), *name_en = rx_db_seal_text(db, "name_en", p->name_en),
                    *name_ur = rx_db_seal_text(db, "name_ur", p->name_ur);
    const char *params[] = {p->case_number, p->office, cnic, name_en, name_ur,
                            p->active ? "active" : "inactive", p->has_schedule ? "1" : "0",
                            sc ? sc->rule : NULL, sc ? sc->starts : NULL, sc ? sc->ends : NULL,
                            sc ? sc->due_by : NULL, version};
    /* $7: whether the load mentions a schedule at all (absent = keep the one the centre has). */
    /* A schedule not mentioned stays; a transfer remembers the office it came from. */
    if (!rx_db_exec(db,
                    "INSERT INTO probationers (case_number, office, cnic, name_en, name_ur, status, "
                    "sched_rule, sched_starts, sched_ends, sched_due_by, version) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $8, $9, $10, $11, CAST($12 AS BIGINT)) "
                    "ON CONFLICT (case_number) DO UPDATE SET "
                    "prev_office = CASE WHEN probationers.office <> excluded.office THEN probationers.office "
                    "  ELSE probationers.prev_office END, "
                    "office = excluded.office, cnic = coalesce(excluded.cnic, probationers.cnic), "
                    "name_en = excluded.name_en, name_ur = coalesce(excluded.name_ur, probationers.name_ur), "
                    "status = excluded.status, "
                    "sched_rule = CASE WHEN CAST($7 AS INTEGER) = 1 THEN excluded.sched_rule ELSE probationers.sched_rule END, "
                    "sched_starts = CASE WHEN CAST($7 AS INTEGER) = 1 THEN excluded.sched_starts ELSE probationers.sched_starts END, "
                    "sched_ends = CASE WHEN CAST($7 AS INTEGER) = 1 THEN excluded.sched_ends ELSE probationers.sched_ends END, "
                    "sched_due_by = CASE WHEN CAST($7 AS INTEGER) = 1 THEN excluded.sched_due_by ELSE probationers.sched_due_by END, "
                    "version = excluded.version",
                    params, G_N_ELEMENTS(params), error))
        return FALSE;
    for (guint i = 0; p->fingers && i < p->fingers->len; i++)
        if (upsert_finger(db, p->case_number, g_ptr_array_index(p->fingers, i), error) < 0)
            return FALSE;
    return (!p->has_photo || store_photo(db, p->case_number, p->photo, error)) &&
           (!p->has_adms_pin || save_adms_pin(db, p, error));
}

static gboolean load_message(RxDb *db, const StoreRosterMessage *m, GError **error)
{
    g_autofree char *version = next_version(db, error);
    if (!version)
        return FALSE;
    /* A message's text is personal ("Fatima, bring your CNIC"): sealed like the names (db-seal.c). */
    g_autofree char *en = rx_db_seal_text(db, "message_en", m->text_en);
    g_autofree char *ur = rx_db_seal_text(db, "message_ur", m->text_ur);
    const char *params[] = {m->id, m->office, m->case_number, en, ur, m->valid_until, m->withdrawn ? "1" : "0", version};
    return rx_db_exec(db,
                      "INSERT INTO messages (id, office, case_number, text_en, text_ur, valid_until, withdrawn, version) "
                      "VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS INTEGER), CAST($8 AS BIGINT)) "
                      "ON CONFLICT (id) DO UPDATE SET office = excluded.office, case_number = excluded.case_number, "
                      "text_en = excluded.text_en, text_ur = excluded.text_ur, valid_until = excluded.valid_until, "
                      "withdrawn = excluded.withdrawn, version = excluded.version",
                      params, G_N_ELEMENTS(params), error);
}

gboolean rx_roster_load(RxDb *db, const StoreRoster *load, GError **error)
{
    if (!rx_db_begin(db, error))
        return FALSE;
    for (guint i = 0; i < load->people->len; i++) {
        const StoreRosterPerson *p = g_ptr_array_index(load->people, i);
        if (!load_person(db, p, error)) {
            g_prefix_error(error, "case %s: ", p->case_number);
            goto fail;
        }
    }
    for (guint i = 0; i < load->messages->len; i++) {
        const StoreRosterMessage *m = g_ptr_array_index(load->messages, i);
        if (!load_message(db, m, error)) {
            g_prefix_error(error, "message %s: ", m->id);
            goto fail;
        }
    }
    if (!rx_db_commit(db, error))
        goto fail;
    return TRUE;
fail:
    rx_db_rollback(db);
    return FALSE;
}

static StoreRosterPerson *read_person(RxDb *db, const char *case_number, GError **error)
{
    const char *key[] = {case_number};
    g_autoptr(GPtrArray) rows = rx_db_query(db,
        "SELECT office, cnic, name_en, name_ur, status, sched_rule, sched_starts, sched_ends, sched_due_by FROM probationers WHERE case_number = $1", key, 1, error);
    g_autoptr(GPtrArray) fingers = rows ? rx_db_query(db, "SELECT finger, driver, print_b64 FROM fingers "
                                                          "WHERE case_number = $1 ORDER BY finger", key, 1, error)
                                        : NULL;
    if (!fingers || rows->len != 1)
        return NULL;
    StoreRosterPerson *p = g_new0(StoreRosterPerson, 1);
    p->case_number = g_strdup(case_number);
    p->office = g_strdup(RX_CELL(rows, 0, 0));
    if (!rx_db_unseal_text(db, "cnic", RX_CELL(rows, 0, 1), &p->cnic, error) ||
        !rx_db_unseal_text(db, "name_en", RX_CELL(rows, 0, 2), &p->name_en, error) ||
        !rx_db_unseal_text(db, "name_ur", RX_CELL(rows, 0, 3), &p->name_ur, error)) {
        store_roster_person_free(p);
        return NULL;
    }
    p->active = g_strcmp0(RX_CELL(rows, 0, 4), "active") == 0;
    /* The whole state every time: applying it twice, or after a lost reply, changes nothing. */
    p->has_schedule = TRUE;
    if (RX_CELL(rows, 0, 5)) {
        p->schedule = g_new0(StoreRosterSchedule, 1);
        p->schedule->rule = g_strdup(RX_CELL(rows, 0, 5));
        p->schedule->starts = g_strdup(RX_CELL(rows, 0, 6));
        p->schedule->ends = g_strdup(RX_CELL(rows, 0, 7));
        p->schedule->due_by = g_strdup(RX_CELL(rows, 0, 8));
    }
    /* The photo only when the centre has (or removed) one: a photo set on the kiosk stays otherwise. */
    g_autoptr(GPtrArray) photo = rx_db_query(db, "SELECT data_b64 FROM photos WHERE case_number = $1", key, 1, error);
    if (!photo) {
        store_roster_person_free(p);
        return NULL;
    }
    p->has_photo = photo->len == 1;
    if (p->has_photo && RX_CELL(photo, 0, 0) && !(p->photo = rx_db_unseal_bytes(db, "photo", RX_CELL(photo, 0, 0), error))) {
        store_roster_person_free(p);
        return NULL;
    }
    /* The PIN only when the centre has (or removed) one: a PIN set on a kiosk stays otherwise. */
    g_autoptr(GPtrArray) pin = rx_db_query(db, "SELECT pin FROM adms_pins WHERE case_number = $1", key, 1, error);
    if (!pin) {
        store_roster_person_free(p);
        return NULL;
    }
    p->has_adms_pin = pin->len == 1;
    p->adms_pin = p->has_adms_pin ? g_strdup(RX_CELL(pin, 0, 0)) : NULL;
    p->fingers = g_ptr_array_new_with_free_func((GDestroyNotify)store_roster_finger_free);
    for (guint i = 0; i < fingers->len; i++) {
        StoreRosterFinger *f = g_new0(StoreRosterFinger, 1);
        f->finger = g_strdup(RX_CELL(fingers, i, 0));
        f->driver = g_strdup(RX_CELL(fingers, i, 1));
        g_ptr_array_add(p->fingers, f);
        if (!(f->print = rx_db_unseal_bytes(db, "print", RX_CELL(fingers, i, 2), error))) {
            store_roster_person_free(p);
            return NULL;
        }
    }
    return p;
}

StoreRosterPerson *rx_roster_person(RxDb *db, const char *case_number, GError **error)
{
    return read_person(db, case_number, error);
}

StoreRoster *rx_roster_changes(RxDb *db, const char *office, gint64 since, guint limit, GError **error)
{
    g_autofree char *since_s = g_strdup_printf("%" G_GINT64_FORMAT, since);
    g_autofree char *limit_s = g_strdup_printf("%u", limit + 1);
    const char *params[] = {office, since_s, limit_s};
    /* One ordered list of what changed for this office, people and messages together, so the
     * cursor after a page is simply the last version in it. */
    g_autoptr(GPtrArray) changes = rx_db_query(db,
        "SELECT kind, k, version FROM ("
        "  SELECT 'p' AS kind, case_number AS k, version FROM probationers "
        "    WHERE (office = $1 OR prev_office = $1) AND version > CAST($2 AS BIGINT) "
        "  UNION ALL "
        "  SELECT 'm' AS kind, id AS k, version FROM messages WHERE office = $1 AND version > CAST($2 AS BIGINT)"
        ") AS c ORDER BY version LIMIT CAST($3 AS BIGINT)",
        params, 3, error);
    if (!changes)
        return NULL;
    g_autoptr(StoreRoster) r = store_roster_new();
    r->office = g_strdup(office);
    r->cursor = since;
    r->more = changes->len > limit;
    gsize photo_bytes = 0;
    for (guint i = 0; i < MIN(changes->len, limit); i++) {
        const char *kind = RX_CELL(changes, i, 0), *key = RX_CELL(changes, i, 1);
        r->cursor = g_ascii_strtoll(RX_CELL(changes, i, 2), NULL, 10);
        if (strcmp(kind, "p") == 0) {
            StoreRosterPerson *p = read_person(db, key, error);
            if (!p)
                return NULL;
            g_ptr_array_add(r->people, p);
            /* Photos make people big (up to 200 KB each): a page stops at RX_PAGE_PHOTO_BYTES of them,
             * and the kiosk asks again at once for the rest. */
            photo_bytes += p->photo ? g_bytes_get_size(p->photo) : 0;
            if (photo_bytes > RX_PAGE_PHOTO_BYTES && i + 1 < changes->len) {
                r->more = TRUE;
                break;
            }
            continue;
        }
        const char *mk[] = {key};
        g_autoptr(GPtrArray) rows = rx_db_query(db, "SELECT case_number, text_en, text_ur, valid_until, withdrawn "
                                                    "FROM messages WHERE id = $1", mk, 1, error);
        if (!rows || rows->len != 1)
            return NULL;
        StoreRosterMessage *m = g_new0(StoreRosterMessage, 1);
        m->id = g_strdup(key);
        m->case_number = g_strdup(RX_CELL(rows, 0, 0));
        if (!rx_db_unseal_text(db, "message_en", RX_CELL(rows, 0, 1), &m->text_en, error) ||
            !rx_db_unseal_text(db, "message_ur", RX_CELL(rows, 0, 2), &m->text_ur, error)) {
            store_roster_message_free(m);
            return NULL;
        }
        m->valid_until = g_strdup(RX_CELL(rows, 0, 3));
        m->withdrawn = g_strcmp0(RX_CELL(rows, 0, 4), "1") == 0;
        g_ptr_array_add(r->messages, m);
    }
    return g_steal_pointer(&r);
}

gboolean rx_ingest_audit(RxDb *db, const char *device_id, GPtrArray *rows, guint *stored, GError **error)
{
    *stored = 0;
    if (rows->len == 0)
        return TRUE;
    g_autofree char *now = now_iso();
    if (!rx_db_begin(db, error))
        return FALSE;
    const StoreAuditRow *first = g_ptr_array_index(rows, 0);
    g_autofree char *before = g_strdup_printf("%" G_GINT64_FORMAT, first->id - 1);
    const char *bp[] = {device_id, before};
    g_autoptr(GPtrArray) prev = rx_db_query(db, "SELECT hash FROM audit WHERE device_id = $1 AND id = CAST($2 AS BIGINT)",
                                            bp, 2, error);
    if (!prev)
        goto fail;
    if (prev->len == 1 && g_strcmp0(RX_CELL(prev, 0, 0), first->prev_hash) != 0) {
        g_set_error(error, RX_ERROR, RX_ERROR_CONFLICT, "audit row %" G_GINT64_FORMAT " does not continue the trail "
                    "the centre already holds for this kiosk (rows edited or deleted on the kiosk?)", first->id);
        goto fail;
    }
    for (guint i = 0; i < rows->len; i++) {
        const StoreAuditRow *r = g_ptr_array_index(rows, i);
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
        const char *p[] = {device_id, id, r->at, r->actor, r->action, r->subject, r->detail, r->prev_hash, r->hash, now};
        gint64 n = rx_db_change(db,
                                "INSERT INTO audit (device_id, id, at, actor, action, subject, detail, prev_hash, hash, "
                                "received_at) VALUES ($1, CAST($2 AS BIGINT), $3, $4, $5, $6, $7, $8, $9, $10) "
                                "ON CONFLICT (device_id, id) DO NOTHING",
                                p, G_N_ELEMENTS(p), error);
        if (n < 0)
            goto fail;
        if (n == 0) {
            /* Sent before: harmless if it is the same row, a rewritten history if not. */
            g_autoptr(GPtrArray) same = rx_db_query(db, "SELECT hash FROM audit WHERE device_id = $1 AND "
                                                        "id = CAST($2 AS BIGINT)", p, 2, error);
            if (!same)
                goto fail;
            if (same->len != 1 || g_strcmp0(RX_CELL(same, 0, 0), r->hash) != 0) {
                g_set_error(error, RX_ERROR, RX_ERROR_CONFLICT, "audit row %s differs from the one the centre "
                            "received before (rewritten on the kiosk?)", id);
                goto fail;
            }
        }
        *stored += n == 1;
    }
    if (!rx_db_commit(db, error))
        goto fail;
    return TRUE;
fail:
    rx_db_rollback(db);
    return FALSE;
}

/* Logs what the centre refused a kiosk and adds the sentence to the reply. */
static gboolean refuse(RxDb *db, const char *device_id, const char *case_number, const char *what, const char *now,
                       GPtrArray *refused, GError **error, const char *fmt, ...) G_GNUC_PRINTF(8, 9);
static gboolean refuse(RxDb *db, const char *device_id, const char *case_number, const char *what, const char *now,
                       GPtrArray *refused, GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    const char *p[] = {case_number, what, device_id, why, now};
    if (!rx_db_exec(db, "INSERT INTO kiosk_refusals (case_number, what, device_id, reason, received_at) "
                        "VALUES ($1, $2, $3, $4, $5)", p, 5, error))
        return FALSE;
    g_warning("refused a change from %s (see kiosk_refusals)", device_id); /* no case number in the log */
    g_ptr_array_add(refused, g_strdup_printf("case %s, %s: %s", case_number, what, why));
    return TRUE;
}

/* The officer who re-enrolled `finger` of `case_number` on this kiosk, from its audit trail as the
 * centre holds it: a finger.re-enroll row by a named officer (not the kiosk itself) that has not
 * authorised a change before. It is marked used. NULL (no error) when there is none. */
static char *authorising_officer(RxDb *db, const char *device_id, const char *case_number, const char *finger,
                                 const char *now, GError **error)
{
    const char *p[] = {device_id, case_number, finger};
    g_autoptr(GPtrArray) rows = rx_db_query(db,
        "SELECT a.id, a.actor FROM audit a WHERE a.device_id = $1 AND a.action = 'finger.re-enroll' "
        "AND a.subject = $2 AND a.detail = $3 AND a.actor <> 'kiosk' AND a.actor <> '' AND NOT EXISTS ("
        "  SELECT 1 FROM finger_authority u WHERE u.device_id = a.device_id AND u.audit_id = a.id) "
        "ORDER BY a.id LIMIT 1", p, 3, error);
    if (!rows || rows->len == 0)
        return NULL;
    const char *u[] = {device_id, RX_CELL(rows, 0, 0), case_number, finger, RX_CELL(rows, 0, 1), now};
    if (!rx_db_exec(db, "INSERT INTO finger_authority (device_id, audit_id, case_number, finger, actor, received_at) "
                        "VALUES ($1, CAST($2 AS BIGINT), $3, $4, $5, $6)", u, 6, error))
        return NULL;
    return g_strdup(RX_CELL(rows, 0, 1));
}

/* One person a kiosk enrolled fingers for, or (de)activated. The centre decides (issue 22):
 * - a person it has never heard of is added at the kiosk's office (the kiosk's own claim of an
 *   office is not taken);
 * - a person of another office is not the kiosk's to change: refused, logged in kiosk_refusals;
 * - a finger it holds with a different template changes only when the kiosk's audit trail shows a
 *   named officer re-enrolling it (authorising_officer); otherwise refused and logged;
 * - a new finger, or an officer's (de)activation, of its own office's person is taken.
 * What is taken is logged in kiosk_changes and the person's version moves on, so the office's
 * other kiosks pull it; the same thing sent again changes nothing. */
static gboolean ingest_person(RxDb *db, const char *device_id, const char *office, const StoreRosterPerson *p,
                              const char *now, guint *changed, GPtrArray *refused, GError **error)
{
    const char *key[] = {p->case_number};
    g_autoptr(GPtrArray) known = rx_db_query(db, "SELECT status, office FROM probationers WHERE case_number = $1", key,
                                             1, error);
    if (!known)
        return FALSE;
    const char *status = p->active ? "active" : "inactive";
    if (known->len && g_strcmp0(RX_CELL(known, 0, 1), office) != 0)
        return refuse(db, device_id, p->case_number, "the person", now, refused, error,
                      "this person belongs to office \"%s\", not to this kiosk's (\"%s\"); a kiosk changes only "
                      "its own office's people", RX_CELL(known, 0, 1), office);
    gboolean moved = known->len == 0;
    if (moved) {
        g_autofree char *version = next_version(db, error);
        g_autofree char *cnic = rx_db_seal_text(db, "cnic", p->cnic), *name_en = rx_db_seal_text(db, "name_en", p->name_en),
                        *name_ur = rx_db_seal_text(db, "name_ur", p->name_ur);
        const char *params[] = {p->case_number, office, cnic, name_en, name_ur, status, version};
        if (!version || !rx_db_exec(db,
                                    "INSERT INTO probationers (case_number, office, cnic, name_en, name_ur, status, "
                                    "version) VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS BIGINT))",
                                    params, G_N_ELEMENTS(params), error))
            return FALSE;
    } else if (g_strcmp0(RX_CELL(known, 0, 0), status) != 0) {
        const char *params[] = {status, p->case_number};
        if (!rx_db_exec(db, "UPDATE probationers SET status = $1 WHERE case_number = $2", params, 2, error))
            return FALSE;
        const char *log[] = {p->case_number, status, device_id, now};
        if (!rx_db_exec(db, "INSERT INTO kiosk_changes (case_number, what, device_id, received_at) "
                            "VALUES ($1, 'status:' || $2, $3, $4)", log, 4, error))
            return FALSE;
        moved = TRUE;
        (*changed)++;
    }
    for (guint i = 0; p->fingers && i < p->fingers->len; i++) {
        const StoreRosterFinger *f = g_ptr_array_index(p->fingers, i);
        const char *fk[] = {p->case_number, f->finger};
        g_autoptr(GPtrArray) held = rx_db_query(db, "SELECT print_b64, driver FROM fingers WHERE case_number = $1 "
                                                    "AND finger = $2", fk, 2, error);
        if (!held)
            return FALSE;
        if (held->len) {
            g_autoptr(GBytes) held_print = rx_db_unseal_bytes(db, "print", RX_CELL(held, 0, 0), error);
            if (!held_print)
                return FALSE;
            if (g_bytes_equal(held_print, f->print) && g_strcmp0(RX_CELL(held, 0, 1), f->driver) == 0)
                continue; /* the same again */
            g_autofree char *officer = authorising_officer(db, device_id, p->case_number, f->finger, now, error);
            if (!officer && error && *error)
                return FALSE;
            if (!officer) {
                if (!refuse(db, device_id, p->case_number, f->finger, now, refused, error,
                            "the centre holds another template for this finger, and this kiosk's audit trail shows "
                            "no officer re-enrolling it (finger.re-enroll); the centre's template stays"))
                    return FALSE;
                continue;
            }
        }
        if (upsert_finger(db, p->case_number, f, error) < 0)
            return FALSE;
        const char *log[] = {p->case_number, f->finger, device_id, now};
        if (!rx_db_exec(db, "INSERT INTO kiosk_changes (case_number, what, device_id, received_at) VALUES ($1, $2, $3, $4)",
                        log, 4, error))
            return FALSE;
        moved = TRUE;
        (*changed)++;
    }
    if (moved && known->len) {
        g_autofree char *version = next_version(db, error);
        const char *params[] = {version, p->case_number};
        if (!version || !rx_db_exec(db, "UPDATE probationers SET version = CAST($1 AS BIGINT) WHERE case_number = $2",
                                    params, 2, error))
            return FALSE;
    }
    return TRUE;
}

gboolean rx_ingest_enrollments(RxDb *db, const char *device_id, const char *office, const StoreRoster *enrolled,
                               guint *changed, GPtrArray *refused, GError **error)
{
    *changed = 0;
    g_autofree char *now = now_iso();
    if (!rx_db_begin(db, error))
        return FALSE;
    for (guint i = 0; i < enrolled->people->len; i++) {
        const StoreRosterPerson *p = g_ptr_array_index(enrolled->people, i);
        if (!ingest_person(db, device_id, office, p, now, changed, refused, error)) {
            g_prefix_error(error, "case %s: ", p->case_number);
            goto fail;
        }
    }
    if (!rx_db_commit(db, error))
        goto fail;
    return TRUE;
fail:
    rx_db_rollback(db);
    return FALSE;
}
