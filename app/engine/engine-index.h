/* engine-index — one shard of the gallery: its fingers and the inverted index of their minutia
 * pairs. The engine (app/engine/engine.c) owns one shard per thread; a shard is touched by one thread at a
 * time for writing, by any number for searching. */
#pragma once

#include "app/engine/engine-private.h"

typedef struct Shard Shard;

typedef struct {
    double score;
    gint64 finger_id, probationer_id;
    gboolean fused; /* scored by both matchers: one of the shard's few a decision can name */
} ShardHit;

Shard *shard_new(void);
void shard_free(Shard *shard);
/* Takes `template`. Its pairs come from `saved` (shard_get_index() of the same print, whose hash is
 * `print_hash`) when that is this print's under this version's recipe; else they are built, and
 * FALSE is returned: the caller may save shard_get_index() for the next start-up. */
gboolean shard_add(Shard *shard, gint64 finger_id, gint64 probationer_id, EngineTemplate *template,
                   GBytes *saved, guint64 print_hash);
/* What shard_add() built for a finger, to be saved and given back at the next start-up; NULL when
 * the finger is not in this shard. */
GBytes *shard_get_index(Shard *shard, gint64 finger_id);
/* Returns whether it was there. */
gboolean shard_remove_finger(Shard *shard, gint64 finger_id);
/* Appends the finger ids of that probationer to `removed` (gint64) and removes them. */
void shard_remove_probationer(Shard *shard, gint64 probationer_id, GArray *removed);
guint shard_get_size(Shard *shard);
guint shard_get_impressions(Shard *shard); /* enrolled touches of its alive fingers */
gsize shard_get_memory(Shard *shard);
/* Gives back spare capacity (after a bulk load). */
void shard_trim(Shard *shard);

/* The probe as the pre-filter scans it, made once per search and read by every shard. With
 * `across_lengths`, a probe of at most ENGINE_SEARCH_MINUTIAE minutiae also looks each pair up
 * under the neighbouring distance cell when its length is near the border (engine-prefilter.c). */
typedef struct ProbeIndex ProbeIndex;
ProbeIndex *engine_probe_index_new(const EngineMinutia *m, guint n, gboolean across_lengths);
void engine_probe_index_free(ProbeIndex *probe_index);

/* One shard's search, in steps, so that threads done with their own shard can share another's last
 * two (engine.c):
 * 1. shard_search_start(): the pre-filter (a turn-and-shift vote per impression) chooses the
 *    shortlist: the `candidates` best fingers by their two best impressions, and a few more best by
 *    one;
 * 2. shard_search_compare(), for each c below shard_search_get_shortlist(): the full matcher
 *    compares finger c with `view` (the probe as the search first looks at it: EngineProbe.views);
 * 3. once all are compared, shard_search_pick() names the shard's few best by that score (at most
 *    ENGINE_CANDIDATES; of equal scores, the first shortlisted), and shard_search_fuse(), for each k
 *    below what it returns, scores the k-th of them one to one: the decision's best and runner-up and
 *    the second opinion's candidates come from these alone. Their score is the one
 *    engine_template_match() gives: the pair matcher's best impression (all compared now, on every
 *    minutia: afresh where the first look saw fewer), with its cylinders compared too
 *    (engine-mcc.c), both fused (engine-score.c). The cylinders cost ~1-2 ms a finger, so only
 *    these few pay it;
 * 4. shard_search_finish() appends every shortlisted finger's hit to `hits`, in shortlist order,
 *    and frees the search.
 * Steps 2 and 3 may run on any thread, each call with a scratch of its own; each compares one
 * finger, so the result is the same however they are shared. */
typedef struct ShardSearch ShardSearch;
ShardSearch *shard_search_start(const Shard *shard, const EngineProbe *probe, const EngineProbe *view,
                                const ProbeIndex *probe_index, const ProbeIndex *dense_index, guint candidates);
guint shard_search_get_shortlist(const ShardSearch *search);
void shard_search_compare(ShardSearch *search, guint c, EngineScratch *scratch);
guint shard_search_pick(ShardSearch *search);
void shard_search_fuse(ShardSearch *search, guint k, EngineScratch *scratch);
void shard_search_finish(ShardSearch *search, GArray *hits);
