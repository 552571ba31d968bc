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

void store_gallery_finger_clear(gpointer data)
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

/* Every active probationer's fingers, or one probationer's (when `probationer_id` is not 0; none
 * when they are not active). */
static StoreGalleryReader *reader_new(Store *s, gint64 probationer_id, GError **error)
{
    sqlite3_stmt *st = NULL;
    /* One person's by the (probationer_id, finger) index: a condition that could also mean "all"
     * kept SQLite from using it, and each person's read walked the whole table (~8 ms at 20,000
     * fingers, so 1.6 s for a page of 200 people). */
#define ACTIVE_FINGERS                                                                                  \
    "SELECT f.id, f.probationer_id, f.print, f.search_index FROM fingers f "                            \
    "JOIN probationers p ON p.id = f.probationer_id WHERE p.status = 'active' "
    const char *sql = probationer_id == 0 ? ACTIVE_FINGERS "ORDER BY f.id"
                                          : ACTIVE_FINGERS "AND f.probationer_id = ?1 ORDER BY f.id";
#undef ACTIVE_FINGERS
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        store_fail(s, error, "read enrolled fingers");
        return NULL;
    }
    if (probationer_id != 0)
        sqlite3_bind_int64(st, 1, probationer_id);
    StoreGalleryReader *r = g_new(StoreGalleryReader, 1);
    *r = (StoreGalleryReader){s, st};
    return r;
}

StoreGalleryReader *store_gallery_reader_new(Store *s, GError **error)
{
    return reader_new(s, 0, error);
}

StoreGalleryReader *store_gallery_reader_new_of(Store *s, gint64 probationer_id, GError **error)
{
    g_return_val_if_fail(probationer_id != 0, NULL);
    return reader_new(s, probationer_id, error);
}

gint64 store_get_gallery_change(Store *s)
{
    sqlite3_stmt *st = NULL;
    gint64 newest = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT max(seq) FROM gallery_changes", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        newest = sqlite3_column_int64(st, 0); /* 0 when there is none */
    sqlite3_finalize(st);
    return newest;
}

/* The oldest and newest change kept (0 and 0 when none is), and the first `max` of the people changed
 * after `after` by their latest change, with the last one's latest change in `last`: all in one read
 * transaction, so no change can fall between them. */
static gboolean read_changes(Store *s, gint64 after, guint max, gint64 *oldest, gint64 *newest, gint64 *last,
                             GArray *who)
{
    sqlite3_stmt *range = NULL, *people = NULL;
    gboolean ok = sqlite3_prepare_v2(s->db, "SELECT ifnull(min(seq), 0), ifnull(max(seq), 0) FROM gallery_changes",
                                     -1, &range, NULL) == SQLITE_OK &&
                  sqlite3_prepare_v2(s->db,
                                     "SELECT probationer_id, max(seq) AS latest FROM gallery_changes "
                                     "WHERE seq > ? AND seq <= ? GROUP BY probationer_id ORDER BY latest LIMIT ?",
                                     -1, &people, NULL) == SQLITE_OK &&
                  sqlite3_step(range) == SQLITE_ROW;
    if (ok) {
        *oldest = sqlite3_column_int64(range, 0);
        *newest = sqlite3_column_int64(range, 1);
        sqlite3_bind_int64(people, 1, after);
        sqlite3_bind_int64(people, 2, *newest);
        sqlite3_bind_int64(people, 3, (gint64)max);
        int rc;
        while ((rc = sqlite3_step(people)) == SQLITE_ROW) {
            gint64 id = sqlite3_column_int64(people, 0);
            g_array_append_val(who, id);
            *last = sqlite3_column_int64(people, 1);
        }
        ok = rc == SQLITE_DONE;
    }
    sqlite3_finalize(range);
    sqlite3_finalize(people);
    return ok;
}

gboolean store_list_gallery_changes(Store *s, gint64 after, guint max, GArray *who, gint64 *newest,
                                    gboolean *complete, GError **error)
{
    *complete = FALSE;
    *newest = after;
    g_array_set_size(who, 0);
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, error, "read which enrolled fingers changed");
    gint64 oldest = 0, kept = 0, last = after;
    gboolean ok = read_changes(s, after, max, &oldest, &kept, &last, who);
    if (!ok)
        store_fail(s, error, "read which enrolled fingers changed");
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (!ok)
        return FALSE;
    /* Told unless changes after `after` are no longer kept, or the store is behind `after`. A person
     * left for a later page changed last after `last`, so that page names them, as they are then. */
    *complete = kept >= after && (oldest == 0 || oldest <= after + 1);
    if (*complete)
        *newest = last;
    return TRUE;
}

GArray *store_gallery_reader_next(StoreGalleryReader *r, guint max, GError **error)
{
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(StoreGalleryFinger));
    g_array_set_clear_func(rows, store_gallery_finger_clear);
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
