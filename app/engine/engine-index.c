/* engine-index — a shard: fingers in slots, and what the pre-filter scans to choose the few fingers
 * the full matcher scores. See engine-index.h.
 *
 * The pre-filter looks at every enrolled impression, but cheaply: each impression keeps its minutia
 * pairs (each minutia with its 5 nearest neighbours) as a 4-byte code — the pair's quantised
 * (distance, direction, direction) cell, its line direction and its first minutia. A search puts the
 * probe's pairs in a table by cell once; then, per impression, each pair whose cell the probe also
 * has is a candidate correspondence, and it votes for the turn and shift that would lay the probe on
 * the impression (a Hough transform: 16 turns x 64 x 64 shifts of 16 px). A genuine print's
 * correspondences agree on one turn AND one shift; a stranger's chance ones scatter. An impression
 * ranks by its highest vote, a finger by its best impression, and only the best `candidates` go on.
 * Votes are first counted per turn alone (no trigonometry); an impression, or a correspondence,
 * whose turn can't beat the weakest of the shortlist so far casts no shift votes: that skips most
 * of the work and changes no ranking that matters.
 *
 * The previous pre-filter was an inverted index that voted for turn only: on prints with few
 * minutiae in common with the probe, or dense prints, chance votes buried the right finger (it
 * reached the matcher for 78 % of recognisable probes among 20,000 on the development sets; this
 * one 94 %, docs/search.md).
 *
 * Removal marks a slot dead (its impressions are skipped at once); when dead slots pass a quarter of
 * the shard, one pass renumbers the slots and drops their pairs. Templates are never re-read. */
#include "app/engine/engine-index.h"

#include <math.h>
#include <string.h>

/* Pairs per minutia kept for the pre-filter: fewer than the matcher's 8 keeps memory at ~4-5 KB per
 * 5-impression finger; enough, measured, for the right finger to reach the matcher. */
#define INDEX_NEIGHBOURS 5
/* The vote grid: turns in 256ths >> TURN_SHIFT, shifts in SHIFT_STEP px, centred on the two
 * prints' centres of mass (so ±512 px covers any sensor libfprint drives). Each vote also goes to
 * the nearer neighbouring bin on each axis, so agreement across a bin border is not split. */
#define TURN_SHIFT 4
#define TURN_BINS (256 >> TURN_SHIFT)
#define SHIFT_STEP 16
#define SHIFT_BINS 64
#define SHIFT_ORIGIN (SHIFT_STEP * SHIFT_BINS / 2)
#define GRID_CELLS (TURN_BINS * SHIFT_BINS * SHIFT_BINS)

typedef struct {
    gint64 finger_id, probationer_id;
    EngineTemplate *t; /* NULL: removed */
    guint32 first_entry; /* its impressions are entries first_entry .. + t->n_impressions */
    guint64 print_hash;  /* of the print it was parsed from: names it in a saved index */
} Slot;

/* One impression's pair, as the pre-filter needs it. */
typedef struct {
    guint16 cell; /* engine_pair_key() */
    guint8 phi;   /* the line's direction */
    guint8 i;     /* its first minutia, within the impression */
} IndexPair;

typedef struct {
    guint32 slot;
    guint32 first_pair, n_pairs;
    const EngineMinutia *m; /* the impression's minutiae, owned by the slot's template */
    gint16 cx, cy;          /* their centre of mass */
} Entry;

struct Shard {
    GArray *slots;   /* Slot */
    GArray *entries; /* Entry */
    GArray *pairs;   /* IndexPair */
    guint alive, dead;
};

/* The probe as the scan reads it: its directed pairs grouped by cell (each pair also under the
 * neighbouring direction cells its angles are near), with the turn and the first minutia's place
 * relative to the probe's centre. */
typedef struct {
    guint8 phi;
    gint16 x, y;
} ProbeRef;

struct ProbeIndex {
    guint64 occupied[ENGINE_KEYS / 64 + 1]; /* cells with any ref: checked first, it fits in L1 */
    guint32 start[ENGINE_KEYS + 1]; /* refs of cell c: start[c] .. start[c + 1] */
    ProbeRef *refs;
};

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

Shard *shard_new(void)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, init_tables, NULL);
    Shard *s = g_new0(Shard, 1);
    s->slots = g_array_new(FALSE, FALSE, sizeof(Slot));
    s->entries = g_array_new(FALSE, FALSE, sizeof(Entry));
    s->pairs = g_array_new(FALSE, FALSE, sizeof(IndexPair));
    return s;
}

void shard_free(Shard *s)
{
    if (!s)
        return;
    for (guint i = 0; i < s->slots->len; i++)
        engine_template_free(g_array_index(s->slots, Slot, i).t);
    g_array_unref(s->slots);
    g_array_unref(s->entries);
    g_array_unref(s->pairs);
    g_free(s);
}

/* A finger's index saved for the next start-up (shard_get_index): the pairs of each impression,
 * exactly as shard_add() builds them, after a header naming the recipe and the print they came from.
 *   "HZIX" | recipe (u32) | print hash (u64) | impressions (u8) | pairs per impression (u16 each) |
 *   the pairs (cell u16, phi u8, first minutia u8); little-endian.
 * The recipe changes whenever what a pair or a cell means changes, so an index saved by another
 * version of the engine is never read as this one's: it is built again. */
#define SAVED_MAGIC "HZIX"
#define SAVED_FORMAT 1 /* bump when engine_pairs_build() changes what it chooses */
#define SAVED_RECIPE                                                                                 \
    ((guint32)SAVED_FORMAT << 24 | (guint32)INDEX_NEIGHBOURS << 20 | (guint32)ENGINE_KEY_D_STEP << 14 | \
     (guint32)ENGINE_KEY_D_BINS << 7 | (guint32)ENGINE_KEY_A_BINS)
#define SAVED_HEADER (4 + 4 + 8 + 1)

/* The saved pairs of a finger, when they are this template's under this recipe: NULL otherwise. */
static const guint8 *saved_pairs(GBytes *saved, guint64 print_hash, const EngineTemplate *t,
                                 guint16 *counts)
{
    gsize len = 0;
    const guint8 *b = saved ? g_bytes_get_data(saved, &len) : NULL;
    guint n = t->n_impressions;
    if (!b || len < SAVED_HEADER + 2 * n || memcmp(b, SAVED_MAGIC, 4) != 0)
        return NULL;
    guint32 recipe;
    guint64 hash;
    memcpy(&recipe, b + 4, 4);
    memcpy(&hash, b + 8, 8);
    if (GUINT32_FROM_LE(recipe) != SAVED_RECIPE || GUINT64_FROM_LE(hash) != print_hash || b[16] != n)
        return NULL;
    gsize total = 0;
    for (guint k = 0; k < n; k++) {
        guint16 c;
        memcpy(&c, b + SAVED_HEADER + 2 * k, 2);
        counts[k] = GUINT16_FROM_LE(c);
        total += counts[k];
    }
    if (len != SAVED_HEADER + 2 * n + 4 * total)
        return NULL;
    /* Bounded like anything read from disk: a cell and a minutia that exist. */
    const guint8 *pairs = b + SAVED_HEADER + 2 * n;
    for (guint k = 0, p = 0; k < n; k++) {
        guint nm = t->start[k + 1] - t->start[k];
        for (guint end = p + counts[k]; p < end; p++)
            if ((guint)(pairs[4 * p] | pairs[4 * p + 1] << 8) >= ENGINE_KEYS || pairs[4 * p + 3] >= nm)
                return NULL;
    }
    return pairs;
}

gboolean shard_add(Shard *s, gint64 finger_id, gint64 probationer_id, EngineTemplate *t, GBytes *saved,
                   guint64 print_hash)
{
    Slot slot = {finger_id, probationer_id, t, s->entries->len, print_hash};
    guint16 counts[ENGINE_MAX_IMPRESSIONS];
    const guint8 *from = saved_pairs(saved, print_hash, t, counts);
    EnginePair pairs[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS];
    for (guint k = 0; k < t->n_impressions; k++) {
        const EngineMinutia *m = &t->m[t->start[k]];
        guint nm = t->start[k + 1] - t->start[k];
        Entry entry = {s->slots->len, s->pairs->len, 0, m, 0, 0};
        gint64 sx = 0, sy = 0;
        for (guint i = 0; i < nm; i++)
            sx += m[i].x, sy += m[i].y;
        if (nm > 0)
            entry.cx = (gint16)(sx / nm), entry.cy = (gint16)(sy / nm);
        if (from) {
            g_array_set_size(s->pairs, s->pairs->len + counts[k]);
            IndexPair *ip = &g_array_index(s->pairs, IndexPair, entry.first_pair);
            for (guint p = 0; p < counts[k]; p++, from += 4)
                ip[p] = (IndexPair){(guint16)(from[0] | from[1] << 8), from[2], from[3]};
            entry.n_pairs = counts[k];
        } else {
            guint n = engine_pairs_build(m, nm, INDEX_NEIGHBOURS, FALSE, pairs);
            for (guint p = 0; p < n; p++) {
                gint cell = engine_pair_key(pairs[p].d, pairs[p].ai, pairs[p].aj);
                if (cell < 0)
                    continue;
                IndexPair ip = {(guint16)cell, pairs[p].phi, pairs[p].i};
                g_array_append_val(s->pairs, ip);
                entry.n_pairs++;
            }
        }
        g_array_append_val(s->entries, entry);
    }
    g_array_append_val(s->slots, slot);
    s->alive++;
    return from != NULL;
}

GBytes *shard_get_index(Shard *s, gint64 finger_id)
{
    for (guint i = 0; i < s->slots->len; i++) {
        const Slot *slot = &g_array_index(s->slots, Slot, i);
        if (slot->finger_id != finger_id || !slot->t)
            continue;
        const Entry *entries = &g_array_index(s->entries, Entry, slot->first_entry);
        guint n = slot->t->n_impressions, total = 0;
        for (guint k = 0; k < n; k++)
            total += entries[k].n_pairs;
        gsize len = SAVED_HEADER + 2 * n + 4 * total;
        guint8 *b = g_malloc(len), *w = b + SAVED_HEADER + 2 * n;
        guint32 recipe = GUINT32_TO_LE(SAVED_RECIPE);
        guint64 hash = GUINT64_TO_LE(slot->print_hash);
        memcpy(b, SAVED_MAGIC, 4);
        memcpy(b + 4, &recipe, 4);
        memcpy(b + 8, &hash, 8);
        b[16] = (guint8)n;
        for (guint k = 0; k < n; k++) {
            guint16 c = GUINT16_TO_LE((guint16)entries[k].n_pairs);
            memcpy(b + SAVED_HEADER + 2 * k, &c, 2);
            const IndexPair *ip = &g_array_index(s->pairs, IndexPair, entries[k].first_pair);
            for (guint p = 0; p < entries[k].n_pairs; p++, w += 4)
                w[0] = (guint8)(ip[p].cell & 0xff), w[1] = (guint8)(ip[p].cell >> 8), w[2] = ip[p].phi,
                w[3] = ip[p].i;
        }
        return g_bytes_new_take(b, len);
    }
    return NULL;
}

/* Renumbers live slots and their entries from 0 and drops dead ones' pairs. */
static void compact(Shard *s)
{
    guint32 next = 0, next_entry = 0, next_pair = 0;
    Entry *entries = (Entry *)s->entries->data;
    IndexPair *pairs = (IndexPair *)s->pairs->data;
    for (guint i = 0; i < s->slots->len; i++) {
        Slot slot = g_array_index(s->slots, Slot, i);
        guint32 end =
            i + 1 < s->slots->len ? g_array_index(s->slots, Slot, i + 1).first_entry : s->entries->len;
        if (!slot.t)
            continue;
        guint32 first = next_entry;
        for (guint32 e = slot.first_entry; e < end; e++) {
            Entry entry = entries[e];
            memmove(&pairs[next_pair], &pairs[entry.first_pair], entry.n_pairs * sizeof(IndexPair));
            entry.first_pair = next_pair;
            entry.slot = next;
            next_pair += entry.n_pairs;
            entries[next_entry++] = entry;
        }
        slot.first_entry = first;
        g_array_index(s->slots, Slot, next++) = slot;
    }
    g_array_set_size(s->slots, next);
    g_array_set_size(s->entries, next_entry);
    g_array_set_size(s->pairs, next_pair);
    s->dead = 0;
}
static void kill_slot(Shard *s, Slot *slot)
{
    g_clear_pointer(&slot->t, engine_template_free);
    s->alive--;
    s->dead++;
}

static void maybe_compact(Shard *s)
{
    if (s->dead > 16 && s->dead * 4 > s->alive)
        compact(s);
}

gboolean shard_remove_finger(Shard *s, gint64 finger_id)
{
    for (guint i = 0; i < s->slots->len; i++) {
        Slot *slot = &g_array_index(s->slots, Slot, i);
        if (slot->t && slot->finger_id == finger_id) {
            kill_slot(s, slot);
            maybe_compact(s);
            return TRUE;
        }
    }
    return FALSE;
}

void shard_remove_probationer(Shard *s, gint64 probationer_id, GArray *removed)
{
    for (guint i = 0; i < s->slots->len; i++) {
        Slot *slot = &g_array_index(s->slots, Slot, i);
        if (slot->t && slot->probationer_id == probationer_id) {
            g_array_append_val(removed, slot->finger_id);
            kill_slot(s, slot);
        }
    }
    maybe_compact(s);
}

guint shard_get_size(Shard *s)
{
    return s->alive;
}

gsize shard_get_memory(Shard *s)
{
    gsize bytes = sizeof *s + s->slots->len * sizeof(Slot) + s->entries->len * sizeof(Entry) +
                  s->pairs->len * sizeof(IndexPair);
    for (guint i = 0; i < s->slots->len; i++) {
        const EngineTemplate *t = g_array_index(s->slots, Slot, i).t;
        if (t)
            bytes += sizeof *t + t->start[t->n_impressions] * sizeof(EngineMinutia);
    }
    return bytes;
}

void shard_trim(Shard *s)
{
    (void)s; /* GArrays grow by doubling; the bulk load knows no sizes up front */
}

ProbeIndex *engine_probe_index_new(const EngineMinutia *m, guint n)
{
    ProbeIndex *pi = g_new0(ProbeIndex, 1);
    EnginePair pairs[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS * 2];
    guint np = engine_pairs_build(m, n, INDEX_NEIGHBOURS, TRUE, pairs);
    gint64 sx = 0, sy = 0;
    for (guint i = 0; i < n; i++)
        sx += m[i].x, sy += m[i].y;
    int cx = n ? (int)(sx / n) : 0, cy = n ? (int)(sy / n) : 0;
    /* Each pair under its own cell and the neighbouring direction cells its angles are nearer to
     * (4 cells; an angle exactly mid-bin has no border near and stays in its own): a direction
     * near a bin border is not lost. Distance bins are not widened: pairs
     * are short, and doing so doubled the work for no measured gain in recall. */
    const int astep = 256 / ENGINE_KEY_A_BINS;
    g_autofree guint32 *cells = g_new(guint32, np * 4 + 1);
    g_autofree guint32 *owner = g_new(guint32, np * 4 + 1);
    guint nc = 0;
    for (guint p = 0; p < np; p++) {
        int ai = pairs[p].ai, aj = pairs[p].aj;
        int ain = ai % astep < astep / 2 ? ai - astep : ai + astep;
        int ajn = aj % astep < astep / 2 ? aj - astep : aj + astep;
        int as[2] = {ai, ain}, bs[2] = {aj, ajn};
        int wi = ai % astep == astep / 2 ? 1 : 2, wj = aj % astep == astep / 2 ? 1 : 2;
        for (int b = 0; b < wi; b++)
            for (int c = 0; c < wj; c++) {
                gint key = engine_pair_key(pairs[p].d, (guint8)as[b], (guint8)bs[c]);
                if (key < 0)
                    continue;
                cells[nc] = (guint32)key;
                pi->occupied[key >> 6] |= G_GUINT64_CONSTANT(1) << (key & 63);
                owner[nc++] = p;
                pi->start[key + 1]++;
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

/* The vote grid of one shard's search: counts per (turn, shift) bin, and the bins touched by the
 * impression being scored, so that only those are cleared before the next (64 KB stays in cache;
 * clearing it whole, or stamping each bin, cost more than the votes). */
#define TOUCHED_MAX 8192
typedef struct {
    guint8 votes[GRID_CELLS];
    guint32 touched[TOUCHED_MAX];
    guint n_touched;
    gboolean overflow; /* more bins touched than listed: clear the whole grid */
} Grid;

static void grid_clear(Grid *g)
{
    if (g->overflow)
        memset(g->votes, 0, sizeof g->votes);
    else
        for (guint k = 0; k < g->n_touched; k++)
            g->votes[g->touched[k]] = 0;
    g->n_touched = 0;
    g->overflow = FALSE;
}

/* Correspondences of one impression with the probe: (its pair, the probe's ref). */
#define MATCHES_MAX 16384
typedef struct {
    guint32 pair, ref;
} Match;

/* The highest vote any (turn, shift) bin gets from an impression's correspondences with the probe,
 * less a hair per correspondence so that, of two equal peaks, the one from fewer chance matches
 * ranks first. Most impressions can't beat `floor` (the weakest of the shortlist so far): a bin's
 * vote is at most its turn's, and counting votes per turn costs no trigonometry, so the shift
 * vote is cast only where the turn vote says it might win. Returns -1 for those skipped. */
static float entry_rank(const ProbeIndex *pi, const Entry *entry, const IndexPair *pairs, Grid *grid,
                        Match *matches, float floor)
{
    guint turns[TURN_BINS] = {0}, n = 0;
    /* The impression's minutiae are read below only if it passes the turn bound: they live apart
     * from the pairs and used to miss the cache there, so their first lines are fetched now, while
     * the pairs are counted (a prefetch past the end of an allocation is harmless). */
    for (int line = 0; line < 8; line++)
        __builtin_prefetch((const char *)entry->m + 64 * line);
    for (guint32 r = entry->first_pair; r < entry->first_pair + entry->n_pairs; r++) {
        const IndexPair *gp = &pairs[r];
        if (!(pi->occupied[gp->cell >> 6] & (G_GUINT64_CONSTANT(1) << (gp->cell & 63))))
            continue; /* most cells: the probe has no such pair */
        for (guint32 z = pi->start[gp->cell]; z < pi->start[gp->cell + 1]; z++) {
            guint8 turn = (guint8)(gp->phi - pi->refs[z].phi);
            int rb = turn >> TURN_SHIFT;
            int rn = (turn >> (TURN_SHIFT - 1)) & 1 ? rb + 1 : rb - 1;
            turns[rb]++;
            turns[rn & (TURN_BINS - 1)]++;
            if (n < MATCHES_MAX)
                matches[n++] = (Match){r, z};
        }
    }
    guint bound = 0;
    for (guint b = 0; b < TURN_BINS; b++)
        bound = MAX(bound, turns[b]);
    if ((float)bound <= floor)
        return -1;
    /* A bin's vote is also at most its turn's: a correspondence whose turns can't beat the floor
     * changes nothing that matters, and is not cast (most of a stranger's). */
    guint peak = 0, matched = 0;
    for (guint k = 0; k < n; k++) {
        const IndexPair *gp = &pairs[matches[k].pair];
        const ProbeRef *pr = &pi->refs[matches[k].ref];
        guint8 turn = (guint8)(gp->phi - pr->phi);
        int gx = entry->m[gp->i].x - entry->cx, gy = entry->m[gp->i].y - entry->cy;
        int tx = gx - ((cos_q10[turn] * pr->x - sin_q10[turn] * pr->y) >> 10) + SHIFT_ORIGIN;
        int ty = gy - ((sin_q10[turn] * pr->x + cos_q10[turn] * pr->y) >> 10) + SHIFT_ORIGIN;
        int ix = tx / SHIFT_STEP, iy = ty / SHIFT_STEP;
        if (tx < SHIFT_STEP || ty < SHIFT_STEP || ix >= SHIFT_BINS - 1 || iy >= SHIFT_BINS - 1)
            continue;
        matched++;
        int rb = turn >> TURN_SHIFT;
        int rn = ((turn >> (TURN_SHIFT - 1)) & 1 ? rb + 1 : rb - 1) & (TURN_BINS - 1);
        int rr[2], nr = 0;
        if ((float)turns[rb] > floor)
            rr[nr++] = rb;
        if ((float)turns[rn] > floor)
            rr[nr++] = rn;
        if (nr == 0)
            continue;
        if (grid->n_touched > TOUCHED_MAX - 8) { /* the list is full: clear everything after */
            grid->overflow = TRUE;
            grid->n_touched = 0;
        }
        int xn = tx % SHIFT_STEP >= SHIFT_STEP / 2 ? ix + 1 : ix - 1;
        int yn = ty % SHIFT_STEP >= SHIFT_STEP / 2 ? iy + 1 : iy - 1;
        int xx[2] = {ix, xn}, yy[2] = {iy, yn};
        for (int a = 0; a < nr; a++)
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 2; c++) {
                    guint32 cell = (guint32)((rr[a] * SHIFT_BINS + xx[b]) * SHIFT_BINS + yy[c]);
                    guint8 *v = &grid->votes[cell];
                    grid->touched[grid->n_touched] = cell; /* kept only if the bin was empty */
                    grid->n_touched += *v == 0;
                    *v += *v < 255;
                    peak = MAX(peak, *v);
                }
    }
    grid_clear(grid);
    return (float)peak - (float)matched / 4096.0f;
}

void shard_search(Shard *s, const EngineProbe *probe, const ProbeIndex *pi, guint candidates,
                  EngineScratch *scratch, GArray *hits)
{
    guint n = s->slots->len;
    if (s->alive == 0)
        return;
    g_autofree Candidate *heap = g_new(Candidate, MIN(candidates, n));
    guint nh = 0;

    if (s->alive <= candidates) {
        for (guint i = 0; i < n; i++)
            if (g_array_index(s->slots, Slot, i).t)
                heap[nh++] = (Candidate){0, i};
    } else {
        g_autofree Grid *grid = g_new0(Grid, 1);
        g_autofree Match *matches = g_new(Match, MATCHES_MAX);
        const Entry *entries = (const Entry *)s->entries->data;
        const IndexPair *pairs = (const IndexPair *)s->pairs->data;
        for (guint i = 0; i < n; i++) {
            const Slot *slot = &g_array_index(s->slots, Slot, i);
            if (!slot->t)
                continue;
            float best = -1;
            for (guint e = slot->first_entry; e < slot->first_entry + slot->t->n_impressions; e++) {
                float floor = MAX(best, nh == candidates ? heap[0].rank : 0);
                best = MAX(best, entry_rank(pi, &entries[e], pairs, grid, matches, floor));
            }
            if (best > 0)
                heap_push(heap, &nh, candidates, (Candidate){best, i});
        }
    }
    for (guint c = 0; c < nh; c++) {
        const Slot *slot = &g_array_index(s->slots, Slot, heap[c].slot);
        ShardHit hit = {engine_match_template(scratch, probe, slot->t, NULL), slot->finger_id, slot->probationer_id};
        g_array_append_val(hits, hit);
    }
}
