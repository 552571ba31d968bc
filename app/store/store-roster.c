/* store-roster — the centre's roster applied to the store. See store-roster.h. */
#include "app/store/store-roster.h"
#include "app/clock.h"

#include <stdarg.h>
#include <string.h>

#include "app/schedule.h"
#include "app/store/store-adms.h"
#include "app/store/store-private.h"
#include "app/store/store-sync.h"

/* ---- applying ---- */

/* Runs one statement. `types` has a letter per parameter: t = text (NULL binds NULL), i = gint64,
 * b = GBytes*. Returns the rowid a lookup found (the first column of the first row) when `found`
 * is given, else just whether it ran. */
static gboolean run(Store *s, gint64 *found, const char *sql, const char *types, ...)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return FALSE;
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 't') {
            sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
        } else if (types[i] == 'i') {
            sqlite3_bind_int64(st, i + 1, va_arg(ap, gint64));
        } else {
            gsize len = 0;
            const void *data = g_bytes_get_data(va_arg(ap, GBytes *), &len);
            sqlite3_bind_blob(st, i + 1, data, (int)len, SQLITE_TRANSIENT);
        }
    }
    va_end(ap);
    int rc = sqlite3_step(st);
    if (found)
        *found = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

/* The centre's ADMS PIN for probationer `id` (NULL: none any more). The centre's wins: one set here
 * with haazri-ctl adms-pin is replaced, and someone else here holding the same PIN loses it (the
 * office's attendance server knows one person by it). Each change is audited (actor "central"),
 * which also sends the name with the PIN to the ADMS server (OPERLOG's USER line). */
static gboolean apply_adms_pin(Store *s, gint64 id, const StoreRosterPerson *p, StoreRosterStats *stats,
                               GError **error)
{
    if (p->adms_pin && !store_adms_pin_is_valid(p->adms_pin)) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_INVALID, "the centre's ADMS PIN for case %s is not 1 to 24 "
                    "letters or digits", p->case_number);
        return FALSE;
    }
    sqlite3_stmt *st = NULL;
    g_autofree char *held = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT adms_pin FROM probationers WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the ADMS PIN");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        held = store_column_dup(st, 0);
    sqlite3_finalize(st);
    if (g_strcmp0(held, p->adms_pin) == 0)
        return TRUE;
    if (p->adms_pin) {
        /* Whoever holds it here loses it first (the PIN is unique on the kiosk too). */
        if (sqlite3_prepare_v2(s->db, "UPDATE probationers SET adms_pin = NULL WHERE adms_pin = ? AND id <> ? "
                                      "RETURNING case_number", -1, &st, NULL) != SQLITE_OK)
            return store_fail(s, error, "clear a clashing ADMS PIN");
        sqlite3_bind_text(st, 1, p->adms_pin, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        g_autofree char *loser = sqlite3_step(st) == SQLITE_ROW ? store_column_dup(st, 0) : NULL;
        while (sqlite3_step(st) == SQLITE_ROW)
            ;
        if (sqlite3_finalize(st) != SQLITE_OK)
            return store_fail(s, error, "clear a clashing ADMS PIN");
        if (loser) {
            g_autofree char *detail = g_strdup_printf("(none): the centre gives PIN %s to case %s", p->adms_pin,
                                                      p->case_number);
            if (!store_audit_append(s, "central", "probationer.adms-pin", loser, detail))
                return store_fail(s, error, "audit an ADMS PIN");
            stats->adms_pins++;
        }
    }
    if (!run(s, NULL, "UPDATE probationers SET adms_pin = ? WHERE id = ?", "ti", p->adms_pin, id))
        return store_fail(s, error, "store the centre's ADMS PIN");
    /* The detail starts with the PIN, as haazri-ctl adms-pin's does; what it replaced follows. */
    g_autofree char *detail = held ? g_strdup_printf("%s (replaces %s)", p->adms_pin ? p->adms_pin : "(none)", held)
                                   : g_strdup(p->adms_pin);
    if (!store_audit_append(s, "central", "probationer.adms-pin", p->case_number, detail))
        return store_fail(s, error, "audit an ADMS PIN");
    stats->adms_pins++;
    return TRUE;
}

static gboolean apply_person(Store *s, const StoreRosterPerson *p, const char *kiosk_office, const char *now,
                             StoreRosterStats *stats, GError **error)
{
    /* Transferred to another office: no longer checks in here. */
    gboolean here = g_strcmp0(p->office, kiosk_office) == 0;
    gboolean active = p->active && here;
    gint64 id = 0;
    if (!run(s, &id, "SELECT id FROM probationers WHERE case_number = ?", "t", p->case_number))
        return store_fail(s, error, "read the probationer");
    if (!id && !active)
        return TRUE; /* never known here, and not for here: nothing to keep */
    if (!id) {
        if (!run(s, NULL, "INSERT INTO probationers (case_number, cnic_sealed, name_en, name_ur, office, status, "
                          "created_at, updated_at, status_sent_at) VALUES (?, seal(?, 'cnic'), seal(?, 'name_en'), "
                          "seal(?, 'name_ur'), ?, 'active', ?, ?7, ?7)",
                 "ttttttt", p->case_number, p->cnic, p->name_en, p->name_ur, p->office, now, now))
            return store_fail(s, error, "add a probationer from the roster");
        id = sqlite3_last_insert_rowid(s->db);
        stats->added++;
    } else {
        if (!run(s, NULL, "UPDATE probationers SET cnic_sealed = coalesce(seal(?, 'cnic'), cnic_sealed), "
                          "name_en = seal(?, 'name_en'), name_ur = coalesce(seal(?, 'name_ur'), name_ur), office = ?, "
                          "updated_at = ? WHERE id = ?",
                 "ttttti", p->cnic, p->name_en, p->name_ur, p->office, now, id))
            return store_fail(s, error, "update a probationer from the roster");
        /* Only a status that changes is written: gallery_version's trigger fires on any UPDATE OF
         * status, and an unchanged one must not reload the gallery. An officer's (de)activation
         * here that the centre hasn't got yet is newer than the centre's: kept (a transfer away
         * still deactivates). */
        const char *status = active ? "active" : "inactive";
        if (!run(s, NULL, "UPDATE probationers SET status = ?1, status_sent_at = ?3 WHERE id = ?2 AND status <> ?1 "
                          "AND (status_sent_at IS NOT NULL OR ?4 = 0)", "titi", status, id, now, (gint64)here))
            return store_fail(s, error, "update a probationer from the roster");
        gboolean was_active = sqlite3_changes(s->db) > 0 ? !active : active;
        if (was_active && !active)
            stats->deactivated++;
        else
            stats->updated++;
    }
    for (guint i = 0; p->fingers && i < p->fingers->len; i++) {
        const StoreRosterFinger *f = g_ptr_array_index(p->fingers, i);
        /* In place, by name: check-ins keep pointing at the same fingers row. The same template
         * again (a page sent twice) writes nothing, so the gallery isn't reloaded for nothing. */
        /* A finger enrolled here and not yet at the centre is newer than the centre's: kept (it goes
         * up, and comes back in a later page). */
        if (!run(s, NULL, "INSERT INTO fingers (probationer_id, finger, print, driver, enrolled_at, sent_at) "
                          "VALUES (?, ?, seal(?3, 'print'), ?, ?, ?5) ON CONFLICT (probationer_id, finger) DO UPDATE SET "
                          "print = excluded.print, driver = excluded.driver, enrolled_at = excluded.enrolled_at, "
                          "sent_at = excluded.sent_at "
                          "WHERE fingers.sent_at IS NOT NULL AND "
                          "(unseal(print, 'print') IS NOT ?3 OR driver IS NOT excluded.driver)",
                 "itbtt", id, f->finger, f->print, f->driver, now))
            return store_fail(s, error, "store a finger from the roster");
        stats->fingers++;
    }
    if (p->has_schedule && !p->schedule) {
        if (!run(s, NULL, "DELETE FROM schedules WHERE probationer_id = ?", "i", id))
            return store_fail(s, error, "remove a schedule");
        stats->schedules++;
    } else if (p->has_schedule) {
        const StoreRosterSchedule *sc = p->schedule;
        Schedule check;
        g_autoptr(GError) why = NULL;
        if (!schedule_parse(sc->rule, sc->starts, sc->ends, sc->due_by, &check, &why)) {
            g_set_error(error, STORE_ERROR, STORE_ERROR_INVALID, "the centre's schedule for case %s can't be used: %s",
                        p->case_number, why->message);
            return FALSE;
        }
        if (!run(s, NULL, "INSERT OR REPLACE INTO schedules (probationer_id, rule, starts, ends, due_by, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?)",
                 "ittttt", id, sc->rule, sc->starts, sc->ends, sc->due_by, now))
            return store_fail(s, error, "store a schedule from the roster");
        stats->schedules++;
    }
    /* The photo the centre holds (checked by the protocol where it arrived). */
    if (p->has_photo && !(p->photo ? run(s, NULL, "INSERT OR REPLACE INTO photos (probationer_id, png) VALUES (?, seal(?, 'photo'))",
                                         "ib", id, p->photo)
                                   : run(s, NULL, "DELETE FROM photos WHERE probationer_id = ?", "i", id)))
        return store_fail(s, error, "store a photo from the roster");
    return !p->has_adms_pin || apply_adms_pin(s, id, p, stats, error);
}

static gboolean apply_message(Store *s, const StoreRosterMessage *m, StoreRosterStats *stats, GError **error)
{
    g_autofree char *remote_id = g_strconcat("central:", m->id, NULL);
    if (m->withdrawn) {
        if (!run(s, NULL, "DELETE FROM messages WHERE remote_id = ?", "t", remote_id))
            return store_fail(s, error, "remove a message");
        stats->messages++;
        return TRUE;
    }
    gint64 person = 0;
    if (m->case_number) {
        if (!run(s, &person, "SELECT id FROM probationers WHERE case_number = ?", "t", m->case_number))
            return store_fail(s, error, "read the probationer");
        if (!person) {
            /* Not someone of this office: never shown to anyone else. */
            stats->skipped++;
            return TRUE;
        }
    }
    /* person 0: for everyone at this office (probationer_id NULL). */
    gboolean ok = run(s, NULL, "INSERT INTO messages (remote_id, probationer_id, text_en, text_ur, valid_until) "
                               "VALUES (?, nullif(?, 0), seal(?, 'message_en'), seal(?, 'message_ur'), ?) "
                               "ON CONFLICT (remote_id) DO UPDATE SET "
                               "probationer_id = excluded.probationer_id, text_en = excluded.text_en, "
                               "text_ur = excluded.text_ur, valid_until = excluded.valid_until",
                      "tittt", remote_id, person, m->text_en, m->text_ur, m->valid_until);
    if (!ok)
        return store_fail(s, error, "store a message from the roster");
    stats->messages++;
    return TRUE;
}

gboolean store_apply_roster(Store *s, const StoreRoster *roster, const char *kiosk_office, StoreRosterStats *stats,
                            GError **error)
{
    *stats = (StoreRosterStats){0};
    g_autoptr(GDateTime) now_dt = clock_now();
    g_autofree char *now = store_now_iso(now_dt);
    g_autofree char *cursor = g_strdup_printf("%" G_GINT64_FORMAT, roster->cursor);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "apply the roster");
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < roster->people->len; i++)
        ok = apply_person(s, g_ptr_array_index(roster->people, i), kiosk_office, now, stats, error);
    for (guint i = 0; ok && i < roster->messages->len; i++)
        ok = apply_message(s, g_ptr_array_index(roster->messages, i), stats, error);
    if (ok) {
        /* Counts only: names and templates never go into the audit trail. */
        g_autofree char *detail = g_strdup_printf("cursor %s: %u added, %u updated, %u deactivated, %u fingers, "
                                                  "%u schedules, %u messages, %u ADMS PINs", cursor, stats->added,
                                                  stats->updated, stats->deactivated, stats->fingers, stats->schedules,
                                                  stats->messages, stats->adms_pins);
        gboolean changed = stats->added || stats->updated || stats->deactivated || stats->messages || stats->adms_pins;
        ok = run(s, NULL, "INSERT OR REPLACE INTO sync_meta (key, value) VALUES ('roster_cursor', ?)", "t", cursor) &&
             (!changed || store_audit_append(s, "central", "roster.apply", NULL, detail)) &&
             sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
        if (!ok)
            store_fail(s, error, "apply the roster");
    }
    if (!ok)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

gint64 store_get_roster_cursor(Store *s)
{
    g_autofree char *v = store_get_meta(s, "roster_cursor");
    return v ? g_ascii_strtoll(v, NULL, 10) : 0;
}

/* ---- the other way: fingers enrolled on this kiosk, up to the centre ---- */

static void key_clear(gpointer data)
{
    StoreEnrollmentKey *k = data;
    g_clear_pointer(&k->print, g_bytes_unref);
}

GArray *store_enrollment_keys_new(void)
{
    GArray *keys = g_array_new(FALSE, FALSE, sizeof(StoreEnrollmentKey));
    g_array_set_clear_func(keys, key_clear);
    return keys;
}

StoreRoster *store_enrollments_unsent(Store *s, guint limit, GArray *keys, GError **error)
{
    /* Fingers not yet at the centre, and people whose status changed here since: one row each,
     * grouped by person (a status-only row has no finger). */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT p.id, p.case_number, unseal(p.cnic_sealed, 'cnic'), unseal(p.name_en, 'name_en'), "
                           "  unseal(p.name_ur, 'name_ur'), p.office, p.status, f.id, f.finger, f.driver, unseal(f.print, 'print') "
                           "FROM fingers f INDEXED BY fingers_unsent JOIN probationers p ON p.id = f.probationer_id "
                           "WHERE f.sent_at IS NULL "
                           "UNION ALL "
                           "SELECT p.id, p.case_number, unseal(p.cnic_sealed, 'cnic'), unseal(p.name_en, 'name_en'), "
                           "  unseal(p.name_ur, 'name_ur'), p.office, p.status, NULL, NULL, NULL, NULL "
                           "FROM probationers p INDEXED BY probationers_status_unsent WHERE p.status_sent_at IS NULL "
                           "ORDER BY 2, 9 LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the enrollments to send"), NULL;
    sqlite3_bind_int64(st, 1, limit);
    g_autoptr(StoreRoster) out = store_roster_new();
    StoreRosterPerson *p = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *case_number = (const char *)sqlite3_column_text(st, 1);
        if (!p || strcmp(p->case_number, case_number) != 0) {
            p = g_new0(StoreRosterPerson, 1);
            p->case_number = g_strdup(case_number);
            p->cnic = g_strdup((const char *)sqlite3_column_text(st, 2));
            p->name_en = g_strdup((const char *)sqlite3_column_text(st, 3));
            p->name_ur = g_strdup((const char *)sqlite3_column_text(st, 4));
            p->office = g_strdup((const char *)sqlite3_column_text(st, 5));
            p->active = g_strcmp0((const char *)sqlite3_column_text(st, 6), "active") == 0;
            p->fingers = g_ptr_array_new_with_free_func((GDestroyNotify)store_roster_finger_free);
            g_ptr_array_add(out->people, p);
            /* The person's status goes with them: marked as the centre's once it has answered. */
            StoreEnrollmentKey key = {.probationer_id = sqlite3_column_int64(st, 0), .active = p->active};
            g_array_append_val(keys, key);
        }
        if (sqlite3_column_type(st, 7) == SQLITE_NULL)
            continue;
        StoreRosterFinger *f = g_new0(StoreRosterFinger, 1);
        f->finger = g_strdup((const char *)sqlite3_column_text(st, 8));
        f->driver = g_strdup((const char *)sqlite3_column_text(st, 9));
        f->print = g_bytes_new(sqlite3_column_blob(st, 10), (gsize)sqlite3_column_bytes(st, 10));
        g_ptr_array_add(p->fingers, f);
        StoreEnrollmentKey key = {.finger_id = sqlite3_column_int64(st, 7), .print = g_bytes_ref(f->print)};
        g_array_append_val(keys, key);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, error, "read the enrollments to send"), NULL;
    return g_steal_pointer(&out);
}

gboolean store_enrollments_mark_sent(Store *s, const GArray *keys, GError **error)
{
    g_autoptr(GDateTime) now_dt = clock_now();
    g_autofree char *now = store_now_iso(now_dt);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "note the enrollments sent");
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < keys->len; i++) {
        const StoreEnrollmentKey *k = &g_array_index(keys, StoreEnrollmentKey, i);
        /* Re-enrolled (another print) or (de)activated again while the request was out: that still
         * has to go. */
        if (k->finger_id)
            ok = run(s, NULL, "UPDATE fingers SET sent_at = ? WHERE id = ? AND unseal(print, 'print') = ?", "tib", now, k->finger_id,
                     k->print);
        else
            ok = run(s, NULL, "UPDATE probationers SET status_sent_at = ? WHERE id = ? AND status = ? "
                              "AND status_sent_at IS NULL", "tit", now, k->probationer_id,
                     k->active ? "active" : "inactive");
    }
    if (ok && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return TRUE;
    store_fail(s, error, "note the enrollments sent");
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

gint64 store_enrollments_count_unsent(Store *s)
{
    gint64 n = -1;
    return run(s, &n, "SELECT (SELECT count(*) FROM fingers WHERE sent_at IS NULL) + "
                      "(SELECT count(*) FROM probationers WHERE status_sent_at IS NULL)", "") ? n : -1;
}
