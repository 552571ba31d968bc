/* engine-pairs — minutia pairs, the features both the matcher (engine-match.c) and the index
 * (engine-index.c) work on: each minutia with its nearest neighbours, described by the distance and
 * both directions relative to the line between them, which don't change when a finger is moved or
 * turned. Built for every impression added and for every candidate scored, so it is kept cheap.
 * Also which minutiae of a dense print a search first looks at (engine_minutiae_choose). */
#include "app/engine/engine-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAIR_MIN_D 6    /* closer minutiae are usually one ridge break seen twice */
#define PAIR_MAX_D 220

/* Direction and length of the line between two minutiae, for |dx|, |dy| <= PAIR_MAX_D: looked up,
 * not computed. libm's atan2 and sqrt were most of the cost of start-up (every impression of 20,000
 * fingers); the tables hold exactly what they gave (test-engine checks every entry against them),
 * for one quadrant: the others follow by symmetry, and -atan2(y, x) is exactly atan2(-y, x). */
#define SIDE (PAIR_MAX_D + 1)
static guint8 table_angle[SIDE * SIDE]; /* round(atan2(y, x) in 256ths of a turn), 0..64 */
static guint8 table_length[SIDE * SIDE]; /* round(sqrt(x² + y²)), or 0 beyond PAIR_MAX_D */

static void tables_build(void)
{
    for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++) {
            double a = atan2((double)y, (double)x);
            table_angle[y * SIDE + x] = (guint8)lround(a * (ENGINE_ANGLE_UNITS / (2 * G_PI)));
            long d = lround(sqrt((double)(x * x + y * y)));
            table_length[y * SIDE + x] = (guint8)(d <= PAIR_MAX_D ? d : 0);
        }
}

static void tables_ensure(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        tables_build();
        g_once_init_leave(&done, 1);
    }
}

/* The quadrant's angle v of (|dx|, |dy|) turned out to (dx, dy): atan2's own symmetries. */
static inline guint8 angle_of(int dx, int dy)
{
    int v = table_angle[abs(dy) * SIDE + abs(dx)];
    int u = dx >= 0 ? v : ENGINE_ANGLE_UNITS / 2 - v;
    return (guint8)((dy >= 0 ? u : -u) & 0xff);
}

guint8 engine_pair_angle(int dx, int dy)
{
    tables_ensure();
    return angle_of(dx, dy);
}

guint engine_pair_length(int dx, int dy)
{
    tables_ensure();
    return table_length[abs(dy) * SIDE + abs(dx)];
}

guint engine_pairs_build_without(const EngineMinutia *m, guint n, guint neighbours, gboolean directed,
                                 const guint8 *skip, EnginePair *out)
{
    /* Each minutia's nearest neighbours. Every impression added at start-up and every candidate
     * scored comes through here, so not all n² distances: minutiae in order along the print's
     * longer axis, and from each one a walk both ways that stops when that axis alone is farther
     * than its worst neighbour so far (a third of the distances on FVC prints). A distance is kept
     * as (d² << 8 | index), so that ties go to the lower index whatever the visiting order. */
    guint8 near[ENGINE_MAX_MINUTIAE][ENGINE_NEIGHBOURS], n_near[ENGINE_MAX_MINUTIAE];
    tables_ensure();
    neighbours = MIN(neighbours, ENGINE_NEIGHBOURS);
    int lo_x = G_MAXINT, hi_x = G_MININT, lo_y = G_MAXINT, hi_y = G_MININT;
    for (guint i = 0; i < n; i++) {
        lo_x = MIN(lo_x, m[i].x), hi_x = MAX(hi_x, m[i].x);
        lo_y = MIN(lo_y, m[i].y), hi_y = MAX(hi_y, m[i].y);
    }
    gboolean along_y = hi_y - lo_y > hi_x - lo_x;
    gint16 axis[ENGINE_MAX_MINUTIAE];
    guint8 order[ENGINE_MAX_MINUTIAE];
    for (guint i = 0; i < n; i++) { /* insertion sort: n <= 200, and mindtct's order is close */
        gint16 a = along_y ? m[i].y : m[i].x;
        guint k = i;
        while (k > 0 && axis[k - 1] > a) {
            axis[k] = axis[k - 1];
            order[k] = order[k - 1];
            k--;
        }
        axis[k] = a;
        order[k] = (guint8)i;
    }
    for (guint pos = 0; pos < n; pos++) {
        guint i = order[pos];
        gint32 best[ENGINE_NEIGHBOURS], worst = G_MAXINT32;
        guint nb = 0;
        for (int dir = skip && skip[i] ? 3 : -1; dir <= 1; dir += 2) { /* a skipped one: no walk */
            for (int q = (int)pos + dir; q >= 0 && q < (int)n; q += dir) {
                int da = axis[q] - axis[pos];
                if ((da * da) << 8 > worst || da * da > PAIR_MAX_D * PAIR_MAX_D)
                    break; /* everything further along is farther still */
                guint j = order[q];
                if (skip && skip[j])
                    continue;
                int dx = m[j].x - m[i].x, dy = m[j].y - m[i].y, d2 = dx * dx + dy * dy;
                gint32 k2 = d2 < PAIR_MIN_D * PAIR_MIN_D || d2 > PAIR_MAX_D * PAIR_MAX_D
                                ? G_MAXINT32 : d2 << 8 | (gint32)j;
                if (k2 >= worst)
                    continue;
                guint k = nb < neighbours ? nb++ : nb - 1; /* insertion sort into the short list */
                while (k > 0 && best[k - 1] > k2) {
                    best[k] = best[k - 1];
                    k--;
                }
                best[k] = k2;
                if (nb == neighbours)
                    worst = best[nb - 1];
            }
        }
        guint best_j[ENGINE_NEIGHBOURS];
        for (guint k = 0; k < nb; k++)
            best_j[k] = (guint)best[k] & 0xff;
        for (guint k = 0; k < nb; k++)
            near[i][k] = (guint8)best_j[k];
        n_near[i] = (guint8)nb;
    }
    guint16 keys[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS];
    guint nkeys = 0;
    for (guint i = 0; i < n; i++) /* in index order, so the pairs come out as they always did */
        for (guint k = 0; k < n_near[i]; k++)
            keys[nkeys++] = (guint16)(MIN(i, near[i][k]) << 8 | MAX(i, near[i][k]));
    /* Deduplicate (i,j) with a bit per pair, then order by distance with a counting sort: this
     * runs for every impression added and every candidate scored, and qsort dominated it. */
    guint64 seen[ENGINE_MAX_MINUTIAE * ENGINE_MAX_MINUTIAE / 64 + 1];
    memset(seen, 0, ((n * n) / 64 + 1) * sizeof seen[0]);
    EnginePair tmp[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS * 2];
    guint np = 0;
    for (guint k = 0; k < nkeys; k++) {
        guint i = keys[k] >> 8, j = keys[k] & 0xff, bit = i * n + j;
        if (seen[bit / 64] & (G_GUINT64_CONSTANT(1) << (bit % 64)))
            continue;
        seen[bit / 64] |= G_GUINT64_CONSTANT(1) << (bit % 64);
        int dx = m[j].x - m[i].x, dy = m[j].y - m[i].y;
        guint d = table_length[abs(dy) * SIDE + abs(dx)]; /* a neighbour is within PAIR_MAX_D */
        guint8 phi = angle_of(dx, dy);
        tmp[np++] = (EnginePair){(guint16)d, (guint8)(m[i].t - phi), (guint8)(m[j].t - phi), phi,
                                 (guint8)i, (guint8)j, 0};
        if (directed) { /* the same pair seen from j: the line turns half a circle */
            guint8 back = (guint8)(phi + 128);
            tmp[np++] = (EnginePair){(guint16)d, (guint8)(m[j].t - back), (guint8)(m[i].t - back),
                                     back, (guint8)j, (guint8)i, 0};
        }
    }
    guint count[PAIR_MAX_D + 2] = {0};
    for (guint p = 0; p < np; p++)
        count[tmp[p].d + 1]++;
    for (guint d = 1; d < PAIR_MAX_D + 2; d++)
        count[d] += count[d - 1];
    for (guint p = 0; p < np; p++)
        out[count[tmp[p].d]++] = tmp[p];
    return np;
}

/* Where a print ends, NBIS finds "minutiae" that are not in the finger: ridges cut by the edge of the
 * pressed area or of the sensor. A scanner's edge has the same shape in every print it takes (the
 * U.are.U 4000's trapezoid, a sweep sensor's straight sides), so those points line up the same way
 * in two different people's prints, and the pairs between them agree with each other: the highest
 * impostor scores on FVC2004 DB2 were such lines. The matcher therefore leaves out pairs of two edge
 * minutiae (an edge minutia still pairs with the inside). The pre-filter keeps them: leaving them
 * out there too won two probes and lost two (bench-gallery). Edge = within EDGE_PX of the convex
 * hull: 3-8 px measured alike on the development sets, 1-2 px missed points just inside. */
#define EDGE_PX 4

static long turn_of(const EngineMinutia *o, const EngineMinutia *a, const EngineMinutia *b)
{
    return (long)(a->x - o->x) * (b->y - o->y) - (long)(a->y - o->y) * (b->x - o->x);
}

/* Sorts n 64-bit keys ascending: a byte at a time (counting), only the bytes in which the keys
 * differ. Minutiae sorted by position for every hull and every choice of a dense print's minutiae
 * (each candidate a search looks at): qsort's calls through a comparison were a tenth of that. */
static void sort_keys64(guint64 *v, guint n)
{
    guint64 tmp[ENGINE_MAX_MINUTIAE + 1], all_or = 0, all_and = ~G_GUINT64_CONSTANT(0);
    g_assert(n <= G_N_ELEMENTS(tmp));
    for (guint i = 0; i < n; i++)
        all_or |= v[i], all_and &= v[i];
    guint64 *from = v, *to = tmp;
    for (guint shift = 0; shift < 64; shift += 8) {
        if (!(((all_or ^ all_and) >> shift) & 0xff))
            continue; /* every key has the same byte here */
        guint count[257] = {0};
        for (guint i = 0; i < n; i++)
            count[((from[i] >> shift) & 0xff) + 1]++;
        for (guint b = 1; b < 257; b++)
            count[b] += count[b - 1];
        for (guint i = 0; i < n; i++)
            to[count[(from[i] >> shift) & 0xff]++] = from[i];
        guint64 *t = from;
        from = to;
        to = t;
    }
    if (from != v)
        memcpy(v, from, n * sizeof *v);
}

guint engine_hull(const EngineMinutia *m, guint n, EngineMinutia *hull)
{
    if (n < 3)
        return 0;
    /* Andrew's monotone chain, lower then upper, over the minutiae by x then y. */
    guint64 key[ENGINE_MAX_MINUTIAE];
    EngineMinutia sorted[ENGINE_MAX_MINUTIAE];
    for (guint i = 0; i < n; i++)
        key[i] = (guint64)(m[i].x - G_MININT16) << 32 | (guint64)(m[i].y - G_MININT16) << 16 | i;
    sort_keys64(key, n);
    for (guint i = 0; i < n; i++)
        sorted[i] = m[key[i] & 0xffff];
    guint k = 0;
    for (guint i = 0; i < n; i++) {
        while (k >= 2 && turn_of(&hull[k - 2], &hull[k - 1], &sorted[i]) <= 0)
            k--;
        hull[k++] = sorted[i];
    }
    for (guint i = n - 1, lower = k + 1; i-- > 0;) {
        while (k >= lower && turn_of(&hull[k - 2], &hull[k - 1], &sorted[i]) <= 0)
            k--;
        hull[k++] = sorted[i];
    }
    return k;
}

/* Marks in `edge` (n bytes, 1 or 0) the minutiae within EDGE_PX of the convex hull of all n. Every
 * minutia is inside the hull or on it, and the hull is convex, so a minutia's distance to the hull
 * is its least distance to the edges' lines: within EDGE_PX of some line is within EDGE_PX of some
 * edge. That test is exact in integers (cross² <= EDGE_PX² len²). An exact tie is decided by the
 * distance to the segment in doubles, as it always was: the minutiae a saved index chose stay the
 * ones chosen now. */
static void mark_edge(const EngineMinutia *m, guint n, guint8 *edge)
{
    memset(edge, 0, n);
    EngineMinutia hull[ENGINE_MAX_MINUTIAE + 1];
    guint k = engine_hull(m, n, hull); /* closed: hull[k-1] == hull[0] */
    for (guint e = 0; e + 1 < k; e++) {
        gint64 ax = hull[e].x, ay = hull[e].y, dx = hull[e + 1].x - ax, dy = hull[e + 1].y - ay;
        gint64 len2 = dx * dx + dy * dy, limit = (gint64)EDGE_PX * EDGE_PX * len2;
        for (guint i = 0; i < n; i++) {
            if (edge[i])
                continue;
            gint64 px = m[i].x - ax, py = m[i].y - ay;
            if (len2 == 0) { /* a repeated corner: the distance to it */
                edge[i] = px * px + py * py <= EDGE_PX * EDGE_PX;
                continue;
            }
            gint64 cross = px * dy - py * dx;
            if (cross * cross != limit) {
                edge[i] = cross * cross < limit;
                continue;
            }
            double t = (double)(px * dx + py * dy) / (double)len2;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double ex = (double)ax + t * (double)dx - m[i].x, ey = (double)ay + t * (double)dy - m[i].y;
            edge[i] = ex * ex + ey * ey <= (double)EDGE_PX * EDGE_PX;
        }
    }
}

guint engine_pairs_build(const EngineMinutia *m, guint n, guint neighbours, gboolean directed,
                         EnginePair *out)
{
    return engine_pairs_build_without(m, n, neighbours, directed, NULL, out);
}

/* Measured on the impostor pairs of the eight development sets and their made-dry copies
 * (docs/search.md, twenty-ninth round): such minutiae are 7-13 % of a clean print's and 17-22 % of a
 * made-dry one's. */
void engine_minutiae_mark_broken(const EngineMinutia *m, guint n, guint8 *broken)
{
    memset(broken, 0, n);
    for (guint i = 0; i < n; i++)
        for (guint j = i + 1; j < n; j++) {
            int dx = m[i].x - m[j].x, dy = m[i].y - m[j].y;
            int turn = abs((int)m[i].t - (int)m[j].t);
            turn = turn > 128 ? 256 - turn : turn;
            if (dx * dx + dy * dy <= ENGINE_BROKEN_PX * ENGINE_BROKEN_PX && turn > ENGINE_BROKEN_TURN)
                broken[i] = broken[j] = 1;
        }
}

guint engine_pairs_build_for_match(const EngineMinutia *m, guint n, gboolean directed, EnginePair *out)
{
    guint np = engine_pairs_build(m, n, ENGINE_NEIGHBOURS, directed, out);
    guint8 edge[ENGINE_MAX_MINUTIAE];
    mark_edge(m, n, edge);
    guint kept = 0;
    for (guint p = 0; p < np; p++)
        if (!edge[out[p].i] || !edge[out[p].j])
            out[kept++] = out[p];
    return kept;
}

/* Squared distance from each of n minutiae to its nearest other: minutiae in order of x, and from
 * each a walk both ways that stops once x alone is as far as the nearest so far. */
static void nearest_squared(const EngineMinutia *m, guint n, guint32 *nearest)
{
    guint64 by_x[ENGINE_MAX_MINUTIAE];
    for (guint i = 0; i < n; i++)
        by_x[i] = (guint64)(m[i].x - G_MININT16) << 8 | i;
    sort_keys64(by_x, n);
    for (guint p = 0; p < n; p++) {
        const EngineMinutia *a = &m[by_x[p] & 0xff];
        guint32 best = G_MAXUINT32;
        for (int dir = -1; dir <= 1; dir += 2)
            for (int q = (int)p + dir; q >= 0 && q < (int)n; q += dir) {
                const EngineMinutia *b = &m[by_x[q] & 0xff];
                gint64 dx = b->x - a->x, dy = b->y - a->y;
                if ((guint64)(dx * dx) >= best)
                    break;
                best = (guint32)MIN((guint64)(dx * dx + dy * dy), best);
            }
        nearest[by_x[p] & 0xff] = best;
    }
}

/* The edge rule is the matcher's (mark_edge): on FVC2004 DB2 the farthest-first rule alone kept the
 * lines of false minutiae along the scanner's edge and lost a dense finger (docs/search.md). */
void engine_minutiae_choose(const EngineMinutia *m, guint n, guint keep, gboolean *kept)
{
    for (guint i = 0; i < n; i++)
        kept[i] = n <= keep;
    if (n <= keep)
        return;
    guint32 nearest[ENGINE_MAX_MINUTIAE];
    guint8 edge[ENGINE_MAX_MINUTIAE];
    guint64 order[ENGINE_MAX_MINUTIAE]; /* inside first, then farthest; ties to the lower index */
    nearest_squared(m, n, nearest);
    mark_edge(m, n, edge);
    for (guint i = 0; i < n; i++)
        order[i] = (guint64)edge[i] << 40 | (guint64)(G_MAXUINT32 - nearest[i]) << 8 | i;
    sort_keys64(order, n);
    for (guint r = 0; r < keep; r++)
        kept[order[r] & 0xff] = TRUE;
}

guint engine_minutiae_spread(const EngineMinutia *m, guint n, guint keep, EngineMinutia *out)
{
    gboolean kept[ENGINE_MAX_MINUTIAE];
    engine_minutiae_choose(m, n, keep, kept);
    guint at = 0;
    for (guint i = 0; i < n; i++)
        if (kept[i])
            out[at++] = m[i];
    return at;
}
