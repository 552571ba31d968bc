/* second-opinion — a second touch against the engine's best few fingers. See second-opinion.h. */
#include "app/second-opinion.h"

#include "app/engine/engine.h"

#define SECOND_OPINION_ERROR (g_quark_from_static_string("haazri-second-opinion"))

struct SecondOpinion {
    SecondOpinionCandidate cand[SEARCH_CANDIDATES];
    EngineTemplate *template[SEARCH_CANDIDATES];
    FpPrint *print[SEARCH_CANDIDATES]; /* parallel to cand; the same objects are in `prints` */
    guint n;
    GPtrArray *prints;                 /* what the scanner identifies against */
    double threshold, margin;
};

gboolean second_opinion_wanted(const SearchResult *first)
{
    return first->decision == SEARCH_NO_MATCH && first->n_candidates > 0 &&
           first->candidates[0].score >= SECOND_OPINION_FLOOR;
}

typedef struct {
    SecondOpinion *opinion;
    const SearchResult *first;
} LoadCtx;

static void take_print(gint64 finger_id, gint64 probationer_id, const char *finger, GBytes *print, gpointer data)
{
    (void)finger;
    LoadCtx *ctx = data;
    SecondOpinion *o = ctx->opinion;
    for (guint i = 0; i < ctx->first->n_candidates; i++) {
        const SearchCandidate *c = &ctx->first->candidates[i];
        if (c->finger_id != finger_id || o->print[i])
            continue;
        gsize len = 0;
        const guint8 *bytes = g_bytes_get_data(print, &len);
        /* The engine read this template at load; it is parsed again here because libfprint aborts
         * on a damaged frame (issue 22.3) and the engine needs its own copy to score touch 2. */
        EngineTemplate *t = engine_template_parse(bytes, len, NULL);
        FpPrint *p = t ? fp_print_deserialize(bytes, len, NULL) : NULL;
        if (!p) {
            engine_template_free(t);
            return;
        }
        o->template[i] = t;
        o->print[i] = p;
        o->cand[i] = (SecondOpinionCandidate){finger_id, probationer_id, c->score, 0, FALSE};
    }
}

SecondOpinion *second_opinion_new(Store *store, const SearchResult *first, double threshold, double margin,
                                  GError **error)
{
    g_autoptr(SecondOpinion) o = g_new0(SecondOpinion, 1);
    o->threshold = threshold;
    o->margin = margin;
    o->prints = g_ptr_array_new();
    LoadCtx ctx = {o, first};
    /* One read per person among the candidates (a person's fingers are few). */
    for (guint i = 0; i < first->n_candidates; i++) {
        gboolean seen = FALSE;
        for (guint k = 0; k < i; k++)
            seen |= first->candidates[k].probationer_id == first->candidates[i].probationer_id;
        if (!seen && !store_foreach_finger_of(store, first->candidates[i].probationer_id, take_print, &ctx, error))
            return NULL;
    }
    /* Keep the order (best first: libfprint's identify stops at the first print it matches). */
    guint n = 0;
    for (guint i = 0; i < first->n_candidates; i++) {
        if (!o->print[i])
            continue; /* deactivated or re-enrolled since the gallery was loaded */
        o->cand[n] = o->cand[i];
        o->template[n] = o->template[i];
        o->print[n] = o->print[i];
        if (n != i)
            o->template[i] = NULL, o->print[i] = NULL;
        g_ptr_array_add(o->prints, o->print[n]);
        n++;
    }
    o->n = n;
    if (n == 0) {
        g_set_error(error, SECOND_OPINION_ERROR, 1, "none of the best candidates' prints could be read");
        return NULL;
    }
    return g_steal_pointer(&o);
}

void second_opinion_free(SecondOpinion *o)
{
    if (!o)
        return;
    for (guint i = 0; i < SEARCH_CANDIDATES; i++) {
        engine_template_free(o->template[i]);
        g_clear_object(&o->print[i]);
    }
    g_ptr_array_unref(o->prints);
    g_free(o);
}

GPtrArray *second_opinion_get_scan_prints(SecondOpinion *o)
{
    return o->prints;
}

int second_opinion_fuse(const SecondOpinionCandidate *c, guint n, double threshold, double margin)
{
    int best = -1;
    for (guint i = 0; i < n; i++)
        if (best < 0 || c[i].first + c[i].second > c[best].first + c[best].second)
            best = (int)i;
    if (best < 0 || !c[best].bozorth3)
        return -1;
    double fused = c[best].first + c[best].second;
    for (guint i = 0; i < n; i++)
        if (c[i].probationer_id != c[best].probationer_id && fused - (c[i].first + c[i].second) < margin)
            return -1;
    return fused >= threshold ? best : -1;
}

void second_opinion_decide(SecondOpinion *o, FpPrint *match, FpPrint *probe, SearchResult *out)
{
    g_autoptr(EngineTemplate) t = NULL;
    g_autofree guchar *data = NULL;
    gsize len = 0;
    if (probe && fp_print_serialize(probe, &data, &len, NULL))
        t = engine_template_parse(data, len, NULL);
    for (guint i = 0; i < o->n; i++) {
        o->cand[i].second = t ? engine_template_match(t, o->template[i]) : 0;
        o->cand[i].bozorth3 = match && (match == o->print[i] || fp_print_equal(match, o->print[i]));
    }
    int w = second_opinion_fuse(o->cand, o->n, o->threshold, o->margin);
    const SecondOpinionCandidate *best = &o->cand[MAX(w, 0)];
    *out = (SearchResult){
        .decision = w >= 0 ? SEARCH_MATCH : SEARCH_NO_MATCH,
        .probationer_id = w >= 0 ? best->probationer_id : 0,
        .finger_id = w >= 0 ? best->finger_id : 0,
        .score = best->first + best->second,
        .runner_up_score = -1,
        .threshold = o->threshold,
    };
    for (guint i = 0; i < o->n; i++)
        if (o->cand[i].probationer_id != best->probationer_id &&
            o->cand[i].first + o->cand[i].second > out->runner_up_score) {
            out->runner_up_probationer_id = o->cand[i].probationer_id;
            out->runner_up_score = o->cand[i].first + o->cand[i].second;
        }
}
