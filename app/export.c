/* export — CSV + SHA-256 manifest. See export.h. */
#include "app/export.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


GPtrArray *export_find_removable_media(void)
{
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *mounts = NULL;
    if (!g_file_get_contents("/proc/self/mounts", &mounts, NULL, NULL))
        return found;
    g_auto(GStrv) lines = g_strsplit(mounts, "\n", -1);
    /* Desktop automounters (udisks) use /media/USER/LABEL or /run/media/USER/LABEL; a kiosk's
     * usbmount uses /media/usbN. The last mounted is listed last: offer it first. */
    for (int i = (int)g_strv_length(lines) - 1; i >= 0; i--) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 4);
        if (g_strv_length(f) < 3)
            continue;
        g_autofree char *dir = g_strcompress(f[1]); /* \040 for spaces in labels */
        if (g_str_has_prefix(dir, "/media/") || g_str_has_prefix(dir, "/run/media/"))
            g_ptr_array_add(found, g_steal_pointer(&dir));
    }
    return found;
}

/* One sentence for what a write failure means to an officer holding a USB stick. */
static void fail_errno(GError **error, int err, const char *folder, const char *doing)
{
    const char *why;
    switch (err) {
    case ENOSPC: case EDQUOT: why = "the USB stick (or folder) is full"; break;
    case EROFS: why = "the USB stick is read-only (check its write-protect switch)"; break;
    case EACCES: case EPERM: why = "this kiosk may not write there"; break;
    case ENOENT: case ENOTDIR: why = "that folder does not exist (is the USB stick inserted?)"; break;
    default: why = g_strerror(err);
    }
    g_set_error(error, EXPORT_ERROR, err, "could not %s in %s: %s", doing, folder, why);
}

/* A cell a spreadsheet would run as a formula: = + - @ (or a tab or CR before one) at the start.
 * A plain number such as -3.5 is data and stays as it is. */
static gboolean is_formula(const char *v)
{
    if (!*v || !strchr("=+-@\t\r", *v))
        return FALSE;
    if (*v == '+' || *v == '-') {
        char *end = NULL;
        g_ascii_strtod(v, &end);
        return !(end && end != v && *end == '\0' && g_ascii_isdigit(v[1]));
    }
    return TRUE;
}

void export_csv_append_cell(GString *line, const char *v)
{
    if (!v)
        return;
    gboolean formula = is_formula(v);
    if (!formula && !strpbrk(v, ",\"\r\n")) {
        g_string_append(line, v);
        return;
    }
    g_string_append_c(line, '"');
    if (formula)
        g_string_append_c(line, '\''); /* shown as text, never evaluated */
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            g_string_append_c(line, '"');
        g_string_append_c(line, *p);
    }
    g_string_append_c(line, '"');
}

static void csv_field(GString *line, const char *v)
{
    if (line->len && line->str[line->len - 1] != '\n')
        g_string_append_c(line, ',');
    export_csv_append_cell(line, v);
}

typedef struct {
    int fd;
    GChecksum *sum;
    GString *buf;
    gint64 rows;
    const char *folder;
} Writer;

static gboolean flush(Writer *w, GError **error)
{
    const char *p = w->buf->str;
    size_t left = w->buf->len;
    while (left > 0) {
        ssize_t n = write(w->fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fail_errno(error, errno, w->folder, "write the export");
            return FALSE;
        }
        p += n;
        left -= (size_t)n;
    }
    g_checksum_update(w->sum, (const guchar *)w->buf->str, (gssize)w->buf->len);
    g_string_truncate(w->buf, 0);
    return TRUE;
}

static gboolean add_row(const StoreCheckinRow *r, gpointer data, GError **error)
{
    Writer *w = data;
    g_autofree char *score = r->score >= 0 ? g_strdup_printf("%.1f", r->score) : NULL;
    const char *fields[] = {r->uuid, r->wall_time, r->local_date, r->case_number, r->name_en, r->name_ur,
                            store_checkin_result_name(r->result),
                            r->method == CHECKIN_BY_FINGER ? "finger" : "case_number", score, r->device_id};
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
        csv_field(w->buf, fields[i]);
    g_string_append(w->buf, "\r\n");
    w->rows++;
    return w->buf->len < 64 * 1024 || flush(w, error);
}

/* Creates `path` new for writing, never through a link: an export may run as root into a folder
 * anyone can write (a USB stick), where a planted symlink at the predictable temporary name would
 * otherwise make it overwrite any file. A leftover regular file (an interrupted export) is removed
 * first; anything else in the way is refused. -1 with `error` set on failure. */
static int create_new(const char *path, const char *folder, const char *what, GError **error)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST) {
            g_autofree char *doing = g_strdup_printf("create the %s", what);
            fail_errno(error, errno, folder, doing);
            return -1;
        }
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || attempt > 0 || unlink(path) != 0)
            break;
    }
    g_autofree char *base = g_path_get_basename(path);
    g_set_error(error, EXPORT_ERROR, EEXIST,
                "could not create the %s in %s: %s is in the way and is not a file this export made "
                "(a link?); it was left alone — remove it and export again", what, folder, base);
    return -1;
}

static gboolean write_fully(int fd, const char *folder, const char *text, GError **error)
{
    size_t len = strlen(text);
    gboolean ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    if (!ok)
        fail_errno(error, errno, folder, "write the manifest");
    return ok;
}

gboolean export_checkins(Store *store, const char *device_id, const char *from, const char *to,
                         const char *folder, ExportResult *out, GError **error)
{
    *out = (ExportResult){0};
    g_autofree char *name = g_strdup_printf("haazri-%s-%s_%s.csv", device_id, from, to);
    g_autofree char *partial = g_strdup_printf("%s/.%s.partial", folder, name);
    g_autofree char *csv = g_build_filename(folder, name, NULL);
    g_autofree char *manifest = g_strconcat(csv, ".sha256", NULL);
    g_autofree char *manifest_partial = g_strdup_printf("%s/.%s.sha256.partial", folder, name);
    g_autofree char *line = NULL;
    gboolean made_partial = FALSE, made_manifest = FALSE;
    int mfd = -1;

    Writer w = {.folder = folder, .sum = g_checksum_new(G_CHECKSUM_SHA256), .buf = g_string_new(NULL)};
    w.fd = create_new(partial, folder, "export", error);
    gboolean ok = FALSE;
    if (w.fd < 0)
        goto out;
    made_partial = TRUE;
    g_string_append(w.buf, "uuid,time,date,case_number,name_en,name_ur,result,method,score,device_id\r\n");
    if (!store_foreach_checkin(store, from, to, add_row, &w, error) || !flush(&w, error))
        goto out;
    /* On the stick before the manifest says it is complete: fsync, rename, fsync the folder. */
    if (fsync(w.fd) != 0) {
        fail_errno(error, errno, folder, "finish writing the export");
        goto out;
    }
    close(w.fd);
    w.fd = -1;
    /* rename() replaces a link at the final name; it never writes through it. */
    if (g_rename(partial, csv) != 0) {
        fail_errno(error, errno, folder, "name the export");
        goto out;
    }
    made_partial = FALSE;
    line = g_strdup_printf("%s  %s\n", g_checksum_get_string(w.sum), name);
    mfd = create_new(manifest_partial, folder, "manifest", error);
    made_manifest = mfd >= 0;
    if (mfd < 0 || !write_fully(mfd, folder, line, error) || g_rename(manifest_partial, manifest) != 0) {
        if (mfd >= 0 && error && !*error)
            fail_errno(error, errno, folder, "name the manifest");
        g_unlink(csv);
        goto out;
    }
    made_manifest = FALSE;
    int dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd >= 0) {
        fsync(dirfd);
        close(dirfd);
    }
    out->csv_path = g_steal_pointer(&csv);
    out->manifest_path = g_steal_pointer(&manifest);
    out->rows = w.rows;
    g_strlcpy(out->sha256, g_checksum_get_string(w.sum), sizeof out->sha256);
    ok = TRUE;
out:
    if (w.fd >= 0)
        close(w.fd);
    if (mfd >= 0)
        close(mfd);
    /* Only what this export created is removed: a link someone planted stays, for them to see. */
    if (made_partial)
        g_unlink(partial);
    if (made_manifest)
        g_unlink(manifest_partial);
    g_checksum_free(w.sum);
    g_string_free(w.buf, TRUE);
    return ok;
}

void export_result_clear(ExportResult *r)
{
    g_clear_pointer(&r->csv_path, g_free);
    g_clear_pointer(&r->manifest_path, g_free);
}
