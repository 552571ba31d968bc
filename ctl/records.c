/* records — the check-ins: a day's list, the paged log, CSV export, and the audit trail. */
#include "ctl/ctl.h"

#include <string.h>

/* ---- check-ins / audit ---- */

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
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        date = g_date_time_format(now, "%Y-%m-%d");
    } else {
        GDate d;
        g_date_clear(&d, 1);
        if (strlen(date) != 10 || !(g_date_set_parse(&d, date), g_date_valid(&d)) || date[4] != '-') {
            fprintf(stderr, "haazri-ctl checkins: --date %s is not a date: expected YYYY-MM-DD\n", date);
            return 2;
        }
    }
    g_auto(Admin) admin = {0};
    int failed = open_admin(&admin);
    if (failed)
        return failed;
    Store *store = admin.store;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = store_list_checkins(store, date, &error);
    if (!rows) {
        fprintf(stderr, "haazri-ctl checkins: %s\n", error->message);
        return 1;
    }
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_array(b);
    if (!ctl_as_json)
        printf("%-25s %-15s %-16s %-12s %s\n", "TIME", "RESULT", "CASE", "BY", "NAME");
    for (guint i = 0; i < rows->len; i++) {
        StoreCheckinRow *r = g_ptr_array_index(rows, i);
        const char *by = r->method == CHECKIN_BY_FINGER ? "finger" : "case_number";
        if (!ctl_as_json) {
            printf("%-25s %-15s %-16s %-12s %s\n", r->wall_time, store_checkin_result_name(r->result),
                   r->case_number ? r->case_number : "-", by, r->name_en ? r->name_en : "-");
            continue;
        }
        json_builder_begin_object(b);
        add_string(b, "uuid", r->uuid);
        add_string(b, "time", r->wall_time);
        add_string(b, "result", store_checkin_result_name(r->result));
        add_string(b, "case_number", r->case_number);
        add_string(b, "name_en", r->name_en);
        add_string(b, "method", by);
        add_string(b, "sync_state", r->sync_state);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    if (ctl_as_json)
        print_json(b);
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

