/* search — who does this finger belong to? The gallery of enrolled fingers and the decision rule.
 *
 * Behind one interface so the matcher can change without touching the check-in machine:
 *   - "libfprint": libfprint's own identify (NBIS/bozorth3 on the scanner's image). Measured here it
 *     costs ~2.35 ms per enrolled template on FVC2002 images and returns the *first* template over its
 *     threshold, not the best; it reports no score and no runner-up. Fine for an office's first
 *     hundreds of probationers, and the only choice for match-on-chip scanners.
 *   - "engine" (the default): Haazri's own search (app/engine/engine.h) over the minutiae libfprint
 *     extracted: the best score over the whole gallery, a threshold and a margin over the runner-up;
 *     ~500x faster at 10,000+ fingers and at least as accurate as bozorth3 on the bundled set
 *     (docs/search.md). The scanner identifies against an empty gallery just to hand back the probe.
 *     Match-on-chip prints are refused with a sentence saying to use "libfprint".
 * A touch goes: search_get_scan_prints() → scanner_identify() → search_decide(). */
#pragma once

#include <fprint.h>
#include <glib.h>

#include "app/store/store.h"

typedef struct Search Search;

typedef enum { SEARCH_NO_MATCH, SEARCH_MATCH } SearchDecision;

/* The engine's best few fingers for a touch (a second opinion's gallery, app/second-opinion.h). */
#define SEARCH_CANDIDATES 5
typedef struct {
    gint64 finger_id, probationer_id;
    double score;
} SearchCandidate;

typedef struct {
    SearchDecision decision;
    gint64 probationer_id;          /* 0 when no match */
    gint64 finger_id;
    double score;                   /* < 0: the backend gives none */
    gint64 runner_up_probationer_id;/* 0: none, or the backend can't tell */
    double runner_up_score;         /* < 0: none */
    double threshold;               /* what the score had to reach (the engine's grows with the
                                       gallery: engine_threshold_for); < 0: the backend gives none */
    SearchCandidate candidates[SEARCH_CANDIDATES]; /* engine: best distinct fingers, best first */
    guint n_candidates;             /* 0 with the libfprint backend */
} SearchResult;

/* `backend` is the config's [match] search value. */
Search *search_new(const char *backend, GError **error);
void search_free(Search *search);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Search, search_free)

/* Adds one enrolled finger from libfprint's serialized print. A malformed or foreign template is
 * refused with a clear error (and never crashes). */
gboolean search_add_finger(Search *search, gint64 finger_id, gint64 probationer_id, GBytes *print,
                           GError **error);
/* Every active probationer's fingers from the store; unreadable templates are skipped and counted
 * in `skipped` (may be NULL) with a warning that names the finger id, never the template. */
gboolean search_load(Search *search, Store *store, guint *skipped, GError **error);
/* Loads only one probationer's fingers: the gallery for a 1:1 check by case number. */
gboolean search_load_probationer(Search *search, Store *store, gint64 probationer_id, GError **error);
/* Reloads the gallery if the store's gallery version moved since the last load (an officer enrolled
 * or deactivated someone from haazri-ctl, or sync brought roster changes). TRUE if it reloaded. An
 * identify already under way keeps the gallery it started with. */
gboolean search_reload_if_changed(Search *search, Store *store, GError **error);
/* An officer deactivated someone: their fingers stop matching at once, without a reload. */
void search_remove_probationer(Search *search, gint64 probationer_id);
guint search_get_size(Search *search);
const char *search_get_backend(Search *search);

/* The prints the scanner should identify against for this touch (borrowed). */
GPtrArray *search_get_scan_prints(Search *search);
/* Turns what the scanner returned into a decision (blocking: tests and tools). */
void search_decide(Search *search, FpPrint *match, FpPrint *probe, SearchResult *out);
/* The same off the main loop (the engine searches on its threads); the callback runs on the
 * caller's thread-default context. `search` must outlive the call unless `cancellable` is cancelled
 * first (a cancelled call reports G_IO_ERROR_CANCELLED). */
void search_decide_async(Search *search, FpPrint *match, FpPrint *probe, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
gboolean search_decide_finish(Search *search, GAsyncResult *result, SearchResult *out, GError **error);

/* Engine backend: the decision rule (threshold = -log10 of [match] false_match_rate, and margin);
 * the libfprint backend has its scanner driver's own built-in threshold and ignores this. */
void search_set_rule(Search *search, double threshold, double margin);
void search_get_rule(Search *search, double *threshold, double *margin);
/* An empty gallery with the same backend and rule (the case-number check's one-person gallery). */
Search *search_new_like(Search *other);

/* Duplicate enrollment: does this newly enrolled finger (fp_print_serialize output) already belong
 * to someone in the gallery? `out` names the best such person (decision SEARCH_MATCH), if any.
 * Only the engine can compare two templates; with libfprint this always finds nobody. */
gboolean search_find_duplicate(Search *search, GBytes *print, SearchResult *out, GError **error);
