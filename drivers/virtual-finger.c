/* virtual-finger — client of libfprint's virtual_image socket. See virtual-finger.h. */
#include "drivers/virtual-finger.h"

#include <errno.h>
#include <gio/gio.h>
#include <png.h>
#include <stdint.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define VFINGER_ERROR (g_quark_from_static_string("haazri-virtual-finger"))

struct VirtualFinger {
    int fd;
    char *path;
};

VirtualFinger *virtual_finger_connect(const char *socket_path, int wait_ms, GError **error)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof addr.sun_path) {
        g_set_error(error, VFINGER_ERROR, 1, "socket path too long: %s", socket_path);
        return NULL;
    }
    strcpy(addr.sun_path, socket_path);
    gint64 deadline = g_get_monotonic_time() + (gint64)wait_ms * 1000;
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            break;
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
            VirtualFinger *f = g_new0(VirtualFinger, 1);
            f->fd = fd;
            f->path = g_strdup(socket_path);
            return f;
        }
        int err = errno;
        close(fd);
        if (g_get_monotonic_time() >= deadline) {
            g_set_error(error, VFINGER_ERROR, 2, "no virtual scanner at %s: %s", socket_path,
                        g_strerror(err));
            return NULL;
        }
        g_usleep(20 * 1000);
    }
    g_set_error(error, VFINGER_ERROR, 3, "cannot create a socket: %s", g_strerror(errno));
    return NULL;
}

void virtual_finger_free(VirtualFinger *f)
{
    if (!f)
        return;
    close(f->fd);
    g_free(f->path);
    g_free(f);
}

static gboolean write_all(VirtualFinger *f, const void *data, size_t len, GError **error)
{
    const guint8 *p = data;
    while (len > 0) {
        ssize_t n = send(f->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            g_set_error(error, VFINGER_ERROR, 4, "virtual scanner at %s went away: %s", f->path,
                        g_strerror(errno));
            return FALSE;
        }
        p += n;
        len -= (size_t)n;
    }
    return TRUE;
}

static gboolean send_header(VirtualFinger *f, int32_t a, int32_t b, GError **error)
{
    int32_t hdr[2] = {a, b};
    return write_all(f, hdr, sizeof hdr, error);
}

guint8 *virtual_finger_load_png(const char *png_path, int *width, int *height, GError **error)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, png_path)) {
        g_set_error(error, VFINGER_ERROR, 5, "%s: cannot read the image: %s", png_path, img.message);
        return NULL;
    }
    img.format = PNG_FORMAT_GRAY;
    guint8 *pixels = g_malloc(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, NULL, pixels, 0, NULL)) {
        g_set_error(error, VFINGER_ERROR, 5, "%s: cannot decode the image: %s", png_path, img.message);
        g_free(pixels);
        png_image_free(&img);
        return NULL;
    }
    *width = (int)img.width;
    *height = (int)img.height;
    return pixels;
}

gboolean virtual_finger_send_png(VirtualFinger *f, const char *png_path, GError **error)
{
    int w, h;
    g_autofree guint8 *pixels = virtual_finger_load_png(png_path, &w, &h, error);
    if (!pixels)
        return FALSE;
    /* -3,1: libfprint reports "finger on" before and "finger off" after the image by itself. */
    return send_header(f, -3, 1, error) && send_header(f, w, h, error) &&
           write_all(f, pixels, (size_t)w * (size_t)h, error);
}

gboolean virtual_finger_unplug(VirtualFinger *f, GError **error)
{
    return send_header(f, -5, 0, error);
}

gboolean virtual_finger_send_retry(VirtualFinger *f, int retry_code, GError **error)
{
    return send_header(f, -1, retry_code, error);
}

/* Bytes we sent that the driver has not read yet. */
static int ioctl_outq(int fd, int *pending)
{
    return ioctl(fd, SIOCOUTQ, pending);
}

gboolean virtual_finger_wait_read(VirtualFinger *f, int timeout_ms)
{
    int pending = 1;
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (ioctl_outq(f->fd, &pending) == 0 && pending > 0 && g_get_monotonic_time() < deadline)
        g_usleep(5 * 1000);
    return pending == 0;
}

typedef struct {
    char *socket_path;
    char *png_path;
} SendJob;

static void send_job_free(SendJob *job)
{
    g_free(job->socket_path);
    g_free(job->png_path);
    g_free(job);
}

static void send_in_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    (void)source;
    (void)cancellable;
    SendJob *job = data;
    GError *error = NULL;
    g_autoptr(VirtualFinger) f = virtual_finger_connect(job->socket_path, 2000, &error);
    if (f && virtual_finger_send_png(f, job->png_path, &error)) {
        virtual_finger_wait_read(f, 2000);
        g_task_return_boolean(task, TRUE);
        return;
    }
    g_task_return_error(task, error);
}

void virtual_finger_send_png_async(const char *socket_path, const char *png_path,
                                   GAsyncReadyCallback done, gpointer user_data)
{
    SendJob *job = g_new0(SendJob, 1);
    job->socket_path = g_strdup(socket_path);
    job->png_path = g_strdup(png_path);
    g_autoptr(GTask) task = g_task_new(NULL, NULL, done, user_data);
    g_task_set_task_data(task, job, (GDestroyNotify)send_job_free);
    g_task_run_in_thread(task, send_in_thread);
}

gboolean virtual_finger_send_png_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}
