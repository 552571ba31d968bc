/* bench-common — what the bench programs share (header-only: the Makefile links tests and benches
 * with tests/helpers.o alone). Scans through the virtual scanner, templates from libfprint prints,
 * and FVC-style error rates from score lists. */
#pragma once

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/engine/engine.h"
#include "app/search.h"
#include "tests/helpers.h"

typedef struct {
    gboolean done;
    FpPrint *match, *probe;
    GError *error;
} BenchWait;

static void bench_on_identified(FpPrint *match, FpPrint *probe, const GError *error, gpointer data)
{
    BenchWait *w = data;
    w->match = match ? g_object_ref(match) : NULL;
    w->probe = probe ? g_object_ref(probe) : NULL;
    w->error = error ? g_error_copy(error) : NULL;
    w->done = TRUE;
}

/* Places `png` on the virtual scanner and identifies it against `gallery`; returns the match (or
 * NULL) and, if asked, the scanned print. */
G_GNUC_UNUSED static FpPrint *bench_identify(Scanner *scanner, const char *png, GPtrArray *gallery,
                                             FpPrint **probe)
{
    BenchWait w = {0};
    tu_hand_queue(png);
    scanner_identify(scanner, gallery, NULL, bench_on_identified, &w);
    g_assert_true(tu_run_until(&w.done, 30000));
    g_assert_no_error(w.error);
    if (probe)
        *probe = w.probe;
    else if (w.probe)
        g_object_unref(w.probe);
    return w.match;
}

/* libfprint's heat model rests a scanner after ~3 minutes of work, and measuring a set keeps the
 * virtual one busy longer than that: a rested scanner is replaced by a fresh (cold) one. */
G_GNUC_UNUSED static FpPrint *bench_identify_rested(Scanner **scanner, const char *png, GPtrArray *gallery,
                                                    FpPrint **probe)
{
    for (int attempt = 0;; attempt++) {
        if (scanner_get_state(*scanner) != SCANNER_READY) {
            scanner_free(*scanner);
            *scanner = tu_scanner_new(NULL, NULL);
        }
        BenchWait w = {0};
        if (tu_hand_pending() == 0)
            tu_hand_queue(png);
        scanner_identify(*scanner, gallery, NULL, bench_on_identified, &w);
        g_assert_true(tu_run_until(&w.done, 60000));
        if (w.error && g_error_matches(w.error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_TOO_HOT) && attempt < 3) {
            g_clear_error(&w.error);
            g_clear_object(&w.probe);
            continue;
        }
        g_assert_no_error(w.error);
        if (probe)
            *probe = w.probe;
        else if (w.probe)
            g_object_unref(w.probe);
        return w.match;
    }
}

#define BENCH_CACHE_VERSION "haazri-bench-accuracy 2"

/* bozorth3's scores of one FVC folder (fingers 101-110, impressions 1-8), as bench-accuracy caches
 * them in <cache>/bozorth3.txt: genuine (f, i < j) in order, impression j the probe; impostor
 * probe (g, j) against gallery (f != g, i) in order; then libfprint's 1:N found and wrong. */
#define BENCH_FINGERS 10
#define BENCH_IMPRESSIONS 8
#define BENCH_BZ3_GENUINE (BENCH_FINGERS * BENCH_IMPRESSIONS * (BENCH_IMPRESSIONS - 1) / 2)
#define BENCH_BZ3_IMPOSTOR (BENCH_FINGERS * (BENCH_FINGERS - 1) * BENCH_IMPRESSIONS * BENCH_IMPRESSIONS)
#define BENCH_BZ3_THRESHOLD 40 /* virtual_image: FpImageDevice's default bz3_threshold */
typedef struct {
    double gen[BENCH_BZ3_GENUINE], imp[BENCH_BZ3_IMPOSTOR];
    int lib_found, lib_wrong;
} BenchBz3;

G_GNUC_UNUSED static gboolean bench_bz3_read(BenchBz3 *b, const char *path)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return FALSE;
    g_auto(GStrv) tok = g_strsplit_set(text, " \n", -1);
    enum { WANT = BENCH_BZ3_GENUINE + BENCH_BZ3_IMPOSTOR + 2 };
    guint n = 0;
    double v[WANT];
    for (guint t = 0; tok[t] && n < WANT; t++)
        if (*tok[t])
            v[n++] = g_ascii_strtod(tok[t], NULL);
    if (n != WANT)
        return FALSE;
    memcpy(b->gen, v, sizeof b->gen);
    memcpy(b->imp, v + BENCH_BZ3_GENUINE, sizeof b->imp);
    b->lib_found = (int)v[BENCH_BZ3_GENUINE + BENCH_BZ3_IMPOSTOR];
    b->lib_wrong = (int)v[BENCH_BZ3_GENUINE + BENCH_BZ3_IMPOSTOR + 1];
    return TRUE;
}

/* What the search layer hands the kiosk for an engine result (what second_opinion_wanted() reads). */
G_GNUC_UNUSED static SearchResult bench_search_result_of(const EngineResult *r)
{
    SearchResult out = {.decision = r->match ? SEARCH_MATCH : SEARCH_NO_MATCH, .score = r->score,
                        .runner_up_score = -1, .threshold = r->threshold, .n_candidates = r->n_candidates};
    for (guint c = 0; c < r->n_candidates; c++)
        out.candidates[c] = (SearchCandidate){r->candidates[c].finger_id, r->candidates[c].probationer_id,
                                              r->candidates[c].score};
    return out;
}

/* Fingers that are in two development sets: most likely one volunteer in two collections (FVC2002
 * and FVC2004 were both gathered at the University of Bologna). A bench must not count one as a
 * stranger to the other. Found by comparing every impression of every finger with every impression
 * of every finger of the other sets (bench-accuracy's accuracy_cross_set lines, docs/search.md):
 * FVC2002 DB3's 108 and FVC2004 DB3's 102 share 7 of 64 impression pairs scoring 4 or more (13.5
 * at best, where bozorth3 gives 50, over libfprint's threshold of 40); no other two fingers of
 * different sets share more than 2, at most 5.6. Sets by their bench key (folder name, '-' as '_'). */
G_GNUC_UNUSED static gboolean bench_same_finger(const char *set_a, int finger_a, const char *set_b, int finger_b)
{
    static const struct {
        const char *a;
        int fa;
        const char *b;
        int fb;
    } same[] = {{"fvc2002_db3b", 108, "fvc2004_db3b", 102}};
    for (size_t k = 0; k < G_N_ELEMENTS(same); k++)
        if ((strcmp(set_a, same[k].a) == 0 && finger_a == same[k].fa && strcmp(set_b, same[k].b) == 0 && finger_b == same[k].fb) ||
            (strcmp(set_a, same[k].b) == 0 && finger_a == same[k].fb && strcmp(set_b, same[k].a) == 0 && finger_b == same[k].fa))
            return TRUE;
    return FALSE;
}

/* bozorth3's score of image (g, j) as the probe against impression (f, i), i < j when f == g (what
 * libfprint computes for that pair in an identify). */
G_GNUC_UNUSED static double bench_bz3_pair(const BenchBz3 *b, int g, int j, int f, int i)
{
    const int n = BENCH_IMPRESSIONS;
    if (f == g)
        return b->gen[g * (n * (n - 1) / 2) + i * (2 * n - i - 1) / 2 + (j - i - 1)];
    return b->imp[(g * n + j) * (BENCH_FINGERS - 1) * n + (f < g ? f : f - 1) * n + i];
}

/* Where the scans of a folder of F_I.png (fingers 101-110, impressions 1-8) are cached between bench
 * runs: $HAAZRI_BUILD/bench-cache/<name>-<SHA-256 of every image>. */
G_GNUC_UNUSED static char *bench_cache_dir(const char *dir, const char *name)
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)BENCH_CACHE_VERSION, -1);
    for (int f = 0; f < 10; f++)
        for (int i = 0; i < 8; i++) {
            g_autofree char *base = g_strdup_printf("%d_%d.png", 101 + f, i + 1);
            g_autofree char *png = g_build_filename(dir, base, NULL), *data = NULL;
            gsize len = 0;
            g_autoptr(GError) error = NULL;
            if (!g_file_get_contents(png, &data, &len, &error))
                g_error("%s: %s", dir, error->message);
            g_checksum_update(sum, (const guchar *)data, (gssize)len);
        }
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *leaf = g_strdup_printf("%s-%.16s", name, g_checksum_get_string(sum));
    return g_build_filename(build ? build : "build", "bench-cache", leaf, NULL);
}

G_GNUC_UNUSED static GBytes *bench_serialize(FpPrint *print);

/* The scan of <dir>/<leaf>.png as libfprint extracts it, from <cache>/<leaf>.fp when an earlier run
 * left it there. */
G_GNUC_UNUSED static FpPrint *bench_scan_cached(Scanner **scanner, const char *dir, const char *cache,
                                                const char *leaf)
{
    g_autofree char *fp = g_strdup_printf("%s.fp", leaf), *png_leaf = g_strdup_printf("%s.png", leaf);
    g_autofree char *cached = g_build_filename(cache, fp, NULL), *data = NULL;
    gsize len = 0;
    FpPrint *p = NULL;
    if (g_file_get_contents(cached, &data, &len, NULL))
        p = fp_print_deserialize((guchar *)data, len, NULL);
    if (p)
        return p;
    g_autofree char *png = g_build_filename(dir, png_leaf, NULL);
    g_autoptr(GPtrArray) empty = g_ptr_array_new();
    g_autoptr(FpPrint) none = bench_identify_rested(scanner, png, empty, &p);
    g_assert_nonnull(p);
    g_autoptr(GBytes) blob = bench_serialize(p);
    g_assert_true(g_file_set_contents(cached, g_bytes_get_data(blob, NULL), (gssize)g_bytes_get_size(blob), NULL));
    return p;
}

static int bench_cmp_path(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* Every tests/data/fvc* folder, in name order: the development corpus. */
G_GNUC_UNUSED static GPtrArray *bench_default_sets(void)
{
    GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *base = tu_data("");
    g_autoptr(GDir) d = g_dir_open(base, 0, NULL);
    g_assert_nonnull(d);
    for (const char *n; (n = g_dir_read_name(d));)
        if (g_str_has_prefix(n, "fvc"))
            g_ptr_array_add(dirs, g_build_filename(base, n, NULL));
    g_ptr_array_sort(dirs, bench_cmp_path);
    return dirs;
}

G_GNUC_UNUSED static GBytes *bench_serialize(FpPrint *print)
{
    guchar *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    g_assert_true(fp_print_serialize(print, &data, &len, &error));
    return g_bytes_new_take(data, len);
}

G_GNUC_UNUSED static EngineTemplate *bench_template_from_print(FpPrint *print)
{
    g_autoptr(GBytes) blob = bench_serialize(print);
    g_autoptr(GError) error = NULL;
    EngineTemplate *t = engine_template_parse(g_bytes_get_data(blob, NULL), g_bytes_get_size(blob), &error);
    g_assert_no_error(error);
    return t;
}

/* The print with spurious minutiae added, up to `target` per impression: random places inside the
 * impression's own bounding box, random directions — what a noisy, dense extraction adds (a dense
 * sensor also sees more real minutiae over a larger area; none of the development sensors is that
 * dense, so this stands in for one: for speed in bench-gallery, and in test-engine-prefilter for
 * touches of one finger that differ where their spurious minutiae lie). */
G_GNUC_UNUSED static EngineTemplate *bench_template_densified(GRand *rng, const EngineTemplate *src, guint target)
{
    guint n_imp = engine_template_get_impressions(src), counts[32], total = 0;
    for (guint k = 0; k < n_imp; k++)
        total += MAX(engine_template_get_minutiae(src, k), target);
    g_autofree gint32 *x = g_new(gint32, total), *y = g_new(gint32, total), *t = g_new(gint32, total);
    guint o = 0;
    for (guint k = 0; k < n_imp; k++) {
        guint n = engine_template_get_minutiae(src, k);
        gint32 x0 = G_MAXINT32, y0 = G_MAXINT32, x1 = 0, y1 = 0;
        for (guint i = 0; i < n; i++, o++) {
            engine_template_get_minutia(src, k, i, &x[o], &y[o], &t[o]);
            x0 = MIN(x0, x[o]), y0 = MIN(y0, y[o]), x1 = MAX(x1, x[o]), y1 = MAX(y1, y[o]);
        }
        for (guint i = n; i < target; i++, o++) {
            x[o] = g_rand_int_range(rng, x0, x1 + 1);
            y[o] = g_rand_int_range(rng, y0, y1 + 1);
            t[o] = g_rand_int_range(rng, 0, 360);
        }
        counts[k] = MAX(n, target);
    }
    return engine_template_new(n_imp, counts, x, y, t, NULL);
}

/* One template holding impression 0 of each of `n` templates (an enrollment from n scans). */
G_GNUC_UNUSED static EngineTemplate *bench_template_join(EngineTemplate *const *parts, guint n)
{
    g_autoptr(GArray) x = g_array_new(FALSE, FALSE, sizeof(gint32));
    g_autoptr(GArray) y = g_array_new(FALSE, FALSE, sizeof(gint32));
    g_autoptr(GArray) t = g_array_new(FALSE, FALSE, sizeof(gint32));
    guint counts[32];
    for (guint k = 0; k < n; k++) {
        counts[k] = engine_template_get_minutiae(parts[k], 0);
        for (guint i = 0; i < counts[k]; i++) {
            gint32 a, b, c;
            engine_template_get_minutia(parts[k], 0, i, &a, &b, &c);
            g_array_append_val(x, a);
            g_array_append_val(y, b);
            g_array_append_val(t, c);
        }
    }
    g_autoptr(GError) error = NULL;
    EngineTemplate *joined = engine_template_new(n, counts, (gint32 *)x->data, (gint32 *)y->data,
                                                 (gint32 *)t->data, &error);
    g_assert_no_error(error);
    return joined;
}

/* fp_print_serialize's GVariant: "FP3" + (issbymsmsia{sv}v), NBIS data (a(aiaiai)). */
G_GNUC_UNUSED static GBytes *bench_blob_from_variant(GVariant *v)
{
    g_autoptr(GVariant) owned = g_variant_ref_sink(v);
    gsize len = g_variant_get_size(owned);
    guint8 *data = g_malloc(len + 3);
    memcpy(data, "FP3", 3);
    memcpy(data + 3, g_variant_get_data(owned), len); /* g_variant_store wants aligned memory */
    return g_bytes_new_take(data, len + 3);
}

G_GNUC_UNUSED static GVariant *bench_print_variant(gint32 type, GVariant *payload)
{
    return g_variant_new("(issbymsmsia{sv}v)", type, "virtual_image", "0", FALSE, 7, NULL, NULL,
                         G_MININT32, NULL, payload);
}

/* fp_print_serialize()'s bytes for a template's minutiae: what a kiosk stores for that finger. */
G_GNUC_UNUSED static GBytes *bench_blob_of_template(const EngineTemplate *src)
{
    GVariantBuilder imps;
    g_variant_builder_init(&imps, G_VARIANT_TYPE("a(aiaiai)"));
    for (guint k = 0; k < engine_template_get_impressions(src); k++) {
        guint n = engine_template_get_minutiae(src, k);
        g_autofree gint32 *x = g_new(gint32, MAX(n, 1)), *y = g_new(gint32, MAX(n, 1)), *t = g_new(gint32, MAX(n, 1));
        for (guint i = 0; i < n; i++) {
            engine_template_get_minutia(src, k, i, &x[i], &y[i], &t[i]);
            if (t[i] > 180)
                t[i] -= 360; /* libfprint keeps -179..180 */
        }
        g_variant_builder_add(&imps, "(@ai@ai@ai)",
                              g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, x, n, sizeof(gint32)),
                              g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, y, n, sizeof(gint32)),
                              g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, t, n, sizeof(gint32)));
    }
    return bench_blob_from_variant(bench_print_variant(2, g_variant_new("(@a(aiaiai))", g_variant_builder_end(&imps))));
}

/* An FpPrint holding the impressions of `n` single-scan prints: what enrolling those n scans makes,
 * without scanning again. Built through the serialized form, which is stable (fprintd stores it). */
G_GNUC_UNUSED static FpPrint *bench_print_join(FpPrint *const *parts, guint n)
{
    GVariantBuilder imps;
    g_variant_builder_init(&imps, G_VARIANT_TYPE("a(aiaiai)"));
    for (guint k = 0; k < n; k++) {
        g_autoptr(GBytes) blob = bench_serialize(parts[k]);
        g_autoptr(GBytes) body = g_bytes_new_from_bytes(blob, 3, g_bytes_get_size(blob) - 3);
        g_autoptr(GVariant) v = g_variant_new_from_bytes(G_VARIANT_TYPE("(issbymsmsia{sv}v)"), body, FALSE);
        g_autoptr(GVariant) boxed = g_variant_get_child_value(v, 9);
        g_autoptr(GVariant) data = g_variant_get_variant(boxed);
        g_autoptr(GVariant) list = g_variant_get_child_value(data, 0);
        for (gsize i = 0; i < g_variant_n_children(list); i++) {
            g_autoptr(GVariant) imp = g_variant_get_child_value(list, i);
            g_variant_builder_add_value(&imps, imp);
        }
    }
    GVariant *payload = g_variant_new("(@a(aiaiai))", g_variant_builder_end(&imps));
    g_autoptr(GBytes) blob = bench_blob_from_variant(bench_print_variant(2, payload));
    g_autoptr(GError) error = NULL;
    FpPrint *p = fp_print_deserialize(g_bytes_get_data(blob, NULL), g_bytes_get_size(blob), &error);
    g_assert_no_error(error);
    return p;
}

/* The bundled FVC2002 set as the engine's tests use it, through libfprint's virtual scanner: every
 * scan of fingers 101-110 (impressions 1-8) as minutiae, and each finger enrolled from impressions
 * 1-5 as libfprint serializes an enrollment. The caller frees both. */
G_GNUC_UNUSED static void bench_scan_bundled(Scanner *scanner, EngineTemplate *scan[10][8], GBytes *enrolled[10])
{
    for (int f = 0; f < 10; f++) {
        FpPrint *prints[8];
        for (int i = 0; i < 8; i++) {
            g_autofree char *png = tu_fvc(101 + f, i + 1);
            g_autoptr(GPtrArray) empty = g_ptr_array_new();
            g_autoptr(FpPrint) none = bench_identify(scanner, png, empty, &prints[i]);
            g_assert_null(none);
            g_assert_nonnull(prints[i]);
            scan[f][i] = bench_template_from_print(prints[i]);
        }
        g_autoptr(FpPrint) joined = bench_print_join(prints, 5);
        enrolled[f] = bench_serialize(joined);
        for (int i = 0; i < 8; i++)
            g_object_unref(prints[i]);
    }
}

/* An engine gallery of the first `fingers` bundled fingers as bench_scan_bundled() enrolled them:
 * finger ids 1000.., probationer ids 101.. */
G_GNUC_UNUSED static Engine *bench_gallery_of(GBytes *enrolled[10], guint fingers)
{
    Engine *e = engine_new(2);
    for (guint f = 0; f < fingers; f++) {
        g_autoptr(GError) error = NULL;
        g_assert_true(engine_add_print(e, 1000 + f, 101 + f, enrolled[f], &error));
        g_assert_no_error(error);
    }
    return e;
}

/* Genuine and impostor score lists, and the FVC error rates from them. */
typedef struct {
    GArray *genuine, *impostor; /* double */
    guint n_genuine, n_impostor;
} Scores;

G_GNUC_UNUSED static Scores scores_new(void)
{
    return (Scores){g_array_new(FALSE, FALSE, sizeof(double)), g_array_new(FALSE, FALSE, sizeof(double)), 0, 0};
}

G_GNUC_UNUSED static void scores_free(Scores *s)
{
    g_array_unref(s->genuine);
    g_array_unref(s->impostor);
}

G_GNUC_UNUSED static void scores_add(Scores *s, gboolean genuine, double score)
{
    g_array_append_val(genuine ? s->genuine : s->impostor, score);
    s->n_genuine = s->genuine->len;
    s->n_impostor = s->impostor->len;
}

/* Accept when score >= threshold. */
static double scores_rate(GArray *a, double threshold, gboolean above)
{
    guint n = 0;
    for (guint i = 0; i < a->len; i++)
        n += above ? g_array_index(a, double, i) >= threshold : g_array_index(a, double, i) < threshold;
    return a->len ? (double)n / a->len : 0;
}

/* Every distinct score (and one past the top) is a candidate threshold. */
static GArray *scores_thresholds(const Scores *s)
{
    GArray *t = g_array_new(FALSE, FALSE, sizeof(double));
    double top = 0;
    for (guint i = 0; i < s->genuine->len; i++)
        top = MAX(top, g_array_index(s->genuine, double, i)), g_array_append_val(t, g_array_index(s->genuine, double, i));
    for (guint i = 0; i < s->impostor->len; i++)
        top = MAX(top, g_array_index(s->impostor, double, i)), g_array_append_val(t, g_array_index(s->impostor, double, i));
    top += 1;
    g_array_append_val(t, top);
    return t;
}

/* The lowest FNMR over thresholds whose FMR <= `fmr`; the threshold in *at. */
G_GNUC_UNUSED static double scores_fnmr_at_fmr(const Scores *s, double fmr, double *at)
{
    g_autoptr(GArray) t = scores_thresholds(s);
    double best = 1;
    for (guint i = 0; i < t->len; i++) {
        double th = g_array_index(t, double, i);
        if (scores_rate(s->impostor, th, TRUE) <= fmr + 1e-12) {
            double fnmr = scores_rate(s->genuine, th, FALSE);
            if (fnmr < best || (fnmr == best && at && th < *at)) {
                best = fnmr;
                if (at)
                    *at = th;
            }
        }
    }
    return best;
}

/* Equal error rate: where FMR and FNMR cross (the mean of the two at the closest threshold). */
G_GNUC_UNUSED static double scores_eer(const Scores *s)
{
    g_autoptr(GArray) t = scores_thresholds(s);
    double best_gap = 2, eer = 1;
    for (guint i = 0; i < t->len; i++) {
        double th = g_array_index(t, double, i);
        double fmr = scores_rate(s->impostor, th, TRUE), fnmr = scores_rate(s->genuine, th, FALSE);
        if (fabs(fmr - fnmr) < best_gap) {
            best_gap = fabs(fmr - fnmr);
            eer = (fmr + fnmr) / 2;
        }
    }
    return eer;
}

G_GNUC_UNUSED static void scores_report(const Scores *s, const char *who)
{
    printf("bench: %s_eer_percent %.2f %%\n", who, 100 * scores_eer(s));
    /* With 45 impostor pairs the smallest non-zero FMR is 2.2 %: FMR 0.1 % and 0.01 % both mean
     * "no impostor accepted" here. */
    printf("bench: %s_fnmr_at_fmr_0.1_percent %.2f %%\n", who, 100 * scores_fnmr_at_fmr(s, 0.001, NULL));
    printf("bench: %s_fnmr_at_fmr_0.01_percent %.2f %%\n", who, 100 * scores_fnmr_at_fmr(s, 0.0001, NULL));
    double max_imp = 0;
    for (guint i = 0; i < s->impostor->len; i++)
        max_imp = MAX(max_imp, g_array_index(s->impostor, double, i));
    printf("bench: %s_max_impostor_score %.1f score\n", who, max_imp);
}
