/* engine-match — scoring one probe impression against one gallery impression.
 *
 * Minutia pairs are the unit: a pair's distance and the two directions relative to the line between
 * them do not change when a finger is placed elsewhere or turned, so pairs of the probe and of the
 * gallery print that agree on all three are candidate correspondences, each implying a rotation
 * (the difference of the lines' directions). Genuine prints agree on one rotation and one shift;
 * chance agreements of a stranger's print scatter. So: keep the correspondences near a rotation the
 * histogram favours (the three strongest, each tried), then (loosely) near the median shift, then
 * give every minutia at most one partner (greedy, most supported first), then keep only the largest
 * group of those partners that agree with each other two by two (bozorth3's idea: structure, not
 * just a common rotation). The most minutiae any rotation keeps, with the minutiae each print has
 * where the two overlap, become the score in engine-score.c.
 *
 * Tolerances were set on the bundled FVC2002 DB2_B set and checked against the FVC protocol
 * (docs/search.md); skin stretches, so the distance tolerance grows with the distance. */
#include "app/engine/engine-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOL_A 14        /* relative direction, 256ths of a turn (~20 degrees) */
#define TOL_R 12        /* rotation consensus (~17 degrees) */
/* Shift consensus, pixels squared: only a coarse filter (a third of the image) since the structure
 * check below does the real work; 28 px here lost genuine pairs whose rotation was a little off. */
#define TOL_T2 (110 * 110)
#define MAX_CORR 8192
/* Below this many minutiae in the overlap, a score would rest on too little (12: measured). */
#define MIN_OVERLAP 12
/* Rotation hypotheses tried, each at least a third of the strongest. Against one, on the development
 * sets: the EER lower on 5 of 8 (most on the distorted FVC2004 DB1, 11.8 -> 9.3 %), higher on 2
 * (by < 0.5 points); see docs/search.md. */
#define MAX_PEAKS 3
#define PEAK_RATIO 3

static inline guint tol_d(guint d)
{
    return 4 + d / 12;
}

static inline int adiff(guint8 a, guint8 b)
{
    return abs((int)(gint8)(guint8)(a - b));
}

/* Which of LANES gallery pairs have both directions within TOL_A of the probe pair's (adiff): bit
 * k for lane k. Written with GCC's vector extensions: SIMD where the CPU has it, plain code where
 * not. |a - b| <= TOL_A on 256ths of a turn, wrapping, is (a - b + TOL_A) mod 256 <= 2 TOL_A. */
#define LANES 16
typedef guint8 Lanes __attribute__((vector_size(LANES)));
static inline guint directions_near(const guint8 *g_ai, const guint8 *g_aj, guint8 ai, guint8 aj)
{
    Lanes ga, gb;
    memcpy(&ga, g_ai, LANES);
    memcpy(&gb, g_aj, LANES);
    Lanes da = ga - ai + (guint8)TOL_A, db = gb - aj + (guint8)TOL_A;
    Lanes ok = (Lanes)((da <= (guint8)(2 * TOL_A)) & (db <= (guint8)(2 * TOL_A)));
    guint64 half[2];
    memcpy(half, &ok, sizeof half);
    guint bits = 0;
    for (int h = 0; h < 2; h++) { /* each byte's top bit, gathered into 8 bits by one multiplication */
        guint64 tops = GUINT64_FROM_LE(half[h]) & G_GUINT64_CONSTANT(0x8080808080808080); /* lane k: byte k */
        bits |= (guint)((tops * G_GUINT64_CONSTANT(0x0002040810204081)) >> 56) << (8 * h);
    }
    return bits;
}

typedef struct {
    guint8 pi, pj, gi, gj, r;
} Corr;

typedef struct {
    guint16 key; /* pi << 8 | gi */
    guint16 votes;
} Mapping;

#define GALLERY_PAIRS_MAX (ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS * 2)
struct EngineScratch {
    Corr corr[MAX_CORR], kept[MAX_CORR]; /* all; those at the rotation tried */
    int tx[MAX_CORR], ty[MAX_CORR];
    guint16 votes[2 * MAX_CORR], sorting[2 * MAX_CORR];
    Mapping maps_sorted[MAX_CORR];
    guint maps_start[2 * MAX_CORR + 2]; /* a mapping has at most a vote per vote cast */
    EnginePair gpairs[GALLERY_PAIRS_MAX];
    guint8 cl_p[ENGINE_MAX_MINUTIAE], cl_g[ENGINE_MAX_MINUTIAE];
    guint8 broken_p[ENGINE_MAX_MINUTIAE], broken_g[ENGINE_MAX_MINUTIAE]; /* engine_minutiae_mark_broken */
    /* the gallery pairs' directions apart, read LANES at a time (room for a last partial read) */
    guint8 g_ai[GALLERY_PAIRS_MAX + LANES], g_aj[GALLERY_PAIRS_MAX + LANES];
    guint8 compat[ENGINE_MAX_MINUTIAE * ENGINE_MAX_MINUTIAE];
};

EngineScratch *engine_scratch_new(void)
{
    return g_new(EngineScratch, 1);
}

void engine_scratch_free(EngineScratch *s)
{
    g_free(s);
}

/* The (n/2)-th smallest of v, as sorting and taking the middle gave, in linear time (v is reordered):
 * sorting was a fifth of a comparison's time. */
static int median(int *v, guint n)
{
    int lo = 0, hi = (int)n - 1, k = (int)n / 2;
    while (lo < hi) {
        int pivot = v[lo + (hi - lo) / 2], i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                int t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* Sorts 16-bit keys: two counting passes (a byte each) instead of qsort. */
static void sort_keys(guint16 *v, guint16 *tmp, guint n)
{
    guint lo[257] = {0}, hi[257] = {0};
    for (guint i = 0; i < n; i++) {
        lo[(v[i] & 0xff) + 1]++;
        hi[(v[i] >> 8) + 1]++;
    }
    for (guint b = 1; b < 257; b++) {
        lo[b] += lo[b - 1];
        hi[b] += hi[b - 1];
    }
    for (guint i = 0; i < n; i++)
        tmp[lo[v[i] & 0xff]++] = v[i];
    for (guint i = 0; i < n; i++)
        v[hi[tmp[i] >> 8]++] = tmp[i];
}

/* Orders mappings by votes, most first, keeping the order of mappings with as many (as a stable
 * sort would; the greedy step below takes ties in key order): counting, since qsort's calls through
 * a comparison cost more than the votes. */
static void sort_mappings(EngineScratch *s, Mapping *maps, guint n)
{
    guint most = 0, *start = s->maps_start;
    for (guint i = 0; i < n; i++)
        most = MAX(most, maps[i].votes);
    memset(start, 0, (most + 2) * sizeof *start);
    for (guint i = 0; i < n; i++)
        start[most - maps[i].votes + 1]++;
    for (guint v = 1; v <= most + 1; v++)
        start[v] += start[v - 1];
    for (guint i = 0; i < n; i++)
        s->maps_sorted[start[most - maps[i].votes]++] = maps[i];
    memcpy(maps, s->maps_sorted, n * sizeof *maps);
}

/* Minutiae of `m` that fall inside the other print's bounding box (both in the gallery's frame);
 * `*unmarked`: of those, the ones not marked in `broken` (engine_minutiae_mark_broken). */
static guint count_inside(const int *x, const int *y, guint n, int x0, int y0, int x1, int y1,
                          const guint8 *broken, guint *unmarked)
{
    guint c = 0, u = 0;
    for (guint i = 0; i < n; i++) {
        gboolean in = x[i] >= x0 && x[i] <= x1 && y[i] >= y0 && y[i] <= y1;
        c += in;
        u += in && !broken[i];
    }
    *unmarked = u;
    return c;
}

/* The largest set of matched minutiae that agree with each other two by two: for mappings a->a'
 * and b->b', the probe's vector a->b turned by the rotation must land near the gallery's a'->b'
 * (tolerance growing with the length, for skin stretch and a rotation a little off). A genuine
 * print agrees almost everywhere; a stranger's matches passed the pair and shift tests one by one
 * and mostly disagree with each other. Drops the least consistent mapping until every one left
 * agrees with at least CLUSTER_AGREE of the others. Marks the kept ones 1 in pused/gused (others 0). */
#define CLUSTER_C0 6.0    /* pixels: minutia position noise */
#define CLUSTER_C1 0.15   /* of the length: stretch, and ~8 degrees of rotation error */
#define CLUSTER_AGREE 0.9
static guint consistent_cluster(EngineScratch *s, const Mapping *maps, guint nm, guint8 *pused,
                                guint8 *gused, const EngineMinutia *pm, const EngineMinutia *gm,
                                double cs, double sn)
{
    guint8 *a = s->cl_p, *b = s->cl_g;
    guint k = 0;
    for (guint m = 0; m < nm && k < ENGINE_MAX_MINUTIAE; m++) {
        guint pi = maps[m].key >> 8, gi = maps[m].key & 0xff;
        if (pused[pi] != 1 || gused[gi] != 1)
            continue;
        pused[pi] = gused[gi] = 3; /* collected */
        a[k] = (guint8)pi;
        b[k] = (guint8)gi;
        k++;
    }
    memset(pused, 0, ENGINE_MAX_MINUTIAE);
    memset(gused, 0, ENGINE_MAX_MINUTIAE);
    guint16 deg[ENGINE_MAX_MINUTIAE] = {0};
    for (guint i = 0; i < k; i++) {
        for (guint j = i + 1; j < k; j++) {
            double px = pm[a[j]].x - pm[a[i]].x, py = pm[a[j]].y - pm[a[i]].y;
            double qx = cs * px - sn * py, qy = sn * px + cs * py;
            double gx = gm[b[j]].x - gm[b[i]].x, gy = gm[b[j]].y - gm[b[i]].y;
            double ex = qx - gx, ey = qy - gy, tol = CLUSTER_C0 + CLUSTER_C1 * sqrt(gx * gx + gy * gy);
            guint8 ok = ex * ex + ey * ey <= tol * tol;
            s->compat[i * ENGINE_MAX_MINUTIAE + j] = s->compat[j * ENGINE_MAX_MINUTIAE + i] = ok;
            deg[i] += ok;
            deg[j] += ok;
        }
    }
    guint8 alive[ENGINE_MAX_MINUTIAE];
    memset(alive, 1, k);
    guint left = k;
    while (left > 1) {
        guint worst = G_MAXUINT;
        for (guint i = 0; i < k; i++)
            if (alive[i] && (worst == G_MAXUINT || deg[i] < deg[worst]))
                worst = i;
        if (deg[worst] >= CLUSTER_AGREE * (left - 1))
            break;
        alive[worst] = 0;
        left--;
        for (guint i = 0; i < k; i++)
            if (alive[i])
                deg[i] -= s->compat[worst * ENGINE_MAX_MINUTIAE + i];
    }
    for (guint i = 0; i < k; i++)
        if (alive[i])
            pused[a[i]] = gused[b[i]] = 1;
    return left;
}

/* Steps 3-7 for the rotation peak `best` (a bin of 8 units): fills st. */
static void align_at(EngineScratch *s, guint nc, guint best, const EngineMinutia *pm, guint n_pm,
                     const EngineMinutia *gm, guint n_gm, double ox, double oy, EngineMatchStats *st)
{
    *st = (EngineMatchStats){0, MIN_OVERLAP, MIN_OVERLAP, n_pm, n_gm, -1};
    guint8 centre = (guint8)(best * 8 + 4);
    int off = 0, noff = 0;
    for (guint c = 0; c < nc; c++) {
        int d = (gint8)(guint8)(s->corr[c].r - centre);
        if (abs(d) <= 12) {
            off += d;
            noff++;
        }
    }
    guint8 rot = (guint8)(centre + (noff ? off / noff : 0));
    double ang = rot * (2 * G_PI / ENGINE_ANGLE_UNITS), cs = cos(ang), sn = sin(ang);

    /* 3. Keep the rotation's correspondences; the shift each implies (pair midpoints). */
    guint nk = 0;
    for (guint c = 0; c < nc; c++) {
        Corr k = s->corr[c];
        if (adiff(k.r, rot) > TOL_R)
            continue;
        double px = (pm[k.pi].x + pm[k.pj].x) * 0.5 - ox, py = (pm[k.pi].y + pm[k.pj].y) * 0.5 - oy;
        double gx = (gm[k.gi].x + gm[k.gj].x) * 0.5, gy = (gm[k.gi].y + gm[k.gj].y) * 0.5;
        s->kept[nk] = k;
        s->tx[nk] = (int)lround(gx - (cs * px - sn * py));
        s->ty[nk] = (int)lround(gy - (sn * px + cs * py));
        nk++;
    }
    if (nk < 2)
        return;
    /* 4. The median shift, then the correspondences that agree with it. (A 2-D histogram mode was
     *    tried instead: no better on the FVC protocol, see docs/search.md.) */
    int *mx = (int *)s->votes, mtx, mty; /* votes is free until step 5: borrow it */
    G_STATIC_ASSERT(sizeof(((EngineScratch *)0)->votes) >= sizeof(int) * MAX_CORR);
    memcpy(mx, s->tx, nk * sizeof(int));
    mtx = median(mx, nk);
    memcpy(mx, s->ty, nk * sizeof(int));
    mty = median(mx, nk);
    guint nv = 0;
    for (guint c = 0; c < nk; c++) {
        int dx = s->tx[c] - mtx, dy = s->ty[c] - mty;
        if (dx * dx + dy * dy > TOL_T2)
            continue;
        s->votes[nv++] = (guint16)(s->kept[c].pi << 8 | s->kept[c].gi);
        s->votes[nv++] = (guint16)(s->kept[c].pj << 8 | s->kept[c].gj);
    }
    if (nv == 0)
        return;
    /* 5. One partner per minutia: the mappings most pairs support first. */
    sort_keys(s->votes, s->sorting, nv);
    Mapping maps[2 * MAX_CORR / 2];
    guint nm = 0;
    for (guint v = 0; v < nv; v++) {
        if (nm > 0 && maps[nm - 1].key == s->votes[v])
            maps[nm - 1].votes++;
        else if (nm < G_N_ELEMENTS(maps))
            maps[nm++] = (Mapping){s->votes[v], 1};
    }
    sort_mappings(s, maps, nm);
    guint8 pused[ENGINE_MAX_MINUTIAE] = {0}, gused[ENGINE_MAX_MINUTIAE] = {0};
    guint matched = 0;
    for (guint k = 0; k < nm; k++) {
        guint pi = maps[k].key >> 8, gi = maps[k].key & 0xff;
        if (pused[pi] || gused[gi])
            continue;
        pused[pi] = gused[gi] = 1;
        matched++;
    }
    /* 5b. Structure: the matched minutiae must sit where each other's partners say. */
    matched = consistent_cluster(s, maps, nm, pused, gused, pm, gm, cs, sn);
    /* 6. Refine the shift on the matched minutiae (for the overlap below). */
    double sx = 0, sy = 0;
    guint ns = 0;
    for (guint k = 0; k < nm; k++) {
        guint pi = maps[k].key >> 8, gi = maps[k].key & 0xff;
        if (pused[pi] != 1 || gused[gi] != 1)
            continue;
        pused[pi] = gused[gi] = 2; /* each mapping once */
        sx += gm[gi].x - (cs * (pm[pi].x - ox) - sn * (pm[pi].y - oy));
        sy += gm[gi].y - (sn * (pm[pi].x - ox) + cs * (pm[pi].y - oy));
        ns++;
    }
    if (ns >= 2) {
        mtx = (int)lround(sx / ns);
        mty = (int)lround(sy / ns);
    }
    /* 7. Normalise by the minutiae each print has where the two overlap. */
    int px[ENGINE_MAX_MINUTIAE], py[ENGINE_MAX_MINUTIAE], gx[ENGINE_MAX_MINUTIAE], gy[ENGINE_MAX_MINUTIAE];
    int bx0 = G_MAXINT, by0 = G_MAXINT, bx1 = G_MININT, by1 = G_MININT;
    int cx0 = G_MAXINT, cy0 = G_MAXINT, cx1 = G_MININT, cy1 = G_MININT;
    for (guint i = 0; i < n_pm; i++) {
        px[i] = (int)lround(cs * (pm[i].x - ox) - sn * (pm[i].y - oy)) + mtx;
        py[i] = (int)lround(sn * (pm[i].x - ox) + cs * (pm[i].y - oy)) + mty;
        bx0 = MIN(bx0, px[i]), by0 = MIN(by0, py[i]), bx1 = MAX(bx1, px[i]), by1 = MAX(by1, py[i]);
    }
    for (guint i = 0; i < n_gm; i++) {
        gx[i] = gm[i].x, gy[i] = gm[i].y;
        cx0 = MIN(cx0, gx[i]), cy0 = MIN(cy0, gy[i]), cx1 = MAX(cx1, gx[i]), cy1 = MAX(cy1, gy[i]);
    }
    guint np_unmarked, ng_unmarked;
    guint np_in = MAX(count_inside(px, py, n_pm, cx0, cy0, cx1, cy1, s->broken_p, &np_unmarked), MIN_OVERLAP);
    guint ng_in = MAX(count_inside(gx, gy, n_gm, bx0, by0, bx1, by1, s->broken_g, &ng_unmarked), MIN_OVERLAP);
    matched = MIN(matched, MIN(np_in, ng_in));
    st->matched = matched;
    /* Priced by the overlap less the broken ridges' ends: they are one flaw, not two places where a
     * stranger's print could share a minutia by chance; still matched where they match. With them
     * left out, a calibration fitted on the clean sets alone also prices the made-dry ones' chance
     * matches about right, where it had priced them too high (docs/search.md, twenty-ninth round). */
    st->probe_in = MAX(np_unmarked, MIN_OVERLAP);
    st->gallery_in = MAX(ng_unmarked, MIN_OVERLAP);
}

static double match_impressions(EngineScratch *s, const EnginePair *probe, guint n_probe,
                                const EngineMinutia *pm, guint n_pm, const EnginePair *gallery,
                                guint n_gallery, const EngineMinutia *gm, guint n_gm,
                                EngineMatchStats *st)
{
    *st = (EngineMatchStats){0, MIN_OVERLAP, MIN_OVERLAP, n_pm, n_gm, -1};
    if (n_pm < 3 || n_gm < 3)
        return 0;
    /* Turning about the probe's centre keeps the shift a rotation error implies small. */
    double ox = 0, oy = 0;
    for (guint i = 0; i < n_pm; i++)
        ox += pm[i].x, oy += pm[i].y;
    ox /= n_pm;
    oy /= n_pm;
    /* 1. Correspondences: merge-join on distance, both pairs sorted by it. The gallery pairs in the
     *    distance window are checked on both directions 16 at a time (most of a comparison's time
     *    was this check, one pair at a time); they come out in the same order as one at a time. */
    n_gallery = MIN(n_gallery, GALLERY_PAIRS_MAX); /* engine_pairs_build() gives no more */
    for (guint b = 0; b < n_gallery; b++) {
        s->g_ai[b] = gallery[b].ai;
        s->g_aj[b] = gallery[b].aj;
    }
    memset(&s->g_ai[n_gallery], 0, LANES); /* read past the last pair, never used */
    memset(&s->g_aj[n_gallery], 0, LANES);
    guint nc = 0, lo = 0, hi = 0;
    for (guint a = 0; a < n_probe && nc < MAX_CORR; a++) {
        const EnginePair *p = &probe[a];
        guint tol = tol_d(p->d);
        while (lo < n_gallery && gallery[lo].d + tol < p->d)
            lo++;
        hi = MAX(hi, lo);
        while (hi < n_gallery && gallery[hi].d <= p->d + tol)
            hi++;
        for (guint b = lo; b < hi && nc < MAX_CORR; b += LANES) {
            guint near = directions_near(&s->g_ai[b], &s->g_aj[b], p->ai, p->aj);
            for (; near; near &= near - 1) {
                guint g = b + (guint)__builtin_ctz(near);
                if (g >= hi)
                    break;
                const EnginePair *q = &gallery[g];
                s->corr[nc++] = (Corr){p->i, p->j, q->i, q->j, (guint8)(q->phi - p->phi)};
                if (nc == MAX_CORR)
                    break;
            }
        }
    }
    if (nc < 2)
        return 0;
    engine_minutiae_mark_broken(pm, n_pm, s->broken_p);
    engine_minutiae_mark_broken(gm, n_gm, s->broken_g);
    /* 2. Rotation hypotheses: peaks of a 32-bin histogram smoothed over neighbours. Usually the
     *    highest is the finger's turn; on a distorted or small overlap a chance peak can beat it,
     *    so the next peaks are tried too and the one whose structure holds most minutiae wins. */
    guint hist[32] = {0}, smooth[32];
    for (guint c = 0; c < nc; c++)
        hist[s->corr[c].r >> 3]++;
    for (guint b = 0; b < 32; b++)
        smooth[b] = hist[(b + 31) & 31] + hist[b] + hist[(b + 1) & 31];
    guint peaks[MAX_PEAKS], np = 0;
    for (guint b = 0; b < 32; b++) {
        if (smooth[b] == 0 || smooth[b] < smooth[(b + 31) & 31] || smooth[b] <= smooth[(b + 1) & 31])
            continue;
        guint k;
        if (np < MAX_PEAKS)
            k = np++;
        else if (smooth[peaks[MAX_PEAKS - 1]] >= smooth[b])
            continue;
        else
            k = MAX_PEAKS - 1;
        while (k > 0 && smooth[peaks[k - 1]] < smooth[b]) {
            peaks[k] = peaks[k - 1];
            k--;
        }
        peaks[k] = b;
    }
    if (np == 0) /* a flat histogram: every rotation as likely */
        peaks[np++] = 0;
    guint best_matched = 0;
    for (guint h = 0; h < np; h++) {
        if (h > 0 && smooth[peaks[h]] * PEAK_RATIO < smooth[peaks[0]])
            break;
        EngineMatchStats one;
        align_at(s, nc, peaks[h], pm, n_pm, gm, n_gm, ox, oy, &one);
        if (h == 0 || one.matched > best_matched) {
            best_matched = one.matched;
            *st = one;
        }
    }
    return engine_calibration_score(engine_calibration_default(), st);
}

double engine_match_impressions(EngineScratch *s, const EnginePair *probe, guint n_probe,
                                const EngineMinutia *pm, guint n_pm, const EnginePair *gallery,
                                guint n_gallery, const EngineMinutia *gm, guint n_gm,
                                EngineMatchStats *stats)
{
    EngineMatchStats local;
    if (!stats)
        stats = &local;
    return match_impressions(s, probe, n_probe, pm, n_pm, gallery, n_gallery, gm, n_gm, stats);
}

void engine_finger_match_start(EngineFingerMatch *fm)
{
    *fm = (EngineFingerMatch){-1, G_MAXUINT, 0, {0, MIN_OVERLAP, MIN_OVERLAP, 0, 0, -1}};
}

double engine_match_finger(EngineScratch *s, const EngineProbe *probe, const EngineTemplate *g,
                           guint32 impressions, EngineFingerMatch *fm)
{
    for (guint k = 0; k < g->n_impressions; k++) {
        guint32 bit = 1u << k;
        if (!(impressions & bit) || (fm->compared & bit))
            continue;
        fm->compared |= bit;
        const EngineMinutia *gm = &g->m[g->start[k]];
        guint ng = g->start[k + 1] - g->start[k];
        EngineMinutia chosen[ENGINE_SEARCH_MINUTIAE];
        if (probe->views && ng > ENGINE_SEARCH_MINUTIAE) {
            ng = engine_minutiae_spread(gm, ng, ENGINE_SEARCH_MINUTIAE, chosen);
            gm = chosen;
        }
        guint npairs = engine_pairs_build_for_match(gm, ng, FALSE, s->gpairs);
        EngineMatchStats st;
        engine_match_impressions(s, probe->pairs, probe->n_pairs, probe->m, probe->n_minutiae,
                                 s->gpairs, npairs, gm, ng, &st);
        double sc = engine_calibration_score(probe->cal ? probe->cal : engine_calibration_default(), &st);
        /* ties go to the first impression, in whatever order the impressions were compared */
        if (sc > fm->score || (sc == fm->score && k < fm->which)) {
            fm->score = sc;
            fm->which = k;
            fm->stats = st;
        }
    }
    return MAX(fm->score, 0);
}

double engine_match_fuse(const EngineProbe *probe, const EngineTemplate *g, const EngineFingerMatch *fm,
                         const EngineCylinders *gallery_cylinders, EngineMatchStats *stats)
{
    EngineMatchStats st = fm->stats;
    if (fm->which != G_MAXUINT && gallery_cylinders) {
        st.cylinders = engine_cylinders_similarity(probe->cylinders, gallery_cylinders);
    } else if (fm->which != G_MAXUINT && probe->cylinders) {
        g_autoptr(EngineCylinders) gc = engine_cylinders_new(g, fm->which);
        st.cylinders = engine_cylinders_similarity(probe->cylinders, gc);
    }
    if (stats)
        *stats = st;
    return engine_calibration_score(probe->cal ? probe->cal : engine_calibration_default(), &st);
}

/* One probe impression against `gallery` with the default calibration (engine_template_match_stats
 * and engine_match_one_to_one). */
static double one_to_one(const EngineTemplate *probe, const EngineCylinders *probe_cylinders,
                         const EngineTemplate *gallery, const EngineCylinders *gallery_cylinders,
                         EngineMatchStats *stats)
{
    EngineScratch *s = engine_scratch_new();
    guint n = probe->start[1] - probe->start[0];
    EnginePair *pairs = g_new(EnginePair, MAX(n, 1) * ENGINE_NEIGHBOURS * 2);
    EngineProbe p = {probe, pairs, 0, n, probe->m, NULL, probe_cylinders, FALSE, FALSE};
    p.n_pairs = engine_pairs_build_for_match(probe->m, n, TRUE, pairs);
    EngineFingerMatch fm;
    engine_finger_match_start(&fm);
    engine_match_finger(s, &p, gallery, ENGINE_ALL_IMPRESSIONS, &fm);
    double sc = engine_match_fuse(&p, gallery, &fm, gallery_cylinders, stats);
    g_free(pairs);
    engine_scratch_free(s);
    return sc;
}

double engine_match_one_to_one(const EngineTemplate *probe, const EngineCylinders *probe_cylinders,
                               const EngineTemplate *gallery, const EngineCylinders *gallery_cylinders)
{
    return one_to_one(probe, probe_cylinders, gallery, gallery_cylinders, NULL);
}

double engine_template_match(const EngineTemplate *probe, const EngineTemplate *gallery)
{
    return engine_template_match_stats(probe, gallery, NULL);
}

double engine_template_match_stats(const EngineTemplate *probe, const EngineTemplate *gallery,
                                   EngineMatchStats *stats)
{
    g_autoptr(EngineCylinders) cylinders = engine_cylinders_new(probe, 0);
    return one_to_one(probe, cylinders, gallery, NULL, stats);
}
