/* store-gallery — the search gallery as start-up reads it, and the search indexes saved beside it.
 * See store.h.
 *
 * Reading 20,000 fingers is one query; opening their sealed prints and indexes (two AEAD opens a
 * finger) was most of its time when SQLite's unseal() did it on one core, so the rows are read
 * sealed and opened on every core, each thread its own stretch of rows. Opening is pure (the key is
 * only read), so the threads share nothing else. */
#include "app/store/store-private.h"

typedef struct {
    const Seal *seal;
    StoreGalleryFinger *rows;
    guint from, to;
    GError *error; /* the first row that did not open */
} OpenJob;

/* Opens one column's value in place: a value that was never sealed (an older program's) stays as it
 * is, as SQLite's unseal() leaves it. */
static gboolean open_value(const Seal *seal, GBytes **value, const char *column, GError **error)
{
    gsize len = 0;
    const void *data = *value ? g_bytes_get_data(*value, &len) : NULL;
    if (!data || !seal_is_sealed(data, len))
        return TRUE;
    GBytes *open = seal_open_value(seal, data, len, column, NULL, error);
    if (!open)
        return FALSE;
    g_bytes_unref(*value);
    *value = open;
    return TRUE;
}

static gpointer open_rows(gpointer data)
{
    OpenJob *job = data;
    for (guint i = job->from; i < job->to && !job->error; i++)
        if (open_value(job->seal, &job->rows[i].print, "print", &job->error))
            open_value(job->seal, &job->rows[i].index, "search_index", &job->error);
    return NULL;
}

static void clear_row(gpointer data)
{
    StoreGalleryFinger *row = data;
    g_clear_pointer(&row->print, g_bytes_unref);
    g_clear_pointer(&row->index, g_bytes_unref);
}

static GBytes *column_bytes(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL
               ? NULL
               : g_bytes_new(sqlite3_column_blob(st, col), sqlite3_column_bytes(st, col));
}

GArray *store_read_gallery(Store *s, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT f.id, f.probationer_id, f.print, f.search_index FROM fingers f "
                           "JOIN probationers p ON p.id = f.probationer_id "
                           "WHERE p.status = 'active' ORDER BY f.id",
                           -1, &st, NULL) != SQLITE_OK) {
        store_fail(s, error, "read enrolled fingers");
        return NULL;
    }
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(StoreGalleryFinger));
    g_array_set_clear_func(rows, clear_row);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        StoreGalleryFinger row = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), column_bytes(st, 2),
                                  column_bytes(st, 3)};
        g_array_append_val(rows, row);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_fail(s, error, "read enrolled fingers");
        return NULL;
    }
    /* This thread opens the first stretch, helpers the others. */
    guint n_jobs = MAX(MIN(MIN((guint)g_get_num_processors(), 16), rows->len), 1);
    guint per = (rows->len + n_jobs - 1) / n_jobs;
    OpenJob jobs[16];
    GThread *threads[16] = {NULL};
    for (guint j = 0; j < n_jobs; j++)
        jobs[j] = (OpenJob){s->seal, (StoreGalleryFinger *)rows->data, MIN(j * per, rows->len),
                            MIN((j + 1) * per, rows->len), NULL};
    for (guint j = 1; j < n_jobs; j++)
        threads[j] = g_thread_new("store-open", open_rows, &jobs[j]);
    open_rows(&jobs[0]);
    GError *failed = NULL;
    for (guint j = 0; j < n_jobs; j++) {
        if (threads[j])
            g_thread_join(threads[j]);
        if (jobs[j].error && !failed)
            failed = g_steal_pointer(&jobs[j].error);
        g_clear_error(&jobs[j].error);
    }
    if (failed) {
        g_propagate_prefixed_error(error, failed, "could not read enrolled fingers: ");
        return NULL;
    }
    return g_steal_pointer(&rows);
}

gboolean store_save_search_indexes(Store *s, const gint64 *finger_ids, GBytes *const *indexes, guint n,
                                   GError **error)
{
    if (n == 0)
        return TRUE;
    if (!store_bulk_begin(s, error))
        return FALSE;
    sqlite3_stmt *st = NULL;
    /* Only while the print is the one it was built from: a print replaced since has its index
     * cleared by store_replace_finger, and the engine checks the print it names anyway. */
    if (sqlite3_prepare_v2(s->db, "UPDATE fingers SET search_index = seal(?, 'search_index') WHERE id = ?", -1,
                           &st, NULL) != SQLITE_OK) {
        store_fail(s, error, "save the search index");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return FALSE;
    }
    int rc = SQLITE_DONE;
    for (guint i = 0; i < n && rc == SQLITE_DONE; i++) {
        gsize len = 0;
        const void *data = g_bytes_get_data(indexes[i], &len);
        sqlite3_bind_blob(st, 1, data, (int)len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, finger_ids[i]);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        store_fail(s, error, "save the search index");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return FALSE;
    }
    return store_bulk_commit(s, error);
}
