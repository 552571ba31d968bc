/* storm — real power cuts under the kiosk's data path (docs/powercut.md).
 *
 *   powercut-storm [--cuts N] [--max-ms MS] [--no-tear] [--unsafe-sync]
 *
 * The kiosk's data folder is a lazyfs mount (tests/powercut/lazyfs.c: what was not fsync'd is lost
 * at a cut). The kiosk is provisioned with the real receiver on 127.0.0.1 (TLS), then, N times: a
 * writer boots (writer.c: check-ins, enrollments, roster pages, audit rows, the sync pushing),
 * the power goes at a random moment (the writer is killed, lazyfs throws away what was not
 * fsync'd), the disk comes back, and everything confirmed on the screen must still be there; the
 * database must pass PRAGMA integrity_check and boot; `haazri-ctl audit verify` must pass; nothing
 * the centre holds may be missing at the kiosk. At the end the queue is drained: every check-in of
 * the kiosk is at the centre exactly once. Prints `bench:` lines; exit 1 on any loss. */
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/store/store.h"
#include "tests/central.h"
#include "tests/helpers.h"
#include "tests/powercut/powercut.h"

static char *self_exe, *backing, *trash, *mnt, *conf, *screen, *print_file, *spec, *fs_log;
static GPid fs_pid;
static GHashTable *reported; /* half-done enrollments already reported */
static gboolean tear = TRUE;
static guint64 sectors_lost, sectors_torn, names_undone, failures, lost, half_done;

#define FAIL(...) (failures++, g_printerr("powercut: FAIL: " __VA_ARGS__), g_printerr("\n"))

static char *build_path(const char *name)
{
    const char *b = g_getenv("HAAZRI_BUILD");
    return g_build_filename(b ? b : "build", name, NULL);
}

/* Every other boot's cut tears: each dirty sector reaches the disk or not (lazyfs --tear). */
static void fs_mount(guint seed)
{
    g_autofree char *exe = build_path("tests/lazyfs");
    g_autofree char *seed_s = g_strdup_printf("%u", seed);
    char *with_tear[] = {exe, "--tear", seed_s, backing, trash, mnt, NULL};
    char *plain[] = {exe, backing, trash, mnt, NULL};
    struct stat before, now;
    g_assert_cmpint(stat(mnt, &before), ==, 0);
    g_autoptr(GError) error = NULL;
    int err = open(fs_log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    g_assert_true(err >= 0);
    g_assert_true(g_spawn_async_with_fds(NULL, tear && seed % 2 ? with_tear : plain, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                         &fs_pid, -1, err, err, &error));
    close(err);
    for (int i = 0; i < 5000; i++) {
        if (stat(mnt, &now) == 0 && now.st_dev != before.st_dev)
            return;
        g_usleep(1000);
    }
    g_error("lazyfs did not mount %s (see %s)", mnt, fs_log);
}

/* The power goes: the mount with it, and whatever was not fsync'd. */
static void fs_cut(void)
{
    if (!fs_pid)
        return;
    kill(fs_pid, SIGTERM);
    int status = 0;
    waitpid(fs_pid, &status, 0);
    fs_pid = 0;
    g_autofree char *log = NULL;
    guint64 l = 0, t = 0, u = 0;
    if (g_file_get_contents(fs_log, &log, NULL, NULL)) {
        const char *line = strstr(log, "lazyfs: cut:");
        if (!line || sscanf(line, "lazyfs: cut: %" G_GUINT64_FORMAT " dirty sectors lost, %" G_GUINT64_FORMAT
                                  " written torn, %" G_GUINT64_FORMAT, &l, &t, &u) != 3)
            g_error("lazyfs did not report its cut: %s", log);
    }
    sectors_lost += l, sectors_torn += t, names_undone += u;
}

static void at_exit(void)
{
    fs_cut(); /* before the temporary folder (with the mount point in it) is removed */
}

/* Boots a writer; with `wait_ready`, returns once it has opened everything and starts work. */
static GPid writer_start(int session, gboolean drain, gboolean wait_ready)
{
    g_autofree char *s = g_strdup_printf("%d", session);
    char *argv[] = {self_exe, drain ? "--drain" : "--writer", conf, screen, print_file, s, NULL};
    GPid pid = 0;
    int out = -1;
    g_autoptr(GError) error = NULL;
    GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | (wait_ready ? 0 : G_SPAWN_STDOUT_TO_DEV_NULL);
    g_assert_true(g_spawn_async_with_pipes(NULL, argv, NULL, flags, NULL, NULL, &pid, NULL, wait_ready ? &out : NULL,
                                           NULL, &error));
    if (out >= 0) {
        char c;
        if (read(out, &c, 1) != 1) /* the writer died first: writer_kill() tells */
            g_printerr("powercut: writer %d did not start\n", session);
        close(out);
    }
    return pid;
}

/* Kills the writer (if still running); FALSE when it had stopped by itself with a failure. */
static gboolean writer_kill(GPid pid)
{
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    return !(WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

static GHashTable *column_set(sqlite3 *db, const char *sql)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        g_error("%s: %s", sql, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW)
        g_hash_table_add(set, g_strdup((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    return set;
}

static char *first_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        out = g_strdup((const char *)sqlite3_column_text(st, 0));
    else
        out = g_strdup(sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return out;
}

/* After the power came back: what the screen confirmed is there, and the database is sound. */
static void verify(int cut, guint64 *confirmed)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *db_path = g_build_filename(mnt, "haazri.db", NULL);
    /* The kiosk boots: the database opens (SQLite recovers its WAL) and passes its quick_check.
     * (The audit chain: haazri-ctl audit verify, below.) */
    Store *store = store_open(db_path, &error);
    if (!store) {
        FAIL("cut %d: the kiosk cannot open its database any more: %s", cut, error->message);
        return;
    }
    store_close(store);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    g_autofree char *integrity = first_text(db, "PRAGMA integrity_check");
    if (strcmp(integrity, "ok") != 0)
        FAIL("cut %d: PRAGMA integrity_check: %s", cut, integrity);
    g_autoptr(GHashTable) uuids = column_set(db, "SELECT uuid FROM checkins");
    g_autoptr(GHashTable) complete = column_set(db,
        "SELECT p.case_number FROM probationers p WHERE EXISTS (SELECT 1 FROM fingers f WHERE f.probationer_id = p.id)"
        " AND (p.case_number LIKE 'E-%' AND EXISTS (SELECT 1 FROM audit a WHERE a.action = 'finger.enroll'"
        " AND a.subject = p.case_number) OR p.case_number LIKE 'R-%' AND EXISTS (SELECT 1 FROM schedules s"
        " WHERE s.probationer_id = p.id))");
    g_autoptr(GHashTable) notes = column_set(db, "SELECT detail FROM audit WHERE action = 'powercut.note'");
    /* A roster page is all or nothing: nobody from one without their finger and schedule. */
    g_autofree char *half = first_text(db, "SELECT count(*) FROM probationers p WHERE p.case_number LIKE 'R-%' AND"
        " (NOT EXISTS (SELECT 1 FROM fingers f WHERE f.probationer_id = p.id) OR"
        " NOT EXISTS (SELECT 1 FROM schedules s WHERE s.probationer_id = p.id))");
    if (strcmp(half, "0") != 0)
        FAIL("cut %d: %s people from roster pages were applied in part", cut, half);
    /* An enrollment is all or nothing too: the person, their finger, and the audit rows saying who
     * enrolled them ("every change an officer makes is written to the audit trail"). */
    g_autofree char *partial = first_text(db, "SELECT group_concat(p.case_number, ' ') FROM probationers p"
        " WHERE p.case_number LIKE 'E-%' AND (NOT EXISTS (SELECT 1 FROM fingers f WHERE f.probationer_id = p.id) OR"
        " NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'probationer.add' AND a.subject = p.case_number) OR"
        " EXISTS (SELECT 1 FROM fingers f WHERE f.probationer_id = p.id AND NOT EXISTS (SELECT 1 FROM audit a"
        " WHERE a.action = 'finger.enroll' AND a.subject = p.case_number)))");
    g_auto(GStrv) cases = g_strsplit(partial ? partial : "", " ", -1);
    for (guint i = 0; cases[i]; i++)
        if (*cases[i] && g_hash_table_add(reported, g_strdup(cases[i]))) {
            half_done++;
            FAIL("cut %d: enrollment of %s left half-done (no finger, or a change without its audit row)", cut,
                 cases[i]);
        }
    sqlite3_close(db);

    g_autofree char *text = NULL;
    g_file_get_contents(screen, &text, NULL, NULL);
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    *confirmed = 0;
    for (guint i = 0; lines[i] && lines[i + 1]; i++) { /* the last piece has no newline yet */
        char kind = lines[i][0];
        const char *what = lines[i] + 2;
        g_autofree char *key = g_strndup(what, strcspn(what, " "));
        GHashTable *set = kind == 'C' ? uuids : kind == 'A' ? notes : complete;
        if (kind == 'C')
            (*confirmed)++;
        if (!g_hash_table_contains(set, key)) {
            lost++;
            FAIL("cut %d: confirmed on the screen but gone after the cut: %s", cut, lines[i]);
        }
    }
    /* Nothing the centre acknowledged may be missing here (sent, then lost by the kiosk). */
    sqlite3 *centre = NULL;
    g_assert_cmpint(sqlite3_open_v2(spec, &centre, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(centre, 5000);
    g_autoptr(GHashTable) sent = column_set(centre, "SELECT uuid FROM events");
    sqlite3_close(centre);
    GHashTableIter it;
    gpointer uuid;
    g_hash_table_iter_init(&it, sent);
    while (g_hash_table_iter_next(&it, &uuid, NULL))
        if (!g_hash_table_contains(uuids, uuid)) {
            lost++;
            FAIL("cut %d: the centre has check-in %s but the kiosk lost it", cut, (char *)uuid);
        }
    g_autofree char *ctl = build_path("haazri-ctl");
    char *argv[] = {ctl, "audit", "verify", "--config", conf, NULL};
    int status = 0;
    g_autofree char *out = NULL, *err = NULL;
    if (!g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, &out, &err, &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL))
        FAIL("cut %d: haazri-ctl audit verify: %s%s", cut, out ? out : "", err ? err : "");
}

/* A real print (libfprint's virtual_image and NBIS, from FVC2002 images), for every enrollment. */
static void capture_print(void)
{
    tu_use_virtual_scanner();
    Scanner *scanner = tu_scanner_new(NULL, NULL);
    char *images[5];
    for (int i = 0; i < 5; i++)
        images[i] = tu_fvc(101, i + 1);
    g_autoptr(GBytes) blob = tu_capture(scanner, "right-index", images);
    for (int i = 0; i < 5; i++)
        g_free(images[i]);
    scanner_free(scanner);
    g_assert_true(g_file_set_contents(print_file, g_bytes_get_data(blob, NULL), (gssize)g_bytes_get_size(blob), NULL));
}

/* Provisioning, then the power goes at once: the credentials must survive (GLib's
 * g_file_set_contents_full fsyncs the new file and its folder before it returns). */
static void provision(const char *url)
{
    g_autofree char *token = tu_receiver_add_device(spec, "powercut-kiosk", "Lahore");
    g_autofree char *ctl = build_path("haazri-ctl");
    g_autofree char *server = g_strdup_printf("--server=%s", url);
    g_autofree char *tok = g_strdup_printf("--token=%s", token);
    char *argv[] = {ctl, "provision", "--config", conf, server, tok, NULL};
    int status = 0;
    g_autofree char *err = NULL;
    g_assert_true(g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, NULL, &err, &status, NULL));
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("haazri-ctl provision: %s", err);
    fs_cut();
    fs_mount(0);
    g_autofree char *key = g_build_filename(mnt, "sync.key", NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(key, &text, NULL, NULL) || !strstr(text, "secret"))
        FAIL("provisioning: the credentials did not survive a power cut right after it (%s)", text ? "empty" : "gone");
}

int main(int argc, char **argv)
{
    int cuts = 50, max_ms = 120;
    if (argc == 6 && (strcmp(argv[1], "--writer") == 0 || strcmp(argv[1], "--drain") == 0))
        return powercut_writer(argv[2], argv[3], argv[4], atoi(argv[5]), strcmp(argv[1], "--drain") == 0);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cuts") == 0 && i + 1 < argc)
            cuts = atoi(argv[++i]);
        else if (strcmp(argv[i], "--max-ms") == 0 && i + 1 < argc)
            max_ms = atoi(argv[++i]);
        else if (strcmp(argv[i], "--no-tear") == 0)
            tear = FALSE;
        else if (strcmp(argv[i], "--unsafe-sync") == 0) /* must fail: see writer.c */
            g_setenv("HAAZRI_POWERCUT_UNSAFE", "1", TRUE);
        else {
            g_printerr("usage: powercut-storm [--cuts N] [--max-ms MS] [--no-tear] [--unsafe-sync]\n");
            return 2;
        }
    }
    self_exe = "/proc/self/exe"; /* this very program, even if rebuilt meanwhile */
    const char *t = tu_tmpdir();
    backing = g_build_filename(t, "disk", NULL);
    trash = g_build_filename(t, "disk.trash", NULL);
    mnt = g_build_filename(t, "data", NULL);
    conf = g_build_filename(t, "haazri.conf", NULL);
    screen = g_build_filename(t, "screen", NULL);
    print_file = g_build_filename(t, "print.bin", NULL);
    spec = g_build_filename(t, "centre.db", NULL);
    fs_log = g_build_filename(t, "lazyfs.log", NULL);
    mkdir(backing, 0700), mkdir(trash, 0700), mkdir(mnt, 0700);
    atexit(at_exit);
    reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    capture_print();
    TuReceiver *r = tu_receiver_start(spec, 0, NULL, 0);
    g_autofree char *text = g_strdup_printf("[kiosk]\ndevice_id = powercut-kiosk\noffice = Lahore\ndata_dir = %s\n"
                                            "[sync]\nca_file = %s\nretry_min_seconds = 0.05\nretry_max_seconds = 0.2\n"
                                            "batch_max = 50\ninterval_seconds = 1\n", mnt, tu_tls()->ca);
    g_assert_true(g_file_set_contents(conf, text, -1, NULL));
    fs_mount(0);
    provision(r->url);

    GRand *rand = g_rand_new_with_seed(20261204);
    gint64 t0 = g_get_monotonic_time();
    guint64 confirmed = 0;
    gint64 remount_us = 0, verify_us = 0;
    int done = 0;
    for (int cut = 1; cut <= cuts && lost == 0; cut++, done++) {
        /* One cut in four lands anywhere from the boot on (SQLite's recovery, the quick_check,
         * the first sync); the others while the kiosk is at work. */
        GPid w = writer_start(cut, FALSE, cut % 4 != 0);
        g_usleep((gulong)g_rand_int_range(rand, 0, max_ms * 1000 + 1));
        gint64 t1 = g_get_monotonic_time();
        if (!writer_kill(w))
            FAIL("cut %d: the writer stopped by itself with a failure (see above)", cut);
        fs_cut();
        fs_mount((guint)cut);
        gint64 t2 = g_get_monotonic_time();
        verify(cut, &confirmed);
        remount_us += t2 - t1, verify_us += g_get_monotonic_time() - t2;
        if (cut % 100 == 0)
            g_printerr("powercut: %d cuts, %" G_GUINT64_FORMAT " check-ins confirmed, %" G_GUINT64_FORMAT " lost\n",
                       cut, confirmed, lost);
    }
    double storm_s = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;

    /* The power stays on: the queue drains, and the centre has every check-in exactly once. */
    cuts = done; /* fewer when a loss stopped the storm */
    /* How much the sync had delivered (and had acknowledged) between the cuts. */
    g_autofree char *acked = tu_central_query(spec, "SELECT count(*) FROM events");
    GPid w = writer_start(cuts + 1, TRUE, FALSE);
    int status = 0;
    waitpid(w, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        FAIL("the final sync did not drain the queue");
    verify(cuts + 1, &confirmed);
    g_autofree char *db_path = g_build_filename(mnt, "haazri.db", NULL);
    g_autofree char *kiosk = tu_central_query(db_path, "SELECT count(*) || ' ' || count(DISTINCT uuid) FROM checkins");
    g_autofree char *centre = tu_central_query(spec, "SELECT count(*) || ' ' || count(DISTINCT uuid) FROM events"
                                                     " WHERE device_id = 'powercut-kiosk'");
    if (strcmp(kiosk, centre) != 0)
        FAIL("the kiosk has %s check-ins (all, distinct) and the centre %s: not exactly once", kiosk, centre);
    fs_cut();
    tu_receiver_kill(r);

    printf("bench: powercut_cuts %d count\n", cuts);
    printf("bench: powercut_confirmed %" G_GUINT64_FORMAT " count\n", confirmed);
    printf("bench: powercut_lost %" G_GUINT64_FORMAT " count\n", lost);
    printf("bench: powercut_acked_in_storm %s count\n", acked);
    printf("bench: powercut_half_done %" G_GUINT64_FORMAT " count\n", half_done);
    printf("bench: powercut_storm_s %.1f s\n", storm_s);
    printf("bench: powercut_cut_remount_ms %.1f ms\n", remount_us / 1000.0 / MAX(cuts, 1));
    printf("bench: powercut_cut_verify_ms %.1f ms\n", verify_us / 1000.0 / MAX(cuts, 1));
    printf("powercut: %d cuts in %.1f s; %" G_GUINT64_FORMAT " check-ins confirmed, %" G_GUINT64_FORMAT
           " lost; the cuts threw away %" G_GUINT64_FORMAT " dirty 512-byte sectors (%" G_GUINT64_FORMAT
           " written torn) and undid %" G_GUINT64_FORMAT " name changes; at the centre: %s (all, distinct), "
           "at the kiosk %s; %" G_GUINT64_FORMAT " failures\n",
           cuts, storm_s, confirmed, lost, sectors_lost, sectors_torn, names_undone, centre, kiosk, failures);
    return failures ? 1 : 0;
}
