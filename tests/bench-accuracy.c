/* bench-accuracy — the FVC protocol on the bundled FVC2002 DB2_B images, for the engine and for
 * libfprint's bozorth3 on the very same minutiae, in the same run.
 *
 *   genuine pairs:  same finger, every pair of its 8 impressions (10 x 28 = 280)
 *   impostor pairs: first impressions of different fingers (45)
 *   all pairs:      the same genuine pairs against every cross-finger impression pair (5,760), so
 *                   that "FMR 0.1 %" and "0.01 %" mean something (lines *_all_pairs_*)
 *   1:N:            fingers enrolled from impressions 1-5, impressions 6-8 searched (30 searches)
 *
 * Every image goes through libfprint's virtual_image scanner once (NBIS mindtct); the engine scores
 * the minutiae libfprint hands back. bozorth3's score is not in libfprint's API, but libfprint logs
 * it at debug level ("score N/threshold", fpi_print_bz3_match) on every comparison: a log handler
 * reads it there, so bozorth3 gets full curves too, not just its yes/no at the built-in threshold
 * (40 for virtual_image). Each bozorth3 pair is one identify of the probe image against a gallery
 * holding only the other impression. ~530 scans: about 30 s, far from libfprint's heat limit.
 *
 * Prints `bench: KEY VALUE UNIT` lines. Run alone: make build/tests/bench-accuracy &&
 * HAAZRI_TESTDATA=tests/data build/tests/bench-accuracy */
#include <stdio.h>
#include <string.h>

#include "app/engine.h"
#include "tests/bench-common.h"
#include "tests/helpers.h"

#define FINGERS 10
#define IMPRESSIONS 8
#define BZ3_THRESHOLD 40 /* virtual_image: FpImageDevice's default bz3_threshold */

static int bz3_last = -1;
static GArray *bz3_seen; /* when set: every score logged, in order */

static void on_libfprint_debug(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)data;
    int score, threshold;
    if (sscanf(msg, "score %d/%d", &score, &threshold) == 2) {
        bz3_last = score;
        if (bz3_seen)
            g_array_append_val(bz3_seen, score);
    }
}

static Scanner *scanner;
static FpPrint *print[FINGERS][IMPRESSIONS];     /* one scan each, as libfprint extracted it */
static EngineTemplate *tmpl[FINGERS][IMPRESSIONS];

/* bozorth3's score of image `png` against one gallery print (-1: the scan failed). */
static int bz3_score(const char *png, FpPrint *gallery_print, gboolean *matched)
{
    g_autoptr(GPtrArray) gallery = g_ptr_array_new();
    g_ptr_array_add(gallery, gallery_print);
    bz3_last = -1;
    g_autoptr(FpPrint) match = bench_identify(scanner, png, gallery, NULL);
    if (matched)
        *matched = match != NULL;
    return bz3_last;
}

/* bozorth3's scores of image `png` (finger g) against every impression of every other finger. One
 * identify per image against all 72 (libfprint logs each comparison in gallery order); if one
 * clears bozorth3's threshold the identify stops there, and the rest are searched again. */
static void bz3_all_impostors(const char *png, int g, Scores *out)
{
    int done = 0, total = (FINGERS - 1) * IMPRESSIONS;
    while (done < total) {
        g_autoptr(GPtrArray) gallery = g_ptr_array_new();
        for (int f = 0, k = 0; f < FINGERS; f++)
            for (int i = 0; f != g && i < IMPRESSIONS; i++, k++)
                if (k >= done)
                    g_ptr_array_add(gallery, print[f][i]);
        bz3_seen = g_array_new(FALSE, FALSE, sizeof(int));
        g_autoptr(FpPrint) match = bench_identify(scanner, png, gallery, NULL);
        g_assert_cmpuint(bz3_seen->len, >, 0);
        for (guint k = 0; k < bz3_seen->len && done < total; k++, done++)
            scores_add(out, FALSE, g_array_index(bz3_seen, int, k));
        g_clear_pointer(&bz3_seen, g_array_unref);
    }
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    /* libfprint's print module logs the scores; nothing else at debug level is wanted. */
    g_log_set_handler("libfprint-print", G_LOG_LEVEL_DEBUG, on_libfprint_debug, NULL);
    g_log_set_handler("libfprint-image", G_LOG_LEVEL_DEBUG, on_libfprint_debug, NULL);
    g_log_set_handler("libfprint-image_device", G_LOG_LEVEL_DEBUG, on_libfprint_debug, NULL);
    scanner = tu_scanner_new(NULL, NULL);

    for (int f = 0; f < FINGERS; f++)
        for (int i = 0; i < IMPRESSIONS; i++) {
            g_autofree char *png = tu_fvc(101 + f, i + 1);
            FpPrint *probe = NULL;
            g_autoptr(GPtrArray) empty = g_ptr_array_new();
            g_autoptr(FpPrint) none = bench_identify(scanner, png, empty, &probe);
            g_assert_nonnull(probe);
            print[f][i] = probe;
            tmpl[f][i] = bench_template_from_print(probe);
        }

    Scores engine = scores_new(), bz3 = scores_new();
    int bz3_fm = 0, bz3_fnm = 0;
    for (int f = 0; f < FINGERS; f++)
        for (int i = 0; i < IMPRESSIONS; i++)
            for (int j = i + 1; j < IMPRESSIONS; j++) {
                g_autofree char *png = tu_fvc(101 + f, j + 1);
                gboolean m;
                scores_add(&bz3, TRUE, bz3_score(png, print[f][i], &m));
                bz3_fnm += !m;
                scores_add(&engine, TRUE, engine_template_match(tmpl[f][j], tmpl[f][i]));
            }
    for (int f = 0; f < FINGERS; f++)
        for (int g = f + 1; g < FINGERS; g++) {
            g_autofree char *png = tu_fvc(101 + g, 1);
            gboolean m;
            scores_add(&bz3, FALSE, bz3_score(png, print[f][0], &m));
            bz3_fm += m;
            scores_add(&engine, FALSE, engine_template_match(tmpl[g][0], tmpl[f][0]));
        }
    /* 45 impostor pairs can't tell FMR 0.1 % from 0 %: also every cross-finger impression pair
     * (10 x 9 x 8 x 8 = 5,760), labelled _all_pairs, against the same 280 genuine pairs. */
    Scores engine_all = scores_new(), bz3_all = scores_new();
    for (guint i = 0; i < engine.genuine->len; i++) {
        scores_add(&engine_all, TRUE, g_array_index(engine.genuine, double, i));
        scores_add(&bz3_all, TRUE, g_array_index(bz3.genuine, double, i));
    }
    for (int g = 0; g < FINGERS; g++)
        for (int j = 0; j < IMPRESSIONS; j++) {
            g_autofree char *png = tu_fvc(101 + g, j + 1);
            bz3_all_impostors(png, g, &bz3_all);
            for (int f = 0; f < FINGERS; f++)
                for (int i = 0; f != g && i < IMPRESSIONS; i++)
                    scores_add(&engine_all, FALSE, engine_template_match(tmpl[g][j], tmpl[f][i]));
        }
    printf("# FVC2002 DB2_B, %u genuine and %u impostor pairs; minutiae from libfprint (NBIS)\n",
           engine.n_genuine, engine.n_impostor);
    printf("bench: bozorth3_threshold %d score\n", BZ3_THRESHOLD);
    printf("bench: bozorth3_fmr_at_threshold_percent %.2f %%\n", 100.0 * bz3_fm / bz3.n_impostor);
    printf("bench: bozorth3_fnmr_at_threshold_percent %.2f %%\n", 100.0 * bz3_fnm / bz3.n_genuine);
    scores_report(&bz3, "bozorth3");
    scores_report(&engine, "engine");
    /* The comparison the issue asks for: the engine's FNMR at the FMR bozorth3 has at its own
     * threshold. */
    double fmr = (double)bz3_fm / bz3.n_impostor;
    printf("bench: engine_fnmr_at_bozorth3_fmr_percent %.2f %%\n", 100.0 * scores_fnmr_at_fmr(&engine, fmr, NULL));
    printf("# the same 280 genuine pairs against all %u cross-finger impression pairs\n",
           engine_all.n_impostor);
    scores_report(&bz3_all, "bozorth3_all_pairs");
    scores_report(&engine_all, "engine_all_pairs");
    /* And at the FMR bozorth3 has at its own threshold over those pairs. */
    double fmr_all = scores_rate(bz3_all.impostor, BZ3_THRESHOLD, TRUE);
    printf("bench: bozorth3_all_pairs_fmr_at_threshold_percent %.3f %%\n", 100 * fmr_all);
    printf("bench: engine_all_pairs_fnmr_at_bozorth3_fmr_percent %.2f %%\n",
           100.0 * scores_fnmr_at_fmr(&engine_all, fmr_all, NULL));
    printf("bench: engine_all_pairs_fmr_at_threshold_percent %.3f %% (threshold %.0f)\n",
           100 * scores_rate(engine_all.impostor, ENGINE_DEFAULT_THRESHOLD, TRUE), ENGINE_DEFAULT_THRESHOLD);
    printf("bench: engine_fnmr_at_threshold_percent %.2f %%\n",
           100 * scores_rate(engine.genuine, ENGINE_DEFAULT_THRESHOLD, FALSE));
    scores_free(&engine_all);
    scores_free(&bz3_all);

    /* 1:N: impressions 1-5 enrolled as one template per finger, 6-8 searched. */
    g_autoptr(Engine) e = engine_new(0);
    g_autoptr(GPtrArray) gallery = g_ptr_array_new_with_free_func(g_object_unref);
    for (int f = 0; f < FINGERS; f++) {
        g_autoptr(EngineTemplate) t = bench_template_join(tmpl[f], 5);
        g_autoptr(GError) error = NULL;
        g_assert_true(engine_add(e, 101 + f, 101 + f, g_steal_pointer(&t), &error));
        g_ptr_array_add(gallery, bench_print_join(print[f], 5));
    }
    int e_right = 0, e_wrong = 0, l_right = 0, l_wrong = 0;
    for (int f = 0; f < FINGERS; f++)
        for (int i = 5; i < IMPRESSIONS; i++) {
            EngineResult r;
            engine_search(e, tmpl[f][i], &r);
            e_right += r.match && r.probationer_id == 101 + f;
            e_wrong += r.match && r.probationer_id != 101 + f;
            g_autofree char *png = tu_fvc(101 + f, i + 1);
            g_autoptr(FpPrint) m = bench_identify(scanner, png, gallery, NULL);
            for (int g = 0; m && g < FINGERS; g++)
                if (fp_print_equal(m, g_ptr_array_index(gallery, g))) {
                    l_right += g == f;
                    l_wrong += g != f;
                }
        }
    printf("bench: engine_rank1_found %d of30\n", e_right);
    printf("bench: engine_rank1_wrong %d of30\n", e_wrong);
    printf("bench: libfprint_rank1_found %d of30\n", l_right);
    printf("bench: libfprint_rank1_wrong %d of30\n", l_wrong);

    scores_free(&engine);
    scores_free(&bz3);
    for (int f = 0; f < FINGERS; f++)
        for (int i = 0; i < IMPRESSIONS; i++) {
            g_object_unref(print[f][i]);
            engine_template_free(tmpl[f][i]);
        }
    scanner_free(scanner);
    return 0;
}
