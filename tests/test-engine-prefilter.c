/* test-engine-prefilter — the index pre-filter (engine-prefilter.c) among thousands of strangers:
 * the full matcher sees only the fingers it shortlists, so the right finger must be among them for
 * whole touches, touches at the sensor's edge, enrollments made of partial touches and the densest
 * prints (which minutiae of a dense touch vote, too). Strangers are real bundled fingers mirrored
 * (no turn makes a print its own mirror image), so they are as dense and as varied as real prints. */
#include <stdlib.h>

#include "app/engine/engine-shard.h"
#include "tests/bench-common.h"

static Scanner *scanner;
static EngineTemplate *scan[10][8]; /* fingers 101..110, impressions 1..8, one scan each */
static GBytes *enrolled[10];        /* impressions 1-5 as libfprint serializes an enrollment */

/* A stranger for the gallery: real finger `src` mirrored left-right (no turn makes a print its own
 * mirror image), turned, shifted and jittered. */
static EngineTemplate *mirrored(GRand *rng, const EngineTemplate *src)
{
    guint n_imp = engine_template_get_impressions(src), counts[32], total = 0; /* 32 at most */
    for (guint k = 0; k < n_imp; k++)
        total += counts[k] = engine_template_get_minutiae(src, k);
    g_autofree gint32 *x = g_new(gint32, total), *y = g_new(gint32, total), *t = g_new(gint32, total);
    double a = g_rand_double_range(rng, -0.5, 0.5);
    gint32 dx = g_rand_int_range(rng, -40, 41), dy = g_rand_int_range(rng, -40, 41);
    for (guint k = 0, o = 0; k < n_imp; k++)
        for (guint i = 0; i < counts[k]; i++, o++) {
            gint32 mx, my, mt;
            engine_template_get_minutia(src, k, i, &mx, &my, &mt);
            mx = 400 - mx;
            x[o] = (gint32)lround(cos(a) * mx - sin(a) * my) + dx + g_rand_int_range(rng, -2, 3);
            y[o] = (gint32)lround(sin(a) * mx + cos(a) * my) + dy + g_rand_int_range(rng, -2, 3);
            t[o] = (gint32)lround(180 - mt + a * 180 / G_PI) + 360;
        }
    return engine_template_new(n_imp, counts, x, y, t, NULL);
}

/* `n` strangers, ids 10000..: the bundled fingers (impressions 1-5) mirrored in turn; a copy of
 * each in `kept` (by id - 10000) when it is not NULL. */
static void add_strangers(Engine *e, guint32 seed, int n, GPtrArray *kept)
{
    g_autoptr(GRand) rng = g_rand_new_with_seed(seed);
    for (int k = 0; k < n; k++) {
        g_autoptr(EngineTemplate) source = bench_template_join(scan[k % 10], 5);
        EngineTemplate *stranger = mirrored(rng, source);
        if (kept)
            g_ptr_array_add(kept, engine_template_copy(stranger));
        g_assert_true(engine_add(e, 10000 + k, 10000 + k, stranger, NULL));
    }
}

/* One probe of finger f (probationer 101 + f) searched: counted in `reachable` when its own
 * template scores above every stranger the search scored, and in `best_is_own` when it also came
 * out best. */
static void tally_own_best(Engine *e, const EngineTemplate *probe, const EngineTemplate *own, int f,
                           int *reachable, int *best_is_own)
{
    double own_score = engine_template_match(probe, own);
    EngineResult r;
    engine_search(e, probe, &r);
    double stranger = r.probationer_id == 101 + f ? r.runner_up_score : r.score;
    if (own_score > 0 && own_score > stranger) {
        (*reachable)++;
        *best_is_own += r.probationer_id == 101 + f;
    }
}

/* Among 2,000 strangers the index pre-filter (not exhaustive matching: 1,000 per shard, 40 get the
 * full matcher) still hands the right finger over: 29 of 30 found, nobody wrong; and the search's
 * five best fingers carry the scores they have one to one (most of a shortlist is compared on two
 * impressions only; a finger that scores, and each shard's best few, on all). Removing most
 * strangers renumbers the index (compaction) and the answers stay the same. */
static void test_prefilter_among_strangers(void)
{
    g_autoptr(Engine) e = bench_gallery_of(enrolled, 10);
    g_autoptr(GPtrArray) strangers = g_ptr_array_new_with_free_func((GDestroyNotify)engine_template_free);
    add_strangers(e, 5, 2000, strangers);
    for (int round = 0; round < 2; round++) {
        int found = 0, wrong = 0;
        guint scored = 0;
        for (int f = 0; f < 10; f++)
            for (int i = 5; i < 8; i++) {
                EngineResult r;
                engine_search(e, scan[f][i], &r);
                found += r.match && r.probationer_id == 101 + f;
                wrong += r.match && r.probationer_id != 101 + f;
                scored = MAX(scored, r.scored);
                /* the search's few best (the named one, the runner-up, the second opinion's) carry
                 * the scores they have one to one, every impression compared */
                for (guint c = 0; round == 0 && c < r.n_candidates; c++) {
                    gint64 id = r.candidates[c].finger_id;
                    g_assert_true(id >= 10000 ? id < 12000 : id >= 1000 && id < 1010);
                    g_autoptr(EngineTemplate) enrolled_one = id < 10000 ? bench_template_join(scan[id - 1000], 5) : NULL;
                    const EngineTemplate *t = enrolled_one ? enrolled_one : strangers->pdata[id - 10000];
                    g_assert_cmpfloat_with_epsilon(r.candidates[c].score, engine_template_match(scan[f][i], t), 1e-9);
                }
            }
        g_test_message("among %u strangers: %d of 30 found, %d wrong", engine_get_size(e) - 10, found, wrong);
        g_assert_cmpuint(scored, <, engine_get_size(e) / 10); /* the pre-filter did choose */
        g_assert_cmpint(found, >=, 29);
        g_assert_cmpint(wrong, ==, 0);
        for (int k = 0; round == 0 && k < 2000; k++)
            if (k % 4 != 0)
                g_assert_true(engine_remove_finger(e, 10000 + k));
    }
}

/* A touch that covers only part of the enrolled area (the finger put down at the sensor's edge):
 * the probe keeps only its minutiae nearest one corner. Such a probe shares few minutia pairs with
 * its finger, about as many as chance gives a stranger, so counting shared pairs alone (the old
 * pre-filter) left the right finger out of the shortlist; the pre-filter now also asks that the
 * shared pairs agree on one turn and shift, as only a genuine print's do. Among 2,000 strangers
 * the right finger must come out best for at least 9 in 10 of the touches where it scores above
 * every stranger one by one (the old pre-filter: 25 of 29, 86 %; this one 28 of 29). */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static EngineTemplate *corner_of(const EngineTemplate *src, double keep)
{
    guint n = engine_template_get_minutiae(src, 0), count = 0;
    gint32 x[200], y[200], t[200], lo_x = G_MAXINT32, lo_y = G_MAXINT32;
    double d[200], sorted[200];
    for (guint i = 0; i < n; i++) {
        engine_template_get_minutia(src, 0, i, &x[i], &y[i], &t[i]);
        lo_x = MIN(lo_x, x[i]), lo_y = MIN(lo_y, y[i]);
    }
    for (guint i = 0; i < n; i++)
        sorted[i] = d[i] = hypot(x[i] - lo_x, y[i] - lo_y);
    qsort(sorted, n, sizeof sorted[0], cmp_double);
    double limit = sorted[(guint)(n * keep)];
    gint32 cx[200], cy[200], ct[200];
    for (guint i = 0; i < n; i++)
        if (d[i] < limit)
            cx[count] = x[i], cy[count] = y[i], ct[count++] = t[i];
    return engine_template_new(1, &count, cx, cy, ct, NULL);
}

static void test_prefilter_partial_touch(void)
{
    g_autoptr(Engine) e = bench_gallery_of(enrolled, 10);
    add_strangers(e, 7, 2000, NULL);
    int reachable = 0, best_is_own = 0;
    for (int f = 0; f < 10; f++)
        for (int i = 5; i < 8; i++) {
            g_autoptr(EngineTemplate) part = corner_of(scan[f][i], 0.45);
            g_autoptr(EngineTemplate) own = bench_template_join(scan[f], 5);
            tally_own_best(e, part, own, f, &reachable, &best_is_own);
        }
    g_test_message("partial touches: own finger best in %d of %d that can be told apart", best_is_own, reachable);
    g_assert_cmpint(reachable, >=, 15);
    g_assert_cmpint(best_is_own * 10, >=, reachable * 9);
}

/* An enrollment whose five touches each cover a different part of the finger (the four corners
 * and the middle, a quarter of the minutiae each: a careless enrollment on a small sensor). Each
 * touch agrees with a full probe in one place only, so the finger has one strong peak in the
 * pre-filter and no second, while 2,000 strangers with five full impressions each add up two chance
 * peaks. The shortlist ranks mostly by two impressions, and keeps a few places for the best by one
 * alone: without those, the own finger was missed for 2 of the 26 probes where it scores above
 * every stranger; with them, and with the old rule (one impression only), for none.
 * Since the decision's few are scored by both matchers (cylinders too, engine-mcc.c), one to one
 * the own finger beats every stranger for 30 probes, not 26 (the pair matcher alone), and the
 * search names it for 27: the search chooses whom the cylinders look at by the pair matcher, and
 * for 3 probes the own finger is not among a shard's best five by that (nor best ten: tried). So
 * the search must name the own finger at least as often as the pair matcher alone could (26), and
 * miss at most 3 of those one-to-one scoring can tell apart. */
static void part_of(const EngineTemplate *src, guint corner, gint32 *x, gint32 *y, gint32 *t, guint *count)
{
    guint n = engine_template_get_minutiae(src, 0);
    gint32 mx[200], my[200], mt[200], lo_x = G_MAXINT32, lo_y = G_MAXINT32, hi_x = 0, hi_y = 0;
    double d[200], sorted[200];
    for (guint i = 0; i < n; i++) {
        engine_template_get_minutia(src, 0, i, &mx[i], &my[i], &mt[i]);
        lo_x = MIN(lo_x, mx[i]), lo_y = MIN(lo_y, my[i]), hi_x = MAX(hi_x, mx[i]), hi_y = MAX(hi_y, my[i]);
    }
    double ax = corner == 4 ? (lo_x + hi_x) / 2.0 : corner & 1 ? hi_x : lo_x;
    double ay = corner == 4 ? (lo_y + hi_y) / 2.0 : corner & 2 ? hi_y : lo_y;
    for (guint i = 0; i < n; i++)
        sorted[i] = d[i] = hypot(mx[i] - ax, my[i] - ay);
    qsort(sorted, n, sizeof sorted[0], cmp_double);
    double limit = sorted[n / 4];
    *count = 0;
    for (guint i = 0; i < n; i++)
        if (d[i] < limit)
            x[*count] = mx[i], y[*count] = my[i], t[(*count)++] = mt[i];
}

static void test_prefilter_partial_enrollment(void)
{
    g_autoptr(Engine) e = engine_new(2);
    add_strangers(e, 11, 2000, NULL);
    EngineTemplate *own[10];
    for (int f = 0; f < 10; f++) {
        gint32 x[5 * 200], y[5 * 200], t[5 * 200];
        guint counts[5], at = 0;
        for (guint k = 0; k < 5; k++) {
            part_of(scan[f][k], k, x + at, y + at, t + at, &counts[k]);
            at += counts[k];
        }
        own[f] = engine_template_new(5, counts, x, y, t, NULL);
        g_assert_true(engine_add(e, 1000 + f, 101 + f, engine_template_copy(own[f]), NULL));
    }
    int reachable = 0, best_is_own = 0;
    for (int f = 0; f < 10; f++)
        for (int i = 5; i < 8; i++)
            tally_own_best(e, scan[f][i], own[f], f, &reachable, &best_is_own);
    for (int f = 0; f < 10; f++)
        engine_template_free(own[f]);
    g_test_message("partial enrollments: own finger best in %d of %d that can be told apart", best_is_own, reachable);
    g_assert_cmpint(reachable, >=, 20);
    g_assert_cmpint(best_is_own, >=, 26);
    g_assert_cmpint(best_is_own, >=, reachable - 3);
}

/* A dense touch votes in the pre-filter from 70 of its minutiae (ENGINE_SEARCH_MINUTIAE, chosen by
 * engine_minutiae_choose): away from the print's edge first, then those farthest from their nearest
 * neighbour. A print of 70 minutiae on a 24 px grid with 60 more in close twins (4 px apart, like
 * the two ends of a broken ridge) and 4 far out at the corners of its frame (on the convex hull,
 * like the ridge ends NBIS finds where a print stops; the farthest of all from any neighbour)
 * votes from exactly the 70 on the grid, each with pairs to its neighbours; the same 70 alone vote
 * with every minutia they have. Where a minutia votes is read back from the probe's pairs. */
static guint64 voters_of(const gint32 *x, const gint32 *y, const gint32 *t, guint n, gboolean *votes)
{
    g_autoptr(EngineTemplate) probe = engine_template_new(1, &n, x, y, t, NULL);
    g_assert_nonnull(probe);
    ProbeIndex *pi = engine_probe_index_new(probe->m, n, TRUE);
    gint64 sx = 0, sy = 0;
    for (guint i = 0; i < n; i++)
        sx += x[i], sy += y[i];
    guint refs = pi->start[ENGINE_KEYS];
    for (guint i = 0; i < n; i++)
        votes[i] = FALSE;
    for (guint r = 0; r < refs; r++) {
        gboolean known = FALSE; /* a ref's place is its first minutia's, from the centre of mass */
        for (guint i = 0; i < n; i++)
            if (pi->refs[r].x == x[i] - (gint32)(sx / n) && pi->refs[r].y == y[i] - (gint32)(sy / n))
                votes[i] = known = TRUE;
        g_assert_true(known);
    }
    engine_probe_index_free(pi);
    return refs;
}

static void test_prefilter_dense_probe_voters(void)
{
    gint32 x[134], y[134], t[134];
    guint n = 0;
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < 7; j++, n++)
            x[n] = 140 + 24 * i, y[n] = 140 + 24 * j, t[n] = (37 * (int)n) % 360;
    for (int k = 0; k < 30; k++) /* twins at 30 of the grid's squares' centres */
        for (int side = -1; side <= 1; side += 2, n++)
            x[n] = 152 + 24 * (k % 9) + 2 * side, y[n] = 152 + 24 * (k / 9), t[n] = (53 * (int)n) % 360;
    for (int c = 0; c < 4; c++, n++) /* the frame's corners */
        x[n] = c & 1 ? 600 : 0, y[n] = c & 2 ? 500 : 0, t[n] = 90 * c;
    g_assert_cmpuint(n, ==, 134);
    gboolean votes[134];
    voters_of(x, y, t, 134, votes);
    for (guint i = 0; i < 134; i++)
        g_assert_cmpint(votes[i], ==, i < 70);
    guint64 alone = voters_of(x, y, t, 70, votes);
    for (guint i = 0; i < 70; i++)
        g_assert_true(votes[i]);
    g_assert_cmpuint(alone, >=, 70 * INDEX_NEIGHBOURS);
}

/* Whether a probe of two minutiae at (0, 0) and `probe` looks its pair up under the index cell of a
 * gallery pair of the same two at (0, 0) and `gallery` (both minutiae pointing at 96 degrees). */
static gboolean probe_finds_pair(const gint32 probe[2], const gint32 gallery[2])
{
    guint n = 2;
    gint32 px[2] = {0, probe[0]}, py[2] = {0, probe[1]}, gx[2] = {0, gallery[0]}, gy[2] = {0, gallery[1]};
    gint32 t[2] = {96, 96};
    g_autoptr(EngineTemplate) p = engine_template_new(1, &n, px, py, t, NULL);
    g_autoptr(EngineTemplate) g = engine_template_new(1, &n, gx, gy, t, NULL);
    EnginePair pairs[2 * ENGINE_NEIGHBOURS * 2];
    g_assert_cmpuint(engine_pairs_build(g->m, 2, INDEX_NEIGHBOURS, FALSE, pairs), ==, 1);
    gint key = engine_pair_key(pairs[0].d, pairs[0].ai, pairs[0].aj);
    g_assert_cmpint(key, >=, 0);
    ProbeIndex *pi = engine_probe_index_new(p->m, 2, TRUE);
    gboolean found = pi->start[key + 1] > pi->start[key];
    engine_probe_index_free(pi);
    return found;
}

/* The index keys a pair by its length rounded to the pixel, in cells of 5 px. A probe's pair whose
 * length lies within half a pixel of its cell's border is also looked up across it: two minutiae
 * 14.1 px apart when enrolled (kept as 14) and 14.9 px apart in a touch (15: the next cell) are
 * still a correspondence. A pair well inside its cell is looked up there alone. */
static void test_prefilter_length_near_a_border(void)
{
    const gint32 enrolled_near[2] = {10, 10}, touched_near[2] = {10, 11};
    g_assert_cmpuint(engine_pair_length(10, 10) / ENGINE_KEY_D_STEP, <, engine_pair_length(10, 11) / ENGINE_KEY_D_STEP);
    g_assert_true(probe_finds_pair(touched_near, enrolled_near));
    const gint32 enrolled_far[2] = {11, 11}, touched_far[2] = {8, 11}; /* 15.6 and 13.6 px */
    g_assert_false(probe_finds_pair(touched_far, enrolled_far));
}

/* Whether the probe's table has, under `key`, a pair whose first minutia is probe minutia `i` (a
 * ref is placed by its first minutia, from the probe's centre of mass). */
static gboolean probe_has_pair_from(const ProbeIndex *pi, gint key, const EngineTemplate *probe, guint n, guint i)
{
    gint64 sx = 0, sy = 0;
    for (guint k = 0; k < n; k++)
        sx += probe->m[k].x, sy += probe->m[k].y;
    for (guint r = pi->start[key]; r < pi->start[key + 1]; r++)
        if (pi->refs[r].x == probe->m[i].x - (gint32)(sx / n) && pi->refs[r].y == probe->m[i].y - (gint32)(sy / n))
            return TRUE;
    return FALSE;
}

/* The index key of the pair (i, j) among a print's pairs (undirected: i < j), or -1 without it. */
static gint key_of_pair(const EngineTemplate *t, guint n, guint i, guint j)
{
    EnginePair pairs[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS * 2];
    guint np = engine_pairs_build(t->m, n, INDEX_NEIGHBOURS, FALSE, pairs);
    for (guint p = 0; p < np; p++)
        if (pairs[p].i == i && pairs[p].j == j)
            return engine_pair_key(pairs[p].d, pairs[p].ai, pairs[p].aj);
    return -1;
}

/* A dry patch broke a ridge in the touch, next to minutia A, where the enrolled impression had it
 * whole: the two ends (8 px apart, facing each other) are A's two nearest neighbours in the touch
 * and push B4 and B5 out of its five. The enrolled impression pairs A with B5 (its fifth nearest;
 * B5's own five nearest are closer minutiae C1-C5), so the touch must still look that pair up; and
 * the pair of A with a broken end too, for an enrolled touch broken the same way (a crease). */
static void test_prefilter_broken_ridge_in_touch(void)
{
    gint32 x[13] = {200}, y[13] = {200}, t[13] = {90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 0, 180};
    for (int k = 0; k < 5; k++) { /* B1..B5, 20..40 px from A, all around it */
        double a = k * 72 * G_PI / 180, r = 20 + 5 * k;
        x[1 + k] = 200 + (gint32)lround(r * cos(a)), y[1 + k] = 200 + (gint32)lround(r * sin(a));
    }
    for (int k = 0; k < 5; k++) { /* C1..C5, 15..23 px from B5, away from A */
        double a = (230 + 30 * k) * G_PI / 180, r = 15 + 2 * k;
        x[6 + k] = x[5] + (gint32)lround(r * cos(a)), y[6 + k] = y[5] + (gint32)lround(r * sin(a));
    }
    x[11] = 210, y[11] = 195, x[12] = 210, y[12] = 187; /* the broken ridge's two ends */
    guint whole = 11, broken = 13;
    g_autoptr(EngineTemplate) enrolled_print = engine_template_new(1, &whole, x, y, t, NULL);
    g_autoptr(EngineTemplate) touch = engine_template_new(1, &broken, x, y, t, NULL);
    gint a_b5 = key_of_pair(enrolled_print, whole, 0, 5);
    g_assert_cmpint(a_b5, >=, 0); /* the enrolled impression has the pair */
    g_assert_cmpint(key_of_pair(touch, broken, 0, 5), <, 0); /* the touch's neighbours alone don't */
    ProbeIndex *pi = engine_probe_index_new(touch->m, broken, TRUE);
    g_assert_true(probe_has_pair_from(pi, a_b5, touch, broken, 0));
    gint a_end = key_of_pair(touch, broken, 0, 11);
    g_assert_cmpint(a_end, >=, 0);
    g_assert_true(probe_has_pair_from(pi, a_end, touch, broken, 0));
    engine_probe_index_free(pi);
}

#define DENSEST 200 /* minutiae per impression: the most engine_template_new() takes */

/* `n` minutiae scattered over a 500 px square by `rng`, each moved by up to `jitter` px. */
static EngineTemplate *scattered(guint32 seed, guint n, gint32 jitter, GRand *noise)
{
    g_autoptr(GRand) rng = g_rand_new_with_seed(seed);
    gint32 x[DENSEST], y[DENSEST], t[DENSEST];
    for (guint i = 0; i < n; i++) {
        x[i] = g_rand_int_range(rng, 0, 500) + (jitter ? g_rand_int_range(noise, -jitter, jitter + 1) : 0);
        y[i] = g_rand_int_range(rng, 0, 500) + (jitter ? g_rand_int_range(noise, -jitter, jitter + 1) : 0);
        t[i] = g_rand_int_range(rng, 0, 360);
    }
    return engine_template_new(1, &n, x, y, t, NULL);
}

/* A print whose minutiae lie on a regular grid, all pointing one way: no finger looks like that,
 * but a scanner that hands back a pattern, or a forgery, might. Each of its pairs is like many
 * others, so thousands of correspondences agree on one turn. */
static EngineTemplate *grid_print(gint32 step, gint32 jitter, GRand *noise)
{
    gint32 x[DENSEST], y[DENSEST], t[DENSEST];
    guint n = 0;
    for (int i = 0; i < 14; i++)
        for (int j = 0; j < 14; j++, n++) {
            x[n] = 60 + step * i + (jitter ? g_rand_int_range(noise, -jitter, jitter + 1) : 0);
            y[n] = 60 + step * j + (jitter ? g_rand_int_range(noise, -jitter, jitter + 1) : 0);
            t[n] = 90;
        }
    return engine_template_new(1, &n, x, y, t, NULL);
}

/* The densest prints the engine keeps (200 minutiae, the cap), touched again, among 1,000
 * strangers: each comes out best, with the score it has one to one, and another print as dense is
 * nobody. The scatter is named; the matcher makes little of a grid (its pairs are all alike), so
 * the grid scores under the threshold even against itself.
 * The search first looks at a random scatter through 70 of its minutiae (ENGINE_SEARCH_MINUTIAE)
 * and names it with its score on all 200. A grid's pairs agree on one turn
 * so often (thousands of correspondences) that the pre-filter's vote bins would overflow a byte,
 * where they stop counting instead (engine-prefilter.c, vote_two; no bundled print and no scatter
 * gets there). That path runs here, also under the sanitizers; a miscount in it that still left
 * the grid first would go unnoticed. */
static void test_prefilter_densest_print(void)
{
    g_autoptr(Engine) e = bench_gallery_of(enrolled, 10);
    add_strangers(e, 17, 1000, NULL);
    g_autoptr(GRand) noise = g_rand_new_with_seed(3);
    EngineTemplate *touches[5], *grid_touches[5];
    for (guint k = 0; k < 5; k++) {
        touches[k] = scattered(99, DENSEST, 1, noise);
        grid_touches[k] = grid_print(18, 1, noise);
    }
    g_autoptr(EngineTemplate) dense = bench_template_join(touches, 5);
    g_autoptr(EngineTemplate) grid = bench_template_join(grid_touches, 5);
    for (guint k = 0; k < 5; k++) {
        engine_template_free(touches[k]);
        engine_template_free(grid_touches[k]);
    }
    g_assert_nonnull(dense);
    g_assert_nonnull(grid);
    g_assert_true(engine_add(e, 5000, 500, engine_template_copy(dense), NULL));
    g_assert_true(engine_add(e, 5001, 501, engine_template_copy(grid), NULL));
    g_autoptr(EngineTemplate) probe = scattered(99, DENSEST, 1, noise);
    g_autoptr(EngineTemplate) grid_probe = grid_print(18, 1, noise);
    const EngineTemplate *probes[2] = {probe, grid_probe}, *own[2] = {dense, grid};
    for (int k = 0; k < 2; k++) {
        EngineResult r;
        gboolean reached = FALSE, reached_nobody = TRUE;
        engine_search_watching(e, probes[k], 5000 + k, &r, &reached);
        g_assert_true(reached); /* what bench-gallery's prefilter_reached counts */
        engine_search_watching(e, probes[k], 99999, &r, &reached_nobody);
        g_assert_false(reached_nobody); /* no such finger */
        g_test_message("densest print %d: score %.1f (one to one %.1f)", k, r.score, engine_template_match(probes[k], own[k]));
        g_assert_true(r.match || k == 1); /* the matcher makes little of a grid (4.4) */
        g_assert_cmpint(r.probationer_id, ==, 500 + k);
        g_assert_cmpfloat_with_epsilon(r.score, engine_template_match(probes[k], own[k]), 1e-9);
    }
    /* a different scatter as dense is nobody; a real touch is not the grid */
    EngineResult r;
    g_autoptr(EngineTemplate) other = scattered(100, DENSEST, 0, NULL);
    engine_search(e, other, &r);
    g_assert_false(r.match);
    engine_search(e, scan[0][5], &r);
    g_assert_cmpint(r.probationer_id, ==, 101);
}

/* A gallery where every print is dense (an office whose scanner gives ~100 minutiae a touch): a
 * dense finger is first ranked on its chosen minutiae's pairs only, and only the best tenth of a
 * shard's dense fingers (at least 200) on all (engine-prefilter.c, FIRST_PASS_SHARE). With 1,200
 * dense fingers a shard, the first pass keeps 200; the own finger must still come out best for 9 in 10 of the
 * touches where it scores above every stranger the search scored, with the score it has one to
 * one; and again after most strangers are removed (the index renumbered). (Measured: 27 of 29,
 * as when every finger is ranked on all its pairs; with the best 1,000 of a shard kept instead of
 * a tenth, 27 of 30.) */
static void test_prefilter_dense_gallery(void)
{
    g_autoptr(GRand) rng = g_rand_new_with_seed(110);
    g_autoptr(Engine) e = engine_new(2);
    EngineTemplate *own[10];
    for (int f = 0; f < 10; f++) {
        g_autoptr(EngineTemplate) joined = bench_template_join(scan[f], 5);
        own[f] = bench_template_densified(rng, joined, 110);
        g_assert_true(engine_add(e, 1000 + f, 101 + f, engine_template_copy(own[f]), NULL));
    }
    for (int k = 0; k < 2400; k++) {
        g_autoptr(EngineTemplate) source = bench_template_join(scan[k % 10], 5);
        g_autoptr(EngineTemplate) stranger = mirrored(rng, source);
        g_assert_true(engine_add(e, 10000 + k, 10000 + k, bench_template_densified(rng, stranger, 110), NULL));
    }
    EngineTemplate *probe[30];
    for (int p = 0; p < 30; p++)
        probe[p] = bench_template_densified(rng, scan[p / 3][5 + p % 3], 110);
    for (int round = 0; round < 2; round++) {
        int reachable = 0, best_is_own = 0;
        for (int p = 0; p < 30; p++) {
            tally_own_best(e, probe[p], own[p / 3], p / 3, &reachable, &best_is_own);
            EngineResult r;
            engine_search(e, probe[p], &r);
            if (r.probationer_id == 101 + p / 3)
                g_assert_cmpfloat_with_epsilon(r.score, engine_template_match(probe[p], own[p / 3]), 1e-9);
            g_assert_cmpuint(r.scored, <, engine_get_size(e) / 10); /* the pre-filter did choose */
        }
        g_test_message("dense gallery of %u: own finger best for %d of %d reachable probes", engine_get_size(e),
                       best_is_own, reachable);
        g_assert_cmpint(reachable, >=, 25);
        g_assert_cmpint(best_is_own, >=, reachable - 3);
        /* removing most strangers renumbers the index (compaction): the own fingers still come out */
        for (int k = 0; round == 0 && k < 2400; k++)
            if (k % 4 != 0)
                g_assert_true(engine_remove_finger(e, 10000 + k));
    }
    for (int f = 0; f < 10; f++)
        engine_template_free(own[f]);
    for (int p = 0; p < 30; p++)
        engine_template_free(probe[p]);
}

/* The configured threshold is a false-match rate per comparison, and a search compares a touch with
 * every enrolled impression: in a large gallery some stranger clears it far more often than in a
 * small one. So beyond 2,000 fingers the threshold a search is judged at rises with the gallery
 * (engine_threshold_for): a touch named at the configured threshold in a small office is not named
 * among 4,000 strangers when it clears that threshold by less than the rise, though its own finger
 * still comes out best. */
static void test_threshold_grows_with_gallery(void)
{
    g_autoptr(Engine) e = bench_gallery_of(enrolled, 10);
    EngineResult r;
    engine_search(e, scan[0][5], &r);
    g_assert_true(r.match);
    g_assert_cmpfloat(r.threshold, ==, ENGINE_DEFAULT_THRESHOLD); /* 50 impressions: as configured */
    double just_under = r.score - 0.1;                            /* the touch clears it by 0.1 */
    engine_set_rule(e, just_under, ENGINE_DEFAULT_MARGIN);
    engine_search(e, scan[0][5], &r);
    g_assert_true(r.match);
    add_strangers(e, 13, 4000, NULL);
    engine_search(e, scan[0][5], &r);
    double rise = log10((10 * 5 + 4000 * 5) / (double)ENGINE_SCALE_IMPRESSIONS); /* 0.30 */
    g_test_message("among 4,000 strangers: own score %.2f, threshold %.2f", r.score, r.threshold);
    g_assert_cmpfloat_with_epsilon(r.threshold, just_under + rise, 1e-9);
    g_assert_cmpint(r.probationer_id, ==, 101); /* still the best... */
    g_assert_false(r.match);                    /* ...but not named */
    /* 20,000 fingers of 5 touches: one power of ten stricter than 2,000 */
    g_assert_cmpfloat_with_epsilon(engine_threshold_for(6, 100000), 7, 1e-9);
    g_assert_cmpfloat(engine_threshold_for(6, ENGINE_SCALE_IMPRESSIONS), ==, 6);
}

/* Searches at once on one engine (the kiosk's touch while the match report or an officer's check
 * runs): each gives exactly what it gives alone. A search's threads share its steps (engine.c: a
 * thread done with its own shard compares another shard's fingers), so which thread compares which
 * finger changes from run to run; the answer must not. Three shards and four searches at once, so
 * that shards also wait in the pool behind other searches' (engine.c says why that can't hang). */
typedef struct {
    Engine *engine;
    const EngineResult *alone; /* 30: fingers 0-9, impressions 6-8 */
    guint from;                /* where this thread starts in the 30 */
    guint differ;
} AtOnce;

static gpointer search_all(gpointer data)
{
    AtOnce *a = data;
    for (guint k = 0; k < 30; k++) {
        guint p = (a->from + k) % 30;
        EngineResult r;
        engine_search(a->engine, scan[p / 3][5 + p % 3], &r);
        a->differ += r.probationer_id != a->alone[p].probationer_id || r.score != a->alone[p].score ||
                     r.runner_up_score != a->alone[p].runner_up_score || r.scored != a->alone[p].scored ||
                     r.match != a->alone[p].match;
    }
    return NULL;
}

static void test_searches_at_once(void)
{
    g_autoptr(Engine) e = engine_new(3);
    for (guint f = 0; f < 10; f++)
        g_assert_true(engine_add_print(e, 1000 + f, 101 + f, enrolled[f], NULL));
    add_strangers(e, 17, 600, NULL);
    EngineResult alone[30];
    int found = 0;
    for (guint p = 0; p < 30; p++) {
        engine_search(e, scan[p / 3][5 + p % 3], &alone[p]);
        found += alone[p].match && alone[p].probationer_id == 101 + p / 3;
    }
    g_assert_cmpint(found, >=, 27);
    AtOnce at_once[4];
    GThread *threads[4];
    for (guint t = 0; t < 4; t++) {
        at_once[t] = (AtOnce){e, alone, t * 7, 0};
        threads[t] = g_thread_new("search", search_all, &at_once[t]);
    }
    for (guint t = 0; t < 4; t++) {
        g_thread_join(threads[t]);
        g_assert_cmpuint(at_once[t].differ, ==, 0);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    scanner = tu_scanner_new(NULL, NULL);
    bench_scan_bundled(scanner, scan, enrolled);
    g_test_add_func("/engine-prefilter/among-strangers", test_prefilter_among_strangers);
    g_test_add_func("/engine-prefilter/partial-touch", test_prefilter_partial_touch);
    g_test_add_func("/engine-prefilter/partial-enrollment", test_prefilter_partial_enrollment);
    g_test_add_func("/engine-prefilter/dense-probe-voters", test_prefilter_dense_probe_voters);
    g_test_add_func("/engine-prefilter/length-near-a-border", test_prefilter_length_near_a_border);
    g_test_add_func("/engine-prefilter/broken-ridge-in-touch", test_prefilter_broken_ridge_in_touch);
    g_test_add_func("/engine-prefilter/densest-print", test_prefilter_densest_print);
    g_test_add_func("/engine-prefilter/dense-gallery", test_prefilter_dense_gallery);
    g_test_add_func("/engine-prefilter/threshold-grows-with-gallery", test_threshold_grows_with_gallery);
    g_test_add_func("/engine-prefilter/searches-at-once", test_searches_at_once);
    int rc = g_test_run();
    for (int f = 0; f < 10; f++) {
        g_bytes_unref(enrolled[f]);
        for (int i = 0; i < 8; i++)
            engine_template_free(scan[f][i]);
    }
    scanner_free(scanner);
    return rc;
}
