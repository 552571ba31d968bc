/* test-service — the kiosk under a service manager, checked through the sd_notify protocol on a fake
 * NOTIFY_SOCKET (no systemd runs in the build container): READY=1 once up, watchdog pings from the
 * main loop while it turns, none once the loop hangs (so systemd's WatchdogSec would kill and restart
 * it), STOPPING=1 on SIGTERM. */
#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/helpers.h"

#define PING_USEC 300000 /* WATCHDOG_USEC: the kiosk pings every 150 ms */

static int notify_fd = -1;
static char notify_path[108];

static void open_notify_socket(void)
{
    g_snprintf(notify_path, sizeof notify_path, "%s/notify.sock", tu_tmpdir());
    notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    g_strlcpy(addr.sun_path, notify_path, sizeof addr.sun_path);
    g_assert_cmpint(bind(notify_fd, (struct sockaddr *)&addr, sizeof addr), ==, 0);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
    setsockopt(notify_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* Collects what the kiosk says for `ms` milliseconds. */
static void listen_for(int ms, int *ready, int *pings, int *stopping, char *status, size_t status_len)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    while (g_get_monotonic_time() < end) {
        char buf[512];
        ssize_t n = recv(notify_fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        if (strstr(buf, "READY=1")) {
            (*ready)++;
            const char *st = strstr(buf, "STATUS=");
            if (st && status)
                g_strlcpy(status, st + 7, status_len);
        }
        if (strstr(buf, "WATCHDOG=1"))
            (*pings)++;
        if (strstr(buf, "STOPPING=1"))
            (*stopping)++;
    }
}

/* Waits (up to 60 s: a loaded machine starts slowly) for the kiosk to say it is ready. */
static void wait_ready(char *status, size_t status_len)
{
    int ready = 0, pings = 0, stopping = 0;
    for (int i = 0; i < 600 && !ready; i++)
        listen_for(100, &ready, &pings, &stopping, status, status_len);
    g_assert_cmpint(ready, ==, 1);
}

static GSubprocess *start_kiosk(void)
{
    g_autofree char *conf = g_build_filename(tu_tmpdir(), "haazri.conf", NULL);
    g_assert_true(g_file_set_contents(conf, "[kiosk]\ndevice_id = svc\ndata_dir = data\n[leds]\nenabled = false\n", -1, NULL));
    g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                 G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                 G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_setenv(l, "NOTIFY_SOCKET", notify_path, TRUE);
    g_subprocess_launcher_setenv(l, "WATCHDOG_USEC", G_STRINGIFY(PING_USEC), TRUE);
    g_subprocess_launcher_setenv(l, "FP_VIRTUAL_IMAGE", tu_use_virtual_scanner(), TRUE);
    const char *build = g_getenv("HAAZRI_BUILD") ? g_getenv("HAAZRI_BUILD") : "build";
    g_autofree char *exe = g_build_filename(build, "tests", "haazri-hooks", NULL);
    g_autoptr(GError) error = NULL;
    GSubprocess *p = g_subprocess_launcher_spawn(l, &error, exe, "--config", conf, NULL);
    g_assert_no_error(error);
    return p;
}

static void test_ready_pings_stopping(void)
{
    g_autoptr(GSubprocess) kiosk = start_kiosk();
    int ready = 0, pings = 0, stopping = 0;
    char status[256] = "";
    wait_ready(status, sizeof status);
    g_assert_nonnull(strstr(status, "fingers enrolled"));
    /* ~25 pings expected in 5 s; anything near that shows the loop drives them. */
    listen_for(5000, &ready, &pings, &stopping, NULL, 0);
    g_assert_cmpint(pings, >=, 10);
    g_subprocess_send_signal(kiosk, SIGTERM);
    listen_for(1500, &ready, &pings, &stopping, NULL, 0);
    g_assert_cmpint(stopping, ==, 1);
    g_assert_true(g_subprocess_wait_check(kiosk, NULL, NULL));
}

static void test_hung_loop_stops_pinging(void)
{
    g_autoptr(GSubprocess) kiosk = start_kiosk();
    int ready = 0, before = 0, after = 0, stopping = 0;
    wait_ready(NULL, 0);
    listen_for(2000, &ready, &before, &stopping, NULL, 0);
    g_assert_cmpint(before, >=, 3);
    g_subprocess_send_signal(kiosk, SIGUSR1); /* the main loop hangs (test build only) */
    listen_for(1500, &ready, &after, &stopping, NULL, 0); /* pings already under way */
    int hung = 0;
    listen_for(3000, &ready, &hung, &stopping, NULL, 0); /* 20 ping intervals with the loop stuck */
    g_assert_cmpint(hung, ==, 0);
    g_subprocess_force_exit(kiosk);
    g_subprocess_wait(kiosk, NULL, NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    open_notify_socket();
    g_test_add_func("/service/ready-watchdog-stopping", test_ready_pings_stopping);
    g_test_add_func("/service/hung-loop-stops-pinging", test_hung_loop_stops_pinging);
    int rc = g_test_run();
    close(notify_fd);
    return rc;
}
