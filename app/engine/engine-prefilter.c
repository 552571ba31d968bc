/* engine-prefilter — choosing the few fingers of a shard the full matcher scores. See
 * engine-index.h.
 *
 * The pre-filter looks at every enrolled impression, but cheaply: each impression keeps its minutia
 * pairs (each minutia with its 5 nearest neighbours) as a 4-byte code — the pair's quantised
 * (distance, direction, direction) cell, its line direction and its first minutia. A search puts
 * the probe's pairs in a table by cell once (a dense probe's from ENGINE_SEARCH_MINUTIAE of its
 * minutiae, probe_voting_pairs); then, per impression, each pair whose cell the probe also has is a
 * candidate correspondence, and it votes for the turn and shift that would lay the probe on the
 * impression (a Hough transform: 16 turns x 64 x 64 shifts of 16 px). A genuine print's correspondences agree on
 * one turn AND one shift; a stranger's chance ones scatter. An impression ranks by its highest
 * vote, a finger by the sum of its two best impressions', and only the best `candidates` go on
 * (with the few best by one impression alone, finger_rank says why). Votes are first counted per
 * turn alone (no trigonometry); a finger's impressions are voted on in order of that bound, and an
 * impression, or a correspondence, whose turn can't lift the finger past the weakest of the
 * shortlist so far casts no shift votes: that changes no shortlist (checked against voting on
 * everything) and skips some of the work: a sixth of a sparse gallery's impressions, almost none
 * of a dense one's (counted in the thirty-first round, docs/search.md).
 *
 * The previous pre-filter was an inverted index that voted for turn only: on prints with few
 * minutiae in common with the probe, or dense prints, chance votes buried the right finger (it
 * reached the matcher for 78 % of recognisable probes among 20,000 on the development sets; this
 * one 95 %, docs/search.md). */
#include "app/engine/engine-shard.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The vote grid: turns in 256ths >> TURN_SHIFT, shifts in SHIFT_STEP px, centred on the two
 * prints' centres of mass (so ±512 px covers any sensor libfprint drives). Each vote also goes to
 * the nearer neighbouring bin on each axis, so agreement across a bin border is not split. */
#define TURN_SHIFT 4
#define TURN_BINS (256 >> TURN_SHIFT)
#define SHIFT_STEP 16
#define SHIFT_BINS 64
#define SHIFT_ORIGIN (SHIFT_STEP * SHIFT_BINS / 2)

/* cos and sin of 256ths of a turn, times 1024 */
static gint16 cos_q10[256], sin_q10[256];

static gpointer init_tables(gpointer data)
{
    (void)data;
    for (int i = 0; i < 256; i++) {
        cos_q10[i] = (gint16)lround(cos(i * 2 * G_PI / 256) * 1024);
        sin_q10[i] = (gint16)lround(sin(i * 2 * G_PI / 256) * 1024);
    }
    return NULL;
}

/* A search costs about 1 ms per probe minutia at 20,000 fingers (FVC2004 DB3: 49 minutiae 61 ms,
 * 120 minutiae 158 ms), so a dense probe's pairs vote only from ENGINE_SEARCH_MINUTIAE of its
 * minutiae (engine_minutiae_choose). Every minutia still counts as a neighbour, so the pairs that
 * vote are the very ones the gallery has; the gallery's pairs are of every minutia, since choosing
 * there too lost a real dense finger (docs/search.md, fifteenth round). Measured at 20,000 on the
 * eight development sets: with 70 voters the same fingers reach the matcher as with all; with 60,
 * FVC2004 DB2's own finger was lost for two more probes; with 80, FVC2004 DB3 searched ~10 %
 * slower (thirteenth round, when the voters were chosen farthest first without the edge rule; with
 * it, the same probes are found at 20,000). Keeps of np pairs those whose first minutia votes. */
static guint probe_voting_pairs(EnginePair *pairs, guint np, const gboolean *votes)
{
    guint kept = 0;
    for (guint p = 0; p < np; p++)
        if (votes[pairs[p].i])
            pairs[kept++] = pairs[p];
    return kept;
}

/* The touch's pairs (directed): each minutia with its nearest neighbours, and again with its nearest
 * among those that are not a broken ridge's two ends (engine_minutiae_mark_broken), where both are
 * minutiae it votes from. Where a dry patch broke a ridge in this touch but not in an enrolled one,
 * the two ends are a minutia's nearest neighbours here and not there: they push out of its list the
 * very neighbours the enrolled impression pairs it with. The enrolled impressions keep their pairs as
 * they are, and so does the touch (where a crease breaks a ridge in every touch, the ends are the
 * finger's own). Measured (docs/search.md, thirtieth round): the own finger reached the matcher for
 * 7 more probes of 133 at 20,000 on the corpus where every print is dense; the touch's pairs
 * without the ends alone lost 6 of 236 on the eight development sets, and the enrolled impressions'
 * pairs built without them too lost 8. The new pairs between a voter and a minutia that does not
 * vote (a dense touch's) found no more and cost a dense search ~15 %. Writes to `pairs` (room for
 * twice engine_pairs_build()'s) and returns how many. */
static guint probe_pairs(const EngineMinutia *m, guint n, const gboolean *votes, EnginePair *pairs)
{
    guint np = engine_pairs_build(m, n, INDEX_NEIGHBOURS, TRUE, pairs);
    guint8 broken[ENGINE_MAX_MINUTIAE];
    engine_minutiae_mark_broken(m, n, broken);
    guint64 seen[ENGINE_MAX_MINUTIAE * ENGINE_MAX_MINUTIAE / 64 + 1];
    memset(seen, 0, ((n * n) / 64 + 1) * sizeof seen[0]);
    for (guint p = 0; p < np; p++) {
        guint bit = pairs[p].i * n + pairs[p].j;
        seen[bit / 64] |= G_GUINT64_CONSTANT(1) << (bit % 64);
    }
    guint first = np, more = engine_pairs_build_without(m, n, INDEX_NEIGHBOURS, TRUE, broken, pairs + first);
    for (guint p = 0; p < more; p++) { /* the new ones only, moved down over those already there */
        EnginePair q = pairs[first + p];
        guint bit = q.i * n + q.j;
        if (votes[q.i] && votes[q.j] && !(seen[bit / 64] & (G_GUINT64_CONSTANT(1) << (bit % 64))))
            pairs[np++] = q;
    }
    return np;
}

/* A probe pair whose length lies within DISTANCE_NEAR px of its distance cell's border is also
 * looked up under the neighbouring cell: the gallery's pair of the same two minutiae, a little
 * stretched or moved, lies across the border as often as not. Only for a probe of at most
 * ENGINE_SEARCH_MINUTIAE minutiae, and only against fingers that are not dense (shard_search_start):
 * a sparse search has the time to spare, against dense fingers the extra look-ups cost up to a
 * quarter more (FVC2000 DB4 made dry), and a dense search's time is the one at its target.
 * Measured on the eight development sets at 20,000 (twenty-second round, docs/search.md): the own
 * finger reaches the matcher for 3 more probes of 235 (2 more at 10,000), none fewer, 1 more
 * found; on the two sets never tuned on, none more (one fewer at 10,000). Within 1 px of the
 * rounded length: the same 3, one lost elsewhere, and slower. Writes the lengths to look up under
 * into `ds` (the pair's own first) and returns how many. */
#define DISTANCE_NEAR 0.5
static int distance_cells(const EngineMinutia *m, const EnginePair *pair, guint ds[2])
{
    ds[0] = pair->d;
    /* the gallery's pair is keyed by its rounded length, so a cell of lengths 5b .. 5b + 4 holds
     * pairs from 5b - 0.5 px up to 5b + 4.5 px */
    double dx = m[pair->j].x - m[pair->i].x, dy = m[pair->j].y - m[pair->i].y;
    guint own = pair->d / ENGINE_KEY_D_STEP;
    double into = sqrt(dx * dx + dy * dy) - (ENGINE_KEY_D_STEP * own - 0.5);
    if (into < DISTANCE_NEAR && own > 0) {
        ds[1] = own * ENGINE_KEY_D_STEP - 1;
        return 2;
    }
    if (into > ENGINE_KEY_D_STEP - DISTANCE_NEAR) {
        ds[1] = (own + 1) * ENGINE_KEY_D_STEP;
        return 2;
    }
    return 1;
}

ProbeIndex *engine_probe_index_new(const EngineMinutia *m, guint n, gboolean across_lengths)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, init_tables, NULL);
    ProbeIndex *pi = g_new0(ProbeIndex, 1);
    EnginePair pairs[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS * 4];
    gboolean votes[ENGINE_MAX_MINUTIAE];
    engine_minutiae_choose(m, n, ENGINE_SEARCH_MINUTIAE, votes);
    guint np = probe_voting_pairs(pairs, probe_pairs(m, n, votes, pairs), votes);
    gint64 sx = 0, sy = 0;
    for (guint i = 0; i < n; i++)
        sx += m[i].x, sy += m[i].y;
    int cx = n ? (int)(sx / n) : 0, cy = n ? (int)(sy / n) : 0;
    /* Each pair under its own cell and the neighbouring direction cells its angles are nearer to
     * (4 cells; an angle exactly mid-bin has no border near and stays in its own): a direction
     * near a bin border is not lost. A sparse probe's pair is also looked up under the neighbouring
     * distance cell when its length is within DISTANCE_NEAR of the border (distance_cells). */
    const int astep = 256 / ENGINE_KEY_A_BINS;
    g_autofree guint32 *cells = g_new(guint32, np * 8 + 1);
    g_autofree guint32 *owner = g_new(guint32, np * 8 + 1);
    guint nc = 0;
    for (guint p = 0; p < np; p++) {
        int ai = pairs[p].ai, aj = pairs[p].aj;
        int ain = ai % astep < astep / 2 ? ai - astep : ai + astep;
        int ajn = aj % astep < astep / 2 ? aj - astep : aj + astep;
        int as[2] = {ai, ain}, bs[2] = {aj, ajn};
        int wi = ai % astep == astep / 2 ? 1 : 2, wj = aj % astep == astep / 2 ? 1 : 2;
        guint ds[2] = {pairs[p].d, pairs[p].d};
        int wd = across_lengths && n <= ENGINE_SEARCH_MINUTIAE ? distance_cells(m, &pairs[p], ds) : 1;
        for (int e = 0; e < wd; e++) {
            for (int b = 0; b < wi; b++) {
                for (int c = 0; c < wj; c++) {
                    gint key = engine_pair_key(ds[e], (guint8)as[b], (guint8)bs[c]);
                    if (key < 0)
                        continue;
                    cells[nc] = (guint32)key;
                    pi->occupied[key >> 6] |= G_GUINT64_CONSTANT(1) << (key & 63);
                    owner[nc++] = p;
                    pi->start[key + 1]++;
                }
            }
        }
    }
    for (guint k = 0; k < ENGINE_KEYS; k++)
        pi->start[k + 1] += pi->start[k];
    pi->refs = g_new(ProbeRef, MAX(nc, 1));
    g_autofree guint32 *fill = g_memdup2(pi->start, sizeof pi->start);
    for (guint k = 0; k < nc; k++) {
        const EnginePair *pp = &pairs[owner[k]];
        pi->refs[fill[cells[k]]++] =
            (ProbeRef){pp->phi, (gint16)(m[pp->i].x - cx), (gint16)(m[pp->i].y - cy)};
    }
    return pi;
}

void engine_probe_index_free(ProbeIndex *pi)
{
    if (!pi)
        return;
    g_free(pi->refs);
    g_free(pi);
}

typedef struct {
    float rank;
    guint32 slot;
    guint32 impressions; /* the ones the full matcher compares (finger_rank) */
} Candidate;

/* Min-heap on rank: the root is the weakest of the best so far. */
static void heap_push(Candidate *h, guint *n, guint cap, Candidate c)
{
    if (*n == cap) {
        if (c.rank <= h[0].rank)
            return;
        h[0] = c; /* replace the root and sift down */
        for (guint i = 0;;) {
            guint l = 2 * i + 1, r = l + 1, m = i;
            if (l < *n && h[l].rank < h[m].rank)
                m = l;
            if (r < *n && h[r].rank < h[m].rank)
                m = r;
            if (m == i)
                break;
            Candidate t = h[i];
            h[i] = h[m];
            h[m] = t;
            i = m;
        }
        return;
    }
    guint i = (*n)++;
    h[i] = c;
    while (i > 0 && h[(i - 1) / 2].rank > h[i].rank) {
        Candidate t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

/* Correspondences of one finger's impressions with the probe: (its pair, the probe's ref), in one
 * pool shared by the finger's impressions (a few hundred each; more are not kept). */
#define MATCHES_MAX 65536

/* The vote grid of one shard's search, one turn at a time: the counts of that turn's shift bins
 * (4 KB, so the votes stay in L1; all 16 turns at once took 64 KB and each vote waited on L2), and
 * per turn the bins each of its correspondences votes for (`voters`), by which they are cleared
 * again. */
#define PLANE_CELLS (SHIFT_BINS * SHIFT_BINS)
typedef struct {
    guint8 votes[PLANE_CELLS];
    guint32 voters[2 * MATCHES_MAX + 1]; /* each correspondence votes for two turns at most; and
                                          * the spare place (entry_peak) */
} Grid;

/* Places on a shard's shortlist for the fingers best by one impression alone (finger_rank). */
#define ONE_IMPRESSION_CANDIDATES 5
/* A dense finger's impressions (more than ENGINE_SEARCH_MINUTIAE minutiae) cost the pre-filter about
 * the square of their minutiae. So a dense finger is ranked first on the pairs between its chosen
 * minutiae only, and the best tenth of those (FIRST_PASS_SHARE; at least FIRST_PASS_MIN, and the
 * FIRST_PASS_ONE best by one impression) again on all their pairs, to be shortlisted with the rest.
 * Ranked on the chosen pairs alone, a real dense finger's own impressions lost it the shortlist
 * (docs/search.md, seventeenth round): its spurious minutiae are where two touches choose
 * differently. Among a tenth it stays: measured on a corpus where every print is dense, with 4 %
 * the own finger was lost for 3 more probes of 27 on the densest set; with a tenth, for none. */
#define FIRST_PASS_SHARE 10
#define FIRST_PASS_MIN 200
#define FIRST_PASS_ONE 40

typedef struct {
    IndexPair pair;
    guint32 ref;
} Match;

/* One impression's correspondences with the probe, and their votes per turn alone. */
typedef struct {
    const Entry *entry;
    guint turns[TURN_BINS];
    guint n, cap;
    guint bound; /* the highest turn vote: no (turn, shift) bin gets more */
    Match *matches;
} Tally;

/* The correspondences of a run of an impression's pairs, counted per turn (no trigonometry). Which
 * pairs the probe has a cell for is found first, a chunk at a time and without a branch: about a
 * quarter have one, at random, and a branch on each was mispredicted about as often. The pairs are
 * fetched 1 KB ahead: the hardware's own prefetch left the scan waiting on memory (profile). */
#define TALLY_CHUNK 512
#define TALLY_AHEAD 256 /* pairs */
static void tally_run(const ProbeIndex *pi, const IndexPair *gp, guint32 n_pairs, Tally *t)
{
    guint16 found[TALLY_CHUNK];
    for (guint32 from = 0; from < n_pairs; from += TALLY_CHUNK, gp += TALLY_CHUNK) {
        guint32 len = MIN(n_pairs - from, TALLY_CHUNK), nf = 0;
        for (guint32 r = 0; r < len; r++) {
            if ((r & 15) == 0)
                __builtin_prefetch(&gp[r + TALLY_AHEAD]); /* past the end is harmless */
            found[nf] = (guint16)r;
            nf += (guint32)(pi->occupied[gp[r].cell >> 6] >> (gp[r].cell & 63)) & 1;
        }
        for (guint32 f = 0; f < nf; f++) {
            const IndexPair p = gp[found[f]];
            for (guint32 z = pi->start[p.cell]; z < pi->start[p.cell + 1]; z++) {
                guint8 turn = (guint8)(p.phi - pi->refs[z].phi);
                int rb = turn >> TURN_SHIFT;
                int rn = (turn >> (TURN_SHIFT - 1)) & 1 ? rb + 1 : rb - 1;
                t->turns[rb]++;
                t->turns[rn & (TURN_BINS - 1)]++;
                if (t->n < t->cap)
                    t->matches[t->n++] = (Match){p, z};
            }
        }
    }
}

/* Finds the impression's correspondences with the probe — among the pairs of its chosen minutiae
 * only, or among all — and counts them per turn. The impression's minutiae are read only if it is
 * voted on: they live apart from the pairs and used to miss the cache there, so their first lines
 * are fetched now (a prefetch past the end of an allocation is harmless). */
static void entry_tally(const ProbeIndex *pi, const Shard *s, const Entry *entry, gboolean chosen_only, Tally *t)
{
    memset(t->turns, 0, sizeof t->turns);
    t->entry = entry;
    t->n = 0;
    for (int line = 0; line < 8; line++)
        __builtin_prefetch((const char *)entry->m + 64 * line);
    if (entry->n_chosen > 0)
        tally_run(pi, &g_array_index(s->pairs, IndexPair, entry->first_pair), entry->n_chosen, t);
    if (!chosen_only && entry->n_pairs > entry->n_chosen)
        tally_run(pi, &g_array_index(s->rest, IndexPair, entry->first_rest), entry->n_pairs - entry->n_chosen, t);
    t->bound = 0;
    for (guint b = 0; b < TURN_BINS; b++)
        t->bound = MAX(t->bound, t->turns[b]);
}

/* One vote for two neighbouring bins, v[0] and v[1]; returns the higher count. Done as one 16-bit
 * add (searches of dense prints ~8 % faster than a byte at a time): a bin gets at most its turn's
 * votes, so unless a turn has 255 or more (`saturate`), neither byte can carry into the other. */
static inline guint vote_two(guint8 *v, gboolean saturate)
{
    if (G_UNLIKELY(saturate)) {
        v[0] += v[0] < 255;
        v[1] += v[1] < 255;
        return MAX(v[0], v[1]);
    }
    guint16 w;
    memcpy(&w, v, 2);
    w += 0x0101;
    memcpy(v, &w, 2);
    return MAX((guint)(w & 0xff), (guint)(w >> 8));
}

/* The highest vote any (turn, shift) bin gets from the tallied correspondences, less a hair per
 * correspondence so that, of two equal peaks, the one from fewer chance matches ranks first. Only
 * a peak above `floor` matters to the caller: a bin's vote is at most its turn's, so a
 * correspondence whose turns can't beat the floor is not cast (most of a stranger's), and what is
 * returned is exact above the floor and at most the floor below it. Each correspondence's bins are
 * found first and listed under its two turns; then one turn at a time is voted on, the highest
 * first, and a turn whose count can't beat the peak so far is not voted on at all. */
static float entry_peak(const ProbeIndex *pi, const Tally *t, Grid *grid, float floor)
{
    if ((float)t->bound <= floor)
        return 0;
    gboolean saturate = t->bound >= 255; /* else no bin can reach 255 (vote_two) */
    const guint n = t->n;
    const guint *turns = t->turns;
    /* Room per turn: its count, when every correspondence found was kept (t->n below the cap: then
     * the counts add up to 2n); else counted again from those kept. */
    guint room[TURN_BINS];
    if (n < t->cap) {
        memcpy(room, turns, sizeof room);
    } else {
        memset(room, 0, sizeof room);
        for (guint k = 0; k < n; k++) {
            guint8 turn = (guint8)(t->matches[k].pair.phi - pi->refs[t->matches[k].ref].phi);
            int rb = turn >> TURN_SHIFT;
            room[rb]++;
            room[((turn >> (TURN_SHIFT - 1)) & 1 ? rb + 1 : rb - 1) & (TURN_BINS - 1)]++;
        }
    }
    /* A turn that can't beat the floor lists its correspondences in one spare place past the
     * others, never read: listing is then the same store for every turn, without a branch (whether
     * a stranger's correspondence falls in a live turn is about a coin toss). */
    guint first[TURN_BINS], fill[TURN_BINS], live[TURN_BINS], at = 0;
    for (guint r = 0; r < TURN_BINS; r++) {
        live[r] = (float)turns[r] > floor;
        first[r] = fill[r] = live[r] ? at : 2 * MATCHES_MAX;
        at += live[r] ? room[r] : 0;
    }
    /* Kept in locals: the list is written through a pointer the compiler can't tell apart from
     * the tally's fields, which it would otherwise reload per correspondence. */
    guint32 *voters = grid->voters;
    const Match *matches = t->matches;
    const ProbeRef *refs = pi->refs;
    const EngineMinutia *em = t->entry->m;
    const int ecx = t->entry->cx, ecy = t->entry->cy;
    guint matched = 0;
    for (guint k = 0; k < n; k++) {
        const IndexPair *gp = &matches[k].pair;
        const ProbeRef *pr = &refs[matches[k].ref];
        guint8 turn = (guint8)(gp->phi - pr->phi);
        int gx = em[gp->i].x - ecx, gy = em[gp->i].y - ecy;
        int tx = gx - ((cos_q10[turn] * pr->x - sin_q10[turn] * pr->y) >> 10) + SHIFT_ORIGIN;
        int ty = gy - ((sin_q10[turn] * pr->x + cos_q10[turn] * pr->y) >> 10) + SHIFT_ORIGIN;
        int ix = tx / SHIFT_STEP, iy = ty / SHIFT_STEP;
        if (tx < SHIFT_STEP || ty < SHIFT_STEP || ix >= SHIFT_BINS - 1 || iy >= SHIFT_BINS - 1)
            continue;
        matched++;
        int rb = turn >> TURN_SHIFT;
        int rn = ((turn >> (TURN_SHIFT - 1)) & 1 ? rb + 1 : rb - 1) & (TURN_BINS - 1);
        int xn = tx % SHIFT_STEP >= SHIFT_STEP / 2 ? ix + 1 : ix - 1;
        int y0 = ty % SHIFT_STEP >= SHIFT_STEP / 2 ? iy : iy - 1; /* the two y bins voted: y0, y0+1 */
        guint32 bins = (guint32)(ix * SHIFT_BINS + y0) | (guint32)(xn * SHIFT_BINS + y0) << 16;
        voters[fill[rb]] = bins;
        fill[rb] += live[rb];
        voters[fill[rn]] = bins;
        fill[rn] += live[rn];
    }
    /* the turn with the most votes first: its peak may spare the others */
    guint top = 0;
    for (guint r = 1; r < TURN_BINS; r++)
        if (turns[r] > turns[top])
            top = r;
    guint8 *votes = grid->votes;
    guint peak = 0;
    for (guint c = 0; c < TURN_BINS; c++) {
        guint r = (top + c) & (TURN_BINS - 1);
        if (turns[r] <= peak || fill[r] == first[r])
            continue;
        for (guint k = first[r]; k < fill[r]; k++) {
            guint a = vote_two(&votes[voters[k] & 0xffff], saturate); /* not in MAX(): it counts twice */
            guint b = vote_two(&votes[voters[k] >> 16], saturate);
            peak = MAX(peak, MAX(a, b));
        }
        for (guint k = first[r]; k < fill[r]; k++) {
            memset(&votes[voters[k] & 0xffff], 0, 2);
            memset(&votes[voters[k] >> 16], 0, 2);
        }
    }
    return MAX(0.0f, (float)peak - (float)matched / 4096.0f);
}

static int cmp_rank_desc(const void *a, const void *b)
{
    float x = ((const Candidate *)a)->rank, y = ((const Candidate *)b)->rank;
    return (x < y) - (x > y);
}

/* What the shortlist ranks a finger by. Mainly the sum of its two best impressions' peaks: a genuine
 * finger's impressions each agree with the probe in part, and a stranger's chance peaks don't come
 * in twos as often (measured: ranking by the best impression alone lost the own finger for 1-2 more
 * probes on 3 sets of 8 at 20,000, docs/search.md). The best impression alone still counts for a
 * few places of the shortlist: a finger with one impression, or whose touches each cover a
 * different part of it, has one strong peak and no second. */
typedef struct {
    float two, one;
    guint32 impressions;
} FingerRank;

/* Most of a shortlist are strangers, and on dense prints the full matcher took a third of a search.
 * So the FULL_CANDIDATES best-ranked fingers of a shard are compared with the probe in full; the
 * others first on their MATCH_IMPRESSIONS impressions with the highest peaks, and on the rest only
 * if that scored PROMISING_SCORE or more (a false-match rate of 10 % per comparison) or is among
 * the shard's ENGINE_CANDIDATES best by score (shard_search). Measured on
 * 4 development sets at 20,000: of the fingers scoring 6 (the default threshold) or more in full,
 * none scored under 2 on its two best-peaked impressions; the highest full score left unseen was
 * 4.4 (docs/search.md). */
#define MATCH_IMPRESSIONS 2
#define PROMISING_SCORE 1.0
#define FULL_CANDIDATES 5

/* The finger's rank, where it can beat `floor` (the weakest of the shortlist by two impressions so
 * far) or `floor_one` (by one); 0 where it can't. Impressions are voted on in order of their turn
 * bound, and stop being voted on once none left could change the two best or beat either floor. */
static FingerRank finger_rank(const ProbeIndex *pi, Tally *tally, guint n, Grid *grid, float floor,
                              float floor_one)
{
    /* by bound, highest first; ties in impression order (a finger has a handful: inserted) */
    Tally *order[ENGINE_MAX_IMPRESSIONS];
    for (guint e = 0; e < n; e++) {
        guint k = e;
        for (; k > 0 && order[k - 1]->bound < tally[e].bound; k--)
            order[k] = order[k - 1];
        order[k] = &tally[e];
    }
    float b1 = 0, b2 = 0, peak[ENGINE_MAX_IMPRESSIONS] = {0};
    for (guint k = 0; k < n; k++) {
        float bound = (float)order[k]->bound;
        float next = k + 1 < n ? (float)order[k + 1]->bound : 0;
        /* With the better of b1 and the rest, this impression can't lift the two above `floor`;
         * nor can it beat b1 or `floor_one` alone; nor, at most b2, change the two best at all. */
        gboolean helps_two = bound + MAX(b1, next) > floor, helps_one = bound > MAX(b1, floor_one);
        if (bound <= b2 || (!helps_two && !helps_one))
            break;
        float need = MIN(MAX(b2, floor - MAX(b1, next)), MAX(b1, floor_one));
        float r = entry_peak(pi, order[k], grid, need);
        peak[order[k] - tally] = r;
        if (r > b1)
            b2 = b1, b1 = r;
        else if (r > b2)
            b2 = r;
    }
    /* the impressions with the highest peaks (ties: in order of bound) */
    guint32 chosen = 0;
    for (guint c = 0; c < MIN(n, MATCH_IMPRESSIONS); c++) {
        int best = -1;
        for (guint k = 0; k < n; k++) {
            guint e = (guint)(order[k] - tally);
            if (!(chosen & (1u << e)) && (best < 0 || peak[e] > peak[best]))
                best = (int)e;
        }
        chosen |= 1u << best;
    }
    return (FingerRank){b1 + b2 > floor ? b1 + b2 : 0, b1 > floor_one ? b1 : 0, chosen};
}

/* The pre-filter's scratch for one shard's search. */
typedef struct {
    Grid *grid;
    Match *matches;
    Tally tally[ENGINE_MAX_IMPRESSIONS];
} Scan;

/* A shortlist being filled: the best `cap` by two impressions and the best few by one. */
typedef struct {
    Candidate *two, one[FIRST_PASS_ONE];
    guint n_two, cap, n_one, cap_one;
} Shortlist;

/* Ranks the finger in slot i on each impression's pairs between chosen minutiae (`chosen_only`) or
 * on all, and offers it to `list`. */
static void rank_slot(const Shard *s, const ProbeIndex *pi, Scan *scan, guint i, gboolean chosen_only,
                      Shortlist *list)
{
    const Slot *slot = &g_array_index(s->slots, Slot, i);
    const Entry *entries = (const Entry *)s->entries->data;
    guint ni = slot->t->n_impressions, used = 0;
    for (guint e = 0; e < ni; e++) {
        const Entry *entry = &entries[slot->first_entry + e];
        scan->tally[e].matches = scan->matches + used;
        scan->tally[e].cap = MATCHES_MAX - used;
        entry_tally(pi, s, entry, chosen_only, &scan->tally[e]);
        used += scan->tally[e].n;
    }
    FingerRank rank = finger_rank(pi, scan->tally, ni, scan->grid, list->n_two == list->cap ? list->two[0].rank : 0,
                                  list->n_one == list->cap_one ? list->one[0].rank : 0);
    if (rank.two > 0)
        heap_push(list->two, &list->n_two, list->cap, (Candidate){rank.two, i, rank.impressions});
    if (rank.one > 0)
        heap_push(list->one, &list->n_one, list->cap_one, (Candidate){rank.one, i, rank.impressions});
}

/* Whether the finger in slot i is among the first n of `c`. */
static gboolean listed_in(const Candidate *c, guint n, guint32 i)
{
    for (guint k = 0; k < n; k++)
        if (c[k].slot == i)
            return TRUE;
    return FALSE;
}

/* One shard's search between its steps (engine-index.h). Step c of the comparisons writes only
 * fm[c] and hits[c], so steps on different threads never share a field. */
struct ShardSearch {
    const Shard *s;
    const EngineProbe *probe, *view;
    Candidate *shortlist; /* n fingers, in the order their hits are given */
    guint n;
    EngineFingerMatch *fm; /* per shortlisted finger: its impressions compared so far */
    ShardHit *hits;
    guint fused[ENGINE_CANDIDATES], n_fused; /* the picked few, as places in the shortlist */
};

ShardSearch *shard_search_start(const Shard *s, const EngineProbe *probe, const EngineProbe *view,
                                const ProbeIndex *pi, const ProbeIndex *pi_dense, guint candidates)
{
    ShardSearch *ss = g_new0(ShardSearch, 1);
    ss->s = s;
    ss->probe = probe;
    ss->view = view;
    guint n = s->slots->len;
    if (s->alive == 0)
        return ss;
    Candidate *heap = ss->shortlist = g_new(Candidate, MIN(candidates, n) + ONE_IMPRESSION_CANDIDATES);
    guint nh = 0;

    if (s->alive <= candidates) {
        for (guint i = 0; i < n; i++)
            if (g_array_index(s->slots, Slot, i).t)
                heap[nh++] = (Candidate){0, i, ENGINE_ALL_IMPRESSIONS};
    } else {
        g_autofree Grid *grid = g_new0(Grid, 1);
        g_autofree Match *matches = g_new(Match, MATCHES_MAX);
        Scan scan = {.grid = grid, .matches = matches};
        Shortlist list = {.two = heap, .cap = candidates, .cap_one = ONE_IMPRESSION_CANDIDATES};
        /* A dense finger is first ranked on its chosen minutiae's pairs only (FIRST_PASS_SHARE
         * says why); the best of them then on all their pairs, with the others. */
        guint cap1 = s->dense_slots ? MIN(MAX(s->dense_slots / FIRST_PASS_SHARE, FIRST_PASS_MIN), n) : 0;
        g_autofree Candidate *two1 = g_new(Candidate, MAX(cap1, 1));
        Shortlist pass1 = {.two = two1, .cap = cap1, .cap_one = FIRST_PASS_ONE};
        for (guint i = 0; i < n; i++) {
            const Slot *slot = &g_array_index(s->slots, Slot, i);
            if (!slot->t)
                continue;
            rank_slot(s, slot->dense ? pi_dense : pi, &scan, i, slot->dense, slot->dense ? &pass1 : &list);
        }
        /* best first: the shortlist's floor rises sooner, and a weaker finger casts fewer votes */
        qsort(pass1.two, pass1.n_two, sizeof pass1.two[0], cmp_rank_desc);
        for (guint c = 0; c < pass1.n_two; c++)
            rank_slot(s, pi_dense, &scan, pass1.two[c].slot, FALSE, &list);
        for (guint c = 0; c < pass1.n_one; c++) /* by two and by one: ranked once */
            if (!listed_in(pass1.two, pass1.n_two, pass1.one[c].slot))
                rank_slot(s, pi_dense, &scan, pass1.one[c].slot, FALSE, &list);
        nh = list.n_two;
        /* the best few by rank are compared in full */
        qsort(heap, nh, sizeof heap[0], cmp_rank_desc);
        for (guint c = 0; c < MIN(nh, FULL_CANDIDATES); c++)
            heap[c].impressions = ENGINE_ALL_IMPRESSIONS;
        /* the few best by one impression join the shortlist, unless they are on it already */
        for (guint c = 0, shortlisted = MIN(nh, candidates); c < list.n_one; c++)
            if (!listed_in(heap, shortlisted, list.one[c].slot))
                heap[nh++] = list.one[c];
    }
    ss->n = nh;
    ss->fm = g_new(EngineFingerMatch, MAX(nh, 1));
    ss->hits = g_new(ShardHit, MAX(nh, 1));
    return ss;
}

guint shard_search_get_shortlist(const ShardSearch *ss)
{
    return ss->n;
}

void shard_search_compare(ShardSearch *ss, guint c, EngineScratch *scratch)
{
    const Slot *slot = &g_array_index(ss->s->slots, Slot, ss->shortlist[c].slot);
    EngineFingerMatch *fm = &ss->fm[c];
    engine_finger_match_start(fm);
    double score = engine_match_finger(scratch, ss->view, slot->t, ss->shortlist[c].impressions, fm);
    if (score >= PROMISING_SCORE)
        score = engine_match_finger(scratch, ss->view, slot->t, ENGINE_ALL_IMPRESSIONS, fm);
    ss->hits[c] = (ShardHit){score, slot->finger_id, slot->probationer_id, FALSE};
}

guint shard_search_pick(ShardSearch *ss)
{
    /* the best by score; of equal scores, the first in the shortlist */
    g_autofree gboolean *taken = g_new0(gboolean, ss->n + 1);
    ss->n_fused = MIN(ss->n, ENGINE_CANDIDATES);
    for (guint k = 0; k < ss->n_fused; k++) {
        int best = -1;
        for (guint c = 0; c < ss->n; c++)
            if (!taken[c] && (best < 0 || ss->hits[c].score > ss->hits[best].score))
                best = (int)c;
        taken[best] = TRUE;
        ss->fused[k] = (guint)best;
    }
    return ss->n_fused;
}

void shard_search_fuse(ShardSearch *ss, guint k, EngineScratch *scratch)
{
    guint c = ss->fused[k];
    const EngineTemplate *t = g_array_index(ss->s->slots, Slot, ss->shortlist[c].slot).t;
    gboolean seen_whole = !ss->view->cut;
    for (guint e = 0; e < t->n_impressions; e++)
        seen_whole &= t->start[e + 1] - t->start[e] <= ENGINE_SEARCH_MINUTIAE;
    if (!seen_whole)
        engine_finger_match_start(&ss->fm[c]);
    engine_match_finger(scratch, ss->probe, t, ENGINE_ALL_IMPRESSIONS, &ss->fm[c]);
    ss->hits[c].score = engine_match_fuse(ss->probe, t, &ss->fm[c], NULL, NULL);
    ss->hits[c].fused = TRUE;
}

void shard_search_finish(ShardSearch *ss, GArray *hits)
{
    if (!ss)
        return;
    if (hits && ss->n)
        g_array_append_vals(hits, ss->hits, ss->n);
    g_free(ss->shortlist);
    g_free(ss->fm);
    g_free(ss->hits);
    g_free(ss);
}
