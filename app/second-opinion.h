/* second-opinion — when the engine is unsure of a touch, a second touch judged twice.
 *
 * libfprint can only compare a print it scans itself, so a second opinion needs a second touch:
 *   - "unsure" (second_opinion_wanted): the engine found no match, but its best finger scored at
 *     least SECOND_OPINION_FLOOR — something was there, not quite enough (or too close to another
 *     probationer);
 *   - the gallery of the second touch is ONLY the engine's few best fingers of the first touch
 *     (SEARCH_CANDIDATES), their enrolled prints read from the store, so libfprint's identify
 *     (bozorth3) judges the second touch against them, and the engine scores the print that
 *     identify hands back against the same fingers;
 *   - second_opinion_fuse() turns both touches into one decision (the rule and why: below, and the
 *     numbers in docs/search.md, "Second opinion").
 * The engine backend only: libfprint's own backend gives no scores to be unsure about. */
#pragma once

#include <fprint.h>
#include <glib.h>

#include "app/search.h"
#include "app/store/store.h"

/* Scores below this on the first touch are strangers, not unsure genuine touches: asking them to
 * touch again would only delay "not recognised". 2 = one comparison of different fingers in a
 * hundred shares this much; measured in docs/search.md. */
#define SECOND_OPINION_FLOOR 2.0

typedef struct SecondOpinion SecondOpinion;

/* Whether this first-touch result deserves a second touch. */
gboolean second_opinion_wanted(const SearchResult *first);

/* The first touch's candidates with their enrolled prints (from `store`). NULL and an error when
 * none of them could be read (then the first result stands). */
SecondOpinion *second_opinion_new(Store *store, const SearchResult *first, double threshold, double margin,
                                  GError **error);
void second_opinion_free(SecondOpinion *opinion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SecondOpinion, second_opinion_free)

/* The prints libfprint's identify should compare the second touch with (borrowed), best first. */
GPtrArray *second_opinion_get_scan_prints(SecondOpinion *opinion);
/* The decision from what identify returned for the second touch: bozorth3's match among the
 * candidates (or NULL) and the scanned print (the engine scores it). `out->score` is the fused
 * score of the person named (or of the best candidate when nobody is). */
void second_opinion_decide(SecondOpinion *opinion, FpPrint *match, FpPrint *probe, SearchResult *out);

/* One candidate's evidence from both touches. */
typedef struct {
    gint64 finger_id, probationer_id;
    double first, second;  /* the engine's scores of touch 1 and touch 2 against this finger */
    gboolean bozorth3;     /* libfprint's identify named this finger on touch 2 */
} SecondOpinionCandidate;
/* The rule, shared by the kiosk and bench-accuracy: the index of the candidate named, or -1.
 * Touches are independent, so their false-match rates multiply and their scores (-log10 of a
 * rate) add: fused = first + second must clear `threshold` and lead every other probationer's
 * fused score by `margin` — and bozorth3, a different matcher, must name the same finger on the
 * second touch. */
int second_opinion_fuse(const SecondOpinionCandidate *candidates, guint n, double threshold, double margin);
