/* roster — the officer's day: who was due (from their reporting schedules), who came and when, who
 * is late or missing, who came without being due; and a probationer's next reporting date. */
#pragma once

#include <glib.h>

#include "app/schedule.h"
#include "app/store/store.h"

typedef enum {
    ROSTER_PRESENT,     /* due and checked in on time */
    ROSTER_LATE,        /* due and checked in after the due-by time */
    ROSTER_EXPECTED,    /* due today, not yet come, still in time */
    ROSTER_MISSING,     /* due and did not come (or the due-by time has passed) */
    ROSTER_UNSCHEDULED, /* not due, came anyway */
} RosterStatus;

typedef struct {
    gint64 probationer_id;
    char *case_number, *name_en, *name_ur;
    gboolean due;
    char *checked_in_at; /* first counted check-in that day (wall time), or NULL */
    RosterStatus status;
} RosterRow;

typedef struct {
    int due, present, late, expected, missing, unscheduled;
} RosterCounts;

/* Sets (replaces) a probationer's schedule; see schedule.h for the rule. Audited. */
gboolean roster_set_schedule(Store *store, const char *case_number, const char *rule, const char *starts,
                             const char *ends, const char *due_by, const char *actor, GError **error);
/* The roster of `date` (YYYY-MM-DD) as seen at `now`: array of RosterRow*, missing and late first. */
GPtrArray *roster_for_day(Store *store, const char *date, GDateTime *now, RosterCounts *counts, GError **error);
/* The next day on or after `from` the probationer must report; FALSE when none is known. */
gboolean roster_next_due(Store *store, gint64 probationer_id, const GDate *from, GDate *out);
const char *roster_status_name(RosterStatus status);
void roster_row_free(RosterRow *row);
