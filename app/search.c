/* search — the gallery and the libfprint identify backend. See search.h. */
#include "app/search.h"

#include <string.h>

#include "app/engine/engine.h"

#define SEARCH_ERROR (g_quark_from_static_string("haazri-search"))

/* What a backend does differently; the gallery itself is shared. */
typedef struct {
    const char *name;
    GPtrArray *(*get_scan_prints)(Search *search);
    void (*decide)(Search *search, FpPrint *match, FpPrint *probe, SearchResult *out);
} SearchBackend;

struct Search {
    const SearchBackend *backend;
    GPtrArray *prints;  /* FpPrint*, parallel to ids (libfprint backend) */
    GArray *ids;        /* GalleryIds */
    gint64 version;     /* store_get_gallery_version() at the last load */
    gint64 change;      /* store_get_gallery_change() the engine's gallery is up to */
    Engine *engine;     /* engine backend: the gallery lives there */
    GPtrArray *none;    /* engine backend: the empty gallery the scanner identifies against */
    double threshold, margin;
};

typedef struct {
    gint64 finger_id;
    gint64 probationer_id;
} GalleryIds;

/* What a person can do about a print the engine refused: `otherwise` unless it is a
 * match-on-chip print, which no re-enrolling or second touch will change. */
static const char *refusal_hint(const GError *error, const char *otherwise)
{
    if (g_error_matches(error, ENGINE_ERROR, ENGINE_ERROR_FOREIGN))
        return "this scanner keeps its templates on the sensor: set [match] search = libfprint in "
               "haazri.conf";
    return otherwise;
}

static GPtrArray *libfprint_get_scan_prints(Search *s)
{
    return s->prints;
}

/* libfprint's identify hands back the gallery print it matched first (over bozorth3's threshold). */
static void libfprint_decide(Search *s, FpPrint *match, FpPrint *probe, SearchResult *out)
{
    (void)probe;
    *out = (SearchResult){.decision = SEARCH_NO_MATCH, .score = -1, .runner_up_score = -1, .threshold = -1};
    if (!match)
        return;
    for (guint i = 0; i < s->prints->len; i++) {
        FpPrint *p = g_ptr_array_index(s->prints, i);
        if (p == match || fp_print_equal(p, match)) {
            GalleryIds *ids = &g_array_index(s->ids, GalleryIds, i);
            out->decision = SEARCH_MATCH;
            out->probationer_id = ids->probationer_id;
            out->finger_id = ids->finger_id;
            return;
        }
    }
}

/* The engine needs only the probe's minutiae. libfprint's identify against an EMPTY gallery is the
 * cheapest way to get them from an image scanner: it captures, runs NBIS minutiae detection once,
 * compares with nothing and hands back the scanned print (checked in libfprint 1.94's
 * fpi-image-device.c: the probe is reported whether or not anything matched). A match-on-chip
 * scanner returns no minutiae: keep the libfprint backend for those. */
static GPtrArray *engine_get_scan_prints(Search *s)
{
    return s->none;
}

static EngineTemplate *probe_template(FpPrint *probe, GError **error)
{
    g_autofree guchar *data = NULL;
    gsize len = 0;
    if (!probe) {
        g_set_error(error, SEARCH_ERROR, 3, "the scanner returned no print to search with");
        return NULL;
    }
    if (!fp_print_serialize(probe, &data, &len, error))
        return NULL;
    return engine_template_parse(data, len, error);
}

static void engine_result(const EngineResult *r, SearchResult *out)
{
    G_STATIC_ASSERT(SEARCH_CANDIDATES == ENGINE_CANDIDATES);
    *out = (SearchResult){
        .decision = r->match ? SEARCH_MATCH : SEARCH_NO_MATCH,
        .probationer_id = r->match ? r->probationer_id : 0,
        .finger_id = r->match ? r->finger_id : 0,
        .score = r->score,
        .runner_up_probationer_id = r->runner_up_probationer_id,
        .runner_up_score = r->runner_up_probationer_id ? r->runner_up_score : -1,
        .threshold = r->threshold,
        .n_candidates = r->n_candidates,
    };
    for (guint i = 0; i < r->n_candidates; i++)
        out->candidates[i] = (SearchCandidate){r->candidates[i].finger_id, r->candidates[i].probationer_id,
                                               r->candidates[i].score};
}

static void engine_decide(Search *s, FpPrint *match, FpPrint *probe, SearchResult *out)
{
    (void)match;
    g_autoptr(GError) error = NULL;
    g_autoptr(EngineTemplate) t = probe_template(probe, &error);
    EngineResult r = {0};
    if (!t)
        g_warning("search: the touch can't be searched: %s (%s)", error->message,
                  refusal_hint(error, "touch again"));
    else
        engine_search(s->engine, t, &r);
    engine_result(&r, out);
}

static const SearchBackend backends[] = {
    {"libfprint", libfprint_get_scan_prints, libfprint_decide},
    {"engine", engine_get_scan_prints, engine_decide},
};

Search *search_new(const char *backend, GError **error)
{
    for (size_t i = 0; i < G_N_ELEMENTS(backends); i++) {
        if (g_strcmp0(backends[i].name, backend) == 0) {
            Search *s = g_new0(Search, 1);
            s->backend = &backends[i];
            s->prints = g_ptr_array_new_with_free_func(g_object_unref);
            s->ids = g_array_new(FALSE, FALSE, sizeof(GalleryIds));
            s->none = g_ptr_array_new();
            s->threshold = ENGINE_DEFAULT_THRESHOLD;
            s->margin = ENGINE_DEFAULT_MARGIN;
            if (strcmp(backend, "engine") == 0)
                s->engine = engine_new(0);
            return s;
        }
    }
    g_set_error(error, SEARCH_ERROR, 1, "unknown search backend \"%s\" (known: libfprint, engine)", backend);
    return NULL;
}

void search_free(Search *s)
{
    if (!s)
        return;
    g_ptr_array_unref(s->prints);
    g_array_unref(s->ids);
    g_ptr_array_unref(s->none);
    if (s->engine)
        engine_unref(s->engine);
    g_free(s);
}

gboolean search_add_finger(Search *s, gint64 finger_id, gint64 probationer_id, GBytes *print,
                           GError **error)
{
    gsize len = 0;
    const guchar *data = g_bytes_get_data(print, &len);
    g_autoptr(GError) local = NULL;
    if (s->engine) {
        if (engine_add_print(s->engine, finger_id, probationer_id, print, &local))
            return TRUE;
        g_set_error(error, SEARCH_ERROR, 2, "enrolled finger %" G_GINT64_FORMAT " can't be searched: %s; %s",
                    finger_id, local->message, refusal_hint(local, "re-enroll it"));
        return FALSE;
    }
    /* libfprint aborts on a damaged frame: checked first (issue 22.3). */
    FpPrint *p = len && engine_template_check(data, len, &local) ? fp_print_deserialize(data, len, &local) : NULL;
    if (!p) {
        g_set_error(error, SEARCH_ERROR, 2, "enrolled finger %" G_GINT64_FORMAT
                    " has an unreadable template (%s); re-enroll it",
                    finger_id, local ? local->message : "empty");
        return FALSE;
    }
    g_ptr_array_add(s->prints, p);
    GalleryIds ids = {finger_id, probationer_id};
    g_array_append_val(s->ids, ids);
    return TRUE;
}

typedef struct {
    Search *search;
    guint skipped;
} LoadCtx;

static void add_from_store(gint64 finger_id, gint64 probationer_id, const char *finger,
                           GBytes *print, gpointer data)
{
    (void)finger;
    LoadCtx *ctx = data;
    g_autoptr(GError) error = NULL;
    if (!search_add_finger(ctx->search, finger_id, probationer_id, print, &error)) {
        g_warning("search: %s", error->message);
        ctx->skipped++;
    }
}

/* Indexes the engine had to build (first start, new fingers, a new engine version) are saved for
 * the next start-up. A cache: when the database can't take them, nothing is lost but time. */
static void save_built_indexes(Search *s, Store *store, GArray *built)
{
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_autoptr(GPtrArray) indexes = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    for (guint i = 0; i < built->len; i++) {
        GBytes *index = engine_get_index(s->engine, g_array_index(built, gint64, i));
        if (!index)
            continue;
        g_array_append_val(ids, g_array_index(built, gint64, i));
        g_ptr_array_add(indexes, index);
    }
    g_autoptr(GError) error = NULL;
    if (!store_save_search_indexes(store, (gint64 *)ids->data, (GBytes **)indexes->pdata, ids->len, &error))
        g_message("search: %s; the next start-up builds the index of %u fingers again", error->message,
                  ids->len);
    else if (ids->len > 0)
        g_message("search: index of %u finger%s built and saved for the next start-up", ids->len,
                  ids->len == 1 ? "" : "s");
}

/* Start-up reads the gallery a part at a time, and a thread reads and unseals the next parts while
 * the engine takes in the last: reading takes one core about as long as parsing and indexing take
 * both (docs/search.md), and a start-up holds a few parts' prints, not the whole gallery's. */
#define LOAD_PART 1000 /* fingers: ~17 MB of prints and saved indexes at 138 minutiae a touch */
#define LOAD_AHEAD 2   /* parts read and not yet taken in */

typedef struct {
    StoreGalleryReader *reader;
    GMutex mutex;
    GCond cond;
    GQueue parts;     /* GArray of StoreGalleryFinger, read and not taken in yet */
    gboolean done;    /* every row read, or the database failed (`error`) */
    GError *error;
} ReadAhead;

static gpointer read_ahead(gpointer data)
{
    ReadAhead *ra = data;
    for (gboolean done = FALSE; !done;) {
        GError *error = NULL;
        GArray *part = store_gallery_reader_next(ra->reader, LOAD_PART, &error);
        g_mutex_lock(&ra->mutex);
        while (g_queue_get_length(&ra->parts) >= LOAD_AHEAD)
            g_cond_wait(&ra->cond, &ra->mutex);
        if (!part || part->len == 0) { /* failed, or nothing left */
            if (part)
                g_array_unref(part);
            if (error)
                g_propagate_error(&ra->error, error);
            ra->done = TRUE;
        } else {
            g_queue_push_tail(&ra->parts, part);
        }
        done = ra->done;
        g_cond_broadcast(&ra->cond);
        g_mutex_unlock(&ra->mutex);
    }
    return NULL;
}

/* The next part read, or NULL when there is none left. */
static GArray *next_part(ReadAhead *ra)
{
    g_mutex_lock(&ra->mutex);
    while (!ra->done && g_queue_is_empty(&ra->parts))
        g_cond_wait(&ra->cond, &ra->mutex);
    GArray *part = g_queue_pop_head(&ra->parts);
    g_cond_broadcast(&ra->cond);
    g_mutex_unlock(&ra->mutex);
    return part;
}

/* Gives one part to the engine, which parses and indexes it on every core (from each finger's saved
 * index where it has one: building them all took seconds, docs/search.md); `built` gets the ids of
 * the fingers whose index had to be built. With `replacing`, the part is those probationers' fingers
 * as they are now, and takes the place of what the engine had of them. */
static void add_part(Search *s, GArray *rows, const GArray *replacing, GArray *built, guint *skipped)
{
    g_autofree EngineLoadItem *it = g_new0(EngineLoadItem, MAX(rows->len, 1));
    for (guint i = 0; i < rows->len; i++) {
        const StoreGalleryFinger *row = &g_array_index(rows, StoreGalleryFinger, i);
        it[i] = (EngineLoadItem){.finger_id = row->finger_id, .probationer_id = row->probationer_id,
                                 .print = row->print, .index = row->index};
    }
    if (replacing)
        engine_replace_probationers(s->engine, (const gint64 *)replacing->data, replacing->len, it, rows->len);
    else
        engine_add_prints(s->engine, it, rows->len);
    for (guint i = 0; i < rows->len; i++) {
        const StoreGalleryFinger *row = &g_array_index(rows, StoreGalleryFinger, i);
        if (it[i].indexed)
            g_array_append_val(built, it[i].finger_id);
        if (row->error) { /* its print did not open: the engine refused the missing print too */
            g_clear_error(&it[i].error);
            g_set_error_literal(&it[i].error, row->error->domain, row->error->code, row->error->message);
        }
        if (it[i].error) {
            g_warning("search: enrolled finger %" G_GINT64_FORMAT " can't be searched: %s; %s",
                      it[i].finger_id, it[i].error->message, refusal_hint(it[i].error, "re-enroll it"));
            (*skipped)++;
        }
        g_clear_error(&it[i].error);
    }
}

static gboolean engine_load(Search *s, Store *store, guint *skipped, GError **error)
{
    ReadAhead ra = {0};
    ra.reader = store_gallery_reader_new(store, error);
    if (!ra.reader)
        return FALSE;
    g_mutex_init(&ra.mutex);
    g_cond_init(&ra.cond);
    g_queue_init(&ra.parts);
    GThread *reader = g_thread_new("gallery-read", read_ahead, &ra);
    g_autoptr(GArray) built = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (GArray *part; (part = next_part(&ra));) {
        add_part(s, part, NULL, built, skipped);
        g_array_unref(part);
    }
    g_thread_join(reader);
    g_mutex_clear(&ra.mutex);
    g_cond_clear(&ra.cond);
    store_gallery_reader_free(ra.reader);
    if (ra.error) {
        g_propagate_error(error, ra.error);
        return FALSE;
    }
    /* after the reading: the database takes one statement at a time from this start-up */
    save_built_indexes(s, store, built);
    return TRUE;
}

gboolean search_load(Search *s, Store *store, guint *skipped, GError **error)
{
    LoadCtx ctx = {s, 0};
    /* Before reading: a change made while the gallery is read is taken in again at the next poll
     * (taking a person in twice gives what once does). */
    s->version = store_get_gallery_version(store);
    s->change = store_get_gallery_change(store);
    gboolean ok = s->engine ? engine_load(s, store, &ctx.skipped, error)
                            : store_foreach_active_finger(store, add_from_store, &ctx, error);
    if (skipped)
        *skipped = ctx.skipped;
    return ok;
}

/* At most this many people changed since the last look are re-read at one poll; more (a roster from
 * the centre) are taken in a page of them at each poll, the main loop's pause and the rows held
 * bounded by a page's, where reading the whole gallery again held a second engine. */
#define UPDATE_PEOPLE_MAX 200

typedef enum { UPDATE_DONE, UPDATE_NOTHING, UPDATE_FAILED, UPDATE_WHOLE } Update;

/* The engine takes in what changed since it last looked, person by person: each changed
 * probationer's fingers are read as they are now and take the place of what it had of them. A page
 * of people's rows, where reading the whole gallery again held a second engine (~300 MB at 20,000
 * dense fingers) and the main loop for ~0.6 s (docs/search.md). */
static Update update_engine(Search *s, Store *store, gint64 version, GError **error)
{
    g_autoptr(GArray) who = g_array_new(FALSE, FALSE, sizeof(gint64));
    gint64 newest = 0;
    gboolean complete = FALSE;
    if (!store_list_gallery_changes(store, s->change, UPDATE_PEOPLE_MAX, who, &newest, &complete, error))
        return UPDATE_FAILED;
    if (!complete) /* changes no longer kept, or a database put back from a copy */
        return UPDATE_WHOLE;
    if (who->len == 0) { /* already taken in: the version was read just before a change we then saw */
        s->version = version;
        return UPDATE_NOTHING;
    }
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(StoreGalleryFinger));
    g_array_set_clear_func(rows, store_gallery_finger_clear);
    for (guint i = 0; i < who->len; i++) {
        g_autoptr(StoreGalleryReader) reader = store_gallery_reader_new_of(store, g_array_index(who, gint64, i), error);
        g_autoptr(GArray) theirs = reader ? store_gallery_reader_next(reader, G_MAXUINT, error) : NULL;
        if (!theirs)
            return UPDATE_FAILED;
        g_array_append_vals(rows, theirs->data, theirs->len);
        g_array_set_clear_func(theirs, NULL); /* the rows' bytes are `rows`' now */
    }
    g_autoptr(GArray) built = g_array_new(FALSE, FALSE, sizeof(gint64));
    guint skipped = 0;
    add_part(s, rows, who, built, &skipped);
    save_built_indexes(s, store, built);
    if (who->len < UPDATE_PEOPLE_MAX) /* else the next poll asks for the next page */
        s->version = version;
    s->change = newest;
    g_message("gallery updated: %u %s changed, %u enrolled fingers", who->len,
              who->len == 1 ? "person's fingers" : "people's fingers", search_get_size(s));
    return UPDATE_DONE;
}

gboolean search_reload_if_changed(Search *s, Store *store, GError **error)
{
    gint64 version = store_get_gallery_version(store);
    if (version == s->version)
        return FALSE;
    if (s->engine) {
        Update u = update_engine(s, store, version, error);
        if (u != UPDATE_WHOLE)
            return u == UPDATE_DONE;
    }
    /* New arrays, not cleared ones: libfprint holds a reference to the old prints array for an
     * identify in flight, and search_decide() finds its match in the new one by content. */
    GPtrArray *old_prints = s->prints;
    GArray *old_ids = s->ids;
    Engine *old_engine = s->engine;
    gint64 old_version = s->version, old_change = s->change; /* failed: the next poll tries again */
    s->prints = g_ptr_array_new_with_free_func(g_object_unref);
    s->ids = g_array_new(FALSE, FALSE, sizeof(GalleryIds));
    if (old_engine) {
        s->engine = engine_new(0);
        engine_set_rule(s->engine, s->threshold, s->margin);
    }
    guint skipped = 0;
    if (!search_load(s, store, &skipped, error)) {
        g_ptr_array_unref(s->prints);
        g_array_unref(s->ids);
        if (old_engine)
            engine_unref(s->engine);
        s->prints = old_prints;
        s->ids = old_ids;
        s->engine = old_engine;
        s->version = old_version;
        s->change = old_change;
        return FALSE;
    }
    g_ptr_array_unref(old_prints);
    g_array_unref(old_ids);
    if (old_engine)
        engine_unref(old_engine);
    g_message("gallery reloaded: %u enrolled fingers", search_get_size(s));
    return TRUE;
}

gboolean search_load_probationer(Search *s, Store *store, gint64 probationer_id, GError **error)
{
    LoadCtx ctx = {s, 0};
    return store_foreach_finger_of(store, probationer_id, add_from_store, &ctx, error);
}

void search_remove_probationer(Search *s, gint64 probationer_id)
{
    if (s->engine)
        engine_remove_probationer(s->engine, probationer_id);
    for (guint i = s->ids->len; i-- > 0;) {
        if (g_array_index(s->ids, GalleryIds, i).probationer_id == probationer_id) {
            g_ptr_array_remove_index(s->prints, i);
            g_array_remove_index(s->ids, i);
        }
    }
}

guint search_get_size(Search *s)
{
    if (s->engine)
        return engine_get_size(s->engine);
    return s->prints->len;
}

const char *search_get_backend(Search *s)
{
    return s->backend->name;
}

GPtrArray *search_get_scan_prints(Search *s)
{
    return s->backend->get_scan_prints(s);
}

void search_decide(Search *s, FpPrint *match, FpPrint *probe, SearchResult *out)
{
    s->backend->decide(s, match, probe, out);
}

Search *search_new_like(Search *other)
{
    Search *s = search_new(other->backend->name, NULL);
    search_set_rule(s, other->threshold, other->margin);
    return s;
}

void search_get_rule(Search *s, double *threshold, double *margin)
{
    *threshold = s->threshold;
    *margin = s->margin;
}

void search_set_rule(Search *s, double threshold, double margin)
{
    s->threshold = threshold;
    s->margin = margin;
    if (s->engine)
        engine_set_rule(s->engine, threshold, margin);
}

static void on_engine_searched(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)source;
    g_autoptr(GTask) task = data;
    EngineResult r;
    GError *error = NULL;
    /* Don't touch the Search here: a cancelled call may outlive it. */
    if (!engine_search_finish(NULL, res, &r, &error)) {
        g_task_return_error(task, error);
        return;
    }
    SearchResult *out = g_new(SearchResult, 1);
    engine_result(&r, out);
    g_task_return_pointer(task, out, g_free);
}

void search_decide_async(Search *s, FpPrint *match, FpPrint *probe, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    if (!s->engine) { /* libfprint already decided during identify: nothing to wait for */
        SearchResult *out = g_new(SearchResult, 1);
        search_decide(s, match, probe, out);
        g_task_return_pointer(task, out, g_free);
        g_object_unref(task);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(EngineTemplate) t = probe_template(probe, &error);
    if (!t) {
        g_warning("search: the touch can't be searched: %s (%s)", error->message,
                  refusal_hint(error, "touch again"));
        SearchResult *out = g_new(SearchResult, 1);
        engine_result(&(EngineResult){0}, out);
        g_task_return_pointer(task, out, g_free);
        g_object_unref(task);
        return;
    }
    engine_search_async(s->engine, t, cancellable, on_engine_searched, task);
}

gboolean search_decide_finish(Search *s, GAsyncResult *result, SearchResult *out, GError **error)
{
    (void)s;
    g_autofree SearchResult *r = g_task_propagate_pointer(G_TASK(result), error);
    if (!r)
        return FALSE;
    *out = *r;
    return TRUE;
}

gboolean search_find_duplicate(Search *s, GBytes *print, SearchResult *out, GError **error)
{
    *out = (SearchResult){.decision = SEARCH_NO_MATCH, .score = -1, .runner_up_score = -1, .threshold = -1};
    if (!s->engine)
        return TRUE; /* libfprint's identify needs a live finger: nothing to compare a template with */
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(print, &len);
    g_autoptr(EngineTemplate) t = engine_template_parse(data, len, error);
    if (!t)
        return FALSE;
    /* Each enrolled scan is searched on its own: a duplicate shows in any of them. */
    for (guint k = 0; k < engine_template_get_impressions(t); k++) {
        g_autoptr(EngineTemplate) probe = engine_template_get_impression(t, k);
        EngineResult r;
        engine_search(s->engine, probe, &r);
        if (r.match && r.score > out->score)
            engine_result(&r, out);
    }
    return TRUE;
}
