/* match-report — the scanner's own numbers from the enrolled gallery. See match-report.h. */
#include "app/match-report.h"

#include <sys/resource.h>
#include <unistd.h>

#include "app/clock.h"
#include "app/engine/engine.h"

typedef struct {
    GPtrArray *templates; /* EngineTemplate* */
    GArray *people;       /* gint64 */
    guint unreadable;
    guint64 seen, stride; /* every stride-th finger is compared */
    guint max;            /* and at most this many (0: all) */
} Gallery;

static void collect(gint64 finger_id, gint64 probationer_id, const char *finger, GBytes *print, gpointer data)
{
    (void)finger_id, (void)finger;
    Gallery *g = data;
    if (g->seen++ % g->stride != 0 || (g->max && g->templates->len >= g->max))
        return;
    EngineTemplate *t = engine_template_parse(g_bytes_get_data(print, NULL), g_bytes_get_size(print), NULL);
    if (!t) {
        g->unreadable++; /* match-on-chip or damaged: the engine can't compare it */
        return;
    }
    g_ptr_array_add(g->templates, t);
    g_array_append_val(g->people, probationer_id);
}

/* Fewer comparisons than this say nothing either way. */
#define JUDGE_MIN_COMPARISONS 10

const char *match_report_judge(const MatchReport *r)
{
    if (r->genuine >= JUDGE_MIN_COMPARISONS && r->genuine_median < r->threshold)
        return "most enrolled fingers score below the threshold against their own other touches: the "
               "scanner's prints are too poor (clean the glass, check the scanner) or the fingers were "
               "enrolled carelessly; many people will not be recognised";
    if (r->impostor >= JUDGE_MIN_COMPARISONS && r->genuine >= JUDGE_MIN_COMPARISONS &&
        r->impostor_max >= r->genuine_median)
        return "a stranger's finger scores as high as a typical genuine one: enrolled prints are too poor "
               "to tell people apart reliably";
    return NULL;
}

gboolean match_report_compute(Store *store, double threshold, guint max_fingers, MatchReport *out,
                              GError **error)
{
    *out = (MatchReport){0};
    Gallery g = {g_ptr_array_new_with_free_func((GDestroyNotify)engine_template_free),
                 g_array_new(FALSE, FALSE, sizeof(gint64)), 0, 0, 1, max_fingers};
    StoreSummary sum;
    gboolean ok = store_get_summary(store, &sum, error);
    if (ok && max_fingers && sum.fingers > max_fingers)
        g.stride = ((guint64)sum.fingers + max_fingers - 1) / max_fingers; /* spread over the whole gallery */
    ok = ok && store_foreach_active_finger(store, collect, &g, error);
    if (ok) {
        guint64 touches = 0;
        for (guint i = 0; i < g.templates->len; i++)
            touches += engine_template_get_impressions(g.templates->pdata[i]);
        if (g.stride > 1 && g.templates->len) /* a sample: its share of the whole gallery */
            touches = touches * (guint64)sum.fingers / (g.templates->len + g.unreadable);
        EngineReport r;
        engine_report_gallery((EngineTemplate *const *)g.templates->pdata, (const gint64 *)g.people->data,
                              g.templates->len, threshold, &r);
        *out = (MatchReport){
            .fingers = r.fingers, .poor_fingers = r.poor_fingers, .unreadable = g.unreadable,
            .genuine = r.genuine, .impostor = r.impostor,
            .genuine_median = r.genuine_median, .genuine_p10 = r.genuine_p10,
            .impostor_max = r.impostor_max, .impostor_p99 = r.impostor_p99, .threshold = threshold,
            .impressions = (guint)MIN(touches, G_MAXUINT),
            .search_threshold = engine_threshold_for(threshold, (guint)MIN(touches, G_MAXUINT)),
            .false_matches = r.false_matches, .false_non_matches = r.false_non_matches,
            .false_match_rate = r.impostor ? (double)r.false_matches / r.impostor : 0,
            .false_non_match_rate = r.genuine ? (double)r.false_non_matches / r.genuine : 0,
        };
        out->warning = g_strdup(match_report_judge(out));
        g_autoptr(GDateTime) now = clock_now_utc();
        g_autofree char *at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
        g_strlcpy(out->computed_at, at, sizeof out->computed_at);
    }
    g_ptr_array_unref(g.templates);
    g_array_unref(g.people);
    return ok;
}

MatchReport *match_report_copy(const MatchReport *report)
{
    MatchReport *copy = g_new(MatchReport, 1);
    *copy = *report;
    copy->warning = g_strdup(report->warning);
    return copy;
}

void match_report_clear(MatchReport *report)
{
    g_clear_pointer(&report->warning, g_free);
}

void match_report_free(MatchReport *report)
{
    if (!report)
        return;
    match_report_clear(report);
    g_free(report);
}

/* ---- the kiosk's reporter ---- */

/* One computation, shared by its thread and the reporter. The reporter never waits for it at
 * shutdown: it gives it up (`abandoned`) and the thread frees it when done, or the process ends
 * first (a read-only connection killed mid-read harms nothing). */
typedef struct {
    char *db_path;
    double threshold;
    guint max_fingers;
    GMutex lock;
    gboolean done, abandoned;
    MatchReport *result; /* NULL when it failed */
} Job;

static void job_free(Job *job)
{
    g_mutex_clear(&job->lock);
    match_report_free(job->result);
    g_free(job->db_path);
    g_free(job);
}

struct MatchReporter {
    char *db_path;
    double threshold;
    guint max_fingers;
    gint64 interval_us;
    gint64 reported_version; /* the gallery version of the latest report (or the one under way) */
    gint64 started_us;       /* monotonic; 0 = never */
    GThread *thread;         /* a computation under way (its job), NULL when none */
    Job *job;
    MatchReport *latest;
};

static gboolean job_abandoned(Job *job)
{
    g_mutex_lock(&job->lock);
    gboolean abandoned = job->abandoned;
    g_mutex_unlock(&job->lock);
    return abandoned;
}

static gpointer compute_thread(gpointer data)
{
    Job *job = data;
    g_autoptr(GError) error = NULL;
    MatchReport *report = NULL;
    /* Tens of seconds of one core even sampled (docs/search.md): the engine's search threads and
     * the screen come first. Linux sets a thread's nice value by its id. */
    if (setpriority(PRIO_PROCESS, (id_t)gettid(), 19) != 0)
        g_debug("match report: could not lower its thread's priority");
    /* A connection of its own: the main loop's one stays free for check-ins (SQLite in WAL mode
     * lets this read beside them). */
    g_autoptr(Store) store = job_abandoned(job) ? NULL : store_open(job->db_path, &error);
    if (store) {
        report = g_new0(MatchReport, 1);
        if (!match_report_compute(store, job->threshold, job->max_fingers, report, &error))
            g_clear_pointer(&report, match_report_free);
    }
    g_mutex_lock(&job->lock);
    if (!report && !job->abandoned) /* else the kiosk is stopping (its data folder may be gone) */
        g_warning("match report: %s", error->message);
    job->result = report;
    job->done = TRUE;
    gboolean abandoned = job->abandoned;
    g_mutex_unlock(&job->lock);
    if (abandoned)
        job_free(job);
    return NULL;
}

MatchReporter *match_reporter_new(const char *db_path, double threshold, guint max_fingers, guint interval_s)
{
    MatchReporter *r = g_new0(MatchReporter, 1);
    r->db_path = g_strdup(db_path);
    r->threshold = threshold;
    r->max_fingers = max_fingers;
    r->interval_us = (gint64)interval_s * G_USEC_PER_SEC;
    r->reported_version = G_MININT64;
    return r;
}

/* The thread has finished (or `wait`): take its report. */
static void collect_result(MatchReporter *r, gboolean wait)
{
    if (!r->thread)
        return;
    g_mutex_lock(&r->job->lock);
    gboolean done = r->job->done;
    g_mutex_unlock(&r->job->lock);
    if (!done && !wait)
        return;
    g_thread_join(g_steal_pointer(&r->thread));
    Job *job = g_steal_pointer(&r->job);
    if (job->result) {
        match_report_free(r->latest);
        r->latest = g_steal_pointer(&job->result);
    } else {
        r->reported_version = G_MININT64; /* it failed: try again after the interval */
    }
    job_free(job);
}

gboolean match_reporter_poll(MatchReporter *r, gint64 gallery_version)
{
    collect_result(r, FALSE);
    gint64 now = g_get_monotonic_time();
    if (r->thread || gallery_version == r->reported_version ||
        (r->started_us && now - r->started_us < r->interval_us))
        return FALSE;
    Job *job = g_new0(Job, 1);
    job->db_path = g_strdup(r->db_path);
    job->threshold = r->threshold;
    job->max_fingers = r->max_fingers;
    g_mutex_init(&job->lock);
    g_autoptr(GError) error = NULL;
    r->thread = g_thread_try_new("match-report", compute_thread, job, &error);
    if (!r->thread) {
        g_warning("match report: cannot start its thread: %s", error->message);
        job_free(job);
        return FALSE;
    }
    r->job = job;
    r->reported_version = gallery_version;
    r->started_us = now;
    return TRUE;
}

void match_reporter_wait(MatchReporter *r)
{
    collect_result(r, TRUE);
}

MatchReport *match_reporter_get_latest(MatchReporter *r)
{
    return r->latest ? match_report_copy(r->latest) : NULL;
}

void match_reporter_free(MatchReporter *r)
{
    if (!r)
        return;
    collect_result(r, FALSE);
    if (r->thread) { /* still computing: let it finish alone, so that stopping the kiosk never waits */
        g_mutex_lock(&r->job->lock);
        gboolean done = r->job->done;
        r->job->abandoned = !done;
        g_mutex_unlock(&r->job->lock);
        if (done)
            collect_result(r, TRUE);
        else
            g_thread_unref(g_steal_pointer(&r->thread));
    }
    match_report_free(r->latest);
    g_free(r->db_path);
    g_free(r);
}
