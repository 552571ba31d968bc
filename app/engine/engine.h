/* engine — Haazri's own 1:N fingerprint search: who, among every enrolled finger, left this print?
 *
 * Works on the minutiae libfprint already extracts (NBIS mindtct) and stores in fp_print_serialize's
 * GVariant, `a(aiaiai)` = per impression the x, y and direction columns: the format fprintd keeps on
 * disk, stable across libfprint versions. libfprint's own identify runs bozorth3 on every enrolled
 * template in turn (~2.35 ms each on FVC2002 images, measured) and stops at the first one over its
 * threshold; this engine scores the whole gallery and takes the best, so a stranger who clears the
 * threshold by chance against one of 10,000 people does not win just by coming first.
 *
 * How (docs/search.md has the numbers):
 *   - a template is preprocessed once when added: minutiae in a compact layout, and every impression's
 *     minutia pairs (distance, both directions relative to the line between them) as 4-byte codes;
 *   - a search scans every impression's pairs for those the probe also has, each casting a vote for
 *     the turn and shift that would lay the probe on the impression (a Hough transform), to pick a
 *     few dozen candidates per shard, then scores those with the full pair matcher (rotation and
 *     translation consensus, one-to-one minutia assignment, and a structure check: the matched
 *     minutiae must agree with each other two by two);
 *   - the gallery is split into one shard per core, searched in parallel by a small thread pool;
 *   - add and remove are incremental: a removed finger stops matching at once and its index entries
 *     are swept out later in one pass, never by re-reading templates; start-up adds the gallery
 *     in a few large calls (app/search.c: 1,000 fingers each) that parse and index on every
 *     shard's thread.
 *
 * Thread-safety: every function may be called from any thread; searches run concurrently with each
 * other and wait for an add or remove in progress (a read-write lock). */
#pragma once

#include <gio/gio.h>

#define ENGINE_ERROR (g_quark_from_static_string("haazri-engine"))
typedef enum {
    ENGINE_ERROR_MALFORMED, /* not a readable fp_print_serialize template */
    ENGINE_ERROR_FOREIGN,   /* a real template, but not minutiae (e.g. stored on a match-on-chip sensor) */
    ENGINE_ERROR_EXISTS,    /* that finger id is already in the gallery */
    ENGINE_ERROR_POOR,      /* an enrollment too poor to match later */
} EngineError;

/* One finger's minutiae: every impression enrolled, or the single impression of a probe. */
typedef struct EngineTemplate EngineTemplate;

/* Reads fp_print_serialize() output. Anything else is refused with a sentence saying what is wrong
 * (never a crash, never the template's content in the message). */
EngineTemplate *engine_template_parse(const guint8 *data, gsize len, GError **error);
/* Whether `data` may be given to libfprint's fp_print_deserialize(), which trusts the frame and
 * makes GLib abort on a damaged one (a real template with two bytes changed: SIGTRAP). Minutiae
 * templates must pass engine_template_parse(); a scanner's own (match-on-chip) template must have
 * a readable frame. Every template from outside goes through this first. */
gboolean engine_template_check(const guint8 *data, gsize len, GError **error);
/* Builds a template from columns: impression k has counts[k] minutiae, taken in order from x, y and
 * theta (degrees, NIST convention: counter-clockwise, y up). For tests and benchmarks. */
EngineTemplate *engine_template_new(guint n_impressions, const guint *counts, const gint32 *x,
                                    const gint32 *y, const gint32 *theta, GError **error);
EngineTemplate *engine_template_copy(const EngineTemplate *template);
void engine_template_free(EngineTemplate *template);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EngineTemplate, engine_template_free)
guint engine_template_get_impressions(const EngineTemplate *template);
guint engine_template_get_minutiae(const EngineTemplate *template, guint impression);
/* A template of that one impression (a probe made from one enrolled scan). */
EngineTemplate *engine_template_get_impression(const EngineTemplate *template, guint impression);
/* Minutia `i` of `impression`: x, y in pixels, theta in degrees 0..359. */
void engine_template_get_minutia(const EngineTemplate *template, guint impression, guint i,
                                 gint32 *x, gint32 *y, gint32 *theta);

/* 1:1 score of a probe (its first impression) against `gallery`: the pair matcher's best impression,
 * with that impression's cylinders compared too, both fused. -log10 of the estimated chance that a
 * different finger shares as much (6: one in a million); the same print scores far above 20. */
double engine_template_match(const EngineTemplate *probe, const EngineTemplate *gallery);

/* What a score is made of: how many minutiae the two prints share (paired, and agreeing with each
 * other's positions) out of how many each has where they overlap. */
typedef struct {
    guint matched;
    guint probe_in, gallery_in; /* minutiae in the overlap, a broken ridge's two ends left out (at
                                 * least 12: less is too little to judge) */
    guint probe_n, gallery_n;   /* minutiae in each print */
    double cylinders; /* the same two impressions by Minutia Cylinder-Code, 0..1; < 0: not compared */
} EngineMatchStats;
/* How those numbers become a score: fitted on impostor pairs (app/engine/engine-score.c). a, b, c:
 * the pair matcher's count; q, beta: the cylinders' similarity; fq, fbeta: the two together. */
typedef struct {
    double a, b, c;
    double q, beta;
    double fq, fbeta;
} EngineCalibration;
const EngineCalibration *engine_calibration_default(void);
double engine_calibration_score(const EngineCalibration *cal, const EngineMatchStats *stats);
/* Fits a calibration to `n` impostor comparisons (different fingers). */
void engine_calibration_fit(EngineCalibration *cal, const EngineMatchStats *impostors, guint n);
/* Refuses an enrollment that later touches could not match: an impression with too few minutiae,
 * or one that shares too little with every other impression of the finger. The message says which
 * touch and what to do. */
gboolean engine_template_check_enrollment(const EngineTemplate *t, GError **error);
/* engine_template_match, and the numbers behind the best impression's score. */
double engine_template_match_stats(const EngineTemplate *probe, const EngineTemplate *gallery,
                                   EngineMatchStats *stats);

/* The second matcher, Minutia Cylinder-Code (app/engine/engine-mcc.c): each minutia described by
 * everything around it. Its similarity (0..1) alone is not a decision: the score fuses it with the
 * pair matcher's (engine-score.c). */
typedef struct EngineCylinders EngineCylinders;
EngineCylinders *engine_cylinders_new(const EngineTemplate *template, guint impression);
void engine_cylinders_free(EngineCylinders *cylinders);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EngineCylinders, engine_cylinders_free)
double engine_cylinders_similarity(const EngineCylinders *a, const EngineCylinders *b);
/* The probe (its first impression) against every impression of `gallery`: the best similarity. */
double engine_template_match_cylinders(const EngineTemplate *probe, const EngineTemplate *gallery);

typedef struct Engine Engine;

/* The score is -log10 of the chance that a different finger shares this much (app/engine/engine-score.c):
 * 6 = one comparison in a million. The margin is in the same powers of ten. Measured per scanner in
 * docs/search.md. */
#define ENGINE_DEFAULT_THRESHOLD 6.0
#define ENGINE_DEFAULT_MARGIN 1.0

/* The threshold a search of `impressions` enrolled touches is judged at. The configured one is a
 * false-match rate per comparison, and a search compares a touch with every enrolled impression: the
 * chance that some stranger clears it grows with the gallery. Up to ENGINE_SCALE_IMPRESSIONS (2,000
 * fingers of 5 touches) it is the configured threshold; beyond, it rises by log10 of how many times
 * larger the gallery is, so a stranger's touch finds someone over the threshold no more often in a
 * gallery of 20,000 fingers (+1) than in one of 2,000 (measured in docs/search.md). */
#define ENGINE_SCALE_IMPRESSIONS 10000
double engine_threshold_for(double threshold, guint impressions);

/* `threads` = shards searched in parallel (0: one per processor). */
Engine *engine_new(guint threads);
Engine *engine_ref(Engine *engine);
void engine_unref(Engine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Engine, engine_unref)

/* The decision: a match needs best score >= threshold and best - (best of any other probationer)
 * >= margin. */
void engine_set_rule(Engine *engine, double threshold, double margin);
/* Scores with `cal` from now on (benchmarks: a calibration fitted without the set measured). */
void engine_set_calibration(Engine *engine, const EngineCalibration *cal);

/* Adds a finger (takes `template`). Refuses a finger id already present. */
gboolean engine_add(Engine *engine, gint64 finger_id, gint64 probationer_id,
                    EngineTemplate *template, GError **error);
/* Parses fp_print_serialize() output and adds it. */
gboolean engine_add_print(Engine *engine, gint64 finger_id, gint64 probationer_id,
                          GBytes *print, GError **error);
/* One finger of a bulk load. */
typedef struct {
    gint64 finger_id, probationer_id;
    GBytes *print;    /* fp_print_serialize() output (borrowed) */
    GError *error;    /* out: why it was refused, NULL when added; the caller frees it */
    GBytes *index;    /* engine_get_index() of this print at an earlier start, or NULL (borrowed) */
    gboolean indexed; /* out: added, and its index built anew (none given, or not this print's) */
} EngineLoadItem;
/* Adds many fingers at once, as at start-up: parsing and indexing run on every shard's thread in
 * parallel. A refused print (malformed, foreign, a finger id already present) gets its reason in
 * its item and the rest load anyway. Returns how many were added. */
guint engine_add_prints(Engine *engine, EngineLoadItem *items, guint n);
/* What a change to some people's fingers made elsewhere needs, as one step: every finger of those
 * `n_people` probationers taken out, then `items` (their fingers as they are now) added as
 * engine_add_prints() adds them. No search sees those people half-changed: one in flight is
 * waited for, and the next one starts after. Returns how many were added. */
guint engine_replace_probationers(Engine *engine, const gint64 *probationer_ids, guint n_people,
                                  EngineLoadItem *items, guint n);
/* A finger's pre-filter index as built from its print: saved beside the print (app/search.c) and
 * given back in EngineLoadItem.index, it spares the next start-up building it — most of the
 * start-up's work. Only ever used for the very print it was built from, by an engine that builds it
 * the same way; anything else is rebuilt. NULL when the finger is not in the gallery. */
GBytes *engine_get_index(Engine *engine, gint64 finger_id);
gboolean engine_remove_finger(Engine *engine, gint64 finger_id);
/* Every finger of that probationer; returns how many. */
guint engine_remove_probationer(Engine *engine, gint64 probationer_id);
guint engine_get_size(Engine *engine);
/* Bytes the gallery holds (templates, index, bookkeeping), for the memory budget. */
gsize engine_get_memory(Engine *engine);

/* The best few fingers of a search, for a second opinion when the engine is unsure
 * (app/second-opinion.h): bozorth3 on a second touch against these only. */
#define ENGINE_CANDIDATES 5
typedef struct {
    gint64 finger_id, probationer_id;
    double score;
} EngineCandidate;

typedef struct {
    gboolean match;
    gint64 finger_id, probationer_id;  /* the best candidate (also when it is no match), 0 = none */
    double score;                      /* its score, 0 when the gallery is empty */
    gint64 runner_up_probationer_id;   /* best candidate of any other probationer, 0 = none */
    double runner_up_score;
    guint scored;                      /* fingers that got the full matcher (after the pre-filter) */
    double threshold;                  /* what `score` had to reach: engine_threshold_for() */
    EngineCandidate candidates[ENGINE_CANDIDATES]; /* best distinct fingers, best first */
    guint n_candidates;
} EngineResult;

/* Searches the whole gallery, blocking, in parallel on the engine's threads. */
void engine_search(Engine *engine, const EngineTemplate *probe, EngineResult *out);
/* engine_search(), also telling whether the finger `watched` reached the full matcher (was on the
 * pre-filter's shortlist), whatever its score: how the pre-filter is measured (bench-gallery). */
void engine_search_watching(Engine *engine, const EngineTemplate *probe, gint64 watched, EngineResult *out,
                            gboolean *reached);
/* The same off the caller's thread; `callback` runs on the caller's thread-default main context. */
void engine_search_async(Engine *engine, const EngineTemplate *probe, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
gboolean engine_search_finish(Engine *engine, GAsyncResult *result, EngineResult *out,
                              GError **error);

/* What the enrolled gallery says about this kiosk's scanner (haazri-ctl match report): impressions
 * of one finger against each other (genuine) and first impressions of different probationers'
 * fingers against each other (impostor, at most the first 200 fingers: ~20,000 comparisons). */
typedef struct {
    guint fingers, poor_fingers;          /* poor: engine_template_check_enrollment refuses it */
    guint genuine, impostor;              /* comparisons made */
    double genuine_median, genuine_p10;   /* scores */
    double impostor_max, impostor_p99;
    guint false_matches, false_non_matches; /* at the threshold given */
} EngineReport;
void engine_report_gallery(EngineTemplate *const *fingers, const gint64 *probationers, guint n,
                           double threshold, EngineReport *out);
