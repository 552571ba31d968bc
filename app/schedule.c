/* schedule — reporting rules. See schedule.h. */
#include "app/schedule.h"

#include <stdio.h>
#include <string.h>

#define SCHEDULE_ERROR (g_quark_from_static_string("haazri-schedule"))

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

gboolean schedule_parse_date(const char *text, GDate *out)
{
    unsigned y, m, d;
    char tail;
    g_date_clear(out, 1);
    if (!text || sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || strlen(text) != 10)
        return FALSE;
    if (!g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return FALSE;
    g_date_set_dmy(out, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
    return TRUE;
}

char *schedule_format_date(const GDate *date)
{
    return g_strdup_printf("%04u-%02u-%02u", g_date_get_year(date), g_date_get_month(date), g_date_get_day(date));
}

static gboolean bad(GError **error, const char *what, const char *value, const char *expected)
{
    g_set_error(error, SCHEDULE_ERROR, 1, "%s \"%s\" is not valid: expected %s", what, value ? value : "", expected);
    return FALSE;
}

static gboolean parse_rule(const char *rule, Schedule *s, GError **error)
{
    const char *expected = "weekly:DAY[,DAY...] (mon..sun), every:N (days) or monthly:D (1-31)";
    g_auto(GStrv) parts = g_strsplit(rule, ":", 2);
    if (g_strv_length(parts) != 2)
        return bad(error, "reporting rule", rule, expected);
    gint64 n;
    if (strcmp(parts[0], "weekly") == 0) {
        s->kind = SCHEDULE_WEEKLY;
        g_auto(GStrv) days = g_strsplit(parts[1], ",", -1);
        for (char **d = days; *d; d++) {
            int found = -1;
            for (int i = 0; i < 7; i++)
                if (g_ascii_strcasecmp(*d, day_names[i]) == 0)
                    found = i;
            if (found < 0)
                return bad(error, "reporting rule", rule, expected);
            s->weekdays |= (guint8)(1u << found);
        }
        return s->weekdays != 0 || bad(error, "reporting rule", rule, expected);
    }
    if (strcmp(parts[0], "every") == 0 && g_ascii_string_to_signed(parts[1], 10, 1, 366, &n, NULL)) {
        s->kind = SCHEDULE_EVERY;
        s->interval_days = (int)n;
        return TRUE;
    }
    if (strcmp(parts[0], "monthly") == 0 && g_ascii_string_to_signed(parts[1], 10, 1, 31, &n, NULL)) {
        s->kind = SCHEDULE_MONTHLY;
        s->day_of_month = (int)n;
        return TRUE;
    }
    return bad(error, "reporting rule", rule, expected);
}

gboolean schedule_parse(const char *rule, const char *starts, const char *ends, const char *due_by, Schedule *out,
                        GError **error)
{
    *out = (Schedule){.due_by_min = -1};
    g_date_clear(&out->starts, 1);
    g_date_clear(&out->ends, 1);
    if (!parse_rule(rule ? rule : "", out, error))
        return FALSE;
    if (!schedule_parse_date(starts, &out->starts))
        return bad(error, "start date", starts, "YYYY-MM-DD");
    if (ends && *ends && !schedule_parse_date(ends, &out->ends))
        return bad(error, "end date", ends, "YYYY-MM-DD");
    if (g_date_valid(&out->ends) && g_date_compare(&out->ends, &out->starts) < 0)
        return bad(error, "end date", ends, "a day on or after the start date");
    if (due_by && *due_by) {
        unsigned h, m;
        char tail;
        if (sscanf(due_by, "%2u:%2u%c", &h, &m, &tail) != 2 || h > 23 || m > 59)
            return bad(error, "due-by time", due_by, "HH:MM (24-hour)");
        out->due_by_min = (int)(h * 60 + m);
    }
    return TRUE;
}

gboolean schedule_is_due(const Schedule *s, const GDate *day)
{
    if (g_date_compare(day, &s->starts) < 0 || (g_date_valid(&s->ends) && g_date_compare(day, &s->ends) > 0))
        return FALSE;
    switch (s->kind) {
    case SCHEDULE_WEEKLY:
        return (s->weekdays >> (g_date_get_weekday(day) - 1)) & 1;
    case SCHEDULE_EVERY:
        return g_date_days_between(&s->starts, day) % s->interval_days == 0;
    case SCHEDULE_MONTHLY: {
        int last = g_date_get_days_in_month(g_date_get_month(day), g_date_get_year(day));
        return (int)g_date_get_day(day) == MIN(s->day_of_month, last);
    }
    }
    return FALSE;
}

gboolean schedule_next_due(const Schedule *s, const GDate *from, GDate *out)
{
    *out = *from;
    if (g_date_compare(out, &s->starts) < 0)
        *out = s->starts;
    /* Every rule repeats within 366 days. */
    for (int i = 0; i <= 366; i++, g_date_add_days(out, 1)) {
        if (g_date_valid(&s->ends) && g_date_compare(out, &s->ends) > 0)
            return FALSE;
        if (schedule_is_due(s, out))
            return TRUE;
    }
    return FALSE;
}
