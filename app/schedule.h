/* schedule — when a probationer must report, from a court or officer's order in one short rule:
 *   weekly:tue            every Tuesday            weekly:mon,thu    two days a week
 *   every:14              every 14 days from the start date (fortnightly, ...)
 *   monthly:5             the 5th of each month (the last day in shorter months)
 * plus a start date, an optional end (supervision ends) and an optional time of day after which a
 * check-in counts as late. */
#pragma once

#include <glib.h>

typedef enum { SCHEDULE_WEEKLY, SCHEDULE_EVERY, SCHEDULE_MONTHLY } ScheduleKind;

typedef struct {
    ScheduleKind kind;
    guint8 weekdays;   /* WEEKLY: bit (GDateWeekday - 1), Monday = bit 0 */
    int interval_days; /* EVERY */
    int day_of_month;  /* MONTHLY: 1..31 */
    GDate starts;      /* first day the rule applies */
    GDate ends;        /* invalid (cleared) = open-ended */
    int due_by_min;    /* minutes after midnight after which a check-in is late; -1 = no limit */
} Schedule;

/* `starts`/`ends` are YYYY-MM-DD (`ends` may be NULL), `due_by` HH:MM or NULL. The error names the
 * part that is wrong and what is expected. */
gboolean schedule_parse(const char *rule, const char *starts, const char *ends, const char *due_by, Schedule *out,
                        GError **error);
gboolean schedule_is_due(const Schedule *schedule, const GDate *day);
/* The first due day on or after `from`; FALSE when none (supervision over). */
gboolean schedule_next_due(const Schedule *schedule, const GDate *from, GDate *out);
/* YYYY-MM-DD <-> GDate. */
gboolean schedule_parse_date(const char *text, GDate *out);
char *schedule_format_date(const GDate *date);
