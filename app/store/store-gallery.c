/* store-gallery — the search gallery as start-up reads it, and the search indexes saved beside it.
 * See store.h.
 *
 * The prints and indexes are opened here, row by row, rather than by SQLite's unseal() in the
 * query: there, one value that did not open (a bad sector, a tampered copy) failed the whole query,
 * and a kiosk that can't load its gallery takes no check-ins at all. Here that finger alone is
 * left out, with the reason, and everyone else loads. (Opening on several threads was tried: the
 * copies it needed cost more than it saved, measured.) */
#include "app/store/store-private.h"

/* A column's value, opened when sealed (a value an older program left unsealed is taken as it is,
 * as unseal() takes it); NULL for SQL NULL. FALSE when it is sealed and does not open. */
static gboolean open_column(const Seal *seal, sqlite3_stmt *st, int col, const char *column, GBytes **out,
                            GError **error)
{
    *out = NULL;
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return TRUE;
    const void *data = sqlite3_column_blob(st, col);
    gsize len = (gsize)sqlite3_column_bytes(st, col);
    if (!seal_is_sealed(data, len)) {
        *out = g_bytes_new(data, len);
        return TRUE;
    }
    *out = seal_open_value(seal, data, len, column, NULL, error);
    return *out != NULL;
}

static void clear_row(gpointer data)
{
    StoreGalleryFinger *row = data;
    g_clear_pointer(&row->print, g_bytes_unref);
    g_clear_pointer(&row->index, g_bytes_unref);
    g_clear_error(&row->error);
}

struct StoreGalleryReader {
    Store *store;
    sqlite3_stmt *st; /* NULL once every row is read */
};

StoreGalleryReader *store_gallery_reader_new(Store *s, GError **error)
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
    StoreGalleryReader *r = g_new(StoreGalleryReader, 1);
    *r = (StoreGalleryReader){s, st};
    return r;
}

GArray *store_gallery_reader_next(StoreGalleryReader *r, guint max, GError **error)
{
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(StoreGalleryFinger));
    g_array_set_clear_func(rows, clear_row);
    while (r->st && rows->len < max) {
        int rc = sqlite3_step(r->st);
        if (rc != SQLITE_ROW) {
            if (rc != SQLITE_DONE) {
                store_fail(r->store, error, "read enrolled fingers");
                return NULL;
            }
            sqlite3_finalize(r->st);
            r->st = NULL;
            break;
        }
        StoreGalleryFinger row = {sqlite3_column_int64(r->st, 0), sqlite3_column_int64(r->st, 1), NULL, NULL, NULL};
        if (open_column(r->store->seal, r->st, 2, "print", &row.print, &row.error)) {
            /* An index that does not open is only a cache lost: built again. */
            g_autoptr(GError) lost = NULL;
            open_column(r->store->seal, r->st, 3, "search_index", &row.index, &lost);
        }
        g_array_append_val(rows, row);
    }
    return g_steal_pointer(&rows);
}

void store_gallery_reader_free(StoreGalleryReader *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->st);
    g_free(r);
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
