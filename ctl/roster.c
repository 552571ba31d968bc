/* roster — reporting schedules and the day's roster (who was due, who came, who is late or missing). */
#include "ctl/ctl.h"
#include "app/clock.h"

#include <string.h>

#include "app/roster.h"

int cmd_schedule(int argc, char **argv)
{
    g_autofree char *rule = NULL, *from = NULL, *until = NULL, *by = NULL;
    GOptionEntry entries[] = {
        {"rule", 0, 0, G_OPTION_ARG_STRING, &rule, "weekly:tue[,fri], every:14 or monthly:5 (required)", "RULE"},
        {"from", 0, 0, G_OPTION_ARG_STRING, &from, "first reporting day, YYYY-MM-DD (default today)", "DATE"},
        {"until", 0, 0, G_OPTION_ARG_STRING, &until, "end of supervision, YYYY-MM-DD", "DATE"},
        {"by", 0, 0, G_OPTION_ARG_STRING, &by, "report by this time, HH:MM; later counts as late", "TIME"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("schedule", "CASE", "set when a probationer must report", entries, FALSE, &argc, &argv))
        return 2;
    if (argc != 2 || !rule) {
        fprintf(stderr, "haazri-ctl schedule: give one case number and --rule\n");
        return 2;
    }
    if (!from) {
        g_autoptr(GDateTime) now = clock_now();
        from = g_date_time_format(now, "%Y-%m-%d");
    }
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    g_autoptr(GError) error = NULL;
    if (!roster_set_schedule(admin.store, argv[1], rule, from, until, by, actor(), &error)) {
        fprintf(stderr, "haazri-ctl schedule: %s\n", error->message);
        return 1;
    }
    printf("%s reports %s from %s%s%s%s%s\n", argv[1], rule, from, until ? " until " : "", until ? until : "",
           by ? " by " : "", by ? by : "");
    return 0;
}

int cmd_today(int argc, char **argv)
{
    g_autofree char *date = NULL;
    GOptionEntry entries[] = {
        {"date", 0, 0, G_OPTION_ARG_STRING, &date, "another day, YYYY-MM-DD (default today)", "DATE"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    if (!parse("today", "", "the day's roster: due, present, late, expected, missing", entries, TRUE, &argc, &argv))
        return 2;
    g_autoptr(GDateTime) now = clock_now();
    if (!date)
        date = g_date_time_format(now, "%Y-%m-%d");
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    g_autoptr(GError) error = NULL;
    RosterCounts n;
    g_autoptr(GPtrArray) rows = roster_for_day(admin.store, date, now, &n, &error);
    if (!rows) {
        fprintf(stderr, "haazri-ctl today: %s\n", error->message);
        return error->code == STORE_ERROR_NOT_FOUND ? 2 : 1;
    }
    if (ctl_as_json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        add_string(b, "date", date);
        const char *keys[] = {"due", "present", "late", "expected", "missing", "unscheduled"};
        int values[] = {n.due, n.present, n.late, n.expected, n.missing, n.unscheduled};
        for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
            add_int(b, keys[i], values[i]);
        json_builder_set_member_name(b, "people");
        json_builder_begin_array(b);
        for (guint i = 0; i < rows->len; i++) {
            RosterRow *r = rows->pdata[i];
            json_builder_begin_object(b);
            add_string(b, "case_number", r->case_number);
            add_string(b, "name_en", r->name_en);
            add_string(b, "name_ur", r->name_ur);
            add_string(b, "status", roster_status_name(r->status));
            add_string(b, "checked_in_at", r->checked_in_at);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
        print_json(b);
        return 0;
    }
    printf("%s: %d due — %d present, %d late, %d expected, %d missing; %d came without being due\n\n", date, n.due,
           n.present, n.late, n.expected, n.missing, n.unscheduled);
    printf("%-12s %-16s %-6s %s\n", "STATUS", "CASE", "AT", "NAME");
    for (guint i = 0; i < rows->len; i++) {
        RosterRow *r = rows->pdata[i];
        g_autofree char *at = r->checked_in_at && strlen(r->checked_in_at) >= 16 ? g_strndup(r->checked_in_at + 11, 5)
                                                                                 : g_strdup("-");
        printf("%-12s %-16s %-6s %s\n", roster_status_name(r->status), r->case_number, at, r->name_en);
    }
    return 0;
}
