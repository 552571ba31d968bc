/* health — disk space watch. See health.h. */
#include "app/health.h"

#include <errno.h>
#include <sys/statvfs.h>

struct Health {
    char *path;
    guint64 warn_bytes;
    HealthFunc func;
    gpointer user_data;
    HealthDisk disk;
    gboolean reported_low;
    guint timer;
};

gboolean health_check_disk(const char *path, guint64 warn_bytes, HealthDisk *out, GError **error)
{
    struct statvfs st;
    if (statvfs(path, &st) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot measure the disk of %s: %s",
                    path, g_strerror(errno));
        return FALSE;
    }
    out->free_bytes = (guint64)st.f_bavail * st.f_frsize;
    out->total_bytes = (guint64)st.f_blocks * st.f_frsize;
    out->low = out->free_bytes < warn_bytes;
    return TRUE;
}

static gboolean check(gpointer data)
{
    Health *h = data;
    g_autoptr(GError) error = NULL;
    if (!health_check_disk(h->path, h->warn_bytes, &h->disk, &error)) {
        g_warning("%s", error->message);
        return G_SOURCE_CONTINUE;
    }
    if (h->disk.low != h->reported_low) {
        h->reported_low = h->disk.low;
        if (h->disk.low)
            g_warning("disk almost full: %" G_GUINT64_FORMAT " MB left for %s", h->disk.free_bytes >> 20, h->path);
        else
            g_message("disk space recovered: %" G_GUINT64_FORMAT " MB free", h->disk.free_bytes >> 20);
        if (h->func)
            h->func(&h->disk, h->user_data);
    }
    return G_SOURCE_CONTINUE;
}

Health *health_new(const char *path, guint warn_mb, guint interval_s, HealthFunc func, gpointer user_data)
{
    Health *h = g_new0(Health, 1);
    h->path = g_strdup(path);
    h->warn_bytes = (guint64)warn_mb << 20;
    h->func = func;
    h->user_data = user_data;
    check(h);
    h->timer = g_timeout_add_seconds(interval_s, check, h);
    return h;
}

void health_free(Health *h)
{
    if (!h)
        return;
    g_source_remove(h->timer);
    g_free(h->path);
    g_free(h);
}

const HealthDisk *health_get_disk(Health *h)
{
    return &h->disk;
}
