/* match-report — what the enrolled gallery says about this kiosk's own scanner, for `haazri-ctl match
 * report` and for the centre (a "match" object in every heartbeat, docs/sync.md).
 *
 * The engine's threshold is a false-match rate estimated on public test sets (docs/search.md); a
 * kiosk's scanner and its people may differ. The enrolled fingers are a sample of both: each finger's
 * touches against each other are genuine comparisons, different probationers' fingers against each
 * other impostor ones (engine_report_gallery). From them: the score distributions on this scanner,
 * the false match and false non-match rates they imply at the configured threshold, and one warning
 * sentence when the enrolled prints are too poor to tell apart. Numbers only: no name, case number
 * or template is in a report.
 *
 * On the kiosk a MatchReporter computes it on a thread of its own at the lowest priority, with its
 * own connection to the database (the check-in loop never waits for it), on a sample of the gallery
 * (all 20,000 fingers would take minutes of a core), when the gallery has changed (start-up, an
 * enrollment, a roster from the centre), at most once per interval. */
#pragma once

#include <glib.h>

#include "app/store/store.h"

typedef struct {
    guint fingers, poor_fingers;        /* compared (a sample: max_fingers); poor: today's enrollment
                                         * check would refuse it */
    guint unreadable;                   /* left out: not minutiae templates (match-on-chip, damaged) */
    guint genuine, impostor;            /* comparisons made */
    double genuine_median, genuine_p10; /* scores (-log10 of a chance, app/engine/engine.h) */
    double impostor_max, impostor_p99;
    double threshold;                   /* the configured [match] threshold they were judged at */
    guint impressions;                  /* enrolled touches of the whole gallery (from the sample's
                                         * share when sampled) */
    double search_threshold;            /* what a search of that gallery is judged at: higher than
                                         * `threshold` beyond 2,000 fingers (engine_threshold_for) */
    guint false_matches, false_non_matches; /* comparisons on the wrong side of it */
    double false_match_rate, false_non_match_rate; /* their share, 0..1 (0 when none were made) */
    char *warning;                      /* one sentence when the prints are too poor, else NULL */
    char computed_at[32];               /* UTC, ISO 8601 ("2026-12-04T10:00:00Z") */
} MatchReport;

/* Reads the active fingers from `store` and compares them (blocking). `max_fingers` (0: all) takes
 * that many spread evenly over the gallery: the cost grows with the fingers compared (~0.35 ms of
 * one core per comparison, 30 per finger; docs/search.md has the measured time at 20,000). */
gboolean match_report_compute(Store *store, double threshold, guint max_fingers, MatchReport *out,
                              GError **error);
/* The kiosk's sample: 2,000 fingers = 20,000 genuine comparisons, enough for a false non-match rate
 * to ~0.2 %; `haazri-ctl match report` compares them all. */
#define MATCH_REPORT_KIOSK_FINGERS 2000
/* The warning for these numbers (static), or NULL: most genuine comparisons below the threshold, or
 * a stranger scoring as high as a typical genuine comparison (each judged on at least 10). */
const char *match_report_judge(const MatchReport *report);
MatchReport *match_report_copy(const MatchReport *report);
void match_report_clear(MatchReport *report);
void match_report_free(MatchReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MatchReport, match_report_free)

/* The kiosk's reporter: one computation at a time, on its own thread, over the database at
 * `db_path` (opened there, read only by it). */
typedef struct MatchReporter MatchReporter;
MatchReporter *match_reporter_new(const char *db_path, double threshold, guint max_fingers, guint interval_s);
/* Call from the main loop whenever convenient (the kiosk: every gallery poll). Collects a finished
 * computation; starts one when `gallery_version` differs from the last one reported and the last
 * start is `interval_s` ago or more (the first start is never held back). Never blocks. TRUE when
 * it started one. */
gboolean match_reporter_poll(MatchReporter *reporter, gint64 gallery_version);
/* Waits for a computation under way and collects it (tools and tests; the kiosk never calls it). */
void match_reporter_wait(MatchReporter *reporter);
/* The latest report (a copy), or NULL before the first is done. */
MatchReport *match_reporter_get_latest(MatchReporter *reporter);
/* Never waits: a computation under way finishes alone and is dropped (stopping the kiosk must not
 * wait tens of seconds). */
void match_reporter_free(MatchReporter *reporter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MatchReporter, match_reporter_free)
