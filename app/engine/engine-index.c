/* engine-index — a shard's storage: fingers in slots, each impression's pairs as 4-byte codes (what
 * the pre-filter scans, engine-prefilter.c), removal, and the index saved for the next start-up.
 * See engine-index.h.
 *
 * Removal marks a slot dead (its impressions are skipped at once); when dead slots pass a quarter of
 * the shard, one pass renumbers the slots and drops their pairs. Templates are never re-read. */
#include "app/engine/engine-shard.h"

#include <string.h>

Shard *shard_new(void)
{
    Shard *s = g_new0(Shard, 1);
    s->slots = g_array_new(FALSE, FALSE, sizeof(Slot));
    s->entries = g_array_new(FALSE, FALSE, sizeof(Entry));
    s->pairs = g_array_new(FALSE, FALSE, sizeof(IndexPair));
    s->rest = g_array_new(FALSE, FALSE, sizeof(IndexPair));
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
    g_array_unref(s->rest);
    g_free(s);
}

/* A finger's index saved for the next start-up (shard_get_index): the pairs of each impression,
 * exactly as shard_add() builds them, after a header naming the recipe and the print they came from.
 *   "HZIX" | recipe (u32) | print hash (u64) | impressions (u8) | per impression its pairs and of
 *   them those between chosen minutiae, the first (u16, u16) | the pairs (cell u16, phi u8, first
 *   minutia u8); little-endian.
 * The recipe changes whenever what a pair or a cell means changes, so an index saved by another
 * version of the engine is never read as this one's: it is built again. */
#define SAVED_MAGIC "HZIX"
/* Bump when engine_pairs_build() changes what it chooses, or engine_minutiae_choose() and
 * ENGINE_SEARCH_MINUTIAE which minutiae are chosen (2: the chosen minutiae's pairs first). */
#define SAVED_FORMAT 2
#define SAVED_RECIPE                                                                                 \
    ((guint32)SAVED_FORMAT << 24 | (guint32)INDEX_NEIGHBOURS << 20 | (guint32)ENGINE_KEY_D_STEP << 14 | \
     (guint32)ENGINE_KEY_D_BINS << 7 | (guint32)ENGINE_KEY_A_BINS)
#define SAVED_HEADER (4 + 4 + 8 + 1)

/* The saved pairs of a finger, when they are this template's under this recipe: NULL otherwise. */
static const guint8 *saved_pairs(GBytes *saved, guint64 print_hash, const EngineTemplate *t,
                                 guint16 *counts, guint16 *chosen)
{
    gsize len = 0;
    const guint8 *b = saved ? g_bytes_get_data(saved, &len) : NULL;
    guint n = t->n_impressions;
    if (!b || len < SAVED_HEADER + 4 * n || memcmp(b, SAVED_MAGIC, 4) != 0)
        return NULL;
    guint32 recipe;
    guint64 hash;
    memcpy(&recipe, b + 4, 4);
    memcpy(&hash, b + 8, 8);
    if (GUINT32_FROM_LE(recipe) != SAVED_RECIPE || GUINT64_FROM_LE(hash) != print_hash || b[16] != n)
        return NULL;
    gsize total = 0;
    for (guint k = 0; k < n; k++) {
        guint16 c[2];
        memcpy(c, b + SAVED_HEADER + 4 * k, 4);
        counts[k] = GUINT16_FROM_LE(c[0]);
        chosen[k] = GUINT16_FROM_LE(c[1]);
        if (chosen[k] > counts[k])
            return NULL;
        total += counts[k];
    }
    if (len != SAVED_HEADER + 4 * n + 4 * total)
        return NULL;
    /* Bounded like anything read from disk: a cell and a minutia that exist. */
    const guint8 *pairs = b + SAVED_HEADER + 4 * n;
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
    Slot slot = {finger_id, probationer_id, t, s->entries->len, FALSE, print_hash};
    guint16 counts[ENGINE_MAX_IMPRESSIONS], chosen[ENGINE_MAX_IMPRESSIONS];
    const guint8 *from = saved_pairs(saved, print_hash, t, counts, chosen);
    EnginePair pairs[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS];
    guint64 all_pairs = 0, chosen_pairs = 0;
    for (guint k = 0; k < t->n_impressions; k++) {
        const EngineMinutia *m = &t->m[t->start[k]];
        guint nm = t->start[k + 1] - t->start[k];
        Entry entry = {s->slots->len, 0, 0, s->pairs->len, s->rest->len, m, 0, 0};
        gint64 sx = 0, sy = 0;
        for (guint i = 0; i < nm; i++)
            sx += m[i].x, sy += m[i].y;
        if (nm > 0)
            entry.cx = (gint16)(sx / nm), entry.cy = (gint16)(sy / nm);
        if (from) {
            g_array_set_size(s->pairs, s->pairs->len + chosen[k]);
            g_array_set_size(s->rest, s->rest->len + (counts[k] - chosen[k]));
            IndexPair *ip = &g_array_index(s->pairs, IndexPair, entry.first_pair);
            for (guint p = 0; p < counts[k]; p++, from += 4) {
                if (p == chosen[k])
                    ip = &g_array_index(s->rest, IndexPair, entry.first_rest);
                *ip++ = (IndexPair){(guint16)(from[0] | from[1] << 8), from[2], from[3]};
            }
            entry.n_pairs = counts[k];
            entry.n_chosen = chosen[k];
        } else {
            guint n = engine_pairs_build(m, nm, INDEX_NEIGHBOURS, FALSE, pairs);
            gboolean kept[ENGINE_MAX_MINUTIAE];
            engine_minutiae_choose(m, nm, ENGINE_SEARCH_MINUTIAE, kept);
            /* the pairs between two chosen minutiae first, then the rest */
            for (int part = 0; part < 2; part++)
                for (guint p = 0; p < n; p++) {
                    gint cell = engine_pair_key(pairs[p].d, pairs[p].ai, pairs[p].aj);
                    if (cell < 0 || (kept[pairs[p].i] && kept[pairs[p].j]) != (part == 0))
                        continue;
                    IndexPair ip = {(guint16)cell, pairs[p].phi, pairs[p].i};
                    g_array_append_val(part == 0 ? s->pairs : s->rest, ip);
                    entry.n_pairs++;
                    entry.n_chosen += part == 0;
                }
        }
        all_pairs += entry.n_pairs;
        chosen_pairs += entry.n_chosen;
        g_array_append_val(s->entries, entry);
    }
    slot.dense = chosen_pairs < DENSE_SHARE * all_pairs;
    s->dense_slots += slot.dense;
    g_array_append_val(s->slots, slot);
    s->alive++;
    s->alive_impressions += t->n_impressions;
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
        gsize len = SAVED_HEADER + 4 * n + 4 * total;
        guint8 *b = g_malloc(len), *w = b + SAVED_HEADER + 4 * n;
        guint32 recipe = GUINT32_TO_LE(SAVED_RECIPE);
        guint64 hash = GUINT64_TO_LE(slot->print_hash);
        memcpy(b, SAVED_MAGIC, 4);
        memcpy(b + 4, &recipe, 4);
        memcpy(b + 8, &hash, 8);
        b[16] = (guint8)n;
        for (guint k = 0; k < n; k++) {
            guint16 c[2] = {GUINT16_TO_LE((guint16)entries[k].n_pairs), GUINT16_TO_LE((guint16)entries[k].n_chosen)};
            memcpy(b + SAVED_HEADER + 4 * k, c, 4);
            const IndexPair *chosen = &g_array_index(s->pairs, IndexPair, entries[k].first_pair);
            const IndexPair *rest = &g_array_index(s->rest, IndexPair, entries[k].first_rest);
            for (guint p = 0; p < entries[k].n_pairs; p++, w += 4) {
                const IndexPair *ip = p < entries[k].n_chosen ? &chosen[p] : &rest[p - entries[k].n_chosen];
                w[0] = (guint8)(ip->cell & 0xff), w[1] = (guint8)(ip->cell >> 8), w[2] = ip->phi, w[3] = ip->i;
            }
        }
        return g_bytes_new_take(b, len);
    }
    return NULL;
}

/* Renumbers live slots and their entries from 0 and drops dead ones' pairs. */
static void compact(Shard *s)
{
    guint32 next = 0, next_entry = 0, next_pair = 0, next_rest = 0, dense_slots = 0;
    Entry *entries = (Entry *)s->entries->data;
    IndexPair *pairs = (IndexPair *)s->pairs->data, *rest = (IndexPair *)s->rest->data;
    for (guint i = 0; i < s->slots->len; i++) {
        Slot slot = g_array_index(s->slots, Slot, i);
        guint32 end =
            i + 1 < s->slots->len ? g_array_index(s->slots, Slot, i + 1).first_entry : s->entries->len;
        if (!slot.t)
            continue;
        guint32 first = next_entry;
        for (guint32 e = slot.first_entry; e < end; e++) {
            Entry entry = entries[e];
            guint32 n_rest = entry.n_pairs - entry.n_chosen;
            memmove(&pairs[next_pair], &pairs[entry.first_pair], entry.n_chosen * sizeof(IndexPair));
            memmove(&rest[next_rest], &rest[entry.first_rest], n_rest * sizeof(IndexPair));
            entry.first_pair = next_pair;
            entry.first_rest = next_rest;
            entry.slot = next;
            next_pair += entry.n_chosen;
            next_rest += n_rest;
            entries[next_entry++] = entry;
        }
        slot.first_entry = first;
        g_array_index(s->slots, Slot, next++) = slot;
        dense_slots += slot.dense;
    }
    s->dense_slots = dense_slots;
    g_array_set_size(s->slots, next);
    g_array_set_size(s->entries, next_entry);
    g_array_set_size(s->pairs, next_pair);
    g_array_set_size(s->rest, next_rest);
    s->dead = 0;
}
static void kill_slot(Shard *s, Slot *slot)
{
    s->alive_impressions -= slot->t->n_impressions;
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

guint shard_get_impressions(Shard *s)
{
    return s->alive_impressions;
}

gsize shard_get_memory(Shard *s)
{
    gsize bytes = sizeof *s + s->slots->len * sizeof(Slot) + s->entries->len * sizeof(Entry) +
                  (s->pairs->len + s->rest->len) * sizeof(IndexPair);
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
