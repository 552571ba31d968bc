/* bench-log — the officer's check-in log on a year of records: 1,000,000 check-ins by 3,000
 * probationers over 365 days (synthetic rows, inserted in bulk), queried through store_query_log():
 *   officer_log_query_ms         first page, no filter (what the log opens with)
 *   officer_log_page_deep_ms     a page half a year back (keyset paging)
 *   officer_log_date_ms          one day, mid-year
 *   officer_log_search_ms        a name search
 *   officer_log_result_ms        only "not recognised"
 *   officer_today_ms             the officer's Today: who of the 3,000 was due that day (each with a
 *                                weekly, fortnightly or monthly schedule), present, late or missing
 * each the median of 20 runs, and `haazri_db_mb_per_million` for the disk it takes. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "app/roster.h"
#include "app/store/store-private.h"
#include "tests/helpers.h"

enum { PEOPLE = 3000, ROWS = 1000000, RUNS = 20 };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_ms(Store *s, const StoreLogQuery *q, guint *rows)
{
    double t[RUNS];
    for (int i = 0; i < RUNS; i++) {
        gint64 t0 = g_get_monotonic_time();
        g_autoptr(GPtrArray) r = store_query_log(s, q, NULL);
        t[i] = (g_get_monotonic_time() - t0) / 1000.0;
        *rows = r ? r->len : 0;
    }
    qsort(t, RUNS, sizeof *t, cmp_double);
    return t[RUNS / 2];
}

/* Everyone reports on a schedule: weekly on one or two days, every 14 days, or monthly (added to a
 * database built before this measurement too). */
static void fill_schedules(Store *s)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(s->db, "SELECT count(*) FROM schedules", -1, &st, NULL);
    gboolean have = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    if (have)
        return;
    const char *rules[] = {"weekly:mon", "weekly:tue,fri", "every:14", "monthly:15", "weekly:wed", "weekly:thu"};
    sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(s->db, "INSERT INTO schedules (probationer_id, rule, starts, due_by, updated_at) "
                              "VALUES (?, ?, '2026-01-05', '12:00', '2026-01-01')", -1, &st, NULL);
    for (int i = 1; i <= PEOPLE; i++) {
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, rules[i % G_N_ELEMENTS(rules)], -1, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(s->db, "COMMIT; ANALYZE", NULL, NULL, NULL);
}

static void fill(Store *s)
{
    sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *p = NULL, *c = NULL;
    sqlite3_prepare_v2(s->db, "INSERT INTO probationers (case_number, name_en, office, created_at, updated_at) "
                              "VALUES (?, ?, 'Lahore', '2026-01-01', '2026-01-01')", -1, &p, NULL);
    const char *first[] = {"Ali", "Bilal", "Fatima", "Usman", "Nadia", "Kashif", "Sana", "Zubair", "Ayesha", "Hamza"};
    const char *last[] = {"Raza", "Ahmed", "Bibi", "Tariq", "Parveen", "Mehmood", "Iqbal", "Hussain", "Siddiqui", "Yousaf"};
    for (int i = 0; i < PEOPLE; i++) {
        char cn[32], name[64];
        g_snprintf(cn, sizeof cn, "LHR-2026-%05d", i);
        g_snprintf(name, sizeof name, "%s %s %d", first[i % 10], last[(i / 10) % 10], i);
        sqlite3_bind_text(p, 1, cn, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(p, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_step(p);
        sqlite3_reset(p);
    }
    sqlite3_finalize(p);
    sqlite3_prepare_v2(s->db,
                       "INSERT INTO checkins (uuid, probationer_id, method, result, wall_time, wall_utc_us, "
                       "local_date, mono_us, boot_id, device_id) VALUES (?, ?, 'finger', ?, ?, ?, ?, 0, 'b', 'bench')",
                       -1, &c, NULL);
    GDateTime *start = g_date_time_new_utc(2026, 1, 1, 8, 0, 0);
    for (int i = 0; i < ROWS; i++) {
        g_autoptr(GDateTime) t = g_date_time_add_seconds(start, (double)i * (365.0 * 86400 / ROWS));
        g_autofree char *wall = g_date_time_format(t, "%Y-%m-%dT%H:%M:%S+05:00");
        g_autofree char *day = g_date_time_format(t, "%Y-%m-%d");
        g_autofree char *uuid = g_uuid_string_random();
        int unknown = i % 25 == 0;
        sqlite3_bind_text(c, 1, uuid, -1, SQLITE_TRANSIENT);
        if (unknown)
            sqlite3_bind_null(c, 2);
        else
            sqlite3_bind_int64(c, 2, 1 + (i * 7919) % PEOPLE);
        sqlite3_bind_text(c, 3, unknown ? "not_recognised" : i % 11 == 0 ? "duplicate" : "recorded", -1, SQLITE_STATIC);
        sqlite3_bind_text(c, 4, wall, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(c, 5, g_date_time_to_unix(t) * G_USEC_PER_SEC);
        sqlite3_bind_text(c, 6, day, -1, SQLITE_TRANSIENT);
        sqlite3_step(c);
        sqlite3_reset(c);
    }
    g_date_time_unref(start);
    sqlite3_finalize(c);
    sqlite3_exec(s->db, "COMMIT; ANALYZE", NULL, NULL, NULL);
}

int main(void)
{
    const char *build = g_getenv("HAAZRI_BUILD") ? g_getenv("HAAZRI_BUILD") : "build";
    g_autofree char *path = g_build_filename(build, "bench-log.db", NULL);
    g_autoptr(GError) error = NULL;
    gboolean fresh = !g_file_test(path, G_FILE_TEST_EXISTS);
    g_autoptr(Store) s = store_open(path, &error);
    if (!s) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    if (fresh) /* built once (about a minute), reused by later runs */
        fill(s);
    sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    struct stat st;
    stat(path, &st);
    printf("bench: haazri_db_mb_per_million %.0f MB\n", st.st_size / 1048576.0 * 1000000.0 / ROWS);

    guint n = 0;
    StoreLogQuery first = {.limit = 50};
    printf("bench: officer_log_query_ms %.2f ms\n", median_ms(s, &first, &n));
    g_autoptr(GPtrArray) mid = store_query_log(s, &(StoreLogQuery){.to = "2026-07-01", .limit = 1}, NULL);
    StoreLogQuery deep = {.before_id = mid && mid->len ? ((StoreCheckinRow *)mid->pdata[0])->id : 0, .limit = 50};
    printf("bench: officer_log_page_deep_ms %.2f ms\n", median_ms(s, &deep, &n));
    StoreLogQuery day = {.from = "2026-06-15", .to = "2026-06-15", .limit = 50};
    printf("bench: officer_log_date_ms %.2f ms\n", median_ms(s, &day, &n));
    StoreLogQuery name = {.text = "Ayesha Raza 1208", .limit = 50};
    printf("bench: officer_log_search_ms %.2f ms\n", median_ms(s, &name, &n));
    fprintf(stderr, "name search found %u rows\n", n);
    StoreLogQuery unknown = {.result = "not_recognised", .limit = 50};
    printf("bench: officer_log_result_ms %.2f ms\n", median_ms(s, &unknown, &n));

    fill_schedules(s);
    g_autoptr(GDateTime) evening = g_date_time_new_local(2026, 6, 15, 18, 0, 0); /* a Monday */
    double t[RUNS];
    RosterCounts counts = {0};
    for (int i = 0; i < RUNS; i++) {
        gint64 t0 = g_get_monotonic_time();
        g_autoptr(GPtrArray) rows = roster_for_day(s, "2026-06-15", evening, &counts, &error);
        t[i] = (g_get_monotonic_time() - t0) / 1000.0;
        if (!rows) {
            fprintf(stderr, "%s\n", error->message);
            return 1;
        }
    }
    qsort(t, RUNS, sizeof *t, cmp_double);
    printf("bench: officer_today_ms %.2f ms\n", t[RUNS / 2]);
    fprintf(stderr, "today: %d due, %d present, %d late, %d missing\n", counts.due, counts.present, counts.late,
            counts.missing);
    return 0;
}
