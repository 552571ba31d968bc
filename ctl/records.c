/* records — the check-ins: a day's list, the paged log, CSV export, and the audit trail. */
#include "ctl/ctl.h"
#include "app/clock.h"

#include <string.h>

#include "app/export.h"
#include "app/schedule.h"

/* ---- check-ins / log ---- */

/* YYYY-MM-DD and a real day: the same reading the schedules use. */
static gboolean valid_date(const char *date)
{
    GDate d;
    return schedule_parse_date(date, &d);
}

static void print_row_json(JsonBuilder *b, const StoreCheckinRow *r)
{
    json_builder_begin_object(b);
    add_int(b, "id", r->id);
    add_string(b, "uuid", r->uuid);
    add_string(b, "time", r->wall_time);
    add_string(b, "result", store_checkin_result_name(r->result));
    add_string(b, "case_number", r->case_number);
    add_string(b, "name_en", r->name_en);
    add_string(b, "name_ur", r->name_ur);
    add_string(b, "method", r->method == CHECKIN_BY_FINGER ? "finger" : "case_number");
    add_string(b, "sync_state", r->sync_state);
    json_builder_end_object(b);
}

/* A list of check-ins as a table or JSON (with --json). */
static void print_rows(GPtrArray *rows)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    if (!ctl_as_json)
        printf("%-8s %-25s %-15s %-16s %-12s %s\n", "ID", "TIME", "RESULT", "CASE", "BY", "NAME");
    for (guint i = 0; i < rows->len; i++) {
        StoreCheckinRow *r = g_ptr_array_index(rows, i);
        if (ctl_as_json)
            print_row_json(b, r);
        else
            printf("%-8" G_GINT64_FORMAT " %-25s %-15s %-16s %-12s %s\n", r->id, r->wall_time,
                   store_checkin_result_name(r->result), r->case_number ? r->case_number : "-",
                   r->method == CHECKIN_BY_FINGER ? "finger" : "case_number", r->name_en ? r->name_en : "-");
    }
    json_builder_end_array(b);
    if (ctl_as_json)
        print_json(b);
}

int cmd_checkins(int argc, char **argv)
{
    g_autofree char *date = NULL;
    GOptionEntry entries[] = {
        {"date", 0, 0, G_OPTION_ARG_STRING, &date, "day to list, YYYY-MM-DD (default today)", "DATE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("checkins", "", "list a day's check-ins", entries, TRUE, &argc, &argv))
        return 2;
    if (!date) {
        g_autoptr(GDateTime) now = clock_now();
        date = g_date_time_format(now, "%Y-%m-%d");
    } else if (!valid_date(date)) {
        fprintf(stderr, "haazri-ctl checkins: --date %s is not a date: expected YYYY-MM-DD\n", date);
        return 2;
    }
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = store_list_checkins(admin.store, date, &error);
    if (!rows) {
        fprintf(stderr, "haazri-ctl checkins: %s\n", error->message);
        return 1;
    }
    print_rows(rows);
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    if (!parse("audit", "verify", "check that no audit row was edited or deleted", NULL, FALSE, &argc, &argv))
        return 2;
    if (!expect_action("audit", argc, argv, "verify"))
        return 2;
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    Store *store = admin.store;
    g_autoptr(GError) error = NULL;
    if (!store_verify_audit(store, &error)) {
        fprintf(stderr, "haazri-ctl audit: %s\n", error->message);
        return 1;
    }
    printf("audit trail intact\n");
    return 0;
}


int cmd_log(int argc, char **argv)
{
    g_autofree char *from = NULL, *to = NULL, *result = NULL, *search = NULL;
    gint64 before = 0;
    int limit = 50;
    GOptionEntry entries[] = {
        {"from", 0, 0, G_OPTION_ARG_STRING, &from, "first day, YYYY-MM-DD", "DATE"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &to, "last day, YYYY-MM-DD", "DATE"},
        {"result", 0, 0, G_OPTION_ARG_STRING, &result, "recorded, duplicate or not_recognised", "RESULT"},
        {"search", 0, 0, G_OPTION_ARG_FILENAME, &search, "part of a name, or the start of a case number", "TEXT"},
        {"before", 0, 0, G_OPTION_ARG_INT64, &before, "next page: the id of the last row shown", "ID"},
        {"limit", 0, 0, G_OPTION_ARG_INT, &limit, "rows per page (default 50)", "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("log", "", "the check-in log, newest first, a page at a time", entries, TRUE, &argc, &argv))
        return 2;
    const char *bad = from && !valid_date(from) ? from : to && !valid_date(to) ? to : NULL;
    if (bad) {
        fprintf(stderr, "haazri-ctl log: %s is not a date: expected YYYY-MM-DD\n", bad);
        return 2;
    }
    if (result && strcmp(result, "recorded") && strcmp(result, "duplicate") && strcmp(result, "not_recognised")) {
        fprintf(stderr, "haazri-ctl log: --result %s: expected recorded, duplicate or not_recognised\n", result);
        return 2;
    }
    if (limit < 1 || limit > 1000) {
        fprintf(stderr, "haazri-ctl log: --limit %d: expected 1 to 1000\n", limit);
        return 2;
    }
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    StoreLogQuery q = {.from = from, .to = to, .result = result, .text = search, .before_id = before, .limit = limit};
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = store_query_log(admin.store, &q, &error);
    if (!rows) {
        fprintf(stderr, "haazri-ctl log: %s\n", error->message);
        return 1;
    }
    print_rows(rows);
    if (!ctl_as_json && rows->len == (guint)limit)
        printf("more: --before %" G_GINT64_FORMAT "\n", ((StoreCheckinRow *)g_ptr_array_index(rows, rows->len - 1))->id);
    return 0;
}

int cmd_export(int argc, char **argv)
{
    g_autofree char *from = NULL, *to = NULL, *dir = NULL;
    GOptionEntry entries[] = {
        {"from", 0, 0, G_OPTION_ARG_STRING, &from, "first day, YYYY-MM-DD (required)", "DATE"},
        {"to", 0, 0, G_OPTION_ARG_STRING, &to, "last day, YYYY-MM-DD (default: --from)", "DATE"},
        {"dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "folder to write to (default: the USB stick)", "DIR"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("export", "", "check-ins as CSV with a SHA-256 manifest, to a USB stick or a folder", entries, FALSE,
               &argc, &argv))
        return 2;
    if (!from || !valid_date(from) || (to && !valid_date(to))) {
        fprintf(stderr, "haazri-ctl export: --from (and --to) must be dates: YYYY-MM-DD\n");
        return 2;
    }
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    if (!dir) {
        g_autoptr(GPtrArray) media = export_find_removable_media();
        if (media->len == 0) {
            fprintf(stderr, "haazri-ctl export: no USB stick found: insert one (it is looked for under /media and "
                            "/run/media), or give --dir\n");
            return 1;
        }
        dir = g_strdup(g_ptr_array_index(media, 0));
    }
    g_autoptr(GError) error = NULL;
    ExportResult r;
    if (!export_checkins(admin.store, admin.config->device_id, from, to ? to : from, dir, &r, &error)) {
        fprintf(stderr, "haazri-ctl export: %s\n", error->message);
        return 1;
    }
    g_autofree char *detail = g_strdup_printf("%s..%s, %" G_GINT64_FORMAT " rows, sha256 %s", from, to ? to : from,
                                              r.rows, r.sha256);
    store_audit(admin.store, actor(), "checkins.export", r.csv_path, detail, NULL);
    printf("wrote %" G_GINT64_FORMAT " check-ins to %s\nmanifest %s (sha256 %s)\n", r.rows, r.csv_path,
           r.manifest_path, r.sha256);
    export_result_clear(&r);
    return 0;
}
