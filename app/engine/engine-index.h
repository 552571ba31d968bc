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

/* The probe as the pre-filter scans it, made once per search and read by every shard. */
typedef struct ProbeIndex ProbeIndex;
ProbeIndex *engine_probe_index_new(const EngineMinutia *m, guint n);
void engine_probe_index_free(ProbeIndex *probe_index);

/* Pre-filter (a turn-and-shift vote per impression), full matcher on the `candidates` best fingers
 * by their two best impressions and on a few more best by one, first on `view` (the probe as the
 * search first looks at it: EngineProbe.views), then the shard's few best on `probe` itself; hits
 * (every finger that got the full matcher) are appended to `hits`. */
void shard_search(Shard *shard, const EngineProbe *probe, const EngineProbe *view,
                  const ProbeIndex *probe_index, guint candidates, EngineScratch *scratch, GArray *hits);
