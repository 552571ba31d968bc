/* lazyfs — a FUSE file system for the power-cut tests: a folder seen through a page cache that only
 * fsync empties, and a power cut that throws away whatever it did not (docs/powercut.md).
 *
 *   lazyfs [--tear SEED] BACKING TRASH MOUNTPOINT
 *
 * BACKING is "the disk": after a cut it holds exactly what had been made durable. The model, after
 * ext4 with data=ordered and delayed allocation (what a kiosk's SD card runs):
 *   - file data (and a file's size, truncation included) is kept in memory, page by page, until
 *     fsync or fdatasync of that file writes it to BACKING;
 *   - names (create, unlink, rename, mkdir, rmdir) are applied to BACKING at once but each is
 *     logged with how to undo it; the log is the journal's open transaction: any fsync (of any
 *     file, or of a directory) commits it, as one ext4 journal commit carries every pending name
 *     change. Unlinked and overwritten files wait in TRASH until then;
 *   - permissions, owners and times go straight through (not modelled).
 * SIGTERM is the cut: the mount goes, then every un-fsync'd page is dropped and the open journal
 * transaction undone, newest first. With --tear each dirty 512-byte sector instead reaches the
 * disk or not by a coin toss seeded with SEED (a write torn inside a page: what the disk had
 * written back when the power went). Start lazyfs again on the same BACKING for the next boot.
 * Single-threaded (-s); no writeback cache in the kernel, entry and attribute caches off. */
#define FUSE_USE_VERSION 31
#include <fuse.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define PAGE 4096
#define SECTOR 512

typedef struct {
    guint8 data[PAGE];
    guint8 dirty; /* one bit per 512-byte sector written since the last fsync */
} Page;

/* One file of BACKING by inode number (names change; an open file keeps its inode alive). */
typedef struct {
    int fd;             /* BACKING's file, kept open so the inode number is never reused */
    off_t size;         /* the size the programs see */
    off_t stale_from;   /* BACKING's bytes from here on were truncated away in memory */
    GHashTable *pages;  /* page index → Page*, the un-fsync'd data */
} Node;

typedef enum { UNDO_CREATE, UNDO_MKDIR, UNDO_REMOVE, UNDO_RENAME } UndoKind;
typedef struct {
    UndoKind kind;
    char *path, *to;    /* relative to BACKING */
    char *trashed;      /* name in TRASH of what was removed or overwritten, or NULL */
} Undo;

static int root_fd = -1, trash_fd = -1;
static GHashTable *nodes;  /* ino → Node* */
static GPtrArray *journal; /* Undo*, oldest first: the open transaction */
static guint trash_seq;
static GRand *tear_rand;   /* NULL: a cut drops every dirty sector */

static const char *rel(const char *path)
{
    return path[1] ? path + 1 : ".";
}

static Node *node_of_fd(int fd, const struct stat *st)
{
    Node *n = g_hash_table_lookup(nodes, GSIZE_TO_POINTER(st->st_ino));
    if (n) {
        close(fd);
        return n;
    }
    n = g_new0(Node, 1);
    n->fd = fd;
    n->size = st->st_size;
    n->stale_from = G_MAXINT64;
    n->pages = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    g_hash_table_insert(nodes, GSIZE_TO_POINTER(st->st_ino), n);
    return n;
}

/* The node of a regular file by name (opening it if this mount hasn't yet). */
static Node *node_at(const char *path, int *err)
{
    struct stat st;
    if (fstatat(root_fd, rel(path), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        *err = -errno;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = -EINVAL;
        return NULL;
    }
    Node *n = g_hash_table_lookup(nodes, GSIZE_TO_POINTER(st.st_ino));
    if (n)
        return n;
    int fd = openat(root_fd, rel(path), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        *err = -errno;
        return NULL;
    }
    return node_of_fd(fd, &st);
}

/* What BACKING holds for [off, off+len) as this mount sees it: zeros past its end or a truncation. */
static void read_clean(Node *n, guint8 *buf, size_t len, off_t off)
{
    memset(buf, 0, len);
    off_t limit = MIN(n->stale_from, off + (off_t)len);
    size_t got = 0;
    while (off + (off_t)got < limit) {
        ssize_t r = pread(n->fd, buf + got, limit - off - got, off + got);
        if (r <= 0)
            break;
        got += r;
    }
}

static Page *page_get(Node *n, guint64 index)
{
    Page *p = g_hash_table_lookup(n->pages, GSIZE_TO_POINTER(index));
    if (!p) {
        p = g_new0(Page, 1);
        read_clean(n, p->data, PAGE, (off_t)index * PAGE);
        g_hash_table_insert(n->pages, GSIZE_TO_POINTER(index), p);
    }
    return p;
}

static void node_truncate(Node *n, off_t size)
{
    if (size < n->size) {
        GHashTableIter it;
        gpointer key, value;
        g_hash_table_iter_init(&it, n->pages);
        while (g_hash_table_iter_next(&it, &key, &value))
            if ((off_t)GPOINTER_TO_SIZE(key) * PAGE >= size)
                g_hash_table_iter_remove(&it);
        if (size % PAGE) {
            Page *p = page_get(n, size / PAGE);
            memset(p->data + size % PAGE, 0, PAGE - size % PAGE);
            p->dirty |= (guint8)(0xff << ((size % PAGE) / SECTOR));
        }
        n->stale_from = MIN(n->stale_from, size);
    }
    n->size = size;
}

/* Any fsync: the journal's open transaction is committed; what waited in TRASH goes for good. */
static void journal_commit(void)
{
    for (guint i = 0; i < journal->len; i++) {
        Undo *u = g_ptr_array_index(journal, i);
        if (u->trashed && unlinkat(trash_fd, u->trashed, 0) < 0 && errno == EISDIR)
            unlinkat(trash_fd, u->trashed, AT_REMOVEDIR);
    }
    g_ptr_array_set_size(journal, 0);
}

static void undo_free(gpointer data)
{
    Undo *u = data;
    g_free(u->path);
    g_free(u->to);
    g_free(u->trashed);
    g_free(u);
}

static void journal_add(UndoKind kind, const char *path, const char *to, char *trashed)
{
    Undo *u = g_new0(Undo, 1);
    u->kind = kind;
    u->path = g_strdup(rel(path));
    u->to = to ? g_strdup(rel(to)) : NULL;
    u->trashed = trashed;
    g_ptr_array_add(journal, u);
}

/* Moves `path` into TRASH (so the removal can be undone); its name there, or NULL with errno. */
static char *move_to_trash(const char *path)
{
    char *name = g_strdup_printf("%u", ++trash_seq);
    if (renameat(root_fd, rel(path), trash_fd, name) < 0) {
        g_free(name);
        return NULL;
    }
    return name;
}

static int node_fsync(Node *n)
{
    struct stat st;
    if (fstat(n->fd, &st) < 0)
        return -errno;
    if (n->stale_from < st.st_size && ftruncate(n->fd, n->stale_from) < 0)
        return -errno;
    if (ftruncate(n->fd, n->size) < 0)
        return -errno;
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, n->pages);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        off_t off = (off_t)GPOINTER_TO_SIZE(key) * PAGE;
        size_t len = (size_t)MIN((off_t)PAGE, n->size - off);
        if (off < n->size && pwrite(n->fd, ((Page *)value)->data, len, off) != (ssize_t)len)
            return -EIO;
    }
    g_hash_table_remove_all(n->pages);
    n->stale_from = G_MAXINT64;
    journal_commit();
    return 0;
}

static void *lz_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    cfg->entry_timeout = cfg->attr_timeout = cfg->negative_timeout = 0;
    cfg->kernel_cache = 0;
    cfg->use_ino = 1;
    return NULL;
}

static int lz_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    if (fstatat(root_fd, rel(path), st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    if (fi && fi->fh)
        st->st_size = ((Node *)(uintptr_t)fi->fh)->size;
    else if (S_ISREG(st->st_mode)) {
        Node *n = g_hash_table_lookup(nodes, GSIZE_TO_POINTER(st->st_ino));
        if (n)
            st->st_size = n->size;
    }
    return 0;
}

static int lz_access(const char *path, int mask)
{
    return faccessat(root_fd, rel(path), mask, 0) < 0 ? -errno : 0;
}

static int lz_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags)
{
    (void)off, (void)fi, (void)flags;
    int fd = openat(root_fd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d)
        return -errno;
    struct dirent *e;
    while ((e = readdir(d)))
        if (fill(buf, e->d_name, NULL, 0, 0))
            break;
    closedir(d);
    return 0;
}

static int lz_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    int fd = openat(root_fd, rel(path), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    gboolean made = fd >= 0;
    if (fd < 0 && errno == EEXIST)
        fd = openat(root_fd, rel(path), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (made)
        journal_add(UNDO_CREATE, path, NULL, NULL);
    struct stat st;
    fstat(fd, &st);
    Node *n = node_of_fd(fd, &st);
    if (!made && (fi->flags & O_TRUNC))
        node_truncate(n, 0);
    fi->fh = (uintptr_t)n;
    return 0;
}

static int lz_open(const char *path, struct fuse_file_info *fi)
{
    int err = 0;
    Node *n = node_at(path, &err);
    if (!n)
        return err;
    if (fi->flags & O_TRUNC)
        node_truncate(n, 0);
    fi->fh = (uintptr_t)n;
    return 0;
}

static int lz_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)path;
    Node *n = (Node *)(uintptr_t)fi->fh;
    if (off >= n->size)
        return 0;
    size = (size_t)MIN((off_t)size, n->size - off);
    for (size_t done = 0; done < size;) {
        off_t at = off + done;
        size_t in = at % PAGE, len = MIN(size - done, (size_t)(PAGE - in));
        Page *p = g_hash_table_lookup(n->pages, GSIZE_TO_POINTER(at / PAGE));
        if (p)
            memcpy(buf + done, p->data + in, len);
        else
            read_clean(n, (guint8 *)buf + done, len, at);
        done += len;
    }
    return (int)size;
}

static int lz_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)path;
    Node *n = (Node *)(uintptr_t)fi->fh;
    for (size_t done = 0; done < size;) {
        off_t at = off + done;
        size_t in = at % PAGE, len = MIN(size - done, (size_t)(PAGE - in));
        Page *p = page_get(n, at / PAGE);
        memcpy(p->data + in, buf + done, len);
        for (size_t s = in / SECTOR; s <= (in + len - 1) / SECTOR; s++)
            p->dirty |= (guint8)(1u << s);
        done += len;
    }
    n->size = MAX(n->size, off + (off_t)size);
    return (int)size;
}

static int lz_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    int err = 0;
    Node *n = fi && fi->fh ? (Node *)(uintptr_t)fi->fh : node_at(path, &err);
    if (!n)
        return err;
    node_truncate(n, size);
    return 0;
}

static int lz_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path, (void)datasync;
    return node_fsync((Node *)(uintptr_t)fi->fh);
}

static int lz_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)path, (void)datasync, (void)fi;
    journal_commit();
    return 0;
}

static int lz_mkdir(const char *path, mode_t mode)
{
    if (mkdirat(root_fd, rel(path), mode) < 0)
        return -errno;
    journal_add(UNDO_MKDIR, path, NULL, NULL);
    return 0;
}

static int lz_remove(const char *path, gboolean dir)
{
    struct stat st;
    if (fstatat(root_fd, rel(path), &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    if (dir != !!S_ISDIR(st.st_mode))
        return dir ? -ENOTDIR : -EISDIR;
    if (dir) { /* only an empty folder may go: let the kernel's own check say so */
        int fd = openat(root_fd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd < 0 ? NULL : fdopendir(fd);
        if (!d)
            return -errno;
        struct dirent *e;
        gboolean empty = TRUE;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                empty = FALSE;
        closedir(d);
        if (!empty)
            return -ENOTEMPTY;
    }
    char *trashed = move_to_trash(path);
    if (!trashed)
        return -errno;
    journal_add(UNDO_REMOVE, path, NULL, trashed);
    return 0;
}

static int lz_unlink(const char *path)
{
    return lz_remove(path, FALSE);
}

static int lz_rmdir(const char *path)
{
    return lz_remove(path, TRUE);
}

static int lz_rename(const char *from, const char *to, unsigned int flags)
{
    if (flags & ~RENAME_NOREPLACE)
        return -EINVAL;
    struct stat st;
    if (fstatat(root_fd, rel(from), &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    char *trashed = NULL;
    if (fstatat(root_fd, rel(to), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (flags & RENAME_NOREPLACE)
            return -EEXIST;
        if (!(trashed = move_to_trash(to)))
            return -errno;
    }
    if (renameat(root_fd, rel(from), root_fd, rel(to)) < 0) {
        int e = errno;
        if (trashed)
            renameat(trash_fd, trashed, root_fd, rel(to));
        g_free(trashed);
        return -e;
    }
    journal_add(UNDO_RENAME, from, to, trashed);
    return 0;
}

static int lz_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)fi;
    return fchmodat(root_fd, rel(path), mode, 0) < 0 ? -errno : 0;
}

static int lz_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
    (void)fi;
    return fchownat(root_fd, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int lz_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
    (void)fi;
    return utimensat(root_fd, rel(path), tv, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int lz_statfs(const char *path, struct statvfs *st)
{
    (void)path;
    return fstatvfs(root_fd, st) < 0 ? -errno : 0;
}

static const struct fuse_operations ops = {
    .init = lz_init,         .getattr = lz_getattr, .access = lz_access,     .readdir = lz_readdir,
    .create = lz_create,     .open = lz_open,       .read = lz_read,         .write = lz_write,
    .truncate = lz_truncate, .fsync = lz_fsync,     .fsyncdir = lz_fsyncdir, .mkdir = lz_mkdir,
    .unlink = lz_unlink,     .rmdir = lz_rmdir,     .rename = lz_rename,     .chmod = lz_chmod,
    .chown = lz_chown,       .utimens = lz_utimens, .statfs = lz_statfs,
};

/* The power cut, after the mount is gone: what never reached the disk is lost. */
static void cut(void)
{
    guint64 dropped = 0, torn = 0;
    GHashTableIter it, pit;
    gpointer key, value, pkey, pvalue;
    g_hash_table_iter_init(&it, nodes);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        Node *n = value;
        g_hash_table_iter_init(&pit, n->pages);
        while (g_hash_table_iter_next(&pit, &pkey, &pvalue)) {
            Page *p = pvalue;
            for (int s = 0; s < PAGE / SECTOR; s++) {
                if (!(p->dirty & (1u << s)))
                    continue;
                off_t at = (off_t)GPOINTER_TO_SIZE(pkey) * PAGE + s * SECTOR;
                if (tear_rand && g_rand_boolean(tear_rand) &&
                    pwrite(n->fd, p->data + s * SECTOR, SECTOR, at) == SECTOR)
                    torn++;
                else
                    dropped++;
            }
        }
    }
    guint undone = journal->len;
    for (guint i = journal->len; i-- > 0;) {
        Undo *u = g_ptr_array_index(journal, i);
        switch (u->kind) {
        case UNDO_CREATE: unlinkat(root_fd, u->path, 0); break;
        case UNDO_MKDIR: unlinkat(root_fd, u->path, AT_REMOVEDIR); break;
        case UNDO_REMOVE: renameat(trash_fd, u->trashed, root_fd, u->path); break;
        case UNDO_RENAME:
            renameat(root_fd, u->to, root_fd, u->path);
            if (u->trashed)
                renameat(trash_fd, u->trashed, root_fd, u->to);
            break;
        }
    }
    fprintf(stderr, "lazyfs: cut: %" G_GUINT64_FORMAT " dirty sectors lost, %" G_GUINT64_FORMAT
            " written torn, %u name changes undone\n", dropped, torn, undone);
}

int main(int argc, char **argv)
{
    int a = 1;
    if (argc > 2 && strcmp(argv[1], "--tear") == 0) {
        tear_rand = g_rand_new_with_seed((guint32)g_ascii_strtoull(argv[2], NULL, 10));
        a = 3;
    }
    if (argc - a != 3) {
        fprintf(stderr, "usage: lazyfs [--tear SEED] BACKING TRASH MOUNTPOINT\n");
        return 2;
    }
    root_fd = open(argv[a], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    trash_fd = open(argv[a + 1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0 || trash_fd < 0) {
        fprintf(stderr, "lazyfs: %s or %s is not a folder: %s\n", argv[a], argv[a + 1], g_strerror(errno));
        return 2;
    }
    nodes = g_hash_table_new(g_direct_hash, g_direct_equal);
    journal = g_ptr_array_new_with_free_func(undo_free);
    char *fargv[] = {argv[0], "-f", "-s", "-o", "fsname=lazyfs,subtype=lazyfs", argv[a + 2], NULL};
    int rc = fuse_main(6, fargv, &ops, NULL);
    cut();
    return rc;
}
