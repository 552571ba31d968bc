/* bench-gallery — recognition at scale on real prints, per sensor (issue 21): does the index
 * pre-filter keep the right finger, and how fast is a search, when the gallery is 10,000 or 20,000
 * fingers of OTHER people?
 *
 *   usage: bench-gallery [DIR...]   (default: every tests/data/fvc* set)
 *
 * For each set: its 10 fingers enrolled from impressions 1-5, padded with the real fingers of every
 * OTHER set (impressions 1-5 each), then with transformed copies (turned up to ±30°, shifted up to
 * ±40 px, 10 % of minutiae dropped, ±2 px / ±4° noise, half of them mirrored) of those other sets'
 * fingers only — never a copy of a probed finger. Probes: the set's impressions 6-8 (30).
 *
 *   prefilter_recall_<set>_<N> = probes whose own finger comes out best / probes whose own finger
 *   scores above every other finger when compared exhaustively. The exhaustive side is measured on
 *   the real fingers (own against all 70 real others) and on every finger the engine scored; the
 *   transformed copies are not all matched one by one (that is 20,000 × 30 full comparisons per set).
 *   For the probes the search lost they are (sweep_gallery; HAAZRI_BENCH_EXHAUSTIVE=0 skips it):
 *   a lost probe whose own finger some other finger of the gallery scores as high as was never
 *   recognisable, and prefilter_recall_exhaustive_<set>_<N> leaves it out (~10-15 s per lost probe
 *   on 2 cores at FVC densities). A kept probe is swept only with HAAZRI_BENCH_EXHAUSTIVE=all (30 x
 *   20,000 comparisons per set): its own finger beat every finger the search scored, and one it did
 *   not score could still beat it; then it leaves both sides of the fraction.
 *   prefilter_recall_nameable_<set>_<N> = of the probes a search of the whole gallery would name
 *   (own finger at or over the threshold, ahead of every other by the margin), those whose own finger
 *   came out best: what a person notices of the pre-filter. HAAZRI_BENCH_EXHAUSTIVE=nameable
 *   sweeps only the lost probes whose own finger clears the threshold (enough for this line).
 *   prefilter_reached_<set>_<N> = of the probes prefilter_recall counts (after any sweep), those
 *   whose own finger was on the pre-filter's shortlist, whether or not the matcher then made it the
 *   best (engine_search_watching): the "reaches the full matcher" taken literally. The
 *   recall lines count a shortlisted finger the matcher's first look left out, or a stranger
 *   outscored, as lost.
 *
 * With the default sets, a dense set of real fingers too: FVC2004 DB1's images made dry and noisy
 * (bench-dry.h; key fvc2004_db1b_dry, median ~93 minutiae a scan), scanned by libfprint like the
 * others and measured the same way, padded by the other real sets (never by FVC2004 DB1, whose
 * fingers these are) and padding none. HAAZRI_BENCH_DRY=0 leaves it out. HAAZRI_BENCH_DRY=all
 * measures a dense corpus instead: every default set made dry, each among the dry real fingers of
 * the others and copies of them — a gallery where every finger is dense, as at an office whose
 * scanner gives dense prints (keys <set>_among_dry; nothing else is measured then;
 * tests/bench-dense-corpus.sh runs it in make bench). HAAZRI_BENCH_STARTUP=0 leaves out the start-up
 * figures (load_20000_*), which take ~15 s and don't change with the search.
 *
 * Then the speed of a search on prints as dense as issue 21's densest sensor (138 minutiae), made by
 * adding spurious minutiae to the densest set: gallery_synthetic_dense_<N>_search_ms and _p90_ms
 * (HAAZRI_BENCH_ONLY=synthetic_dense measures only that).
 *
 * Uses the scans bench-accuracy caches in $HAAZRI_BUILD/bench-cache (it runs first in make bench);
 * a set without them is scanned here. Prints `bench: KEY VALUE UNIT`. */

#include "app/engine/engine-private.h" /* engine_match_one_to_one: the exhaustive sweep */
#include "app/search.h"
#include "app/second-opinion.h"
#include "tests/bench-common.h"
#include "tests/bench-dry.h"
#include "tests/gallery-startup.h"

#define FINGERS BENCH_FINGERS
#define IMPRESSIONS BENCH_IMPRESSIONS
#define PROBES 30

typedef struct {
    char *key;
    EngineTemplate *enrolled[FINGERS], *probe[PROBES];
    guint minutiae_median;
    char *fingers_of; /* the key of the set whose fingers these are: its own, or a dry copy's source */
    BenchBz3 bz3;      /* bozorth3 within the set, from bench-accuracy's cache */
    gboolean have_bz3;
    char *dir, *cache; /* its images, and where its scans are cached (second_touch_live) */
} Set;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_uint(const void *a, const void *b)
{
    return (int)*(const guint *)a - (int)*(const guint *)b;
}

/* One search, timed: what a person waits for, in ms. HAAZRI_BENCH_REPEAT=k times it k times and
 * keeps the least: on a shared VM one run of a build varies by up to 20 %, too much to compare two
 * builds by (docs/search.md). `reached`, if not NULL: whether finger `watched` was on the
 * pre-filter's shortlist. */
static double timed_search(Engine *e, const EngineTemplate *probe, gint64 watched, EngineResult *r, gboolean *reached)
{
    static int repeat = 0;
    if (repeat == 0)
        repeat = CLAMP(atoi(g_getenv("HAAZRI_BENCH_REPEAT") ? g_getenv("HAAZRI_BENCH_REPEAT") : "1"), 1, 100);
    double least = G_MAXDOUBLE;
    for (int k = 0; k < repeat; k++) {
        gint64 a = g_get_monotonic_time();
        engine_search_watching(e, probe, watched, r, reached);
        least = MIN(least, (g_get_monotonic_time() - a) / 1000.0);
    }
    return least;
}

/* gallery_<key>_<size>_search_ms and _p90_ms of a set's PROBES searches (sorts `lat`). */
static void print_search_times(const char *key, guint size, double *lat, const char *note)
{
    qsort(lat, PROBES, sizeof lat[0], cmp_double);
    printf("bench: gallery_%s_%u_search_ms %.1f ms%s%s%s\n", key, size, lat[PROBES / 2], note ? " (" : "",
           note ? note : "", note ? ")" : "");
    printf("bench: gallery_%s_%u_search_p90_ms %.1f ms\n", key, size, lat[PROBES * 9 / 10]);
}

static EngineTemplate *transformed(GRand *rng, const EngineTemplate *src)
{
    gboolean mirror = g_rand_boolean(rng);
    double a = g_rand_double_range(rng, -30, 30) * G_PI / 180;
    int dx = g_rand_int_range(rng, -40, 41), dy = g_rand_int_range(rng, -40, 41);
    guint n_imp = engine_template_get_impressions(src), counts[32], total = 0;
    for (guint k = 0; k < n_imp; k++)
        total += engine_template_get_minutiae(src, k);
    g_autofree gint32 *x = g_new(gint32, total), *y = g_new(gint32, total), *t = g_new(gint32, total);
    guint o = 0;
    for (guint k = 0; k < n_imp; k++) {
        counts[k] = 0;
        for (guint i = 0; i < engine_template_get_minutiae(src, k); i++) {
            if (g_rand_int_range(rng, 0, 10) == 0)
                continue;
            gint32 mx, my, mt;
            engine_template_get_minutia(src, k, i, &mx, &my, &mt);
            if (mirror)
                mx = 400 - mx, mt = 180 - mt;
            x[o] = (gint32)lround(cos(a) * mx - sin(a) * my) + dx + g_rand_int_range(rng, -2, 3);
            y[o] = (gint32)lround(sin(a) * mx + cos(a) * my) + dy + g_rand_int_range(rng, -2, 3);
            t[o] = (gint32)lround(mt + a * 180 / G_PI) + g_rand_int_range(rng, -4, 5);
            o++, counts[k]++;
        }
    }
    return engine_template_new(n_imp, counts, x, y, t, NULL);
}

static Scanner *scanner;

/* A dry copy (bench-dry.h) is measured like a set, but pads no real set: their figures stay those
 * of the development corpus alone. */
static gboolean is_dry(const Set *s)
{
    return strcmp(s->key, s->fingers_of) != 0;
}

/* A set's key in the bench lines: its folder's name, fvc2004-db1b -> fvc2004_db1b. */
static char *key_of(const char *dir)
{
    return g_strdelimit(g_path_get_basename(dir), "-. ", '_');
}

static Set *load_set(const char *dir)
{
    Set *s = g_new0(Set, 1);
    g_autofree char *name = g_path_get_basename(dir);
    s->key = key_of(dir);
    s->fingers_of = g_strdup(s->key);
    char *cache = s->cache = bench_cache_dir(dir, name);
    s->dir = g_strdup(dir);
    g_mkdir_with_parents(cache, 0755);
    g_autofree char *bz3 = g_build_filename(cache, "bozorth3.txt", NULL);
    s->have_bz3 = bench_bz3_read(&s->bz3, bz3);
    EngineTemplate *imp[FINGERS][IMPRESSIONS];
    guint counts[FINGERS * IMPRESSIONS];
    for (int f = 0; f < FINGERS; f++)
        for (int i = 0; i < IMPRESSIONS; i++) {
            g_autofree char *leaf = g_strdup_printf("%d_%d", 101 + f, i + 1);
            g_autoptr(FpPrint) p = bench_scan_cached(&scanner, dir, cache, leaf);
            imp[f][i] = bench_template_from_print(p);
            counts[f * IMPRESSIONS + i] = engine_template_get_minutiae(imp[f][i], 0);
        }
    qsort(counts, G_N_ELEMENTS(counts), sizeof counts[0], cmp_uint);
    s->minutiae_median = counts[G_N_ELEMENTS(counts) / 2];
    for (int f = 0; f < FINGERS; f++) {
        s->enrolled[f] = bench_template_join(imp[f], 5);
        for (int i = 0; i < IMPRESSIONS; i++) {
            if (i >= 5)
                s->probe[f * 3 + i - 5] = imp[f][i];
            else
                engine_template_free(imp[f][i]);
        }
    }
    return s;
}

/* The kiosk's second touch at this gallery size (app/second-opinion.h), when the engine is unsure of
 * probe `p` (second_opinion_wanted; nothing otherwise): the next probe impression of the same finger is touch 2, the engine scores it against
 * the first touch's candidates, and bozorth3 (libfprint's identify over the candidates, in order)
 * names the first one scoring at or over its threshold. bench-accuracy's cache has bozorth3's
 * scores within the set only; another set's finger (another sensor's images) or a transformed copy
 * (no image at all) is unknown there. Where those decide the outcome, libfprint is asked: the
 * candidate's minutiae as an FP3 print, identify on touch 2's image (second_touch_live; on FVC2002
 * DB2's own fingers it agreed with the cache for 240 of 240 pairs, docs/search.md). Otherwise both
 * ways are counted, as they come out the same: `lo` assumes every unknown candidate passes (it can
 * only take the naming from the own finger), `hi` that none does; and `wrong` is whether SOME
 * outcome of the unknowns makes the fused rule name a stranger. */
typedef struct {
    guint asked, found_lo, found_hi, wrong_possible;
    guint live; /* touches whose unknown candidates bozorth3 was asked about (second_touch_live) */
} SecondTouch;

/* `t` as libfprint would keep it: the FP3 print `shell` (a scan of the same scanner, so identify
 * takes it) with its minutiae replaced by t's, angles back in degrees (the engine keeps 256ths of a
 * turn, so each is within 0.7 degrees of what it was made from). */
static FpPrint *print_of_template(const EngineTemplate *t, FpPrint *shell)
{
    g_autoptr(GBytes) blob = bench_serialize(shell);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(blob, &len);
    g_assert_true(len > 3 && memcmp(data, "FP3", 3) == 0);
    g_autoptr(GBytes) body = g_bytes_new(data + 3, len - 3);
    g_autoptr(GVariant) raw = g_variant_new_from_bytes(G_VARIANT_TYPE("(issbymsmsia{sv}v)"), body, FALSE);
    g_autoptr(GVariant) old = g_variant_get_normal_form(raw);
    GVariantBuilder imps;
    g_variant_builder_init(&imps, G_VARIANT_TYPE("a(aiaiai)"));
    for (guint k = 0; k < engine_template_get_impressions(t); k++) {
        guint n = engine_template_get_minutiae(t, k);
        g_autofree gint32 *x = g_new(gint32, MAX(n, 1)), *y = g_new(gint32, MAX(n, 1)), *a = g_new(gint32, MAX(n, 1));
        for (guint i = 0; i < n; i++)
            engine_template_get_minutia(t, k, i, &x[i], &y[i], &a[i]);
        g_variant_builder_add_value(
            &imps, g_variant_new("(@ai@ai@ai)", g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, x, n, sizeof(gint32)),
                                 g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, y, n, sizeof(gint32)),
                                 g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, a, n, sizeof(gint32))));
    }
    GVariant *data_v = g_variant_new("(@a(aiaiai))", g_variant_builder_end(&imps));
    gsize nf = g_variant_n_children(old);
    g_autofree GVariant **fields = g_new(GVariant *, nf);
    for (gsize i = 0; i < nf; i++)
        fields[i] = i + 1 == nf ? g_variant_new_variant(data_v) : g_variant_get_child_value(old, i);
    g_autoptr(GVariant) made = g_variant_ref_sink(g_variant_new_tuple(fields, nf));
    for (gsize i = 0; i + 1 < nf; i++)
        g_variant_unref(fields[i]);
    g_autoptr(GBytes) stored = g_variant_get_data_as_bytes(made);
    gsize size = g_bytes_get_size(stored);
    g_autofree guint8 *out = g_malloc(size + 3);
    memcpy(out, "FP3", 3);
    memcpy(out + 3, g_bytes_get_data(stored, NULL), size);
    g_autoptr(GError) error = NULL;
    FpPrint *print = fp_print_deserialize(out, size + 3, &error);
    g_assert_no_error(error);
    return print;
}

/* Whether libfprint's identify, given touch 2 (image j2 of finger f of set s) and only candidate
 * `t`, names it: bozorth3 at or over its threshold on one of t's impressions. For the candidates
 * whose score bench-accuracy's cache can't give (another set's finger, a transformed copy). */
static gboolean second_touch_live(const Set *s, int f, int j2, const EngineTemplate *t)
{
    g_autoptr(FpPrint) shell = bench_scan_cached(&scanner, s->dir, s->cache, "101_1");
    g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func(g_object_unref);
    g_ptr_array_add(one, print_of_template(t, shell));
    g_autofree char *png = g_strdup_printf("%s/%d_%d.png", s->dir, 101 + f, j2 + 1);
    g_autoptr(FpPrint) match = bench_identify_rested(&scanner, png, one, NULL);
    return match != NULL;
}

/* The fused rule's outcome for each assumption about the candidates bozorth3's cache can't score
 * (known[i] < 0): whether the own finger (of finger f) is named when every unknown passes (`own_lo`:
 * one can only take the naming from it) and when none does (`own_hi`), and whether some outcome
 * names a stranger (`wrong`); with `report`, the candidates of the first outcome that does, on stderr. */
static void second_touch_outcomes(SecondOpinionCandidate *c, const int *known, guint n, double threshold, int f,
                                  gboolean report, gboolean *own_lo, gboolean *own_hi, gboolean *wrong)
{
    *wrong = FALSE;
    /* each assumption about the unknowns: 0 all pass, 1 none passes, 2+b only candidate b passes */
    for (guint a = 0; a < 2 + n; a++) {
        gboolean named = FALSE;
        for (guint i = 0; i < n; i++) {
            gboolean pass = known[i] >= 0 ? known[i] == 1 : a == 0 || a == 2 + i;
            c[i].bozorth3 = !named && pass;
            named |= pass;
        }
        int w = second_opinion_fuse(c, n, threshold, ENGINE_DEFAULT_MARGIN); /* as app/checkin.c */
        gboolean own = w >= 0 && c[w].probationer_id == f + 1;
        if (a == 0)
            *own_lo = own;
        if (a == 1)
            *own_hi = own;
        if (w >= 0 && !own && !*wrong && report)
            for (guint i = 0; i < n; i++)
                fprintf(stderr, "second touch: candidate %u finger %" G_GINT64_FORMAT " first %.2f second %.2f bozorth3 %s%s\n",
                        i, c[i].finger_id, c[i].first, c[i].second, known[i] < 0 ? "unknown" : known[i] ? "passes" : "fails",
                        (int)i == w ? " <- named" : "");
        *wrong |= w >= 0 && !own;
    }
}

static void second_touch(const Set *s, const GPtrArray *gallery, int p, const EngineResult *r, SecondTouch *out)
{
    SearchResult first = bench_search_result_of(r);
    if (!s->have_bz3 || !second_opinion_wanted(&first))
        return;
    int f = p / 3, j2 = 5 + (p % 3 + 1) % 3;
    const EngineTemplate *touch2 = s->probe[f * 3 + (p % 3 + 1) % 3];
    SecondOpinionCandidate c[ENGINE_CANDIDATES];
    int known[ENGINE_CANDIDATES]; /* 1 passes, 0 fails, -1 unknown */
    guint n = r->n_candidates;
    for (guint i = 0; i < n; i++) {
        gint64 id = r->candidates[i].finger_id;
        c[i] = (SecondOpinionCandidate){id, r->candidates[i].probationer_id, r->candidates[i].score,
                                        engine_template_match(touch2, gallery->pdata[id - 1]), FALSE};
        known[i] = -1;
        if (id <= FINGERS) { /* one of the set's own ten fingers: bozorth3's score is known */
            double bz = 0;
            for (int k = 0; k < 5; k++)
                bz = MAX(bz, bench_bz3_pair(&s->bz3, f, j2, (int)id - 1, k));
            known[i] = bz >= BENCH_BZ3_THRESHOLD;
        }
    }
    out->asked++;
    gboolean own_lo = FALSE, own_hi = FALSE, wrong = FALSE;
    second_touch_outcomes(c, known, n, r->threshold, f, FALSE, &own_lo, &own_hi, &wrong);
    if (own_lo != own_hi || wrong) { /* the unknowns decide: ask bozorth3 about each */
        out->live++;
        for (guint i = 0; i < n; i++)
            if (known[i] < 0)
                known[i] = second_touch_live(s, f, j2, gallery->pdata[c[i].finger_id - 1]);
        second_touch_outcomes(c, known, n, r->threshold, f, FALSE, &own_lo, &own_hi, &wrong);
    }
    if (wrong && g_getenv("HAAZRI_BENCH_WHY")) { /* what named a stranger */
        fprintf(stderr, "second touch: probe %d\n", p);
        second_touch_outcomes(c, known, n, r->threshold, f, TRUE, &own_lo, &own_hi, &wrong);
    }
    out->found_lo += own_lo;
    out->found_hi += own_hi;
    out->wrong_possible += wrong;
}

/* The best score of `probe` against gallery fingers from .. to (leaving out `own`), as a search's
 * finalists are scored (both matchers, fused): one half of the exhaustive side. */
typedef struct {
    const EngineTemplate *probe;
    const EngineCylinders *cylinders;
    const GPtrArray *gallery;
    guint from, to, own;
    double best;
    guint best_at;
} Sweep;

static gpointer sweep_run(gpointer data)
{
    Sweep *w = data;
    w->best = 0;
    w->best_at = w->from;
    for (guint i = w->from; i < w->to; i++) {
        double score = i == w->own ? 0 : engine_match_one_to_one(w->probe, w->cylinders, w->gallery->pdata[i], NULL);
        if (score > w->best)
            w->best = score, w->best_at = i;
    }
    return NULL;
}

/* best[0]: among the first `split` fingers of the gallery, best[1]: among all (at[]: which, by index);
 * on two threads. */
static void sweep_gallery(const EngineTemplate *probe, const GPtrArray *gallery, guint own, guint split,
                          double best[2], guint at[2])
{
    g_autoptr(EngineCylinders) cylinders = engine_cylinders_new(probe, 0);
    Sweep w[2] = {{probe, cylinders, gallery, 0, split, own, 0, 0}, {probe, cylinders, gallery, split, gallery->len, own, 0, 0}};
    GThread *t = g_thread_new("sweep", sweep_run, &w[1]);
    sweep_run(&w[0]);
    g_thread_join(t);
    best[0] = w[0].best, at[0] = w[0].best_at;
    best[1] = MAX(w[0].best, w[1].best), at[1] = w[1].best > w[0].best ? w[1].best_at : w[0].best_at;
}

static void measure(Set **sets, guint n, guint k)
{
    const Set *s = sets[k];
    g_autoptr(GPtrArray) others = g_ptr_array_new(); /* real fingers of every other set */
    for (guint o = 0; o < n; o++)
        for (int f = 0; o != k && !(is_dry(sets[o]) && !is_dry(s)) && f < FINGERS; f++) {
            gboolean same = FALSE; /* a probed finger seen again in another set is no stranger */
            for (int g = 0; g < FINGERS; g++)
                same |= bench_same_finger(s->fingers_of, 101 + g, sets[o]->fingers_of, 101 + f) ||
                        (strcmp(s->fingers_of, sets[o]->fingers_of) == 0 && f == g);
            if (!same)
                g_ptr_array_add(others, sets[o]->enrolled[f]);
        }
    /* Exhaustive on the real fingers: does the own finger beat all of them? */
    double own[PROBES], best_other[PROBES];
    for (int p = 0; p < PROBES; p++) {
        own[p] = engine_template_match(s->probe[p], s->enrolled[p / 3]);
        best_other[p] = 0;
        for (guint o = 0; o < others->len; o++)
            best_other[p] = MAX(best_other[p], engine_template_match(s->probe[p], others->pdata[o]));
    }
    const guint sizes[] = {10000, 20000};
    g_autoptr(Engine) e = engine_new(0);
    /* every finger added, by id - 1 (the second touch scores its candidates one to one) */
    g_autoptr(GPtrArray) gallery = g_ptr_array_new_with_free_func((GDestroyNotify)engine_template_free);
    GRand *rng = g_rand_new_with_seed(21);
    guint have = 0;
    for (; have < sizes[G_N_ELEMENTS(sizes) - 1]; have++) {
        const EngineTemplate *real = have < FINGERS ? s->enrolled[have] : have < FINGERS + others->len ? others->pdata[have - FINGERS] : NULL;
        g_ptr_array_add(gallery, real ? engine_template_copy(real) : transformed(rng, others->pdata[have % others->len]));
    }
    g_rand_free(rng);
    have = 0;
    gboolean lost[G_N_ELEMENTS(sizes)][PROBES] = {{FALSE}}, kept_probe[G_N_ELEMENTS(sizes)][PROBES] = {{FALSE}};
    /* the own finger on the shortlist, whether or not it came out best; and whether the probe still
     * counts (its own finger best exhaustively, as far as is known) */
    gboolean reached_probe[G_N_ELEMENTS(sizes)][PROBES] = {{FALSE}}, counts[G_N_ELEMENTS(sizes)][PROBES] = {{FALSE}};
    guint kept_at[G_N_ELEMENTS(sizes)], reachable_at[G_N_ELEMENTS(sizes)];
    /* per size and probe: the best other finger's score known so far (the real others, the fingers
     * the search scored, and the whole gallery once swept), and the threshold the search was judged at */
    double other_at[G_N_ELEMENTS(sizes)][PROBES], threshold_at[G_N_ELEMENTS(sizes)];
    for (size_t z = 0; z < G_N_ELEMENTS(sizes); z++) {
        for (; have < sizes[z]; have++)
            g_assert_true(engine_add(e, have + 1, have + 1, engine_template_copy(gallery->pdata[have]), NULL));
        guint kept = 0, reachable = 0, found = 0, wrong = 0;
        SecondTouch second = {0};
        double lat[PROBES];
        for (int p = 0; p < PROBES; p++) {
            EngineResult r;
            lat[p] = timed_search(e, s->probe[p], p / 3 + 1, &r, &reached_probe[z][p]);
            gboolean is_own = r.probationer_id == p / 3 + 1;
            /* the own finger is best exhaustively: above the real others and above every finger
             * the engine did score (the best other is the runner-up when own came out best) */
            double scored_other = is_own ? r.runner_up_score : r.score;
            other_at[z][p] = MAX(best_other[p], scored_other);
            threshold_at[z] = r.threshold;
            if (own[p] > best_other[p] && own[p] > scored_other && own[p] > 0) {
                reachable++;
                kept += is_own;
                counts[z][p] = TRUE;
                lost[z][p] = !is_own;
                kept_probe[z][p] = is_own;
                if (!is_own && g_getenv("HAAZRI_BENCH_WHY"))
                    fprintf(stderr, "lost: probe %d (finger %d) best finger %" G_GINT64_FORMAT " score %.2f; own %.2f exhaustively\n", p, p / 3 + 1, r.finger_id, r.score, own[p]);
            }
            found += r.match && is_own;
            wrong += r.match && !is_own;
            second_touch(s, gallery, p, &r, &second);
            if (r.match && !is_own && g_getenv("HAAZRI_BENCH_WHY"))
                fprintf(stderr, "wrong: probe %d named finger %" G_GINT64_FORMAT " score %.2f runner-up %.2f own %.2f\n", p, r.finger_id, r.score, r.runner_up_score, own[p]);
        }
        printf("bench: prefilter_recall_%s_%u %.1f %% (%u of %u)\n", s->key, sizes[z],
               reachable ? 100.0 * kept / reachable : 100.0, kept, reachable);
        kept_at[z] = kept, reachable_at[z] = reachable;
        printf("bench: gallery_%s_%u_found %u of%d\n", s->key, sizes[z], found, PROBES);
        printf("bench: gallery_%s_%u_wrong %u of%d\n", s->key, sizes[z], wrong, PROBES);
        print_search_times(s->key, sizes[z], lat, NULL);
        if (!s->have_bz3) {
            printf("# %s: no bozorth3 scores cached (run bench-accuracy on the set first): second touch not measured\n", s->key);
            continue;
        }
        printf("bench: gallery_%s_%u_second_touch_asked %u of%d\n", s->key, sizes[z], second.asked, PROBES);
        printf("bench: gallery_%s_%u_found_with_second_touch_at_least %u of%d\n", s->key, sizes[z],
               found + second.found_lo, PROBES);
        printf("bench: gallery_%s_%u_found_with_second_touch_at_most %u of%d\n", s->key, sizes[z],
               found + second.found_hi, PROBES);
        printf("bench: gallery_%s_%u_wrong_with_second_touch_at_most %u of%d\n", s->key, sizes[z],
               wrong + second.wrong_possible, PROBES);
        printf("bench: gallery_%s_%u_second_touch_scored_live %u of%d\n", s->key, sizes[z], second.live, PROBES);
    }
    /* HAAZRI_BENCH_EXHAUSTIVE: unset, the lost probes are swept; "all", the kept ones too; "nameable",
     * only lost probes whose own finger clears the threshold (the others can't be named whatever the
     * gallery holds); "0", none. */
    const char *sweep = g_getenv("HAAZRI_BENCH_EXHAUSTIVE");
    if (g_strcmp0(sweep, "0") != 0) {
        G_STATIC_ASSERT(G_N_ELEMENTS(sizes) == 2);
        gboolean all = g_strcmp0(sweep, "all") == 0, nameable_only = g_strcmp0(sweep, "nameable") == 0;
        for (int p = 0; p < PROBES; p++) {
            if (!lost[0][p] && !lost[1][p] && !(all && (kept_probe[0][p] || kept_probe[1][p])))
                continue;
            if (nameable_only && own[p] < MIN(threshold_at[0], threshold_at[1]))
                continue;
            double best[2];
            guint at[2];
            sweep_gallery(s->probe[p], gallery, (guint)(p / 3), sizes[0], best, at);
            for (size_t z = 0; z < G_N_ELEMENTS(sizes); z++) {
                other_at[z][p] = MAX(other_at[z][p], best[z]);
                if (kept_probe[z][p] && best[z] >= own[p]) {
                    kept_at[z]--, reachable_at[z]--;
                    counts[z][p] = FALSE;
                    printf("# %s probe %d, kept at %u: own finger %.2f, best of the other %u fingers %.2f (finger %u): "
                           "not recognisable\n", s->key, p, sizes[z], own[p], sizes[z] - 1, best[z], at[z] + 1);
                }
                if (!lost[z][p])
                    continue;
                reachable_at[z] -= best[z] >= own[p];
                counts[z][p] &= best[z] < own[p];
                printf("# %s probe %d, lost at %u: own finger %.2f, best of the other %u fingers %.2f (finger %u)%s\n",
                       s->key, p, sizes[z], own[p], sizes[z] - 1, best[z], at[z] + 1,
                       best[z] >= own[p] ? ": not recognisable" : "");
            }
        }
        for (size_t z = 0; z < G_N_ELEMENTS(sizes); z++) {
            if (!nameable_only)
                printf("bench: prefilter_recall_exhaustive_%s_%u %.1f %% (%u of %u)\n", s->key, sizes[z],
                       reachable_at[z] ? 100.0 * kept_at[z] / reachable_at[z] : 100.0, kept_at[z], reachable_at[z]);
            /* What a person notices of the pre-filter: of the probes a search comparing the whole
             * gallery would name (own finger over the threshold, ahead of every other by the margin),
             * those whose own finger it let the matcher see. Exact for the lost probes; for the kept,
             * unless swept ("all"), "every other" is the fingers the search scored. */
            guint nameable = 0, seen = 0;
            for (int p = 0; p < PROBES; p++) {
                if (!(lost[z][p] || kept_probe[z][p]) || own[p] < threshold_at[z] ||
                    own[p] - other_at[z][p] < ENGINE_DEFAULT_MARGIN)
                    continue;
                nameable++;
                seen += kept_probe[z][p];
                if (lost[z][p])
                    printf("# %s probe %d, lost at %u, would be named: own finger %.2f, best other %.2f\n", s->key,
                           p, sizes[z], own[p], other_at[z][p]);
            }
            printf("bench: prefilter_recall_nameable_%s_%u %.1f %% (%u of %u)\n", s->key, sizes[z],
                   nameable ? 100.0 * seen / nameable : 100.0, seen, nameable);
        }
    }
    /* The words taken literally: the own finger reached the full matcher (was shortlisted),
     * whether or not the matcher then made it the best; of the probes prefilter_recall counts (after
     * any sweep, as prefilter_recall_exhaustive). A shortlisted finger that did not come out best lost
     * in the matcher's first look or to a stranger's higher score, not in the pre-filter. */
    for (size_t z = 0; z < G_N_ELEMENTS(sizes); z++) {
        guint counted = 0, reached = 0;
        for (int p = 0; p < PROBES; p++) {
            counted += counts[z][p];
            reached += counts[z][p] && reached_probe[z][p];
        }
        printf("bench: prefilter_reached_%s_%u %.1f %% (%u of %u)\n", s->key, sizes[z],
               counted ? 100.0 * reached / counted : 100.0, reached, counted);
    }
    /* Strangers at the last size: the same probes with their own fingers removed from the gallery,
     * so any name is a wrong one (last, so the figures above are of the gallery as built). */
    for (gint64 id = 1; id <= FINGERS; id++)
        g_assert_true(engine_remove_finger(e, id));
    guint named = 0, over = 0;
    SecondTouch second = {0};
    for (int p = 0; p < PROBES; p++) {
        EngineResult r;
        engine_search(e, s->probe[p], &r);
        named += r.match;
        over += r.score >= r.threshold;
        if (r.match && g_getenv("HAAZRI_BENCH_WHY"))
            fprintf(stderr, "stranger named: probe %d named finger %" G_GINT64_FORMAT " (other real finger %" G_GINT64_FORMAT ", or a copy of it) score %.2f runner-up %.2f\n",
                    p, r.finger_id, r.finger_id - 1 < FINGERS + (gint64)others->len ? r.finger_id - 1 - FINGERS : (r.finger_id - 1) % (gint64)others->len,
                    r.score, r.runner_up_score);
        second_touch(s, gallery, p, &r, &second);
    }
    guint last = sizes[G_N_ELEMENTS(sizes) - 1] - FINGERS;
    printf("bench: gallery_%s_%u_strangers_named %u of%d\n", s->key, last, named, PROBES);
    printf("bench: gallery_%s_%u_strangers_over_threshold %u of%d (named or stopped by the margin)\n", s->key,
           last, over, PROBES);
    if (s->have_bz3) {
        printf("bench: gallery_%s_%u_strangers_second_touch_asked %u of%d\n", s->key, last, second.asked, PROBES);
        printf("bench: gallery_%s_%u_strangers_named_with_second_touch_at_most %u of%d\n", s->key, last,
               named + second.wrong_possible, PROBES);
        printf("bench: gallery_%s_%u_strangers_second_touch_scored_live %u of%d\n", s->key, last, second.live, PROBES);
    }
}

/* What the synthetic dense set's impressions are brought up to: issue 21's densest sensor. */
#define DENSE_MINUTIAE 138

/* Search speed on prints as dense as the densest sensor issue 21 names (an optical 448x478 one, a
 * median of 138 minutiae per scan; the densest development set has 90): the densest set's 10
 * fingers and its 30 probes with spurious minutiae added up to DENSE_MINUTIAE per impression, among
 * transformed copies of those fingers, densified the same way. For speed: copies of the probed
 * fingers are in the padding, and random minutiae are not a sensor's, so found is printed as a note
 * only. */
static void measure_dense(const Set *s)
{
    GRand *rng = g_rand_new_with_seed(138);
    g_autoptr(Engine) e = engine_new(0);
    EngineTemplate *probe[PROBES];
    for (int p = 0; p < PROBES; p++)
        probe[p] = bench_template_densified(rng, s->probe[p], DENSE_MINUTIAE);
    const guint sizes[] = {10000, 20000};
    guint have = 0;
    for (size_t z = 0; z < G_N_ELEMENTS(sizes); z++) {
        for (; have < sizes[z]; have++) {
            g_autoptr(EngineTemplate) copy = have < FINGERS ? NULL : transformed(rng, s->enrolled[have % FINGERS]);
            EngineTemplate *t = bench_template_densified(rng, copy ? copy : s->enrolled[have], DENSE_MINUTIAE);
            g_assert_true(engine_add(e, have + 1, have + 1, t, NULL));
        }
        double lat[PROBES];
        guint found = 0;
        for (int p = 0; p < PROBES; p++) {
            EngineResult r;
            lat[p] = timed_search(e, probe[p], 0, &r, NULL);
            found += r.match && r.probationer_id == p / 3 + 1;
        }
        g_autofree char *note = g_strdup_printf("%s with spurious minutiae up to %d; found %u of %d, a note: its "
                                                "own copies pad", s->key, DENSE_MINUTIAE, found, PROBES);
        print_search_times("synthetic_dense", sizes[z], lat, note);
    }
    for (int p = 0; p < PROBES; p++)
        engine_template_free(probe[p]);
    g_rand_free(rng);
}

int main(int argc, char **argv)
{
    g_autoptr(GPtrArray) dirs = argc > 1 ? g_ptr_array_new_with_free_func(g_free) : bench_default_sets();
    for (int a = 1; a < argc; a++)
        g_ptr_array_add(dirs, g_strdup(argv[a]));
    scanner = tu_scanner_new(NULL, NULL);
    /* The dry set: FVC2004 DB1, made dry and noisy (bench-dry.h), with the default sets; or, with
     * HAAZRI_BENCH_DRY=all, every default set made dry in their place. */
    const char *dry_mode = g_getenv("HAAZRI_BENCH_DRY");
    gboolean all_dry = argc == 1 && g_strcmp0(dry_mode, "all") == 0;
    g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func(g_free); /* of the dry sets, in order */
    for (guint k = 0; argc == 1 && g_strcmp0(dry_mode, "0") != 0 && k < dirs->len; k++)
        if (all_dry || g_str_has_suffix(dirs->pdata[k], "fvc2004-db1b"))
            g_ptr_array_add(sources, g_strdup(dirs->pdata[k]));
    if (all_dry)
        g_ptr_array_set_size(dirs, 0);
    const char *build = g_getenv("HAAZRI_BUILD");
    g_autofree char *where = g_build_filename(build ? build : "build", "bench-dry", NULL);
    for (guint k = 0; k < sources->len; k++) {
        char *dry = bench_dry_set(sources->pdata[k], where);
        g_assert_nonnull(dry);
        g_ptr_array_add(dirs, dry);
    }
    guint n = dirs->len, first_dry = n - sources->len;
    Set **sets = g_new0(Set *, n);
    for (guint k = 0; k < n; k++)
        sets[k] = load_set(dirs->pdata[k]);
    for (guint k = first_dry; k < n; k++) {
        g_free(sets[k]->fingers_of);
        sets[k]->fingers_of = key_of(sources->pdata[k - first_dry]);
        if (all_dry) { /* not the dry set of a default run, which real sets pad */
            char *key = g_strdup_printf("%s_among_dry", sets[k]->fingers_of);
            g_free(sets[k]->key);
            sets[k]->key = key;
        }
    }
    printf("# per set: its 10 fingers among real fingers of the %u other sets and transformed copies of "
           "them; threshold %.0f (%.1f at 10,000, %.1f at 20,000) margin %.0f; %u cores\n", all_dry ? n - 1 : first_dry - 1,
           ENGINE_DEFAULT_THRESHOLD, engine_threshold_for(ENGINE_DEFAULT_THRESHOLD, 10000 * 5),
           engine_threshold_for(ENGINE_DEFAULT_THRESHOLD, 20000 * 5), ENGINE_DEFAULT_MARGIN, g_get_num_processors());
    const char *only = g_getenv("HAAZRI_BENCH_ONLY"); /* measure one set (the others still pad) */
    for (guint k = 0; k < n; k++) {
        if (only && strcmp(only, sets[k]->key) != 0)
            continue;
        printf("bench: gallery_%s_minutiae_median %u count\n", sets[k]->key, sets[k]->minutiae_median);
        measure(sets, n, k);
    }
    guint densest = 0; /* of the real sets */
    for (guint k = 1; k < n; k++)
        if (!is_dry(sets[k]) && sets[k]->minutiae_median > sets[densest]->minutiae_median)
            densest = k;
    gboolean startup = g_strcmp0(g_getenv("HAAZRI_BENCH_STARTUP"), "0") != 0;
    if (n > 0 && !all_dry && startup && (!only || strcmp(only, sets[densest]->key) == 0))
        gallery_startup_measure(sets[densest]->enrolled, sets[densest]->key, 0, transformed);
    if (n > 0 && !all_dry && (!only || strcmp(only, "synthetic_dense") == 0)) {
        if (startup)
            gallery_startup_measure(sets[densest]->enrolled, sets[densest]->key, DENSE_MINUTIAE, transformed);
        measure_dense(sets[densest]);
    }
    for (guint k = 0; k < n; k++) {
        for (int f = 0; f < FINGERS; f++)
            engine_template_free(sets[k]->enrolled[f]);
        for (int p = 0; p < PROBES; p++)
            engine_template_free(sets[k]->probe[p]);
        g_free(sets[k]->key);
        g_free(sets[k]->fingers_of);
        g_free(sets[k]->dir);
        g_free(sets[k]->cache);
        g_free(sets[k]);
    }
    g_free(sets);
    scanner_free(scanner);
    return 0;
}
