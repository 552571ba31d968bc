/* engine-mcc — a second way to compare two impressions: Minutia Cylinder-Code (MCC).
 *
 * The pair matcher (engine-match.c) describes a print by each minutia's few nearest neighbours; a
 * missing or spurious minutia changes who the nearest are, and on small or noisy prints the pairs
 * two impressions of one finger share run out (docs/search.md: where the engine loses to bozorth3).
 * MCC (R. Cappelli, M. Ferrara, D. Maltoni, "Minutia Cylinder-Code: a new representation and
 * matching technique for fingerprint recognition", IEEE TPAMI 32(12), 2010; written here from the
 * paper's description) describes each minutia by everything around it instead: a cylinder of
 * 16 x 16 cells over a disc of 70 px, turned with the minutia, times 6 direction bins; each cell
 * holds how strongly minutiae near it, with that relative direction, are present (Gaussian in
 * space and in direction, squashed by a sigmoid). A missing minutia dims a few cells; it does not
 * change the rest. Two cylinders compare as 1 - |a - b| / (|a| + |b|) over the cells valid in both
 * (inside the disc and near the print's convex hull), and two impressions by "local similarity sort
 * with relaxation" (LSS-R): the best-matching cylinder pairs, each weighted by how well its
 * geometry agrees with the others', averaged over the few that relaxation favours.
 *
 * The parameters are the paper's, not fitted here: the development sets measure it as they were
 * never tuned on (bench-accuracy's `_cylinders_` lines). Alone it is worse than the pair matcher at
 * the strict end; the decision uses the two fused (engine-score.c, docs/search.md). */
#include "app/engine/engine-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MCC_R 70.0           /* radius of the disc a cylinder covers, px (500 dpi) */
#define MCC_NS 16            /* cells along its diameter */
#define MCC_ND 6             /* direction bins */
#define MCC_SIGMA_S (28.0 / 3) /* spatial Gaussian, px */
#define MCC_SIGMA_D (2 * G_PI / 9)
#define MCC_MU_PSI 0.01      /* the sigmoid that turns a cell's sum into 0..1 */
#define MCC_TAU_PSI 400.0
#define MCC_OMEGA 50.0       /* a cell counts if within this of the minutiae's convex hull */
#define MCC_MIN_VC 0.75      /* a cylinder needs this share of its disc's cells valid ... */
#define MCC_MIN_M 2          /* ... and this many neighbours within R + 3 sigma */
#define MCC_MIN_ME 0.60      /* two cylinders compare on at least this share of cells valid in both */
#define MCC_DELTA_THETA (G_PI / 2) /* two minutiae turned further apart than this don't correspond */
/* How many cylinder pairs the score averages: 4..12, more for prints with more minutiae. */
#define MCC_MIN_NP 4
#define MCC_MAX_NP 12
#define MCC_MU_NP 20.0
#define MCC_TAU_NP 0.4
/* Relaxation: rounds, and the weight a pair keeps of its own similarity each round. */
#define MCC_RELAX_ROUNDS 5
#define MCC_RELAX_W 0.5
/* Two pairs whose distances differ by more than this agree by less than 1e-10 (the sigmoid of the
 * distance term): not worth the angles. */
#define MCC_RHO_FAR 20.0

#define MCC_CELLS (MCC_NS * MCC_NS)
#define MCC_VALUES (MCC_CELLS * MCC_ND)
G_STATIC_ASSERT(MCC_CELLS % 4 == 0 && MCC_VALUES % 8 == 0);

struct EngineCylinders {
    guint n;                  /* minutiae */
    guint n_valid;            /* cylinders valid to compare */
    float x[ENGINE_MAX_MINUTIAE], y[ENGINE_MAX_MINUTIAE], t[ENGINE_MAX_MINUTIAE]; /* t: radians */
    guint8 valid[ENGINE_MAX_MINUTIAE];
    float *value;  /* n x MCC_VALUES: cell (i, j), bin k at (i * MCC_NS + j) * MCC_ND + k; 0 where invalid */
    float *mask;   /* n x MCC_CELLS: 1 valid, 0 not */
    float *square; /* n x MCC_CELLS: sum over the bins of value squared */
};

/* Cells of the square grid that lie inside the disc, and their offsets from the centre. */
static float cell_dx[MCC_CELLS], cell_dy[MCC_CELLS];
static guint8 cell_in_disc[MCC_CELLS];
static guint cells_in_disc;
/* A neighbour's share of each direction bin, by its direction relative to the centre minutia (in
 * 256ths of a turn, as minutiae are kept): the Gaussian integrated over the bin. */
static float bin_share[ENGINE_ANGLE_UNITS][MCC_ND];

/* An angle brought into [-pi, pi) (the angles here are differences of a few angles, so a loop
 * beats fmod). */
static double wrap(double a)
{
    while (a >= G_PI)
        a -= 2 * G_PI;
    while (a < -G_PI)
        a += 2 * G_PI;
    return a;
}

static gpointer init_cells(gpointer data)
{
    (void)data;
    const double step = 2 * MCC_R / MCC_NS;
    for (int i = 0; i < MCC_NS; i++)
        for (int j = 0; j < MCC_NS; j++) {
            double dx = (i - (MCC_NS - 1) / 2.0) * step, dy = (j - (MCC_NS - 1) / 2.0) * step;
            cell_dx[i * MCC_NS + j] = (float)dx;
            cell_dy[i * MCC_NS + j] = (float)dy;
            cell_in_disc[i * MCC_NS + j] = dx * dx + dy * dy <= MCC_R * MCC_R;
            cells_in_disc += cell_in_disc[i * MCC_NS + j];
        }
    const double bin = 2 * G_PI / MCC_ND, erf_scale = 1 / (MCC_SIGMA_D * G_SQRT2);
    for (int u = 0; u < ENGINE_ANGLE_UNITS; u++) {
        double d = wrap(u * 2 * G_PI / ENGINE_ANGLE_UNITS);
        for (int k = 0; k < MCC_ND; k++) {
            double a = wrap(-G_PI + (k + 0.5) * bin - d);
            bin_share[u][k] = (float)(0.5 * (erf((a + bin / 2) * erf_scale) - erf((a - bin / 2) * erf_scale)));
        }
    }
    return NULL;
}

/* The convex hull's edges (counter-clockwise), each with its length: a cell is checked against
 * every edge, so the square roots are taken once per print. */
typedef struct {
    double ax, ay, dx, dy, len;
} HullEdge;

static guint hull_edges(const EngineMinutia *m, guint n, HullEdge *out)
{
    EngineMinutia hull[ENGINE_MAX_MINUTIAE + 1];
    guint k = engine_hull(m, n, hull), ne = 0;
    if (k < 4) /* fewer than three distinct corners: no area to be outside of */
        return 0;
    for (guint e = 0; e + 1 < k; e++) {
        double ax = hull[e].x, ay = hull[e].y, dx = hull[e + 1].x - ax, dy = hull[e + 1].y - ay;
        double len = sqrt(dx * dx + dy * dy);
        if (len > 0)
            out[ne++] = (HullEdge){ax, ay, dx, dy, len};
    }
    return ne;
}

/* Whether (x, y) lies within MCC_OMEGA of the convex hull. */
static gboolean near_hull(const HullEdge *edge, guint ne, double x, double y)
{
    for (guint e = 0; e < ne; e++) /* left of a counter-clockwise edge is inside: outside by -cross / len */
        if (edge[e].dx * (y - edge[e].ay) - edge[e].dy * (x - edge[e].ax) < -MCC_OMEGA * edge[e].len)
            return FALSE;
    return TRUE;
}

static EngineCylinders *cylinders_of(const EngineMinutia *m, guint n)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, init_cells, NULL);
    n = MIN(n, ENGINE_MAX_MINUTIAE);
    EngineCylinders *c = g_new0(EngineCylinders, 1);
    c->n = n;
    c->value = g_new0(float, MAX(n, 1) * MCC_VALUES);
    c->mask = g_new0(float, MAX(n, 1) * MCC_CELLS);
    c->square = g_new0(float, MAX(n, 1) * MCC_CELLS);
    for (guint i = 0; i < n; i++) {
        c->x[i] = m[i].x;
        c->y[i] = m[i].y;
        c->t[i] = (float)(m[i].t * 2 * G_PI / ENGINE_ANGLE_UNITS);
    }
    HullEdge edge[ENGINE_MAX_MINUTIAE + 1];
    guint ne = hull_edges(m, n, edge);
    const double reach2 = 9 * MCC_SIGMA_S * MCC_SIGMA_S, norm = 1 / (MCC_SIGMA_S * sqrt(2 * G_PI));
    const double near = MCC_R + 3 * MCC_SIGMA_S, step = 2 * MCC_R / MCC_NS;
    const float psi_of_nothing = (float)(1 / (1 + exp(MCC_TAU_PSI * MCC_MU_PSI)));
    guint8 around[ENGINE_MAX_MINUTIAE];
    double px[MCC_CELLS], py[MCC_CELLS], sum[MCC_CELLS][MCC_ND];
    guint8 cell_ok[MCC_CELLS];
    for (guint i = 0; i < n; i++) {
        double ci = cos(c->t[i]), si = sin(c->t[i]);
        /* only minutiae this near can reach a cell of the disc */
        guint na = 0;
        for (guint j = 0; j < n; j++) {
            double dx = c->x[j] - c->x[i], dy = c->y[j] - c->y[i];
            if (j != i && dx * dx + dy * dy <= near * near)
                around[na++] = (guint8)j;
        }
        guint valid = 0;
        for (guint q = 0; q < MCC_CELLS; q++) {
            px[q] = c->x[i] + ci * cell_dx[q] - si * cell_dy[q];
            py[q] = c->y[i] + si * cell_dx[q] + ci * cell_dy[q];
            cell_ok[q] = cell_in_disc[q] && (ne == 0 || near_hull(edge, ne, px[q], py[q]));
            valid += cell_ok[q];
        }
        memset(sum, 0, sizeof sum);
        /* Each neighbour adds to the cells within 3 sigma of it: found by its place in the
         * cylinder's own frame (a cell of margin), the distance then taken as before. Neighbours in
         * order, so each cell sums them in the same order as cell by cell. */
        for (guint a = 0; a < na; a++) {
            guint j = around[a];
            double ox = c->x[j] - c->x[i], oy = c->y[j] - c->y[i];
            double u = ci * ox + si * oy, v = -si * ox + ci * oy, r = 3 * MCC_SIGMA_S;
            int c0 = MAX(0, (int)floor((u - r) / step + (MCC_NS - 1) / 2.0) - 1);
            int c1 = MIN(MCC_NS - 1, (int)ceil((u + r) / step + (MCC_NS - 1) / 2.0) + 1);
            int r0 = MAX(0, (int)floor((v - r) / step + (MCC_NS - 1) / 2.0) - 1);
            int r1 = MIN(MCC_NS - 1, (int)ceil((v + r) / step + (MCC_NS - 1) / 2.0) + 1);
            const float *share = bin_share[(guint8)(m[j].t - m[i].t)];
            for (int ix = c0; ix <= c1; ix++)
                for (int iy = r0; iy <= r1; iy++) {
                    guint q = (guint)(ix * MCC_NS + iy);
                    if (!cell_ok[q])
                        continue;
                    double dx = px[q] - c->x[j], dy = py[q] - c->y[j], d2 = dx * dx + dy * dy;
                    if (d2 > reach2)
                        continue;
                    double g = norm * exp(-d2 / (2 * MCC_SIGMA_S * MCC_SIGMA_S));
                    for (int k = 0; k < MCC_ND; k++)
                        sum[q][k] += g * share[k];
                }
        }
        for (guint q = 0; q < MCC_CELLS; q++) {
            if (!cell_ok[q])
                continue;
            float *v = &c->value[(gsize)i * MCC_VALUES + q * MCC_ND], sq = 0;
            for (int k = 0; k < MCC_ND; k++) {
                v[k] = sum[q][k] == 0 ? psi_of_nothing
                                      : (float)(1 / (1 + exp(-MCC_TAU_PSI * (sum[q][k] - MCC_MU_PSI))));
                sq += v[k] * v[k];
            }
            c->mask[(gsize)i * MCC_CELLS + q] = 1;
            c->square[(gsize)i * MCC_CELLS + q] = sq;
        }
        c->valid[i] = valid >= MCC_MIN_VC * cells_in_disc && na >= MCC_MIN_M;
        c->n_valid += c->valid[i];
    }
    return c;
}

EngineCylinders *engine_cylinders_new(const EngineTemplate *t, guint impression)
{
    g_return_val_if_fail(impression < t->n_impressions, NULL);
    /* Of a dense print, from its ENGINE_SEARCH_MINUTIAE chosen minutiae only: building and
     * comparing cylinders costs about the square of the minutiae (~5 ms a finger at 138), and on
     * the densest development set the chosen ones compare better than all (docs/search.md). */
    EngineMinutia chosen[ENGINE_SEARCH_MINUTIAE];
    guint n = engine_minutiae_spread(&t->m[t->start[impression]], t->start[impression + 1] - t->start[impression],
                                     ENGINE_SEARCH_MINUTIAE, chosen);
    return cylinders_of(chosen, n);
}

void engine_cylinders_free(EngineCylinders *c)
{
    if (!c)
        return;
    g_free(c->value);
    g_free(c->mask);
    g_free(c->square);
    g_free(c);
}

/* Four floats at a time (GCC and clang vector extensions: SSE on x86-64, NEON on ARM); a float sum
 * is not vectorised by the compiler on its own, since reordering it changes the last bits. Loaded
 * with memcpy: the arrays need no particular alignment. */
typedef float Four __attribute__((vector_size(16)));

static inline Four four_at(const float *p)
{
    Four v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline float four_sum(Four v)
{
    return (v[0] + v[1]) + (v[2] + v[3]);
}

/* 1 - |a - b| / (|a| + |b|) over the cells valid in both; 0 when they share too few. */
static float cylinder_similarity(const EngineCylinders *a, guint i, const EngineCylinders *b, guint j)
{
    const float *ma = &a->mask[(gsize)i * MCC_CELLS], *mb = &b->mask[(gsize)j * MCC_CELLS];
    const float *sa = &a->square[(gsize)i * MCC_CELLS], *sb = &b->square[(gsize)j * MCC_CELLS];
    Four common4 = {0}, na4 = {0}, nb4 = {0};
    for (guint q = 0; q < MCC_CELLS; q += 4) {
        Four fa = four_at(ma + q), fb = four_at(mb + q);
        common4 += fa * fb;
        na4 += four_at(sa + q) * fb;
        nb4 += four_at(sb + q) * fa;
    }
    float common = four_sum(common4), na = four_sum(na4), nb = four_sum(nb4);
    if (common < MCC_MIN_ME * cells_in_disc || na + nb <= 0)
        return 0;
    const float *va = &a->value[(gsize)i * MCC_VALUES], *vb = &b->value[(gsize)j * MCC_VALUES];
    Four d0 = {0}, d1 = {0};
    for (guint v = 0; v < MCC_VALUES; v += 8) { /* each is 0 where its own cell is invalid */
        d0 += four_at(va + v) * four_at(vb + v);
        d1 += four_at(va + v + 4) * four_at(vb + v + 4);
    }
    float dot = four_sum(d0 + d1);
    float diff = sqrtf(MAX(na + nb - 2 * dot, 0));
    return 1 - diff / (sqrtf(na) + sqrtf(nb));
}

static double sigmoid(double v, double mu, double tau)
{
    return 1 / (1 + exp(-tau * (v - mu)));
}

typedef struct {
    float sim;
    guint8 a, b;
} CylinderPair;

static int cmp_sim_desc(const void *x, const void *y)
{
    float p = ((const CylinderPair *)x)->sim, q = ((const CylinderPair *)y)->sim;
    return (p < q) - (p > q);
}

static int cmp_double_desc(const void *x, const void *y)
{
    double p = ((const double *)x)[0], q = ((const double *)y)[0];
    return (p < q) - (p > q);
}

/* Keeps the `cap` most similar pairs in h, a min-heap on similarity. */
static void heap_keep(CylinderPair *h, guint *n, guint cap, CylinderPair p)
{
    guint i;
    if (*n < cap) {
        i = (*n)++;
        while (i > 0 && h[(i - 1) / 2].sim > p.sim) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h[i] = p;
        return;
    }
    if (p.sim <= h[0].sim)
        return;
    for (i = 0;;) { /* the root goes: sift p down from it */
        guint l = 2 * i + 1, r = l + 1, m = l;
        if (l >= *n)
            break;
        if (r < *n && h[r].sim < h[l].sim)
            m = r;
        if (h[m].sim >= p.sim)
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = p;
}

double engine_cylinders_similarity(const EngineCylinders *a, const EngineCylinders *b)
{
    guint n_small = MIN(a->n_valid, b->n_valid);
    if (n_small < 2) /* one pair has nothing to agree with */
        return 0;
    guint n_p = MCC_MIN_NP +
                (guint)lround(sigmoid(n_small, MCC_MU_NP, MCC_TAU_NP) * (MCC_MAX_NP - MCC_MIN_NP));
    /* Local similarities of every two cylinders that could correspond; the n_small best go on
     * (kept in a heap whose root is the weakest kept). */
    g_autofree CylinderPair *pairs = g_new(CylinderPair, n_small);
    guint np = 0;
    for (guint i = 0; i < a->n; i++) {
        if (!a->valid[i])
            continue;
        for (guint j = 0; j < b->n; j++) {
            if (!b->valid[j] || fabs(wrap(a->t[i] - b->t[j])) > MCC_DELTA_THETA)
                continue;
            float s = cylinder_similarity(a, i, b, j);
            if (s > 0)
                heap_keep(pairs, &np, n_small, (CylinderPair){s, (guint8)i, (guint8)j});
        }
    }
    if (np == 0)
        return 0;
    qsort(pairs, np, sizeof pairs[0], cmp_sim_desc);
    guint n_r = np;
    /* Relaxation: a pair keeps half its similarity and gains the others', each weighted by how
     * well the two pairs' geometry agrees (distance, relative direction, the angle each minutia
     * sees the other at). Chance pairs of a stranger's print don't agree with each other. */
    g_autofree double *rho = g_new(double, (gsize)n_r * n_r);
    for (guint s = 0; s < n_r; s++)
        for (guint k = 0; k < n_r; k++) {
            if (s == k) {
                rho[s * n_r + k] = 0;
                continue;
            }
            guint as = pairs[s].a, ak = pairs[k].a, bs = pairs[s].b, bk = pairs[k].b;
            double da = hypot(a->x[ak] - a->x[as], a->y[ak] - a->y[as]);
            double db = hypot(b->x[bk] - b->x[bs], b->y[bk] - b->y[bs]);
            double d1 = fabs(da - db);
            if (d1 > MCC_RHO_FAR) { /* the distances disagree: the product is ~0 whatever the angles */
                rho[s * n_r + k] = 0;
                continue;
            }
            double d2 = fabs(wrap(wrap(a->t[as] - a->t[ak]) - wrap(b->t[bs] - b->t[bk])));
            double ra = wrap(a->t[as] - atan2(a->y[ak] - a->y[as], a->x[ak] - a->x[as]));
            double rb = wrap(b->t[bs] - atan2(b->y[bk] - b->y[bs], b->x[bk] - b->x[bs]));
            double d3 = fabs(wrap(ra - rb));
            rho[s * n_r + k] = sigmoid(d1, 5, -8.0 / 5) * sigmoid(d2, G_PI / 12, -30) *
                               sigmoid(d3, G_PI / 12, -30);
        }
    g_autofree double *lambda = g_new(double, n_r), *next = g_new(double, n_r);
    for (guint s = 0; s < n_r; s++)
        lambda[s] = pairs[s].sim;
    for (int round = 0; round < MCC_RELAX_ROUNDS; round++) {
        for (guint s = 0; s < n_r; s++) {
            double sum = 0;
            for (guint k = 0; k < n_r; k++)
                sum += rho[s * n_r + k] * lambda[k];
            next[s] = MCC_RELAX_W * lambda[s] + (1 - MCC_RELAX_W) * sum / (n_small - 1);
        }
        memcpy(lambda, next, n_r * sizeof *lambda);
    }
    /* The n_p pairs relaxation raised most (their "efficiency"), averaged. */
    g_autofree double *by_gain = g_new(double, 2 * (gsize)n_r);
    for (guint s = 0; s < n_r; s++) {
        by_gain[2 * s] = lambda[s] / pairs[s].sim;
        by_gain[2 * s + 1] = lambda[s];
    }
    qsort(by_gain, n_r, 2 * sizeof(double), cmp_double_desc);
    double total = 0;
    for (guint s = 0; s < MIN(n_p, n_r); s++)
        total += by_gain[2 * s + 1];
    return total / MIN(n_p, n_r);
}

double engine_template_match_cylinders(const EngineTemplate *probe, const EngineTemplate *gallery)
{
    g_autoptr(EngineCylinders) p = engine_cylinders_new(probe, 0);
    double best = 0;
    for (guint k = 0; k < gallery->n_impressions; k++) {
        g_autoptr(EngineCylinders) g = engine_cylinders_new(gallery, k);
        best = MAX(best, engine_cylinders_similarity(p, g));
    }
    return best;
}
