/* bench-search — 1:N speed of the engine against libfprint's identify, on the same gallery.
 *
 * The gallery: the 10 bundled FVC2002 fingers enrolled from impressions 1-5 (minutiae extracted by
 * libfprint's virtual_image scanner), PADDED to 1,000 / 10,000 / 20,000 templates with transformed
 * copies of them (turned up to ±30°, shifted up to ±40 px, 10 % of minutiae dropped, ±2 px and ±4°
 * of noise on the rest). Padding makes the gallery big; it says nothing about accuracy at that size
 * (the copies are the same ten fingers). Probes: impressions 6-8 (30 searches per size).
 * Accuracy at size is measured separately (strangers_20000_*): the 10 real fingers among 19,990
 * mirrored copies, which are fingers nobody enrolled.
 *
 * libfprint is timed on the 1,000-template gallery (one identify, ~2.35 ms per template measured);
 * 10,000 and 20,000 are extrapolated linearly from it, and labelled so: a 20,000 identify would take
 * ~50 s, and libfprint's heat model stops the sensor after about three minutes of that.
 *
 * Prints `bench: KEY VALUE UNIT`. Alone: make build/tests/bench-search &&
 * HAAZRI_TESTDATA=tests/data build/tests/bench-search */
#include "app/match-report.h"
#include "app/search.h"
#include "app/second-opinion.h"
#include "tests/bench-common.h"

#define PROBES 30

static EngineTemplate *transformed(GRand *rng, const EngineTemplate *src, gboolean mirror)
{
    guint n_imp = engine_template_get_impressions(src);
    double a = g_rand_double_range(rng, -30, 30) * G_PI / 180;
    int dx = g_rand_int_range(rng, -40, 41), dy = g_rand_int_range(rng, -40, 41);
    g_autoptr(GArray) x = g_array_new(FALSE, FALSE, sizeof(gint32));
    g_autoptr(GArray) y = g_array_new(FALSE, FALSE, sizeof(gint32));
    g_autoptr(GArray) t = g_array_new(FALSE, FALSE, sizeof(gint32));
    guint counts[32];
    for (guint k = 0; k < n_imp; k++) {
        counts[k] = 0;
        for (guint i = 0; i < engine_template_get_minutiae(src, k); i++) {
            if (g_rand_int_range(rng, 0, 10) == 0)
                continue; /* dropout */
            gint32 mx, my, mt;
            engine_template_get_minutia(src, k, i, &mx, &my, &mt);
            if (mirror) { /* left-right: x and the direction flip, then it is moved like a copy */
                mx = 400 - mx;
                mt = 180 - mt;
            }
            gint32 nx = (gint32)lround(cos(a) * mx - sin(a) * my) + dx + g_rand_int_range(rng, -2, 3);
            gint32 ny = (gint32)lround(sin(a) * mx + cos(a) * my) + dy + g_rand_int_range(rng, -2, 3);
            gint32 nt = (gint32)lround(mt + a * 180 / G_PI) + g_rand_int_range(rng, -4, 5);
            g_array_append_val(x, nx);
            g_array_append_val(y, ny);
            g_array_append_val(t, nt);
            counts[k]++;
        }
    }
    return engine_template_new(n_imp, counts, (gint32 *)x->data, (gint32 *)y->data, (gint32 *)t->data, NULL);
}

/* Padding: a copy of a real finger, turned, shifted, thinned and jittered. */
static EngineTemplate *padded(GRand *rng, const EngineTemplate *src)
{
    return transformed(rng, src, FALSE);
}

/* Padding that is somebody else: a real finger mirrored left-right, then moved like a copy. No
 * turn or shift makes a print its own mirror image, so this is a finger nobody in the gallery has,
 * with a real finger's minutia density and direction flow: a stand-in for 20,000 strangers. */
static EngineTemplate *stranger(GRand *rng, const EngineTemplate *src)
{
    return transformed(rng, src, TRUE);
}

/* The same template as libfprint holds it: for libfprint's identify on the same gallery. */
static FpPrint *print_of(const EngineTemplate *src)
{
    g_autoptr(GBytes) blob = bench_blob_of_template(src);
    g_autoptr(GError) error = NULL;
    FpPrint *p = fp_print_deserialize(g_bytes_get_data(blob, NULL), g_bytes_get_size(blob), &error);
    g_assert_no_error(error);
    return p;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    Scanner *scanner = tu_scanner_new(NULL, NULL);
    EngineTemplate *real[10], *probe[PROBES];
    for (int f = 0; f < 10; f++) {
        EngineTemplate *imp[8];
        for (int i = 0; i < 8; i++) {
            g_autofree char *png = tu_fvc(101 + f, i + 1);
            g_autoptr(GPtrArray) empty = g_ptr_array_new();
            FpPrint *p = NULL;
            g_autoptr(FpPrint) none = bench_identify(scanner, png, empty, &p);
            imp[i] = bench_template_from_print(p);
            g_object_unref(p);
        }
        real[f] = bench_template_join(imp, 5);
        for (int i = 0; i < 8; i++) {
            if (i >= 5)
                probe[f * 3 + i - 5] = imp[i];
            else
                engine_template_free(imp[i]);
        }
    }
    printf("# gallery: 10 real FVC2002 fingers (5 impressions each) + transformed copies as padding\n");
    printf("bench: cores %u count\n", g_get_num_processors());

    const guint sizes[] = {1000, 10000, 20000};
    GRand *rng = g_rand_new_with_seed(2002);
    g_autoptr(Engine) e = engine_new(0);
    g_autoptr(GPtrArray) gallery_prints = g_ptr_array_new_with_free_func(g_object_unref);
    guint have = 0;
    double ms_1000 = 0, ms_20000 = 0;
    for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++) {
        /* Loading: parse fp_print_serialize blobs and index them, as the kiosk does at start-up. */
        gint64 t0 = g_get_monotonic_time();
        guint from = have;
        for (; have < sizes[s]; have++) {
            guint src = have % 10;
            EngineTemplate *t = have < 10 ? engine_template_copy(real[src]) : padded(rng, real[src]);
            g_autoptr(GError) error = NULL;
            g_assert_true(engine_add(e, have + 1, have / 2 + 1, t, &error));
        }
        double load_ms = (g_get_monotonic_time() - t0) / 1000.0;
        gsize mem = engine_get_memory(e);
        double lat[PROBES];
        guint same_source = 0, scored = 0;
        for (int p = 0; p < PROBES; p++) {
            EngineResult r;
            gint64 a = g_get_monotonic_time();
            engine_search(e, probe[p], &r);
            lat[p] = (g_get_monotonic_time() - a) / 1000.0;
            /* Pre-filter recall: the best must be the probe's finger or one of its copies. */
            same_source += r.finger_id && (guint)(r.finger_id - 1) % 10 == (guint)p / 3;
            scored += r.scored;
        }
        qsort(lat, PROBES, sizeof lat[0], cmp_double);
        printf("bench: search_%u_ms %.2f ms\n", sizes[s], lat[PROBES / 2]);
        printf("bench: search_%u_p90_ms %.2f ms\n", sizes[s], lat[PROBES * 9 / 10]);
        printf("bench: search_%u_per_s %.0f templates/s\n", sizes[s], sizes[s] / (lat[PROBES / 2] / 1000));
        printf("bench: search_%u_best_is_same_finger %u of%d\n", sizes[s], same_source, PROBES);
        printf("bench: search_%u_fully_scored %u templates/search\n", sizes[s], scored / PROBES);
        printf("bench: memory_per_template_%u %.0f bytes\n", sizes[s], (double)mem / sizes[s]);
        printf("bench: load_%u_templates_ms %.0f ms (%u added)\n", sizes[s], load_ms, sizes[s] - from);
        if (sizes[s] == 1000)
            ms_1000 = lat[PROBES / 2];
        if (sizes[s] == 20000)
            ms_20000 = lat[PROBES / 2];
    }

    /* Accuracy at size: the 10 real fingers among 19,990 strangers (mirrored copies), each person
     * with one finger. Unlike the padding above this one can say "wrong person". */
    {
        GRand *r4 = g_rand_new_with_seed(4);
        g_autoptr(Engine) crowd = engine_new(0);
        for (guint i = 0; i < 20000; i++) {
            EngineTemplate *t = i < 10 ? engine_template_copy(real[i]) : stranger(r4, real[i % 10]);
            g_assert_true(engine_add(crowd, i + 1, i + 1, t, NULL));
        }
        g_rand_free(r4);
        guint found = 0, wrong = 0;
        double top_stranger = 0, lat[PROBES];
        for (int p = 0; p < PROBES; p++) {
            EngineResult r;
            gint64 a = g_get_monotonic_time();
            engine_search(crowd, probe[p], &r);
            lat[p] = (g_get_monotonic_time() - a) / 1000.0;
            gboolean own = r.probationer_id == p / 3 + 1;
            found += r.match && own;
            wrong += r.match && !own;
            top_stranger = MAX(top_stranger, own ? r.runner_up_score : r.score);
        }
        qsort(lat, PROBES, sizeof lat[0], cmp_double);
        printf("# 10 real fingers + 19,990 strangers (mirrored, moved copies of them), threshold %.0f (%.1f at "
               "this size) margin %.0f\n",
               ENGINE_DEFAULT_THRESHOLD, engine_threshold_for(ENGINE_DEFAULT_THRESHOLD, 20000 * 5), ENGINE_DEFAULT_MARGIN);
        printf("bench: strangers_20000_rank1_found %u of%d\n", found, PROBES);
        printf("bench: strangers_20000_rank1_wrong %u of%d\n", wrong, PROBES);
        printf("bench: strangers_20000_best_stranger_score %.1f score\n", top_stranger);
        printf("bench: strangers_20000_search_ms %.2f ms\n", lat[PROBES / 2]);
    }

    /* Load from scratch: 20,000 templates as serialized blobs into a new engine. */
    {
        g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
        GRand *r2 = g_rand_new_with_seed(7);
        for (guint i = 0; i < 20000; i++) {
            g_autoptr(EngineTemplate) t = padded(r2, real[i % 10]);
            g_autoptr(FpPrint) p = print_of(t);
            g_ptr_array_add(blobs, bench_serialize(p));
        }
        g_rand_free(r2);
        /* As the kiosk starts: the 20,000 sealed in a real haazri.db (issue 16.4), read and unsealed
         * by the store 1,000 at a time while the engine parses and indexes the 1,000 before on every
         * core (search_load). */
        {
            g_autofree char *path = g_build_filename(tu_tmpdir(), "bench-load.db", NULL);
            g_autoptr(GError) error = NULL;
            g_autoptr(Store) store = store_open(path, &error);
            g_assert_no_error(error);
            g_assert_true(store_bulk_begin(store, &error));
            for (guint i = 0; i < blobs->len; i++) {
                gint64 id = tu_add_probationer(store, (int)i + 1, "Bench Person", NULL);
                g_assert_cmpint(store_add_finger(store, id, "right-index", g_ptr_array_index(blobs, i), "virtual_image",
                                                 &error), >, 0);
            }
            g_assert_true(store_bulk_commit(store, &error));
            /* The first start builds every finger's pre-filter index and saves it (sealed) beside
             * its print; every later start reads it back (app/search.c). */
            guint skipped = 0;
            {
                g_autoptr(Search) first = search_new("engine", &error);
                gint64 t0 = g_get_monotonic_time();
                g_assert_true(search_load(first, store, &skipped, &error));
                printf("bench: load_20000_first_start_ms %.0f ms (no saved index: built, sealed, saved)\n",
                       (g_get_monotonic_time() - t0) / 1000.0);
            }
            g_autoptr(Search) search = search_new("engine", &error);
            gint64 t0 = g_get_monotonic_time();
            g_assert_true(search_load(search, store, &skipped, &error));
            printf("bench: load_20000_from_blobs_ms %.0f ms (the kiosk's start-up: sealed prints and saved "
                   "indexes read, unsealed, loaded)\n",
                   (g_get_monotonic_time() - t0) / 1000.0);
            g_assert_cmpuint(search_get_size(search), ==, blobs->len);
            /* The kiosk's scanner report over the same database (app/match-report.h), as its thread
             * computes it: read and unseal every finger, then of its sample each one's touches
             * against each other (5 x 4 / 2 = 10 comparisons a finger, and 20 for the enrollment
             * check) and the first 200 against each other. */
            MatchReport report;
            t0 = g_get_monotonic_time();
            g_assert_true(match_report_compute(store, ENGINE_DEFAULT_THRESHOLD, MATCH_REPORT_KIOSK_FINGERS, &report,
                                               &error));
            printf("bench: match_report_kiosk_20000_ms %.0f ms (a sample of %u fingers: %u genuine, %u impostor "
                   "comparisons, one core, off the main loop)\n", (g_get_monotonic_time() - t0) / 1000.0,
                   report.fingers, report.genuine, report.impostor);
            match_report_clear(&report);
            /* The second opinion at 20,000, the kiosk's path (app/checkin.c): a first touch searched,
             * its five best fingers read from this store, then touch 2 to decision — the scan,
             * libfprint's identify (bozorth3) against those five, the engine's scores, the fused
             * rule. Asked for on every touch here, unsure or not, to time it. Median of 10. */
            double prep[10], ttd2[10];
            g_autoptr(GPtrArray) empty = g_ptr_array_new();
            for (int k = 0; k < 10; k++) {
                g_autofree char *png1 = tu_fvc(101 + k, 8), *png2 = tu_fvc(101 + k, 6);
                FpPrint *p1 = NULL, *p2 = NULL;
                g_autoptr(FpPrint) none = bench_identify(scanner, png1, empty, &p1);
                SearchResult first, out;
                search_decide(search, NULL, p1, &first);
                g_object_unref(p1);
                gint64 a = g_get_monotonic_time();
                g_autoptr(SecondOpinion) so = second_opinion_new(store, &first, ENGINE_DEFAULT_THRESHOLD,
                                                                 ENGINE_DEFAULT_MARGIN, &error);
                g_assert_no_error(error);
                prep[k] = (g_get_monotonic_time() - a) / 1000.0;
                a = g_get_monotonic_time();
                g_autoptr(FpPrint) m = bench_identify(scanner, png2, second_opinion_get_scan_prints(so), &p2);
                second_opinion_decide(so, m, p2, &out);
                ttd2[k] = (g_get_monotonic_time() - a) / 1000.0;
                g_object_unref(p2);
            }
            qsort(prep, 10, sizeof prep[0], cmp_double);
            qsort(ttd2, 10, sizeof ttd2[0], cmp_double);
            printf("bench: second_opinion_prepare_20000_ms %.1f ms (five candidates' prints from the store)\n",
                   prep[5]);
            printf("bench: touch_to_decision_second_opinion_ms %.0f ms (touch 2 at 20,000: virtual scanner, "
                   "bozorth3 on 5 candidates, engine, fused)\n",
                   ttd2[5]);
        }
        /* The same blobs already in memory (no database, nothing to unseal), for comparison. */
        g_autofree EngineLoadItem *items = g_new0(EngineLoadItem, blobs->len);
        for (guint i = 0; i < blobs->len; i++)
            items[i] = (EngineLoadItem){.finger_id = i + 1, .probationer_id = i + 1, .print = g_ptr_array_index(blobs, i)};
        g_autoptr(Engine) fresh = engine_new(0);
        gint64 t0 = g_get_monotonic_time();
        g_assert_cmpuint(engine_add_prints(fresh, items, blobs->len), ==, blobs->len);
        printf("bench: load_20000_from_memory_ms %.0f ms\n", (g_get_monotonic_time() - t0) / 1000.0);
        /* And one finger at a time (an officer enrolling), for comparison. */
        g_autoptr(Engine) slow = engine_new(0);
        t0 = g_get_monotonic_time();
        for (guint i = 0; i < blobs->len; i++)
            g_assert_true(engine_add_print(slow, i + 1, i + 1, g_ptr_array_index(blobs, i), NULL));
        printf("bench: load_20000_one_by_one_ms %.0f ms\n", (g_get_monotonic_time() - t0) / 1000.0);
    }

    /* libfprint's identify on the first 1,000 of the same gallery (the padding regenerated with the
     * same seed), one identify per probe finger it must search to the end: a stranger. */
    {
        GRand *r3 = g_rand_new_with_seed(2002);
        for (guint i = 0; i < 1000; i++) {
            g_autoptr(EngineTemplate) t = i < 10 ? engine_template_copy(real[i % 10]) : padded(r3, real[i % 10]);
            g_ptr_array_add(gallery_prints, print_of(t));
        }
        g_rand_free(r3);
        g_autofree char *stranger = tu_data("nist/whorl.png");
        g_autoptr(GPtrArray) empty = g_ptr_array_new();
        /* The scan alone (identify against nothing), then the scan + 1,000 comparisons. */
        gint64 a = g_get_monotonic_time();
        g_autoptr(FpPrint) n0 = bench_identify(scanner, stranger, empty, NULL);
        double scan_ms = (g_get_monotonic_time() - a) / 1000.0;
        a = g_get_monotonic_time();
        g_autoptr(FpPrint) n1 = bench_identify(scanner, stranger, gallery_prints, NULL);
        double lf_ms = (g_get_monotonic_time() - a) / 1000.0 - scan_ms;
        printf("bench: libfprint_search_1000_ms %.0f ms (measured, scan time subtracted)\n", lf_ms);
        printf("bench: libfprint_search_10000_ms %.0f ms (extrapolated x10)\n", lf_ms * 10);
        printf("bench: libfprint_search_20000_ms %.0f ms (extrapolated x20)\n", lf_ms * 20);
        printf("bench: libfprint_per_s %.0f templates/s\n", 1000 / (lf_ms / 1000));
        printf("bench: search_speedup_vs_libfprint %.0f x (at 1000, measured)\n", lf_ms / ms_1000);
        printf("bench: search_speedup_vs_libfprint_20000 %.0f x (libfprint extrapolated)\n", lf_ms * 20 / ms_20000);

        /* Touch to decision at 20,000: the scan (libfprint: image, NBIS minutiae, empty identify)
         * plus the engine's search; the kiosk's path. Median of 10 touches. */
        double ttd[10];
        for (int k = 0; k < 10; k++) {
            g_autofree char *png = tu_fvc(101 + k, 7);
            FpPrint *p = NULL;
            a = g_get_monotonic_time();
            g_autoptr(FpPrint) none = bench_identify(scanner, png, empty, &p);
            g_autoptr(EngineTemplate) t = bench_template_from_print(p);
            EngineResult r;
            engine_search(e, t, &r);
            ttd[k] = (g_get_monotonic_time() - a) / 1000.0;
            g_object_unref(p);
        }
        qsort(ttd, 10, sizeof ttd[0], cmp_double);
        printf("bench: touch_to_decision_20000_ms %.0f ms (virtual scanner: image sent over a socket)\n", ttd[5]);
        printf("bench: scan_and_extract_ms %.0f ms\n", scan_ms);
    }
    for (int i = 0; i < 10; i++)
        engine_template_free(real[i]);
    for (int i = 0; i < PROBES; i++)
        engine_template_free(probe[i]);
    g_rand_free(rng);
    scanner_free(scanner);
    return 0;
}
