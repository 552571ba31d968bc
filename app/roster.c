/* roster — schedules and the day's roster. See roster.h. */
#include "app/roster.h"
#include "app/clock.h"

#include <string.h>

#include "app/store/store-private.h"

static const char *const status_names[] = {"present", "late", "expected", "missing", "unscheduled"};

const char *roster_status_name(RosterStatus status)
{
    return status_names[status];
}

gboolean roster_set_schedule(Store *s, const char *case_number, const char *rule, const char *starts,
                             const char *ends, const char *due_by, const char *actor, GError **error)
{
    Schedule check;
    if (!schedule_parse(rule, starts, ends, due_by, &check, error))
        return FALSE;
    StoreProbationer p = {0};
    if (!store_find_probationer(s, case_number, &p, error))
        return FALSE;
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *at = store_now_iso(now);
    sqlite3_stmt *st = NULL;
    gboolean ok = sqlite3_prepare_v2(s->db,
                                     "INSERT OR REPLACE INTO schedules (probationer_id, rule, starts, ends, due_by, "
                                     "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                                     -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, p.id);
        sqlite3_bind_text(st, 2, rule, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, starts, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, ends && *ends ? ends : NULL, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, due_by && *due_by ? due_by : NULL, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, at, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    store_probationer_clear(&p);
    if (!ok)
        return store_fail(s, error, "save the schedule");
    g_autofree char *detail = g_strdup_printf("%s from %s%s%s%s%s", rule, starts, ends ? " until " : "", ends ? ends : "",
                                              due_by ? " by " : "", due_by ? due_by : "");
    return store_audit(s, actor, "schedule.set", case_number, detail, error);
}

/* Minutes after midnight of "…THH:MM…". */
static int minute_of(const char *iso)
{
    return iso && strlen(iso) >= 16 ? atoi(iso + 11) * 60 + atoi(iso + 14) : 0;
}

static int order(gconstpointer a, gconstpointer b)
{
    const RosterRow *x = *(RosterRow *const *)a, *y = *(RosterRow *const *)b;
    /* What needs the officer's attention first: missing, late, expected, then the rest. */
    static const int rank[] = {[ROSTER_MISSING] = 0, [ROSTER_LATE] = 1, [ROSTER_EXPECTED] = 2,
                               [ROSTER_PRESENT] = 3, [ROSTER_UNSCHEDULED] = 4};
    if (rank[x->status] != rank[y->status])
        return rank[x->status] - rank[y->status];
    return g_strcmp0(x->case_number, y->case_number);
}

GPtrArray *roster_for_day(Store *s, const char *date, GDateTime *now, RosterCounts *counts, GError **error)
{
    GDate day;
    if (!schedule_parse_date(date, &day)) {
        g_set_error(error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "\"%s\" is not a date: expected YYYY-MM-DD", date);
        return NULL;
    }
    g_autofree char *today = g_date_time_format(now, "%Y-%m-%d");
    int now_min = g_date_time_get_hour(now) * 60 + g_date_time_get_minute(now);
    int cmp_today = strcmp(date, today);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           /* The day's check-ins first (the date index: a few thousand rows), then
                            * everyone: asked person by person, a year of check-ins took seconds. */
                           "WITH came AS (SELECT probationer_id, min(wall_time) AS at FROM checkins "
                           "  WHERE local_date = ?1 AND result = 'recorded' "
                           "  GROUP BY probationer_id) "
                           "SELECT p.id, p.case_number, unseal(p.name_en, 'name_en'), unseal(p.name_ur, 'name_ur'), s.rule, s.starts, s.ends, s.due_by, "
                           "  came.at "
                           "FROM probationers p LEFT JOIN schedules s ON s.probationer_id = p.id "
                           "LEFT JOIN came ON came.probationer_id = p.id "
                           "WHERE p.status = 'active'",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, error, "read the roster"), NULL;
    sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)roster_row_free);
    *counts = (RosterCounts){0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        Schedule sched;
        gboolean has = sqlite3_column_type(st, 4) != SQLITE_NULL &&
                       schedule_parse((const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
                                      (const char *)sqlite3_column_text(st, 6), (const char *)sqlite3_column_text(st, 7),
                                      &sched, NULL);
        gboolean due = has && schedule_is_due(&sched, &day);
        const char *came = (const char *)sqlite3_column_text(st, 8);
        if (!due && !came)
            continue;
        RosterRow *r = g_new0(RosterRow, 1);
        r->probationer_id = sqlite3_column_int64(st, 0);
        r->case_number = store_column_dup(st, 1);
        r->name_en = store_column_dup(st, 2);
        r->name_ur = store_column_dup(st, 3);
        r->due = due;
        r->checked_in_at = came ? g_strdup(came) : NULL;
        if (!due)
            r->status = ROSTER_UNSCHEDULED;
        else if (came)
            r->status = sched.due_by_min >= 0 && minute_of(came) > sched.due_by_min ? ROSTER_LATE : ROSTER_PRESENT;
        else if (cmp_today > 0 || (cmp_today == 0 && (sched.due_by_min < 0 || now_min <= sched.due_by_min)))
            r->status = ROSTER_EXPECTED;
        else
            r->status = ROSTER_MISSING;
        counts->due += due;
        counts->present += r->status == ROSTER_PRESENT;
        counts->late += r->status == ROSTER_LATE;
        counts->expected += r->status == ROSTER_EXPECTED;
        counts->missing += r->status == ROSTER_MISSING;
        counts->unscheduled += r->status == ROSTER_UNSCHEDULED;
        g_ptr_array_add(rows, r);
    }
    sqlite3_finalize(st);
    g_ptr_array_sort(rows, order);
    return rows;
}

gboolean roster_next_due(Store *s, gint64 probationer_id, const GDate *from, GDate *out)
{
    sqlite3_stmt *st = NULL;
    gboolean found = FALSE;
    if (sqlite3_prepare_v2(s->db, "SELECT rule, starts, ends, due_by FROM schedules WHERE probationer_id = ?", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, probationer_id);
        Schedule sched;
        if (sqlite3_step(st) == SQLITE_ROW &&
            schedule_parse((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                           (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3), &sched,
                           NULL))
            found = schedule_next_due(&sched, from, out);
    }
    sqlite3_finalize(st);
    return found;
}

void roster_row_free(RosterRow *r)
{
    if (!r)
        return;
    g_free(r->case_number);
    g_free(r->name_en);
    g_free(r->name_ur);
    g_free(r->checked_in_at);
    g_free(r);
}
