/* engine-shard — what a shard holds, shared by its two halves: engine-index.c keeps it (fingers in
 * slots, each impression's pairs, removal, the saved index) and engine-prefilter.c searches it.
 * Private to app/engine/. */
#pragma once

#include "app/engine/engine-index.h"

/* Pairs per minutia kept for the pre-filter: fewer than the matcher's 8 keeps memory at ~4-5 KB per
 * 5-impression finger; enough, measured, for the right finger to reach the matcher. */
#define INDEX_NEIGHBOURS 5

typedef struct {
    gint64 finger_id, probationer_id;
    EngineTemplate *t; /* NULL: removed */
    guint32 first_entry; /* its impressions are entries first_entry .. + t->n_impressions */
    gboolean dense;      /* ranked twice by the pre-filter: first on its chosen minutiae's pairs */
    guint64 print_hash;  /* of the print it was parsed from: names it in a saved index */
} Slot;

/* One impression's pair, as the pre-filter needs it. */
typedef struct {
    guint16 cell; /* engine_pair_key() */
    guint8 phi;   /* the line's direction */
    guint8 i;     /* its first minutia, within the impression */
} IndexPair;

/* A dense impression's pairs come in two parts: those between two of its chosen minutiae
 * (ENGINE_SEARCH_MINUTIAE, engine_minutiae_choose), kept in Shard.pairs, and the rest, in Shard.rest
 * (a saved index lists them in that order). The pre-filter's first pass over
 * a dense finger reads the first part only (engine-prefilter.c says why). A finger is dense when
 * that first part is less than DENSE_SHARE of its pairs (impressions of ~80 minutiae or more): with
 * more, a first pass would save little and still rank the finger twice. */
#define DENSE_SHARE 0.75
typedef struct {
    guint32 slot;
    guint32 n_pairs;
    guint32 n_chosen;   /* of them, between chosen minutiae (all, up to 70 minutiae) */
    guint32 first_pair; /* the chosen ones: Shard.pairs[first_pair ..] */
    guint32 first_rest; /* the others: Shard.rest[first_rest ..] */
    const EngineMinutia *m; /* the impression's minutiae, owned by the slot's template */
    gint16 cx, cy;          /* their centre of mass */
} Entry;

struct Shard {
    GArray *slots;   /* Slot */
    GArray *entries; /* Entry */
    GArray *pairs;   /* IndexPair: each impression's between chosen minutiae, in slot order */
    GArray *rest;    /* IndexPair: each impression's others. Apart, so that a first pass over dense
                      * fingers reads one unbroken run of memory (engine-prefilter.c). */
    guint alive, dead;
    guint alive_impressions; /* enrolled touches of the alive slots: the rule's scale (engine.c) */
    guint dense_slots; /* slots (alive or not) that are dense: a search's first pass is needed */
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
