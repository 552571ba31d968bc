/* engine — the gallery in shards, searched in parallel; the decision rule. See engine.h. */
#include "app/engine/engine-index.h"

#include <math.h>
#include <string.h>

/* Fingers per shard that get the full matcher after the index pre-filter. 40 x 2 shards x ~0.1 ms
 * each keeps the exact stage under ~5 ms per shard however large the gallery; galleries this small
 * (or smaller) are matched exhaustively, with no pre-filter at all. */
#define CANDIDATES_PER_SHARD 40

struct Engine {
    gint refs;
    GRWLock lock;          /* searches read; add and remove write */
    Shard **shards;
    guint n_shards;
    GHashTable *fingers;   /* gint64 finger id -> shard number + 1 */
    double threshold, margin;
    EngineCalibration cal;
    GThreadPool *pool;     /* runs shards 1..n-1 of a search; the caller runs shard 0 */
};

/* One shard's part of a search, as the threads share it (run_shard). */
typedef struct {
    gboolean started;     /* its pre-filter has begun on some thread */
    ShardSearch *search;  /* once its pre-filter is done */
    guint n, next, done;  /* shortlisted fingers; claimed for comparing; compared */
    guint n_fused, next_fused, done_fused; /* once all are compared: the few to fuse */
} ShardPart;

typedef struct {
    Engine *engine;
    const EngineProbe *probe, *view;
    ProbeIndex *probe_index, *dense_index; /* dense fingers' (engine-prefilter.c); NULL: the same */
    GMutex mutex;
    GCond cond;
    guint pending; /* shards whose thread has not returned */
    ShardPart part[];
} SearchJob;

/* Work for one shard on the pool: a search or a bulk load. */
typedef struct {
    void (*run)(gpointer job, guint shard);
    gpointer job;
    guint shard;
} ShardTask;

typedef enum { STEP_COMPARE, STEP_FUSE } Step;

/* Whether the few to fuse are named: every shortlisted finger is compared (pick_when_compared). */
static gboolean picked(const ShardPart *p)
{
    return p->search && p->done == p->n;
}

/* Claims the next step of shard j's search, if one is ready. Called with the job's mutex held. */
static gboolean claim_step(SearchJob *job, guint j, Step *step, guint *item)
{
    ShardPart *p = &job->part[j];
    if (p->search && p->next < p->n) {
        *step = STEP_COMPARE;
        *item = p->next++;
        return TRUE;
    }
    if (picked(p) && p->next_fused < p->n_fused) {
        *step = STEP_FUSE;
        *item = p->next_fused++;
        return TRUE;
    }
    return FALSE;
}

/* Whether steps may still come from shard j that a thread can safely wait for: its pre-filter runs
 * now on some thread, or its steps are under way there, and none of that waits on anything. A
 * shard whose thread has not started (the pool busy with another search) is never waited for. */
static gboolean steps_coming(const ShardPart *p)
{
    return p->started && !(picked(p) && p->done_fused == p->n_fused);
}

/* Once every shortlisted finger of shard part p is compared, names the few to fuse. Called with the
 * job's mutex held. */
static void pick_when_compared(SearchJob *job, ShardPart *p)
{
    if (p->done < p->n)
        return;
    p->n_fused = shard_search_pick(p->search);
    g_cond_broadcast(&job->cond);
}

/* A shard's search on one thread: its own pre-filter, then any step of any shard that is ready (its
 * own first), until no started shard has work left. Two shards' pre-filters seldom end together
 * (~10 ms apart on dense galleries of 20,000), so the thread done first takes on part of the other's
 * comparisons instead of waiting. The result is the same whichever thread runs a step. */
static void run_shard(gpointer data, guint i)
{
    SearchJob *job = data;
    Engine *e = job->engine;
    EngineScratch *scratch = engine_scratch_new();
    g_mutex_lock(&job->mutex);
    job->part[i].started = TRUE;
    g_mutex_unlock(&job->mutex);
    ShardSearch *search = shard_search_start(e->shards[i], job->probe, job->view, job->probe_index,
                                             job->dense_index ? job->dense_index : job->probe_index,
                                             CANDIDATES_PER_SHARD);
    g_mutex_lock(&job->mutex);
    ShardPart *own = &job->part[i];
    own->search = search;
    own->n = shard_search_get_shortlist(search);
    pick_when_compared(job, own); /* a shortlist of none */
    g_cond_broadcast(&job->cond);
    for (;;) {
        Step step = STEP_COMPARE;
        guint j = i, item = 0;
        gboolean claimed = FALSE;
        for (guint k = 0; k < e->n_shards && !claimed; k++) {
            j = (i + k) % e->n_shards;
            claimed = claim_step(job, j, &step, &item);
        }
        if (!claimed) {
            gboolean coming = FALSE;
            for (guint k = 0; k < e->n_shards; k++)
                coming |= steps_coming(&job->part[k]);
            if (!coming)
                break;
            g_cond_wait(&job->cond, &job->mutex);
            continue;
        }
        ShardPart *p = &job->part[j];
        g_mutex_unlock(&job->mutex);
        if (step == STEP_COMPARE)
            shard_search_compare(p->search, item, scratch);
        else
            shard_search_fuse(p->search, item, scratch);
        g_mutex_lock(&job->mutex);
        if (step == STEP_COMPARE) {
            p->done++;
            pick_when_compared(job, p);
        } else if (++p->done_fused == p->n_fused) {
            g_cond_broadcast(&job->cond);
        }
    }
    job->pending--;
    g_cond_broadcast(&job->cond);
    g_mutex_unlock(&job->mutex);
    engine_scratch_free(scratch);
}

static void pool_func(gpointer data, gpointer user_data)
{
    (void)user_data;
    ShardTask *task = data;
    task->run(task->job, task->shard);
    g_free(task);
}

Engine *engine_new(guint threads)
{
    Engine *e = g_new0(Engine, 1);
    e->refs = 1;
    g_rw_lock_init(&e->lock);
    e->n_shards = MIN(threads ? threads : MAX(g_get_num_processors(), 1), 64);
    e->shards = g_new(Shard *, e->n_shards);
    for (guint i = 0; i < e->n_shards; i++)
        e->shards[i] = shard_new();
    e->fingers = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    e->threshold = ENGINE_DEFAULT_THRESHOLD;
    e->margin = ENGINE_DEFAULT_MARGIN;
    e->cal = *engine_calibration_default();
    if (e->n_shards > 1)
        e->pool = g_thread_pool_new(pool_func, NULL, (gint)e->n_shards - 1, FALSE, NULL);
    return e;
}

Engine *engine_ref(Engine *e)
{
    g_atomic_int_inc(&e->refs);
    return e;
}

void engine_unref(Engine *e)
{
    if (!e || !g_atomic_int_dec_and_test(&e->refs))
        return;
    if (e->pool)
        g_thread_pool_free(e->pool, FALSE, TRUE);
    for (guint i = 0; i < e->n_shards; i++)
        shard_free(e->shards[i]);
    g_free(e->shards);
    g_hash_table_unref(e->fingers);
    g_rw_lock_clear(&e->lock);
    g_free(e);
}

void engine_set_calibration(Engine *e, const EngineCalibration *cal)
{
    g_rw_lock_writer_lock(&e->lock);
    e->cal = *cal;
    g_rw_lock_writer_unlock(&e->lock);
}

double engine_threshold_for(double threshold, guint impressions)
{
    return impressions > ENGINE_SCALE_IMPRESSIONS ? threshold + log10((double)impressions / ENGINE_SCALE_IMPRESSIONS)
                                                  : threshold;
}

void engine_set_rule(Engine *e, double threshold, double margin)
{
    g_rw_lock_writer_lock(&e->lock);
    e->threshold = threshold;
    e->margin = margin;
    g_rw_lock_writer_unlock(&e->lock);
}

/* Names a print in its saved index: FNV-1a over 8 bytes at a time (a byte at a time was a tenth of
 * the start-up). Not a secret or a defence (the index is sealed with the print), only "this index
 * was built from these bytes". */
static guint64 print_hash(GBytes *print)
{
    gsize len = 0;
    const guint8 *b = print ? g_bytes_get_data(print, &len) : NULL;
    guint64 h = G_GUINT64_CONSTANT(14695981039346656037) ^ len;
    gsize i = 0;
    for (; i + 8 <= len; i += 8) {
        guint64 w;
        memcpy(&w, b + i, 8);
        h = (h ^ GUINT64_FROM_LE(w)) * G_GUINT64_CONSTANT(1099511628211);
        h ^= h >> 29;
    }
    for (; i < len; i++)
        h = (h ^ b[i]) * G_GUINT64_CONSTANT(1099511628211);
    return h;
}

static gboolean add_one(Engine *e, gint64 finger_id, gint64 probationer_id, EngineTemplate *t, guint64 hash,
                        GError **error)
{
    g_rw_lock_writer_lock(&e->lock);
    if (g_hash_table_contains(e->fingers, &finger_id)) {
        g_rw_lock_writer_unlock(&e->lock);
        engine_template_free(t);
        g_set_error(error, ENGINE_ERROR, ENGINE_ERROR_EXISTS,
                    "finger %" G_GINT64_FORMAT " is already in the search gallery", finger_id);
        return FALSE;
    }
    guint smallest = 0; /* keep shards even, so parallel searches finish together */
    for (guint i = 1; i < e->n_shards; i++)
        if (shard_get_size(e->shards[i]) < shard_get_size(e->shards[smallest]))
            smallest = i;
    shard_add(e->shards[smallest], finger_id, probationer_id, t, NULL, hash);
    g_hash_table_insert(e->fingers, g_memdup2(&finger_id, sizeof finger_id), GUINT_TO_POINTER(smallest + 1));
    g_rw_lock_writer_unlock(&e->lock);
    return TRUE;
}

gboolean engine_add(Engine *e, gint64 finger_id, gint64 probationer_id, EngineTemplate *t,
                    GError **error)
{
    return add_one(e, finger_id, probationer_id, t, 0, error);
}

gboolean engine_add_print(Engine *e, gint64 finger_id, gint64 probationer_id, GBytes *print,
                          GError **error)
{
    gsize len = 0;
    const guint8 *data = print ? g_bytes_get_data(print, &len) : NULL;
    EngineTemplate *t = engine_template_parse(data, len, error);
    return t && add_one(e, finger_id, probationer_id, t, print_hash(print), error);
}

GBytes *engine_get_index(Engine *e, gint64 finger_id)
{
    g_rw_lock_reader_lock(&e->lock);
    guint shard = GPOINTER_TO_UINT(g_hash_table_lookup(e->fingers, &finger_id));
    GBytes *index = shard ? shard_get_index(e->shards[shard - 1], finger_id) : NULL;
    g_rw_lock_reader_unlock(&e->lock);
    return index;
}

typedef struct {
    Engine *engine;
    EngineLoadItem *items;
    guint n;
    guint8 *shard_of; /* per item: its shard, or G_MAXUINT8 when refused before parsing */
    GMutex mutex;
    GCond cond;
    guint pending;
} LoadJob;

static void load_shard(gpointer data, guint shard)
{
    LoadJob *job = data;
    for (guint i = 0; i < job->n; i++) {
        if (job->shard_of[i] != shard)
            continue;
        EngineLoadItem *item = &job->items[i];
        gsize len = 0;
        const guint8 *bytes = item->print ? g_bytes_get_data(item->print, &len) : NULL;
        EngineTemplate *t = engine_template_parse(bytes, len, &item->error);
        if (t)
            item->indexed = !shard_add(job->engine->shards[shard], item->finger_id, item->probationer_id, t,
                                       item->index, print_hash(item->print));
    }
    g_mutex_lock(&job->mutex);
    if (--job->pending == 0)
        g_cond_signal(&job->cond);
    g_mutex_unlock(&job->mutex);
}

/* engine_add_prints() with the writer lock held. */
static guint add_prints_locked(Engine *e, EngineLoadItem *items, guint n)
{
    G_STATIC_ASSERT(G_MAXUINT8 > 64); /* shard numbers fit a byte with room for "refused" */
    LoadJob job = {e, items, n, g_new(guint8, MAX(n, 1)), {0}, {0}, e->n_shards};
    g_mutex_init(&job.mutex);
    g_cond_init(&job.cond);
    /* Shards first, serially: keeps them even and catches finger ids seen twice. */
    g_autofree guint *size = g_new(guint, e->n_shards);
    for (guint i = 0; i < e->n_shards; i++)
        size[i] = shard_get_size(e->shards[i]);
    for (guint i = 0; i < n; i++) {
        items[i].error = NULL;
        items[i].indexed = FALSE;
        if (g_hash_table_contains(e->fingers, &items[i].finger_id)) {
            g_set_error(&items[i].error, ENGINE_ERROR, ENGINE_ERROR_EXISTS,
                        "finger %" G_GINT64_FORMAT " is already in the search gallery", items[i].finger_id);
            job.shard_of[i] = G_MAXUINT8;
            continue;
        }
        guint smallest = 0;
        for (guint k = 1; k < e->n_shards; k++)
            if (size[k] < size[smallest])
                smallest = k;
        size[smallest]++;
        job.shard_of[i] = (guint8)MIN(smallest, G_MAXUINT8 - 1);
        g_hash_table_insert(e->fingers, g_memdup2(&items[i].finger_id, sizeof(gint64)),
                            GUINT_TO_POINTER(smallest + 1));
    }
    for (guint i = 1; i < e->n_shards; i++) {
        ShardTask *task = g_new(ShardTask, 1);
        *task = (ShardTask){load_shard, &job, i};
        g_thread_pool_push(e->pool, task, NULL);
    }
    load_shard(&job, 0);
    g_mutex_lock(&job.mutex);
    while (job.pending > 0)
        g_cond_wait(&job.cond, &job.mutex);
    g_mutex_unlock(&job.mutex);
    guint added = 0;
    for (guint i = 0; i < n; i++) {
        if (job.shard_of[i] != G_MAXUINT8 && items[i].error) /* parsed badly: not in the gallery */
            g_hash_table_remove(e->fingers, &items[i].finger_id);
        added += !items[i].error;
    }
    g_mutex_clear(&job.mutex);
    g_cond_clear(&job.cond);
    g_free(job.shard_of);
    return added;
}

guint engine_add_prints(Engine *e, EngineLoadItem *items, guint n)
{
    g_rw_lock_writer_lock(&e->lock);
    guint added = add_prints_locked(e, items, n);
    g_rw_lock_writer_unlock(&e->lock);
    return added;
}

/* Takes every finger of that probationer out, with the writer lock held; returns how many. */
static guint remove_probationer_locked(Engine *e, gint64 probationer_id)
{
    g_autoptr(GArray) removed = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < e->n_shards; i++)
        shard_remove_probationer(e->shards[i], probationer_id, removed);
    for (guint i = 0; i < removed->len; i++)
        g_hash_table_remove(e->fingers, &g_array_index(removed, gint64, i));
    return removed->len;
}

guint engine_replace_probationers(Engine *e, const gint64 *probationer_ids, guint n_people, EngineLoadItem *items,
                                  guint n)
{
    g_rw_lock_writer_lock(&e->lock);
    for (guint i = 0; i < n_people; i++)
        remove_probationer_locked(e, probationer_ids[i]);
    guint added = add_prints_locked(e, items, n);
    g_rw_lock_writer_unlock(&e->lock);
    return added;
}

gboolean engine_remove_finger(Engine *e, gint64 finger_id)
{
    g_rw_lock_writer_lock(&e->lock);
    guint shard = GPOINTER_TO_UINT(g_hash_table_lookup(e->fingers, &finger_id));
    gboolean found = shard && shard_remove_finger(e->shards[shard - 1], finger_id);
    g_hash_table_remove(e->fingers, &finger_id);
    g_rw_lock_writer_unlock(&e->lock);
    return found;
}

guint engine_remove_probationer(Engine *e, gint64 probationer_id)
{
    g_rw_lock_writer_lock(&e->lock);
    guint removed = remove_probationer_locked(e, probationer_id);
    g_rw_lock_writer_unlock(&e->lock);
    return removed;
}

guint engine_get_size(Engine *e)
{
    g_rw_lock_reader_lock(&e->lock);
    guint n = g_hash_table_size(e->fingers);
    g_rw_lock_reader_unlock(&e->lock);
    return n;
}

gsize engine_get_memory(Engine *e)
{
    g_rw_lock_writer_lock(&e->lock);
    for (guint i = 0; i < e->n_shards; i++)
        shard_trim(e->shards[i]);
    gsize bytes = sizeof *e;
    for (guint i = 0; i < e->n_shards; i++)
        bytes += shard_get_memory(e->shards[i]);
    /* GHashTable: key (8 B, its own allocation of 16), value, hash and the table's slot. */
    bytes += g_hash_table_size(e->fingers) * (16 + 8 + 4 + 8);
    g_rw_lock_writer_unlock(&e->lock);
    return bytes;
}

/* Keeps the ENGINE_CANDIDATES best fingers in out->candidates, best first (each hit is one finger). */
static void keep_candidate(EngineResult *out, const ShardHit *hit)
{
    guint n = out->n_candidates;
    if (hit->score <= 0 || (n == ENGINE_CANDIDATES && hit->score <= out->candidates[n - 1].score))
        return;
    guint at = MIN(n, ENGINE_CANDIDATES - 1);
    while (at > 0 && out->candidates[at - 1].score < hit->score) {
        out->candidates[at] = out->candidates[at - 1];
        at--;
    }
    out->candidates[at] = (EngineCandidate){hit->finger_id, hit->probationer_id, hit->score};
    out->n_candidates = MIN(n + 1, ENGINE_CANDIDATES);
}

void engine_search(Engine *e, const EngineTemplate *probe_t, EngineResult *out)
{
    engine_search_watching(e, probe_t, 0, out, NULL);
}

void engine_search_watching(Engine *e, const EngineTemplate *probe_t, gint64 watched, EngineResult *out,
                            gboolean *reached)
{
    *out = (EngineResult){0};
    if (reached)
        *reached = FALSE;
    guint n = probe_t->start[1] - probe_t->start[0];
    g_autofree EnginePair *pairs = g_new(EnginePair, MAX(n, 1) * ENGINE_NEIGHBOURS * 2);
    g_autoptr(EngineCylinders) cylinders = engine_cylinders_new(probe_t, 0);
    EngineProbe probe = {probe_t, pairs, 0, n, probe_t->m, &e->cal, cylinders, FALSE, FALSE};
    probe.n_pairs = engine_pairs_build_for_match(probe_t->m, n, TRUE, pairs);
    /* The search's first look (ENGINE_SEARCH_MINUTIAE): only the few a decision can name are
     * compared with `probe` itself. */
    EngineProbe view = probe;
    g_autofree EngineMinutia *chosen = NULL;
    g_autofree EnginePair *view_pairs = NULL;
    view.views = TRUE;
    if (n > ENGINE_SEARCH_MINUTIAE) {
        chosen = g_new(EngineMinutia, ENGINE_SEARCH_MINUTIAE);
        view_pairs = g_new(EnginePair, ENGINE_SEARCH_MINUTIAE * ENGINE_NEIGHBOURS * 2);
        view.m = chosen;
        view.n_minutiae = engine_minutiae_spread(probe_t->m, n, ENGINE_SEARCH_MINUTIAE, chosen);
        view.pairs = view_pairs;
        view.n_pairs = engine_pairs_build_for_match(chosen, view.n_minutiae, TRUE, view_pairs);
        view.cylinders = NULL;
        view.cut = TRUE;
    }

    g_rw_lock_reader_lock(&e->lock);
    SearchJob *job = g_malloc0(sizeof *job + e->n_shards * sizeof(ShardPart));
    job->engine = e;
    job->probe = &probe;
    job->view = &view;
    job->probe_index = engine_probe_index_new(probe_t->m, n, TRUE);
    if (n <= ENGINE_SEARCH_MINUTIAE) /* else the two are the same */
        job->dense_index = engine_probe_index_new(probe_t->m, n, FALSE);
    g_mutex_init(&job->mutex);
    g_cond_init(&job->cond);
    job->pending = e->n_shards;
    for (guint i = 1; i < e->n_shards; i++) {
        ShardTask *task = g_new(ShardTask, 1);
        *task = (ShardTask){run_shard, job, i};
        g_thread_pool_push(e->pool, task, NULL);
    }
    run_shard(job, 0);
    g_mutex_lock(&job->mutex);
    while (job->pending > 0)
        g_cond_wait(&job->cond, &job->mutex);
    g_mutex_unlock(&job->mutex);

    /* Best over the whole gallery; the runner-up is the best of anyone else, so a person's own
     * other fingers never count against them. */
    ShardHit best = {-1, 0, 0, FALSE}, second = {-1, 0, 0, FALSE};
    g_autoptr(GArray) hits = g_array_new(FALSE, FALSE, sizeof(ShardHit));
    for (guint i = 0; i < e->n_shards; i++) {
        g_array_set_size(hits, 0);
        shard_search_finish(job->part[i].search, hits);
        out->scored += hits->len;
        for (guint h = 0; h < hits->len; h++) {
            ShardHit hit = g_array_index(hits, ShardHit, h);
            if (reached && watched && hit.finger_id == watched)
                *reached = TRUE;
            if (!hit.fused) /* the pair matcher's score alone: only what chose the few */
                continue;
            keep_candidate(out, &hit);
            if (hit.score > best.score) {
                if (hit.probationer_id != best.probationer_id)
                    second = best;
                best = hit;
            } else if (hit.probationer_id != best.probationer_id && hit.score > second.score) {
                second = hit;
            }
        }
    }
    if (best.score >= 0) {
        out->finger_id = best.finger_id;
        out->probationer_id = best.probationer_id;
        out->score = best.score;
    }
    if (second.score >= 0) {
        out->runner_up_probationer_id = second.probationer_id;
        out->runner_up_score = second.score;
    }
    guint impressions = 0;
    for (guint i = 0; i < e->n_shards; i++)
        impressions += shard_get_impressions(e->shards[i]);
    out->threshold = engine_threshold_for(e->threshold, impressions);
    out->match = best.score >= out->threshold &&
                 (second.score < 0 || best.score - second.score >= e->margin);
    g_rw_lock_reader_unlock(&e->lock);
    engine_probe_index_free(job->probe_index);
    engine_probe_index_free(job->dense_index);
    g_mutex_clear(&job->mutex);
    g_cond_clear(&job->cond);
    g_free(job);
}

typedef struct {
    Engine *engine;
    EngineTemplate *probe;
} AsyncData;

static void async_data_free(gpointer data)
{
    AsyncData *d = data;
    engine_unref(d->engine);
    engine_template_free(d->probe);
    g_free(d);
}

static void search_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source;
    (void)cancellable;
    AsyncData *d = data;
    EngineResult *r = g_new(EngineResult, 1);
    engine_search(d->engine, d->probe, r);
    g_task_return_pointer(task, r, g_free);
}

void engine_search_async(Engine *e, const EngineTemplate *probe, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);
    g_task_set_source_tag(task, engine_search_async);
    AsyncData *d = g_new(AsyncData, 1);
    *d = (AsyncData){engine_ref(e), engine_template_copy(probe)};
    g_task_set_task_data(task, d, async_data_free);
    g_task_set_return_on_cancel(task, TRUE);
    g_task_run_in_thread(task, search_thread);
}

gboolean engine_search_finish(Engine *e, GAsyncResult *result, EngineResult *out, GError **error)
{
    (void)e;
    g_return_val_if_fail(g_task_is_valid(result, NULL), FALSE);
    g_autofree EngineResult *r = g_task_propagate_pointer(G_TASK(result), error);
    if (!r)
        return FALSE;
    *out = *r;
    return TRUE;
}
