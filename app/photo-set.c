/* photo-set — picking a photo from a folder and keeping it, audited. See photo-set.h. */
#include "app/photo-set.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>

static gboolean is_image_name(const char *name)
{
    if (name[0] == '.')
        return FALSE;
    g_autofree char *lower = g_ascii_strdown(name, -1);
    return g_str_has_suffix(lower, ".jpg") || g_str_has_suffix(lower, ".jpeg") || g_str_has_suffix(lower, ".png");
}

void photo_file_free(PhotoFile *f)
{
    if (!f)
        return;
    g_free(f->name);
    g_free(f->path);
    g_free(f);
}

static gint newest_first(gconstpointer a, gconstpointer b)
{
    const PhotoFile *x = *(PhotoFile *const *)a, *y = *(PhotoFile *const *)b;
    if (x->mtime != y->mtime)
        return x->mtime > y->mtime ? -1 : 1;
    return strcmp(x->name, y->name);
}

GPtrArray *photo_list_folder(const char *folder, guint max, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autoptr(GDir) dir = g_dir_open(folder, 0, &local);
    if (!dir) {
        gboolean missing = g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ||
                           g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
        g_set_error(error, G_IO_ERROR, missing ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_FAILED, "%s", local->message);
        return NULL;
    }
    GPtrArray *found = g_ptr_array_new_with_free_func((GDestroyNotify)photo_file_free);
    const char *name;
    for (int seen = 0; seen < PHOTO_SCAN_MAX && (name = g_dir_read_name(dir)); seen++) {
        if (!is_image_name(name) || !g_utf8_validate(name, -1, NULL))
            continue;
        g_autofree char *path = g_build_filename(folder, name, NULL);
        struct stat st;
        /* lstat: a link on the stick is not followed to somewhere else on the kiosk. */
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        PhotoFile *f = g_new0(PhotoFile, 1);
        f->name = g_strdup(name);
        f->path = g_steal_pointer(&path);
        f->size = st.st_size;
        f->mtime = st.st_mtim.tv_sec;
        g_ptr_array_add(found, f);
    }
    g_ptr_array_sort(found, newest_first);
    if (found->len > max)
        g_ptr_array_set_size(found, max);
    return found;
}

gboolean photo_set_for(Store *store, const StoreProbationer *person, GBytes *photo, const char *source,
                       const char *actor, GError **error)
{
    g_autofree char *detail = !photo ? g_strdup("removed")
                              : source ? g_strdup_printf("%zu bytes from %s", g_bytes_get_size(photo), source)
                                       : g_strdup_printf("%zu bytes", g_bytes_get_size(photo));
    return store_set_photo(store, person->id, photo, error) &&
           store_audit(store, actor, "probationer.photo", person->case_number, detail, error);
}
