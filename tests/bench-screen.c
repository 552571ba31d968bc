/* bench-screen — the kiosk idle with its screen on: CPU and memory of the real build/haazri process
 * on an X server (Xvfb, the software renderer, 1024x600) waiting with the virtual scanner, measured
 * from /proc/PID/stat over 30 s after a 5 s settle. Without Xvfb it measures the offscreen backend.
 *   bench: idle_cpu_percent X %
 *   bench: idle_rss_mb X MB
 *   bench: idle_backend_x11_xvfb 1 flag (or idle_backend_offscreen). */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SETTLE_S 5
#define MEASURE_S 30

/* utime + stime of `pid`, in clock ticks. */
static gint64 cpu_ticks(GPid pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", pid);
    g_autofree char *stat = NULL;
    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return -1;
    const char *p = strrchr(stat, ')'); /* the command name may hold spaces */
    long long ut = 0, st = 0;
    /* After ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &st) != 2)
        return -1;
    return ut + st;
}

static double rss_mb(GPid pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", pid);
    g_autofree char *status = NULL;
    if (!g_file_get_contents(path, &status, NULL, NULL))
        return -1;
    const char *p = strstr(status, "VmRSS:");
    long kb = 0;
    return p && sscanf(p + 6, "%ld", &kb) == 1 ? kb / 1024.0 : -1;
}

int main(void)
{
    const char *build = g_getenv("HAAZRI_BUILD") ? g_getenv("HAAZRI_BUILD") : "build";
    g_autofree char *haazri = g_build_filename(build, "haazri", NULL);
    g_autofree char *dir = g_dir_make_tmp("haazri-bench-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "scanner.sock", NULL);
    g_autofree char *conf = g_build_filename(dir, "haazri.conf", NULL);
    g_autofree char *xvfb = g_find_program_in_path("Xvfb");
    g_autofree char *text = g_strdup_printf(
        "[kiosk]\ndevice_id = bench\noffice = District Probation Office\ndata_dir = %s/data\n"
        "[scanner]\ndriver = virtual_image\n[screen]\nbackend = %s\nwidth = 1024\nheight = 600\n"
        "fullscreen = false\n[sound]\nenabled = false\n[leds]\nenabled = false\n",
        dir, xvfb ? "x11" : "offscreen");
    g_file_set_contents(conf, text, -1, NULL);

    GPid xpid = 0;
    char display[32] = "";
    if (xvfb) {
        int fds[2];
        if (pipe(fds) != 0)
            return 1;
        g_autofree char *fd = g_strdup_printf("%d", fds[1]);
        char *xargv[] = {xvfb, "-displayfd", fd, "-screen", "0", "1024x600x24", "-nolisten", "tcp", NULL};
        GSpawnFlags fl = G_SPAWN_LEAVE_DESCRIPTORS_OPEN | G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_DO_NOT_REAP_CHILD;
        if (!g_spawn_async(NULL, xargv, NULL, fl, NULL, NULL, &xpid, NULL))
            return 1;
        close(fds[1]);
        ssize_t n = read(fds[0], display + 1, sizeof display - 2);
        close(fds[0]);
        display[0] = ':';
        display[n > 0 ? n + 1 : 1] = '\0';
        g_strchomp(display);
    }
    g_auto(GStrv) env = g_get_environ();
    env = g_environ_setenv(env, "FP_VIRTUAL_IMAGE", sock, TRUE);
    if (*display)
        env = g_environ_setenv(env, "DISPLAY", display, TRUE);
    env = g_environ_unsetenv(env, "WAYLAND_DISPLAY");
    env = g_environ_setenv(env, "LIBGL_ALWAYS_SOFTWARE", "1", TRUE);
    char *argv[] = {haazri, "--config", conf, NULL};
    GPid pid;
    int in_fd;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_async_with_pipes(NULL, argv, env, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL |
                                  G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &in_fd, NULL, NULL, &error)) {
        g_printerr("bench-screen: %s\n", error->message);
        return 1;
    }
    g_usleep(SETTLE_S * G_USEC_PER_SEC);
    gint64 t0 = cpu_ticks(pid), w0 = g_get_monotonic_time();
    g_usleep(MEASURE_S * G_USEC_PER_SEC);
    gint64 t1 = cpu_ticks(pid), w1 = g_get_monotonic_time();
    double rss = rss_mb(pid);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    close(in_fd);
    if (xpid) {
        kill(xpid, SIGTERM);
        waitpid(xpid, NULL, 0);
    }
    if (t0 < 0 || t1 < 0 || rss < 0) {
        g_printerr("bench-screen: the kiosk did not stay up (check %s)\n", conf);
        return 1;
    }
    double cpu = 100.0 * (double)(t1 - t0) / sysconf(_SC_CLK_TCK) / ((w1 - w0) / 1e6);
    printf("bench: idle_cpu_percent %.2f %%\n", cpu);
    printf("bench: idle_rss_mb %.1f MB\n", rss);
    printf("bench: idle_backend_%s 1 flag\n", xvfb ? "x11_xvfb" : "offscreen");
    g_autofree char *rm = g_strdup_printf("rm -rf '%s'", dir);
    return system(rm) == 0 ? 0 : 1;
}
