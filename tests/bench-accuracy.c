/* bench-accuracy — the FVC protocol and the kiosk's 1:N protocol on every folder of FVC-style images
 * given (default: every tests/data/fvc* set), for the engine and for libfprint's bozorth3 on the very
 * same minutiae, side by side.
 *
 *   usage: bench-accuracy [DIR...]   each DIR holds F_I.png, fingers 101-110, impressions 1-8
 *
 *   genuine pairs:  same finger, every pair of its 8 impressions (10 x 28 = 280)
 *   impostor pairs: every cross-finger impression pair (10 x 9 x 8 x 8 = 5,760), so that "FMR 0.1 %"
 *                   and "0.01 %" mean something (the FVC's 45 first-impression pairs cannot)
 *   1:N:            fingers enrolled from impressions 1-5, impressions 6-8 searched (30 searches),
 *                   the real decision rule, and libfprint's identify on the same gallery
 *   second opinion: the 1:N protocol again with the kiosk's "touch again" (app/second-opinion.h),
 *                   the next probe impression as the second touch; and each finger left out of the
 *                   gallery in turn as an impostor (second_opinion_<set>_* lines)
 *
 * Every image goes through libfprint's virtual_image scanner once (NBIS mindtct); the engine scores
 * the minutiae libfprint hands back. bozorth3's score is not in libfprint's API, but libfprint logs
 * it at debug level ("score N/threshold") on every comparison: a log handler reads it there, so
 * bozorth3 gets full curves, not just its yes/no at the built-in threshold (40 for virtual_image).
 * Scans and bozorth3's scores take minutes per set on 2 cores, so they are cached under
 * $HAAZRI_BUILD/bench-cache/ keyed by the images' SHA-256 (delete the folder to measure again).
 *
 * With more than one set, each set is also scored with the calibration fitted on the OTHER sets'
 * impostor pairs (leave-one-sensor-out, the *_loso_* lines): the honest figure for a scanner the
 * engine was never tuned on. And every impression is compared with every impression of the other
 * sets (accuracy_cross_set_* lines): pairs of different people no calibration was fitted on — and
 * the way a finger that is in two sets shows itself (bench_same_finger).
 *
 * Prints `bench: accuracy_<set>_<key> VALUE UNIT` lines. */
#include <stdio.h>
#include <string.h>

#include "app/engine/engine.h"
#include "app/second-opinion.h"
#include "tests/bench-common.h"
#include "tests/helpers.h"

#define FINGERS BENCH_FINGERS
#define IMPRESSIONS BENCH_IMPRESSIONS
#define BZ3_THRESHOLD BENCH_BZ3_THRESHOLD
#define N_GENUINE BENCH_BZ3_GENUINE
#define N_IMPOSTOR BENCH_BZ3_IMPOSTOR
#define N_PROBES (FINGERS * 3)

static GArray *bz3_seen; /* when set: every score logged, in order */

static void on_libfprint_debug(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)data;
    int score, threshold;
    if (bz3_seen && sscanf(msg, "score %d/%d", &score, &threshold) == 2)
        g_array_append_val(bz3_seen, score);
}

typedef struct {
    char *name, *key;   /* folder name; the same with '-' as '_' for bench keys */
    char *dir, *cache;  /* images; cache folder */
    FpPrint *print[FINGERS][IMPRESSIONS];
    EngineTemplate *tmpl[FINGERS][IMPRESSIONS];
    /* genuine: (f, i < j) in order, probe j; impostor: probe (g, j), gallery (f != g, i) in order */
    BenchBz3 bz3;
    EngineMatchStats gen[N_GENUINE], imp[N_IMPOSTOR];
} Set;

static Scanner *scanner;

static char *png_path(const Set *s, int f, int i)
{
    g_autofree char *base = g_strdup_printf("%d_%d.png", 101 + f, i + 1);
    return g_build_filename(s->dir, base, NULL);
}

/* Scans every image once (or reads the scans cached from an earlier run). */
static void scan_set(Set *s)
{
    g_mkdir_with_parents(s->cache, 0755);
    for (int f = 0; f < FINGERS; f++)
        for (int i = 0; i < IMPRESSIONS; i++) {
            g_autofree char *leaf = g_strdup_printf("%d_%d", 101 + f, i + 1);
            s->print[f][i] = bench_scan_cached(&scanner, s->dir, s->cache, leaf);
            s->tmpl[f][i] = bench_template_from_print(s->print[f][i]);
        }
}

/* bozorth3's scores of image (g, j) against every impression of every other finger, then against
 * the other impressions of its own finger (those last: an identify stops at the first score over
 * bozorth3's threshold, and the rest of the gallery is searched again). `imp` gets the 72 impostor
 * scores, `gen[i]` the genuine ones. */
static void bz3_probe(Set *s, int g, int j, double *imp, double *gen)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new();
    for (int f = 0; f < FINGERS; f++)
        for (int i = 0; f != g && i < IMPRESSIONS; i++)
            g_ptr_array_add(all, s->print[f][i]);
    for (int i = 0; i < IMPRESSIONS; i++)
        if (i != j)
            g_ptr_array_add(all, s->print[g][i]);
    g_autofree char *png = png_path(s, g, j);
    guint done = 0;
    while (done < all->len) {
        g_autoptr(GPtrArray) gallery = g_ptr_array_new();
        for (guint k = done; k < all->len; k++)
            g_ptr_array_add(gallery, all->pdata[k]);
        bz3_seen = g_array_new(FALSE, FALSE, sizeof(int));
        g_autoptr(FpPrint) match = bench_identify_rested(&scanner, png, gallery, NULL);
        g_assert_cmpuint(bz3_seen->len, >, 0);
        for (guint k = 0; k < bz3_seen->len && done < all->len; k++, done++) {
            double sc = g_array_index(bz3_seen, int, k);
            if (done < (FINGERS - 1) * IMPRESSIONS) {
                imp[done] = sc;
            } else {
                int i = (int)(done - (FINGERS - 1) * IMPRESSIONS);
                gen[i < j ? i : i + 1] = sc;
            }
        }
        g_clear_pointer(&bz3_seen, g_array_unref);
    }
}

/* bozorth3 on every pair and libfprint's 1:N identify (or their cached results). */
static void bz3_set(Set *s)
{
    g_autofree char *path = g_build_filename(s->cache, "bozorth3.txt", NULL);
    if (bench_bz3_read(&s->bz3, path))
        return;
    double gen[IMPRESSIONS];
    for (int g = 0, n = 0; g < FINGERS; g++)
        for (int j = 0; j < IMPRESSIONS; j++, n++) {
            bz3_probe(s, g, j, &s->bz3.imp[n * (FINGERS - 1) * IMPRESSIONS], gen);
            /* FVC genuine pairs: (i < j), impression j the probe, in (f, i, j) order */
            for (int i = 0; i < j; i++) {
                int idx = g * 28 + i * (2 * IMPRESSIONS - i - 1) / 2 + (j - i - 1);
                s->bz3.gen[idx] = gen[i];
            }
        }
    g_autoptr(GPtrArray) gallery = g_ptr_array_new_with_free_func(g_object_unref);
    for (int f = 0; f < FINGERS; f++)
        g_ptr_array_add(gallery, bench_print_join(s->print[f], 5));
    s->bz3.lib_found = s->bz3.lib_wrong = 0;
    for (int f = 0; f < FINGERS; f++)
        for (int i = 5; i < IMPRESSIONS; i++) {
            g_autofree char *png = png_path(s, f, i);
            g_autoptr(FpPrint) m = bench_identify_rested(&scanner, png, gallery, NULL);
            for (int g = 0; m && g < FINGERS; g++)
                if (fp_print_equal(m, g_ptr_array_index(gallery, g))) {
                    s->bz3.lib_found += g == f;
                    s->bz3.lib_wrong += g != f;
                }
        }
    g_autoptr(GString) out = g_string_new(NULL);
    for (int k = 0; k < N_GENUINE; k++)
        g_string_append_printf(out, "%.0f%c", s->bz3.gen[k], k % 28 == 27 ? '\n' : ' ');
    for (int k = 0; k < N_IMPOSTOR; k++)
        g_string_append_printf(out, "%.0f%c", s->bz3.imp[k], k % 72 == 71 ? '\n' : ' ');
    g_string_append_printf(out, "%d %d\n", s->bz3.lib_found, s->bz3.lib_wrong);
    g_assert_true(g_file_set_contents(path, out->str, (gssize)out->len, NULL));
}

/* The engine's numbers behind every pair (the score follows from them and the calibration). */
static void engine_set(Set *s)
{
    int n = 0;
    for (int f = 0; f < FINGERS; f++)
        for (int i = 0; i < IMPRESSIONS; i++)
            for (int j = i + 1; j < IMPRESSIONS; j++)
                engine_template_match_stats(s->tmpl[f][j], s->tmpl[f][i], &s->gen[n++]);
    n = 0;
    for (int g = 0; g < FINGERS; g++)
        for (int j = 0; j < IMPRESSIONS; j++)
            for (int f = 0; f < FINGERS; f++)
                for (int i = 0; f != g && i < IMPRESSIONS; i++)
                    engine_template_match_stats(s->tmpl[g][j], s->tmpl[f][i], &s->imp[n++]);
}

typedef struct {
    double eer, fnmr01;
    int found, wrong;
} Summary;

static void report_curve(const Set *s, const char *who, const Scores *sc, double threshold, Summary *sum)
{
    sum->eer = scores_eer(sc);
    sum->fnmr01 = scores_fnmr_at_fmr(sc, 0.001, NULL);
    printf("bench: accuracy_%s_%s_eer_percent %.2f %%\n", s->key, who, 100 * scores_eer(sc));
    printf("bench: accuracy_%s_%s_fnmr_at_fmr_0.1_percent %.2f %%\n", s->key, who,
           100 * scores_fnmr_at_fmr(sc, 0.001, NULL));
    printf("bench: accuracy_%s_%s_fnmr_at_fmr_0.01_percent %.2f %%\n", s->key, who,
           100 * scores_fnmr_at_fmr(sc, 0.0001, NULL));
    printf("bench: accuracy_%s_%s_fnmr_at_threshold_percent %.2f %%\n", s->key, who,
           100 * scores_rate(sc->genuine, threshold, FALSE));
    printf("bench: accuracy_%s_%s_fmr_at_threshold_percent %.3f %%\n", s->key, who,
           100 * scores_rate(sc->impostor, threshold, TRUE));
}

/* Minutia Cylinder-Code's curves on set `s` (no threshold yet: it is not calibrated). */
static void report_cylinders(const Set *s, Summary *sum)
{
    Scores sc = scores_new();
    for (int k = 0; k < N_GENUINE; k++)
        scores_add(&sc, TRUE, s->gen[k].cylinders);
    for (int k = 0; k < N_IMPOSTOR; k++)
        scores_add(&sc, FALSE, s->imp[k].cylinders);
    sum->eer = scores_eer(&sc);
    sum->fnmr01 = scores_fnmr_at_fmr(&sc, 0.001, NULL);
    printf("bench: accuracy_%s_cylinders_eer_percent %.2f %%\n", s->key, 100 * sum->eer);
    printf("bench: accuracy_%s_cylinders_fnmr_at_fmr_0.1_percent %.2f %%\n", s->key, 100 * sum->fnmr01);
    printf("bench: accuracy_%s_cylinders_fnmr_at_fmr_0.01_percent %.2f %%\n", s->key,
           100 * scores_fnmr_at_fmr(&sc, 0.0001, NULL));
    scores_free(&sc);
}

/* The engine with `cal` on set `s`: curves, and the 1:N protocol with the default rule. */
static void report_engine(const Set *s, const EngineCalibration *cal, const char *who, Summary *sum)
{
    Scores sc = scores_new();
    for (int k = 0; k < N_GENUINE; k++)
        scores_add(&sc, TRUE, engine_calibration_score(cal, &s->gen[k]));
    for (int k = 0; k < N_IMPOSTOR; k++)
        scores_add(&sc, FALSE, engine_calibration_score(cal, &s->imp[k]));
    report_curve(s, who, &sc, ENGINE_DEFAULT_THRESHOLD, sum);
    scores_free(&sc);

    g_autoptr(Engine) e = engine_new(0);
    engine_set_calibration(e, cal);
    for (int f = 0; f < FINGERS; f++) {
        g_autoptr(EngineTemplate) t = bench_template_join(s->tmpl[f], 5);
        g_autoptr(GError) error = NULL;
        g_assert_true(engine_add(e, 101 + f, 101 + f, g_steal_pointer(&t), &error));
    }
    int right = 0, wrong = 0;
    for (int f = 0; f < FINGERS; f++)
        for (int i = 5; i < IMPRESSIONS; i++) {
            EngineResult r;
            engine_search(e, s->tmpl[f][i], &r);
            right += r.match && r.probationer_id == 101 + f;
            wrong += r.match && r.probationer_id != 101 + f;
        }
    printf("bench: accuracy_%s_%s_rank1_found %d of%d\n", s->key, who, right, N_PROBES);
    printf("bench: accuracy_%s_%s_rank1_wrong %d of%d\n", s->key, who, wrong, N_PROBES);
    sum->found = right;
    sum->wrong = wrong;
}

/* What the kiosk's second touch would see (app/second-opinion.c): libfprint's identify against the
 * first touch's candidates in order names the first finger with an impression bozorth3 scores at
 * or over its threshold; the engine scores the second touch against each candidate. */
static guint second_touch(const Set *s, EngineTemplate *const *joined, const EngineResult *first, int g, int j2,
                          SecondOpinionCandidate *out)
{
    gboolean named = FALSE;
    for (guint c = 0; c < first->n_candidates; c++) {
        int f = (int)first->candidates[c].finger_id - 101;
        double bz = 0;
        for (int i = 0; i < 5; i++)
            bz = MAX(bz, bench_bz3_pair(&s->bz3, g, j2, f, i));
        out[c] = (SecondOpinionCandidate){first->candidates[c].finger_id, first->candidates[c].probationer_id,
                                          first->candidates[c].score,
                                          engine_template_match(s->tmpl[g][j2], joined[f]), FALSE};
        if (!named && bz >= BZ3_THRESHOLD)
            named = out[c].bozorth3 = TRUE;
    }
    return first->n_candidates;
}

/* Other rules measured beside the kiosk's (docs/search.md says why that one): engine alone, and
 * bozorth3 confirming the engine's first-touch best without a fused threshold. */
static int fuse_engine_only(const SecondOpinionCandidate *c, guint n)
{
    int best = -1;
    for (guint i = 0; i < n; i++)
        if (best < 0 || c[i].first + c[i].second > c[best].first + c[best].second)
            best = (int)i;
    if (best < 0 || c[best].first + c[best].second < ENGINE_DEFAULT_THRESHOLD)
        return -1;
    for (guint i = 0; i < n; i++)
        if (c[i].probationer_id != c[best].probationer_id &&
            c[best].first + c[best].second - c[i].first - c[i].second < ENGINE_DEFAULT_MARGIN)
            return -1;
    return best;
}

static int fuse_bz3_confirms_best(const SecondOpinionCandidate *c, guint n)
{
    return n > 0 && c[0].bozorth3 ? 0 : -1;
}

/* The 1:N protocol with the kiosk's second touch: each probe (f, 6..8) is the first touch; when the
 * engine is unsure, the next probe impression of the same finger is the second. Impostors: each
 * finger in turn left out of the gallery, its probes searched among the other nine, second touch
 * likewise another impression of it. */
static void report_second_opinion(const Set *s)
{
    EngineTemplate *joined[FINGERS];
    for (int f = 0; f < FINGERS; f++)
        joined[f] = bench_template_join(s->tmpl[f], 5);
    enum { RULES = 3 };
    int found[RULES] = {0}, wrong[RULES] = {0}, imp_wrong[RULES] = {0};
    int found1 = 0, wrong1 = 0, imp_wrong1 = 0, asked = 0, imp_asked = 0;
    for (int out = -1; out < FINGERS; out++) { /* -1: everyone enrolled (genuine run) */
        g_autoptr(Engine) e = engine_new(1);
        for (int f = 0; f < FINGERS; f++)
            if (f != out)
                g_assert_true(engine_add(e, 101 + f, 101 + f, engine_template_copy(joined[f]), NULL));
        for (int f = out < 0 ? 0 : out; f < (out < 0 ? FINGERS : out + 1); f++)
            for (int j = 5; j < IMPRESSIONS; j++) {
                EngineResult r;
                engine_search(e, s->tmpl[f][j], &r);
                int named[RULES];
                for (int k = 0; k < RULES; k++)
                    named[k] = r.match ? (int)r.probationer_id : 0;
                if (out < 0) {
                    found1 += r.match && r.probationer_id == 101 + f;
                    wrong1 += r.match && r.probationer_id != 101 + f;
                } else {
                    imp_wrong1 += r.match;
                }
                SearchResult sr = bench_search_result_of(&r);
                if (second_opinion_wanted(&sr)) {
                    *(out < 0 ? &asked : &imp_asked) += 1;
                    SecondOpinionCandidate c[ENGINE_CANDIDATES];
                    guint n = second_touch(s, joined, &r, f, 5 + (j - 5 + 1) % 3, c);
                    int w[RULES] = {second_opinion_fuse(c, n, ENGINE_DEFAULT_THRESHOLD, ENGINE_DEFAULT_MARGIN),
                                    fuse_engine_only(c, n), fuse_bz3_confirms_best(c, n)};
                    for (int k = 0; k < RULES; k++)
                        named[k] = w[k] >= 0 ? (int)c[w[k]].probationer_id : 0;
                }
                for (int k = 0; k < RULES; k++) {
                    if (out < 0) {
                        found[k] += named[k] == 101 + f;
                        wrong[k] += named[k] && named[k] != 101 + f;
                    } else {
                        imp_wrong[k] += named[k] != 0;
                    }
                }
            }
    }
    printf("bench: second_opinion_%s_found_without %d of%d\n", s->key, found1, N_PROBES);
    printf("bench: second_opinion_%s_found %d of%d\n", s->key, found[0], N_PROBES);
    printf("bench: second_opinion_%s_wrong_without %d of%d\n", s->key, wrong1, N_PROBES);
    printf("bench: second_opinion_%s_wrong %d of%d\n", s->key, wrong[0], N_PROBES);
    printf("bench: second_opinion_%s_asked_again %d of%d\n", s->key, asked, N_PROBES);
    printf("bench: second_opinion_%s_impostor_wrong_without %d of%d\n", s->key, imp_wrong1, N_PROBES);
    printf("bench: second_opinion_%s_impostor_wrong %d of%d\n", s->key, imp_wrong[0], N_PROBES);
    printf("bench: second_opinion_%s_impostor_asked_again %d of%d\n", s->key, imp_asked, N_PROBES);
    printf("# %s other rules: engine alone (fused >= threshold, margin) found %d wrong %d impostor wrong %d; "
           "bozorth3 confirms the first touch's best found %d wrong %d impostor wrong %d\n",
           s->key, found[1], wrong[1], imp_wrong[1], found[2], wrong[2], imp_wrong[2]);
    for (int f = 0; f < FINGERS; f++)
        engine_template_free(joined[f]);
}

static int cmp_uint(const void *a, const void *b)
{
    return (int)*(const guint *)a - (int)*(const guint *)b;
}

/* Every impression against every impression of every other set (different people, except the
 * fingers bench_same_finger names): the false matches at the default threshold over pairs the
 * calibration never saw, and the finger pairs most alike, where a finger seen in two sets would
 * show (many impression pairs scoring 4 or more, where strangers have one or two). */
static void report_cross_sets(Set **sets, guint n, FILE *dump)
{
    guint pairs = 0, over = 0;
    double max = 0;
    for (guint a = 0; a < n; a++)
        for (guint b = a + 1; b < n; b++)
            for (int f = 0; f < FINGERS; f++)
                for (int g = 0; g < FINGERS; g++) {
                    double best = 0;
                    int alike = 0, at_threshold = 0;
                    gboolean same = bench_same_finger(sets[a]->key, 101 + f, sets[b]->key, 101 + g);
                    for (int i = 0; i < IMPRESSIONS; i++)
                        for (int j = 0; j < IMPRESSIONS; j++) {
                            EngineMatchStats st;
                            double sc = engine_template_match_stats(sets[a]->tmpl[f][i], sets[b]->tmpl[g][j], &st);
                            if (dump) /* as the sets' own pairs, marked 2: across sets (3: one finger) */
                                fprintf(dump, "%s|%s %d %u %u %u %u %u 0 %.5f\n", sets[a]->name, sets[b]->name,
                                        same ? 3 : 2, st.matched, st.probe_in, st.gallery_in, st.probe_n, st.gallery_n,
                                        st.cylinders);
                            best = MAX(best, sc);
                            alike += sc >= 4;
                            at_threshold += sc >= ENGINE_DEFAULT_THRESHOLD;
                        }
                    if (same || alike >= 2)
                        printf("# %s %d and %s %d: best %.1f, %d of %d impression pairs scoring 4 or more%s\n",
                               sets[a]->name, 101 + f, sets[b]->name, 101 + g, best, alike,
                               IMPRESSIONS * IMPRESSIONS, same ? " (the same finger: not counted below)" : "");
                    if (same)
                        continue;
                    pairs += IMPRESSIONS * IMPRESSIONS;
                    max = MAX(max, best);
                    over += at_threshold;
                }
    printf("bench: accuracy_cross_set_impostor_pairs %u count\n", pairs);
    printf("bench: accuracy_cross_set_impostor_at_or_over_threshold %u of%u\n", over, pairs);
    printf("bench: accuracy_cross_set_impostor_max_score %.1f score\n", max);
}

int main(int argc, char **argv)
{
    /* libfprint's print module logs the scores; nothing else at debug level is wanted. */
    g_log_set_handler("libfprint-print", G_LOG_LEVEL_DEBUG, on_libfprint_debug, NULL);
    g_log_set_handler("libfprint-image", G_LOG_LEVEL_DEBUG, on_libfprint_debug, NULL);
    g_log_set_handler("libfprint-image_device", G_LOG_LEVEL_DEBUG, on_libfprint_debug, NULL);
    g_autoptr(GPtrArray) dirs = NULL;
    if (argc > 1) {
        dirs = g_ptr_array_new_with_free_func(g_free);
        for (int a = 1; a < argc; a++)
            g_ptr_array_add(dirs, g_strdup(argv[a]));
    } else {
        dirs = bench_default_sets();
    }
    scanner = tu_scanner_new(NULL, NULL);
    guint n = dirs->len;
    double engine_us = 0; /* per comparison, summed over the sets */
    Set **sets = g_new0(Set *, n);
    for (guint k = 0; k < n; k++) {
        Set *s = sets[k] = g_new0(Set, 1);
        s->dir = g_strdup(dirs->pdata[k]);
        s->name = g_path_get_basename(s->dir);
        s->key = g_strdelimit(g_strdup(s->name), "-. ", '_');
        s->cache = bench_cache_dir(s->dir, s->name);
        scan_set(s);
        bz3_set(s);
        gint64 t0 = g_get_monotonic_time();
        engine_set(s);
        engine_us += (double)(g_get_monotonic_time() - t0) / (N_GENUINE + N_IMPOSTOR);
        fprintf(stderr, "%s: scanned and scored\n", s->name);
    }
    const char *dump = g_getenv("HAAZRI_BENCH_DUMP");
    FILE *fp = NULL;
    if (dump) { /* every pair's numbers, for fitting the calibration offline (across sets: below) */
        fp = fopen(dump, "w");
        g_assert_nonnull(fp);
        for (guint k = 0; k < n; k++)
            for (int g = 0; g < 2; g++)
                for (int p = 0; p < (g ? N_GENUINE : N_IMPOSTOR); p++) {
                    const EngineMatchStats *st = g ? &sets[k]->gen[p] : &sets[k]->imp[p];
                    fprintf(fp, "%s %d %u %u %u %u %u %.0f %.5f\n", sets[k]->name, g, st->matched,
                            st->probe_in, st->gallery_in, st->probe_n, st->gallery_n,
                            g ? sets[k]->bz3.gen[p] : sets[k]->bz3.imp[p], st->cylinders);
                }
    }

    if (n > 1) { /* what the default calibration (app/engine/engine-score.c) should be */
        g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(EngineMatchStats));
        for (guint o = 0; o < n; o++)
            g_array_append_vals(all, sets[o]->imp, N_IMPOSTOR);
        EngineCalibration cal;
        engine_calibration_fit(&cal, (EngineMatchStats *)all->data, all->len);
        const EngineCalibration *d = engine_calibration_default();
        printf("# calibration fitted on these %u sets: {%.3f, %.4f, %.2f, %.4f, %.4f, %.3f, %.3f}; "
               "in use: {%.3f, %.4f, %.2f, %.4f, %.4f, %.3f, %.3f}\n", n, cal.a, cal.b, cal.c, cal.q,
               cal.beta, cal.fq, cal.fbeta, d->a, d->b, d->c, d->q, d->beta, d->fq, d->fbeta);
    }
    guint found_ge = 0, wrong_zero = 0, eer_le = 0, fnmr_le = 0;
    guint cyl_eer_le = 0, cyl_fnmr_le = 0, cyl_eer_below_engine = 0;
    for (guint k = 0; k < n; k++) {
        Set *s = sets[k];
        guint counts[FINGERS * IMPRESSIONS];
        for (int p = 0; p < FINGERS * IMPRESSIONS; p++)
            counts[p] = engine_template_get_minutiae(s->tmpl[p / IMPRESSIONS][p % IMPRESSIONS], 0);
        qsort(counts, G_N_ELEMENTS(counts), sizeof counts[0], cmp_uint);
        printf("bench: accuracy_%s_minutiae_median %u count\n", s->key, counts[G_N_ELEMENTS(counts) / 2]);
        printf("# %s: %d genuine and %d impostor pairs (all cross-finger impression pairs), 30 "
               "searches of 10 fingers; minutiae from libfprint (NBIS)\n", s->name, N_GENUINE, N_IMPOSTOR);
        Scores bz3 = scores_new();
        for (int p = 0; p < N_GENUINE; p++)
            scores_add(&bz3, TRUE, s->bz3.gen[p]);
        for (int p = 0; p < N_IMPOSTOR; p++)
            scores_add(&bz3, FALSE, s->bz3.imp[p]);
        Summary b, e;
        report_curve(s, "bozorth3", &bz3, BZ3_THRESHOLD, &b);
        scores_free(&bz3);
        printf("bench: accuracy_%s_libfprint_rank1_found %d of%d\n", s->key, s->bz3.lib_found, N_PROBES);
        printf("bench: accuracy_%s_libfprint_rank1_wrong %d of%d\n", s->key, s->bz3.lib_wrong, N_PROBES);
        report_engine(s, engine_calibration_default(), "engine", &e);
        report_second_opinion(s);
        if (n > 1) {
            /* Leave one sensor out: the calibration fitted on every other set's impostor pairs. */
            g_autoptr(GArray) others = g_array_new(FALSE, FALSE, sizeof(EngineMatchStats));
            for (guint o = 0; o < n; o++)
                if (o != k)
                    g_array_append_vals(others, sets[o]->imp, N_IMPOSTOR);
            EngineCalibration cal;
            engine_calibration_fit(&cal, (EngineMatchStats *)others->data, others->len);
            report_engine(s, &cal, "engine_loso", &e);
        }
        Summary c;
        report_cylinders(s, &c);
        cyl_eer_le += c.eer <= b.eer;
        cyl_fnmr_le += c.fnmr01 <= b.fnmr01;
        cyl_eer_below_engine += c.eer < e.eer;
        /* What the "done" asks, per set (leave-one-sensor-out when there is more than one). */
        found_ge += e.found >= s->bz3.lib_found;
        wrong_zero += e.wrong == 0;
        eer_le += e.eer <= b.eer;
        fnmr_le += e.fnmr01 <= b.fnmr01;
    }
    if (n > 1)
        report_cross_sets(sets, n, fp);
    if (fp)
        fclose(fp);
    printf("# sets where the engine%s ...\n", n > 1 ? " (leave-one-sensor-out)" : "");
    printf("bench: accuracy_sets_engine_found_at_least_libfprint %u of%u\n", found_ge, n);
    printf("bench: accuracy_sets_engine_wrong_zero %u of%u\n", wrong_zero, n);
    printf("bench: accuracy_sets_engine_eer_at_most_bozorth3 %u of%u\n", eer_le, n);
    printf("bench: accuracy_sets_engine_fnmr_at_fmr_0.1_at_most_bozorth3 %u of%u\n", fnmr_le, n);
    printf("# sets where Minutia Cylinder-Code (the paper's parameters, fitted on none of them) ...\n");
    printf("bench: accuracy_sets_cylinders_eer_at_most_bozorth3 %u of%u\n", cyl_eer_le, n);
    printf("bench: accuracy_sets_cylinders_fnmr_at_fmr_0.1_at_most_bozorth3 %u of%u\n", cyl_fnmr_le, n);
    printf("bench: accuracy_sets_cylinders_eer_below_engine %u of%u\n", cyl_eer_below_engine, n);
    printf("bench: accuracy_engine_compare_us %.0f us (one impression pair, both matchers: "
           "engine_template_match_stats, which prepares both prints each call)\n", engine_us / n);
    for (guint k = 0; k < n; k++) {
        for (int f = 0; f < FINGERS; f++)
            for (int i = 0; i < IMPRESSIONS; i++) {
                g_object_unref(sets[k]->print[f][i]);
                engine_template_free(sets[k]->tmpl[f][i]);
            }
        g_free(sets[k]->name), g_free(sets[k]->key), g_free(sets[k]->dir), g_free(sets[k]->cache);
        g_free(sets[k]);
    }
    g_free(sets);
    scanner_free(scanner);
    return 0;
}
