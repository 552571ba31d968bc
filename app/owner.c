/* owner — files in the data folder belong to the service user. See owner.h. */
#include "app/owner.h"

#include <errno.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folder's owner when we are root and it isn't; FALSE when nothing needs to change hands. */
static gboolean folder_owner(const char *folder, uid_t *uid, gid_t *gid)
{
    struct stat st;
    if (geteuid() != 0 || stat(folder, &st) != 0 || st.st_uid == 0)
        return FALSE;
    *uid = st.st_uid;
    *gid = st.st_gid;
    return TRUE;
}

static gboolean fail(GError **error, const char *path, int err)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                "cannot give %s to the kiosk's user (the owner of its folder): %s", path, g_strerror(err));
    return FALSE;
}

gboolean owner_adopt(const char *path, GError **error)
{
    g_autofree char *folder = g_path_get_dirname(path);
    uid_t uid;
    gid_t gid;
    if (!folder_owner(folder, &uid, &gid))
        return TRUE;
    if (lchown(path, uid, gid) != 0 && errno != ENOENT)
        return fail(error, path, errno);
    return TRUE;
}

gboolean owner_adopt_fd(int fd, const char *folder, GError **error)
{
    uid_t uid;
    gid_t gid;
    if (!folder_owner(folder, &uid, &gid))
        return TRUE;
    if (fchown(fd, uid, gid) != 0)
        return fail(error, folder, errno);
    return TRUE;
}

static char *user_name(uid_t uid)
{
    struct passwd *pw = getpwuid(uid);
    return pw ? g_strdup(pw->pw_name) : g_strdup_printf("uid %u", (unsigned)uid);
}

char *owner_find_foreign(const char *folder)
{
    struct stat dir;
    g_autoptr(GDir) d = stat(folder, &dir) == 0 ? g_dir_open(folder, 0, NULL) : NULL;
    if (!d)
        return NULL;
    g_autoptr(GString) names = g_string_new(NULL);
    uid_t other = dir.st_uid;
    for (const char *name; (name = g_dir_read_name(d));) {
        g_autofree char *path = g_build_filename(folder, name, NULL);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid != dir.st_uid) {
            g_string_append_printf(names, "%s%s", names->len ? ", " : "", name);
            other = st.st_uid;
        }
    }
    if (!names->len)
        return NULL;
    g_autofree char *owner_name = user_name(dir.st_uid);
    g_autofree char *their_name = user_name(other);
    return g_strdup_printf("%s in %s belong%s to %s, not to %s who owns the folder (the kiosk's user): the kiosk "
                           "may not be able to save check-ins — as root: chown -R %s: %s",
                           names->str, folder, strchr(names->str, ',') ? "" : "s", their_name, owner_name,
                           owner_name, folder);
}
