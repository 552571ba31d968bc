/* engine-index — a shard: fingers in slots, and an inverted index from quantised minutia-pair
 * features to the slots that have such a pair. See engine-index.h.
 *
 * The pre-filter: every probe pair looks up the cells its features fall in (and the neighbouring
 * cell on each axis the value is near, so a feature on a cell border is not lost) and each
 * impression listed there gets a vote. A genuine finger shares a good part of its pairs with the
 * probe in at least one impression; a stranger's votes are chance, proportional to how many cells
 * the impression is listed in, so an impression ranks by votes per cell, and a finger by its best
 * impression. Only the best `candidates` go to the full matcher.
 *
 * Removal marks a slot dead (its votes are ignored at once); when dead slots pass a quarter of the
 * shard, one pass renumbers the slots and filters every index list. Templates are never re-read. */
#include "app/engine-index.h"

#include <math.h>
#include <string.h>

/* The index holds each minutia's 5 nearest neighbours: fewer pairs than the matcher's 8 keeps the
 * memory budget (~4.6 KB per 5-impression finger in all) and was enough for the genuine finger to
 * make the shortlist among 20,000, copies or strangers (docs/search.md). */
#define INDEX_NEIGHBOURS 5
/* Each posting also holds the pair's line direction in 32 bins, so a probe's votes for an
 * impression are counted per implied rotation: a genuine print's agreeing pairs share one
 * rotation, a stranger's chance agreements spread over all 32. */
#define ROT_BITS 5
#define ROT_BINS (1u << ROT_BITS)
#define ROT_MASK (ROT_BINS - 1)

typedef struct {
    gint64 finger_id, probationer_id;
    EngineTemplate *t; /* NULL: removed */
    guint32 first_entry; /* its impressions are entries first_entry .. + t->n_impressions */
} Slot;

/* An impression in the index: the index lists entries, not fingers, so that a probe's votes are
 * counted per impression (a genuine probe agrees with one or two impressions, a stranger's chance
 * votes spread over all of them: pooling them drowned the signal at 10,000+ fingers). */
typedef struct {
    guint32 slot;
    guint32 n_postings; /* index cells it is listed in: its chance of a vote */
} Entry;

typedef struct {
    guint32 *ids;
    guint32 len, cap;
} Bucket;

struct Shard {
    GArray *slots; /* Slot */
    GArray *entries; /* Entry */
    Bucket buckets[ENGINE_KEYS];
    guint alive, dead;
};

Shard *shard_new(void)
{
    Shard *s = g_new0(Shard, 1);
    s->slots = g_array_new(FALSE, FALSE, sizeof(Slot));
    s->entries = g_array_new(FALSE, FALSE, sizeof(Entry));
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
    for (guint k = 0; k < ENGINE_KEYS; k++)
        g_free(s->buckets[k].ids);
    g_free(s);
}

static void bucket_push(Bucket *b, guint32 id)
{
    if (b->len > 0 && b->ids[b->len - 1] == id)
        return; /* one vote per finger and cell is plenty, and keeps the lists short */
    if (b->len == b->cap) {
        b->cap = b->cap + b->cap / 2 + 4;
        b->ids = g_renew(guint32, b->ids, b->cap);
    }
    b->ids[b->len++] = id;
}

void shard_add(Shard *s, gint64 finger_id, gint64 probationer_id, EngineTemplate *t)
{
    Slot slot = {finger_id, probationer_id, t, s->entries->len};
    EnginePair pairs[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS];
    for (guint k = 0; k < t->n_impressions; k++) {
        guint32 id = s->entries->len;
        Entry entry = {s->slots->len, 0};
        guint n = engine_pairs_build(&t->m[t->start[k]], t->start[k + 1] - t->start[k],
                                     INDEX_NEIGHBOURS, FALSE, pairs);
        for (guint p = 0; p < n; p++) {
            gint key = engine_pair_key(pairs[p].d, pairs[p].ai, pairs[p].aj);
            if (key < 0)
                continue;
            guint before = s->buckets[key].len;
            bucket_push(&s->buckets[key], id << ROT_BITS | pairs[p].phi >> (8 - ROT_BITS));
            entry.n_postings += s->buckets[key].len - before;
        }
        g_array_append_val(s->entries, entry);
    }
    g_array_append_val(s->slots, slot);
    s->alive++;
}

/* Renumbers live slots and their entries from 0 and drops dead ones from every index list. */
static void compact(Shard *s)
{
    g_autofree guint32 *remap = g_new(guint32, MAX(s->entries->len, 1));
    guint32 next = 0, next_entry = 0;
    for (guint i = 0; i < s->slots->len; i++) {
        Slot slot = g_array_index(s->slots, Slot, i);
        guint32 end =
            i + 1 < s->slots->len ? g_array_index(s->slots, Slot, i + 1).first_entry : s->entries->len;
        for (guint32 e = slot.first_entry; e < end; e++) {
            remap[e] = slot.t ? next_entry : G_MAXUINT32;
            if (slot.t) {
                Entry entry = g_array_index(s->entries, Entry, e);
                entry.slot = next;
                g_array_index(s->entries, Entry, next_entry++) = entry;
            }
        }
        if (slot.t) {
            slot.first_entry = remap[slot.first_entry];
            g_array_index(s->slots, Slot, next++) = slot;
        }
    }
    g_array_set_size(s->slots, next);
    g_array_set_size(s->entries, next_entry);
    for (guint k = 0; k < ENGINE_KEYS; k++) {
        Bucket *b = &s->buckets[k];
        guint32 w = 0;
        for (guint32 r = 0; r < b->len; r++)
            if (remap[b->ids[r] >> ROT_BITS] != G_MAXUINT32)
                b->ids[w++] = remap[b->ids[r] >> ROT_BITS] << ROT_BITS | (b->ids[r] & ROT_MASK);
        b->len = w;
    }
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
    gsize bytes = sizeof *s + s->slots->len * sizeof(Slot) + s->entries->len * sizeof(Entry);
    for (guint i = 0; i < s->slots->len; i++) {
        const EngineTemplate *t = g_array_index(s->slots, Slot, i).t;
        if (t)
            bytes += sizeof *t + t->start[t->n_impressions] * sizeof(EngineMinutia);
    }
    for (guint k = 0; k < ENGINE_KEYS; k++)
        bytes += s->buckets[k].cap * sizeof(guint32);
    return bytes;
}

void shard_trim(Shard *s)
{
    for (guint k = 0; k < ENGINE_KEYS; k++) {
        Bucket *b = &s->buckets[k];
        if (b->cap > b->len) {
            b->cap = b->len;
            b->ids = g_renew(guint32, b->ids, b->cap);
        }
    }
}

GArray *engine_probe_keys(const EngineMinutia *m, guint n)
{
    GArray *keys = g_array_new(FALSE, FALSE, sizeof(guint32));
    EnginePair pairs[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS * 2];
    guint np = engine_pairs_build(m, n, INDEX_NEIGHBOURS, TRUE, pairs);
    const int astep = 256 / ENGINE_KEY_A_BINS;
    for (guint p = 0; p < np; p++) {
        /* This cell, and the neighbouring one on each axis whose border the value is nearer. */
        int d = pairs[p].d, ai = pairs[p].ai, aj = pairs[p].aj;
        int dn = d % ENGINE_KEY_D_STEP < ENGINE_KEY_D_STEP / 2 ? d - ENGINE_KEY_D_STEP : d + ENGINE_KEY_D_STEP;
        int ain = ai % astep < astep / 2 ? ai - astep : ai + astep;
        int ajn = aj % astep < astep / 2 ? aj - astep : aj + astep;
        int ds[2] = {d, dn}, as[2] = {ai, ain}, bs[2] = {aj, ajn};
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 2; c++) {
                    if (ds[a] < 0)
                        continue;
                    gint key = engine_pair_key((guint)ds[a], (guint8)as[b], (guint8)bs[c]);
                    if (key >= 0) {
                        guint32 k = (guint32)key | (guint32)(pairs[p].phi >> (8 - ROT_BITS)) << 16;
                        g_array_append_val(keys, k);
                    }
                }
    }
    return keys;
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

void shard_search(Shard *s, const EngineProbe *probe, GArray *keys, guint candidates,
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
        /* Votes per impression and rotation bin, saturating bytes: a genuine bin collects tens. */
        guint ne = s->entries->len;
        g_autofree guint8 *votes = g_new0(guint8, (gsize)ne * ROT_BINS);
        const guint32 *k = (const guint32 *)keys->data;
        for (guint q = 0; q < keys->len; q++) {
            const Bucket *b = &s->buckets[k[q] & 0xffff];
            guint32 pbin = k[q] >> 16;
            for (guint32 r = 0; r < b->len; r++) {
                guint32 id = b->ids[r];
                guint8 *v = &votes[(id & ~ROT_MASK) | ((id - pbin) & ROT_MASK)];
                *v += *v < 255;
            }
        }
        const Entry *entries = (const Entry *)s->entries->data;
        for (guint i = 0; i < n; i++) {
            const Slot *slot = &g_array_index(s->slots, Slot, i);
            if (!slot->t)
                continue;
            /* A finger ranks by its best impression: the share of that impression's cells the
             * probe hit (chance hits grow with the cells an impression has, so a big one is not
             * favoured), smoothed so a near-empty impression can't win on two lucky votes. */
            float best = 0;
            for (guint e = slot->first_entry; e < slot->first_entry + slot->t->n_impressions; e++) {
                /* the best three neighbouring rotation bins: each side's direction was binned */
                const guint8 *v = &votes[(gsize)e * ROT_BINS];
                guint top = 0;
                for (guint r = 0; r < ROT_BINS; r++)
                    top = MAX(top, (guint)v[r] + v[(r + 1) & ROT_MASK] + v[(r + 2) & ROT_MASK]);
                best = MAX(best, top / (entries[e].n_postings + 16.0f));
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
