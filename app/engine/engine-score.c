/* engine-score — from what two prints share to a score that means the same on every scanner.
 *
 * The matcher counts k minutiae that two prints share (paired, and agreeing two by two) among the
 * minutiae each has where they overlap. Two prints of different fingers also share a few by chance,
 * and more of them the more minutiae there are: a 640×480 optical image carries ~100 minutiae in the
 * overlap where a 300×300 capacitive one carries ~35. The old score (k² / the product of the two
 * overlap counts) paid for that twice, and a genuine dense print scored below the threshold.
 *
 * So the score is a false-match probability instead: among impostor comparisons, k behaves like an
 * over-dispersed Poisson count whose mean grows with the geometric mean m of the two overlap counts
 * (a broken ridge's two ends counted as none: engine_minutiae_mark_broken),
 *     mean = a + b·m,   variance = c · mean,
 * fitted on impostor pairs (every cross-finger pair of the ten development sets, docs/search.md).
 * The score is −log10 P(K ≥ k): 6 means "one comparison in a million of different fingers shares this
 * much". The threshold is then a false-match rate ([match] false_match_rate), the same number on any
 * scanner; the bench checks the estimate against the impostor pairs it did not see
 * (leave-one-sensor-out). */
#include "app/engine/engine-private.h"

#include <math.h>

/* Fitted by engine_calibration_fit on all 46,080 cross-finger impression pairs of tests/data/fvc*
 * (bench-accuracy prints the fit; the _loso_ lines use a fit without the set measured). */
static const EngineCalibration default_cal = {2.298, 0.0678, 0.45, 0.0253, 0.0028, 2.092, 0.739};

const EngineCalibration *engine_calibration_default(void)
{
    return &default_cal;
}

/* log of the regularised lower incomplete gamma P(s, x) = P(Poisson(x) >= s) for a whole s; here s
 * may be fractional (the over-dispersed count). Series; only called with s > x. */
static double log_gamma_p(double s, double x)
{
    double sum = 1, term = 1;
    for (int n = 1; n < 500; n++) {
        term *= x / (s + n);
        sum += term;
        if (term < sum * 1e-12)
            break;
    }
    return s * log(x) - x - lgamma(s + 1) + log(sum);
}

/* The pair matcher's count alone. */
static double pair_score(const EngineCalibration *cal, const EngineMatchStats *st)
{
    if (st->matched == 0)
        return 0;
    double m = sqrt((double)st->probe_in * st->gallery_in);
    double mean = MAX(cal->a + cal->b * m, 0.05), c = MAX(cal->c, 0.05);
    double s = st->matched / c, x = mean / c;
    if (s <= x)
        return 0;
    return MAX(-log_gamma_p(s, x) / G_LN10, 0);
}

/* -log10 of a tail P(X >= v) that is 1 % at its 99th percentile q and falls exponentially beyond
 * with mean excess beta (below q: the same line, down to 0). */
static double tail_score(double v, double q, double beta)
{
    return MAX(0, 2 + (v - q) / (MAX(beta, 1e-9) * G_LN10));
}

/* Two scores as independent evidence: -log10 P(p1 * p2 <= p), for p = the product of the two
 * chances, which is p (1 - ln p) for independent uniform p1, p2 (Fisher's method for two). */
static double fisher_two(double s1, double s2)
{
    double s = s1 + s2;
    return s > 0 ? s - log10(1 + s * G_LN10) : 0;
}

/* The cylinders' similarity and the pair count, fused, before the fused tail is calibrated. */
static double fused_raw(const EngineCalibration *cal, const EngineMatchStats *st)
{
    return fisher_two(pair_score(cal, st), tail_score(st->cylinders, cal->q, cal->beta));
}

double engine_calibration_score(const EngineCalibration *cal, const EngineMatchStats *st)
{
    if (st->cylinders < 0)
        return pair_score(cal, st);
    /* The two are not independent (a stranger's print that lines up by chance does so for both),
     * so the fused number is calibrated again on impostor pairs, like each alone. */
    return tail_score(fused_raw(cal, st), cal->fq, cal->fbeta);
}

static int cmp_double(const void *a, const void *b);

/* The 99th percentile q of `v` (n values, sorted here) and the mean excess beyond it. */
static void fit_tail(double *v, guint n, double *q, double *beta)
{
    qsort(v, n, sizeof v[0], cmp_double);
    guint at = MIN((guint)(0.99 * n), n - 1), over = 0;
    double sum = 0;
    *q = v[at];
    for (guint i = 0; i < n; i++)
        if (v[i] > *q)
            sum += v[i] - *q, over++;
    *beta = over ? sum / over : 1e-9;
}

/* The cylinders' tail, then the fused one, on the impostor comparisons that have both. And, as for
 * the pair count: no impostor fitted on may reach the default threshold (the fused tail, widened
 * until none does). */
static void fit_fused(EngineCalibration *cal, const EngineMatchStats *imp, guint n)
{
    g_autofree double *v = g_new(double, MAX(n, 1));
    guint nv = 0;
    for (guint i = 0; i < n; i++)
        if (imp[i].cylinders >= 0)
            v[nv++] = imp[i].cylinders;
    if (nv < 1000)
        return;
    fit_tail(v, nv, &cal->q, &cal->beta);
    nv = 0;
    for (guint i = 0; i < n; i++)
        if (imp[i].cylinders >= 0)
            v[nv++] = fused_raw(cal, &imp[i]);
    fit_tail(v, nv, &cal->fq, &cal->fbeta);
    double top = v[nv - 1], need = (top - cal->fq) / (G_LN10 * (ENGINE_DEFAULT_THRESHOLD - 2));
    if (need >= cal->fbeta)
        cal->fbeta = need * 1.0001;
}

/* The mean: least squares of k on m over every impostor comparison. The spread c: the bulk of
 * impostor comparisons share nothing structured (k = 0..3) and says little about the tail, which is
 * what a threshold lives in, so c is chosen so that the estimate is right where the data still
 * measure it: the share of impostor comparisons scoring 2 or more should be 1e-2, 3 or more 1e-3.
 * And it must not contradict the data where they can only contradict it: the default threshold
 * promises one false match in a million comparisons, so among the few tens of thousands fitted on,
 * none may reach it (the tail is heavier than the model's, and a c that ignored this let one
 * stranger's pair in 5,760 through on a set it had not seen). */
void engine_calibration_fit(EngineCalibration *cal, const EngineMatchStats *imp, guint n)
{
    double sm = 0, sk = 0, smm = 0, smk = 0;
    for (guint i = 0; i < n; i++) {
        double m = sqrt((double)imp[i].probe_in * imp[i].gallery_in), k = imp[i].matched;
        sm += m, sk += k, smm += m * m, smk += m * k;
    }
    double det = n * smm - sm * sm;
    *cal = default_cal;
    if (n < 1000 || det <= 0)
        return;
    cal->b = (n * smk - sm * sk) / det;
    cal->a = (sk - cal->b * sm) / n;
    double best = G_MAXDOUBLE, best_c = cal->c;
    for (double c = 0.3; c <= 2.0; c += 0.05) {
        cal->c = c;
        guint over2 = 0, over3 = 0, over_threshold = 0;
        for (guint i = 0; i < n; i++) {
            double sc = pair_score(cal, &imp[i]);
            over2 += sc >= 2;
            over3 += sc >= 3;
            over_threshold += sc >= ENGINE_DEFAULT_THRESHOLD;
        }
        if (over_threshold > 0)
            continue;
        double e2 = log10(MAX(over2, 1) / (double)n) + 2, e3 = log10(MAX(over3, 1) / (double)n) + 3;
        if (e2 * e2 + e3 * e3 < best) {
            best = e2 * e2 + e3 * e3;
            best_c = c;
        }
    }
    cal->c = best_c;
    fit_fused(cal, imp, n);
}

/* An impression with fewer minutiae than the matcher needs in an overlap can never score on its own
 * (engine-match.c: MIN_OVERLAP). */
#define ENROLL_MIN_MINUTIAE 12
/* An impression must share this much with at least one other impression of the same finger (a chance
 * of 1 in 100 that a stranger's would): one that shares less was a slip, an edge or a smudge, and
 * later touches will not match it either. */
#define ENROLL_MIN_SCORE 2.0

/* One finger's impressions ready to be compared one to one, each with its cylinders built once. */
typedef struct {
    guint n;
    EngineTemplate *one[ENGINE_MAX_IMPRESSIONS];
    EngineCylinders *cylinders[ENGINE_MAX_IMPRESSIONS];
} Impressions;

static void impressions_init(Impressions *im, const EngineTemplate *t)
{
    im->n = t->n_impressions;
    for (guint k = 0; k < im->n; k++) {
        im->one[k] = engine_template_get_impression(t, k);
        im->cylinders[k] = engine_cylinders_new(im->one[k], 0);
    }
}

static void impressions_clear(Impressions *im)
{
    for (guint k = 0; k < im->n; k++) {
        engine_template_free(im->one[k]);
        engine_cylinders_free(im->cylinders[k]);
    }
    im->n = 0;
}

/* Keeps impression 0 only (a report keeps each finger's first for the strangers' comparisons). */
static void impressions_keep_first(Impressions *im)
{
    for (guint k = 1; k < im->n; k++) {
        engine_template_free(im->one[k]);
        engine_cylinders_free(im->cylinders[k]);
    }
    im->n = MIN(im->n, 1);
}

static double impressions_match(const Impressions *a, guint i, const Impressions *b, guint j)
{
    return engine_match_one_to_one(a->one[i], a->cylinders[i], b->one[j], b->cylinders[j]);
}

static gboolean check_enrollment(const EngineTemplate *t, const Impressions *im, GError **error)
{
    for (guint k = 0; k < t->n_impressions; k++) {
        guint n = engine_template_get_minutiae(t, k);
        if (n < ENROLL_MIN_MINUTIAE) {
            g_set_error(error, ENGINE_ERROR, ENGINE_ERROR_POOR,
                        "touch %u of %u shows too little of the finger (%u ridge details, %u needed): "
                        "press the flat of the finger, not its tip, and enroll it again",
                        k + 1, t->n_impressions, n, ENROLL_MIN_MINUTIAE);
            return FALSE;
        }
    }
    if (t->n_impressions < 2)
        return TRUE;
    for (guint k = 0; k < t->n_impressions; k++) {
        double best = 0;
        for (guint j = 0; j < t->n_impressions; j++)
            if (j != k)
                best = MAX(best, impressions_match(im, k, im, j));
        if (best < ENROLL_MIN_SCORE) {
            g_set_error(error, ENGINE_ERROR, ENGINE_ERROR_POOR,
                        "touch %u of %u has too little in common with the other touches (the finger "
                        "moved, or only its edge touched): enroll it again, pressing the same part "
                        "of the finger each time", k + 1, t->n_impressions);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean engine_template_check_enrollment(const EngineTemplate *t, GError **error)
{
    Impressions im;
    impressions_init(&im, t);
    gboolean ok = check_enrollment(t, &im, error);
    impressions_clear(&im);
    return ok;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of a sorted array (0 when empty). */
static double quantile(const GArray *a, double q)
{
    if (a->len == 0)
        return 0;
    return g_array_index(a, double, MIN((guint)(q * a->len), a->len - 1));
}

#define REPORT_MAX_IMPOSTOR_FINGERS 200

void engine_report_gallery(EngineTemplate *const *t, const gint64 *people, guint n, double threshold,
                           EngineReport *out)
{
    *out = (EngineReport){.fingers = n};
    g_autoptr(GArray) gen = g_array_new(FALSE, FALSE, sizeof(double));
    g_autoptr(GArray) imp = g_array_new(FALSE, FALSE, sizeof(double));
    guint n_first = MIN(n, REPORT_MAX_IMPOSTOR_FINGERS);
    /* each finger's first impression, kept for the strangers' comparisons below */
    Impressions *first = g_new0(Impressions, MAX(n_first, 1));
    for (guint f = 0; f < n; f++) {
        Impressions im;
        impressions_init(&im, t[f]);
        out->poor_fingers += !check_enrollment(t[f], &im, NULL);
        for (guint i = 0; i < im.n; i++)
            for (guint j = i + 1; j < im.n; j++) {
                double sc = impressions_match(&im, j, &im, i);
                g_array_append_val(gen, sc);
                out->false_non_matches += sc < threshold;
            }
        if (f < n_first) {
            impressions_keep_first(&im);
            first[f] = im;
        } else {
            impressions_clear(&im);
        }
    }
    for (guint a = 0; a < n_first; a++)
        for (guint b = a + 1; b < n_first; b++) {
            if (people[a] == people[b] || first[a].n == 0 || first[b].n == 0)
                continue; /* one person's two fingers are not strangers to each other's owner */
            double sc = impressions_match(&first[a], 0, &first[b], 0);
            g_array_append_val(imp, sc);
            out->false_matches += sc >= threshold;
        }
    for (guint a = 0; a < n_first; a++)
        impressions_clear(&first[a]);
    g_free(first);
    g_array_sort(gen, cmp_double);
    g_array_sort(imp, cmp_double);
    out->genuine = gen->len;
    out->impostor = imp->len;
    out->genuine_median = quantile(gen, 0.5);
    out->genuine_p10 = quantile(gen, 0.1);
    out->impostor_max = imp->len ? g_array_index(imp, double, imp->len - 1) : 0;
    out->impostor_p99 = quantile(imp, 0.99);
}
