/* bench-adms — the ADMS push on loopback, to the reference ADMS server (tests/adms-server.c, plain
 * http, one process that appends each batch to a file):
 *   bench: adms_drain_20k_s   a 20,000-check-in backlog drained as ATTLOG lines, 200 per POST
 * The backlog is written straight into the kiosk's database in one transaction; what is measured is
 * the push (and the reference server's side of it) alone. */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "app/store/store-adms.h"
#include "sync/adms.h"
#include "tests/helpers.h"

#define TOTAL 20000

static guint count_lines(const char *path)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &text, &len, NULL))
        return 0;
    guint n = 0;
    for (gsize i = 0; i < len; i++)
        n += text[i] == '\n';
    return n;
}

int main(void)
{
    g_autofree char *dir = g_build_filename(tu_tmpdir(), "adms", NULL);
    g_mkdir_with_parents(dir, 0700);
    g_autofree char *approved = g_build_filename(dir, "approved", NULL);
    g_assert_true(g_file_set_contents(approved, "HZBENCH\n", -1, NULL));
    const char *b = g_getenv("HAAZRI_BUILD");
    g_autofree char *exe = g_build_filename(b ? b : "build", "tests", "adms-server", NULL);
    char *argv[] = {exe, "--dir", dir, "--port", "0", "--ok-count", NULL};
    GPid pid;
    g_assert_true(g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL));
    g_autofree char *port_file = g_build_filename(dir, "port", NULL), *port = NULL;
    for (int i = 0; i < 500 && !g_file_get_contents(port_file, &port, NULL, NULL); i++)
        g_usleep(10000);
    g_assert_nonnull(port);

    g_autofree char *db_path = g_build_filename(tu_tmpdir(), "bench.db", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) store = store_open(db_path, &error);
    g_assert_no_error(error);
    gint64 who = tu_add_probationer(store, 1, "Bench Person", NULL);
    g_assert_true(store_set_adms_pin(store, "TEST-1", "1001", "bench", &error));
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < TOTAL; i++) {
        g_autofree char *sql = g_strdup_printf(
            "INSERT INTO checkins (uuid, probationer_id, method, result, wall_time, wall_utc_us, local_date, mono_us, "
            "boot_id, device_id) VALUES ('00000000-0000-4000-8000-%012d', %" G_GINT64_FORMAT ", 'finger', "
            "'recorded', '2026-03-01T09:%02d:%02d+05:00', 0, '2026-03-01', %d, 'b', 'bench')",
            i, who, i / 60 % 60, i % 60, i);
        g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
    g_assert_cmpint(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);

    g_auto(AdmsConfig) c;
    adms_config_init(&c);
    g_free(c.server);
    c.server = g_strdup_printf("http://127.0.0.1:%d", atoi(port));
    g_free(c.serial);
    c.serial = g_strdup("HZBENCH");
    g_autoptr(Adms) a = adms_new(&c, store, "Bench", &error);
    g_assert_no_error(error);
    g_autofree char *attlog = g_build_filename(dir, "attlog", NULL);
    gint64 t0 = g_get_monotonic_time();
    adms_start(a);
    while (count_lines(attlog) < TOTAL && g_get_monotonic_time() - t0 < 600 * G_USEC_PER_SEC)
        tu_run_for(20);
    double s = (g_get_monotonic_time() - t0) / 1e6;
    guint got = count_lines(attlog);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    if (got != TOTAL) {
        fprintf(stderr, "only %u of %d check-ins arrived\n", got, TOTAL);
        return 1;
    }
    printf("bench: adms_drain_20k_s %.2f s (%d check-ins, 200 per POST, reference server on loopback)\n", s, TOTAL);
    return 0;
}
