/* search — the gallery and the libfprint identify backend. See search.h. */
#include "app/search.h"

#include <string.h>

#define SEARCH_ERROR (g_quark_from_static_string("haazri-search"))

/* What a backend does differently; the gallery itself is shared. */
typedef struct {
    const char *name;
    GPtrArray *(*get_scan_prints)(Search *search);
    void (*decide)(Search *search, FpPrint *match, FpPrint *probe, SearchResult *out);
} SearchBackend;

struct Search {
    const SearchBackend *backend;
    GPtrArray *prints;  /* FpPrint*, parallel to ids */
    GArray *ids;        /* GalleryIds */
    gint64 version;     /* store_get_gallery_version() at the last load */
};

typedef struct {
    gint64 finger_id;
    gint64 probationer_id;
} GalleryIds;

static GPtrArray *libfprint_get_scan_prints(Search *s)
{
    return s->prints;
}

/* libfprint's identify hands back the gallery print it matched first (over bozorth3's threshold). */
static void libfprint_decide(Search *s, FpPrint *match, FpPrint *probe, SearchResult *out)
{
    (void)probe;
    *out = (SearchResult){.decision = SEARCH_NO_MATCH, .score = -1, .runner_up_score = -1};
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

static const SearchBackend backends[] = {
    {"libfprint", libfprint_get_scan_prints, libfprint_decide},
};

Search *search_new(const char *backend, GError **error)
{
    for (size_t i = 0; i < G_N_ELEMENTS(backends); i++) {
        if (g_strcmp0(backends[i].name, backend) == 0) {
            Search *s = g_new0(Search, 1);
            s->backend = &backends[i];
            s->prints = g_ptr_array_new_with_free_func(g_object_unref);
            s->ids = g_array_new(FALSE, FALSE, sizeof(GalleryIds));
            return s;
        }
    }
    g_set_error(error, SEARCH_ERROR, 1, "unknown search backend \"%s\" (known: libfprint)", backend);
    return NULL;
}

void search_free(Search *s)
{
    if (!s)
        return;
    g_ptr_array_unref(s->prints);
    g_array_unref(s->ids);
    g_free(s);
}

gboolean search_add_finger(Search *s, gint64 finger_id, gint64 probationer_id, GBytes *print,
                           GError **error)
{
    gsize len = 0;
    const guchar *data = g_bytes_get_data(print, &len);
    g_autoptr(GError) local = NULL;
    FpPrint *p = len ? fp_print_deserialize(data, len, &local) : NULL;
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

gboolean search_load(Search *s, Store *store, guint *skipped, GError **error)
{
    LoadCtx ctx = {s, 0};
    s->version = store_get_gallery_version(store);
    gboolean ok = store_foreach_active_finger(store, add_from_store, &ctx, error);
    if (skipped)
        *skipped = ctx.skipped;
    return ok;
}

gboolean search_reload_if_changed(Search *s, Store *store, GError **error)
{
    if (store_get_gallery_version(store) == s->version)
        return FALSE;
    /* New arrays, not cleared ones: libfprint holds a reference to the old prints array for an
     * identify in flight, and search_decide() finds its match in the new one by content. */
    GPtrArray *old_prints = s->prints;
    GArray *old_ids = s->ids;
    s->prints = g_ptr_array_new_with_free_func(g_object_unref);
    s->ids = g_array_new(FALSE, FALSE, sizeof(GalleryIds));
    guint skipped = 0;
    if (!search_load(s, store, &skipped, error)) {
        g_ptr_array_unref(s->prints);
        g_array_unref(s->ids);
        s->prints = old_prints;
        s->ids = old_ids;
        return FALSE;
    }
    g_ptr_array_unref(old_prints);
    g_array_unref(old_ids);
    g_message("gallery reloaded: %u enrolled fingers", s->prints->len);
    return TRUE;
}

gboolean search_load_probationer(Search *s, Store *store, gint64 probationer_id, GError **error)
{
    LoadCtx ctx = {s, 0};
    return store_foreach_finger_of(store, probationer_id, add_from_store, &ctx, error);
}

void search_remove_probationer(Search *s, gint64 probationer_id)
{
    for (guint i = s->ids->len; i-- > 0;) {
        if (g_array_index(s->ids, GalleryIds, i).probationer_id == probationer_id) {
            g_ptr_array_remove_index(s->prints, i);
            g_array_remove_index(s->ids, i);
        }
    }
}

guint search_get_size(Search *s)
{
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
