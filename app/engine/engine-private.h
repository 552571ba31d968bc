/* engine-private — what the engine's files share: the template layout, pair features, the matcher
 * and the shard index. Not for callers: they use app/engine/engine.h. */
#pragma once

#include "app/engine/engine.h"

/* libfprint's xyt_struct holds at most 200 minutiae per impression (MAX_BOZORTH_MINUTIAE): a
 * template with more was not written by libfprint. */
#define ENGINE_MAX_MINUTIAE 200
/* Image drivers enroll 5-20 impressions; more than this is not a libfprint template. */
#define ENGINE_MAX_IMPRESSIONS 32
/* Angles are kept in 256ths of a turn, so wrap-around is free in a guint8. */
#define ENGINE_ANGLE_UNITS 256

typedef struct {
    gint16 x, y; /* NIST coordinates as libfprint stores them (origin bottom-left, pixels) */
    guint8 t;    /* ridge direction, counter-clockwise, in 256ths of a turn */
    guint8 pad;
} EngineMinutia;

/* One enrolled finger (or one probe) as minutiae only: impression k holds m[start[k]..start[k+1]). */
struct EngineTemplate {
    guint n_impressions;
    guint16 start[ENGINE_MAX_IMPRESSIONS + 1];
    EngineMinutia *m;
};

/* A dense print (a noisy sensor's: 100-200 minutiae) costs a search about the square of its
 * minutiae, so a search's first looks see each impression, touched and enrolled, through at most
 * ENGINE_SEARCH_MINUTIAE of them: the probe votes in the pre-filter only from those (each with its
 * neighbours among all), and the shortlist is first compared on those alone (engine-prefilter.c);
 * the few fingers a decision can name are then compared on every minutia. The cylinders
 * (engine-mcc.c) are built from them always. Chosen by engine_minutiae_choose(): minutiae away
 * from the print's edge first (where a print stops, NBIS finds ridge ends that are not minutiae),
 * then those farthest from their nearest neighbour (a broken ridge or a speck of dirt gives two
 * close ones); the rest still spread over the whole print (docs/search.md). */
#define ENGINE_SEARCH_MINUTIAE 70
/* Marks in `kept` which of n minutiae those are (all, when n <= keep): inside before edge, then
 * by squared distance to the nearest other, farthest first, ties to the lower index. */
void engine_minutiae_choose(const EngineMinutia *m, guint n, guint keep, gboolean *kept);
/* The chosen ones copied to `out` (room for MIN(n, keep)), in their order; returns how many. */
guint engine_minutiae_spread(const EngineMinutia *m, guint n, guint keep, EngineMinutia *out);

/* A pair of minutiae described so that it does not change when the finger is moved or turned:
 * the distance and each minutia's direction relative to the line between them. */
typedef struct {
    guint16 d;      /* distance, pixels */
    guint8 ai, aj;  /* directions of i and j relative to the line i->j */
    guint8 phi;     /* the line's own direction: the rotation between two prints comes from it */
    guint8 i, j;    /* minutia indices within the impression */
    guint8 pad;
} EnginePair;

/* Pairs of one impression (engine-pairs.c): each minutia with its nearest neighbours, sorted by
 * distance. `directed` gives both (i,j) and (j,i) (the probe side); else each pair once (the
 * gallery side).
 * Returns the count written to `out` (room for n * ENGINE_NEIGHBOURS * 2). */
#define ENGINE_NEIGHBOURS 8
guint engine_pairs_build(const EngineMinutia *m, guint n, guint neighbours, gboolean directed,
                         EnginePair *out);
/* A ridge broken by a dry patch or a crease ends twice, facing itself: two minutiae within
 * ENGINE_BROKEN_PX of each other pointing more than ENGINE_BROKEN_TURN apart. Marks both ends 1 in
 * `broken` (n bytes), the others 0. The score leaves them out of the overlap it is priced by
 * (engine-match.c) and a touch's pairs are looked up without them too (engine-prefilter.c). */
#define ENGINE_BROKEN_PX 12
#define ENGINE_BROKEN_TURN 96 /* 135 degrees, in 256ths of a turn */
void engine_minutiae_mark_broken(const EngineMinutia *m, guint n, guint8 *broken);
/* engine_pairs_build() among the minutiae not marked in `skip` only: each of them with its nearest
 * neighbours of those, as if the others had not been found. */
guint engine_pairs_build_without(const EngineMinutia *m, guint n, guint neighbours, gboolean directed,
                                 const guint8 *skip, EnginePair *out);
/* What engine_pairs_build() takes a line (dx, dy) to be, |dx|, |dy| <= 220: its direction in 256ths
 * of a turn and its rounded length (0 when longer than 220), both from tables (test-engine-pairs). */
guint8 engine_pair_angle(int dx, int dy);
guint engine_pair_length(int dx, int dy);
/* The matcher's pairs: engine_pairs_build() with ENGINE_NEIGHBOURS, less those of two minutiae at
 * the print's edge (engine-pairs.c says why). */
guint engine_pairs_build_for_match(const EngineMinutia *m, guint n, gboolean directed, EnginePair *out);

/* The convex hull of n minutiae, counter-clockwise and closed (hull[k-1] == hull[0]); 0 when n < 3.
 * `hull` has room for n + 1. */
guint engine_hull(const EngineMinutia *m, guint n, EngineMinutia *hull);

/* A probe impression (its directed pairs) against a gallery impression (its undirected pairs), both
 * from engine_pairs_build_for_match(): the score (engine-score.c) and, in `stats`, what it rests on. */
typedef struct EngineScratch EngineScratch;
EngineScratch *engine_scratch_new(void);
void engine_scratch_free(EngineScratch *scratch);
double engine_match_impressions(EngineScratch *scratch, const EnginePair *probe, guint n_probe,
                                const EngineMinutia *pm, guint n_pm, const EnginePair *gallery,
                                guint n_gallery, const EngineMinutia *gm, guint n_gm,
                                EngineMatchStats *stats);

/* The probe, prepared once per search: its pairs (directed) and index keys. */
typedef struct {
    const EngineTemplate *t;
    EnginePair *pairs;       /* impression 0 only: a probe is one touch */
    guint n_pairs;
    guint n_minutiae;
    const EngineMinutia *m;
    const EngineCalibration *cal; /* NULL: the default */
    const EngineCylinders *cylinders; /* its Minutia Cylinder-Code (NULL: the pair matcher alone) */
    /* The search's first look (ENGINE_SEARCH_MINUTIAE): the probe's chosen minutiae, compared with
     * each gallery impression's chosen ones. `cut`: the probe had more. */
    gboolean views, cut;
} EngineProbe;

/* What the pair matcher found of one finger so far: its best impression among those compared. A
 * search compares a finger's impressions in steps (engine-prefilter.c) and fuses only the few it
 * may name, so the best impression is kept rather than found again. */
#define ENGINE_ALL_IMPRESSIONS G_MAXUINT32
typedef struct {
    double score;     /* the pair matcher's, of `which`; < 0: nothing compared yet */
    guint which;      /* G_MAXUINT: nothing compared yet */
    guint32 compared; /* bit k: impression k */
    EngineMatchStats stats;
} EngineFingerMatch;
void engine_finger_match_start(EngineFingerMatch *finger_match);
/* Compares `probe` with the impressions of `gallery` in the mask `impressions` not compared yet and
 * returns the best score of all compared so far (0 when none): the same as comparing them all at
 * once, ties to the first impression. With `probe->views`, each impression is compared through its
 * chosen minutiae (ENGINE_SEARCH_MINUTIAE), chosen as it is compared. */
double engine_match_finger(EngineScratch *scratch, const EngineProbe *probe, const EngineTemplate *gallery,
                           guint32 impressions, EngineFingerMatch *finger_match);
/* The score a decision is made on: the best impression's pair-matcher stats, with that impression's
 * cylinders compared with the probe's too (`gallery_cylinders` when built already, else built
 * here), both fused (engine-score.c). */
double engine_match_fuse(const EngineProbe *probe, const EngineTemplate *gallery,
                         const EngineFingerMatch *finger_match, const EngineCylinders *gallery_cylinders,
                         EngineMatchStats *stats);
/* engine_template_match() of two one-impression templates whose cylinders are already built (a
 * report compares each impression many times; the cylinders are most of a comparison's cost). */
double engine_match_one_to_one(const EngineTemplate *probe, const EngineCylinders *probe_cylinders,
                               const EngineTemplate *gallery, const EngineCylinders *gallery_cylinders);

/* The pre-filter's key of a pair: quantised distance and both relative directions. Nearest-
 * neighbour pairs are short (mostly under 60 px): with 10 px steps and 16 direction bins a probe's
 * look-ups hit most of the cells in use and every finger got about the same votes per cell, so the
 * right one missed the shortlist for 9 of 30 probes at 20,000 fingers; 5 px and 32 bins (11.25
 * degrees) missed none (docs/search.md). */
#define ENGINE_KEY_D_STEP 5
#define ENGINE_KEY_D_BINS 24 /* pairs longer than 120 px are not indexed */
#define ENGINE_KEY_A_BINS 32
#define ENGINE_KEYS (ENGINE_KEY_D_BINS * ENGINE_KEY_A_BINS * ENGINE_KEY_A_BINS)
static inline gint engine_pair_key(guint d, guint8 ai, guint8 aj)
{
    guint db = d / ENGINE_KEY_D_STEP;
    if (db >= ENGINE_KEY_D_BINS)
        return -1;
    return (gint)((db * ENGINE_KEY_A_BINS + ai / (256 / ENGINE_KEY_A_BINS)) * ENGINE_KEY_A_BINS +
                  aj / (256 / ENGINE_KEY_A_BINS));
}
