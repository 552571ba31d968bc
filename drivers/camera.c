/* camera — one frame from a V4L2 webcam as a JPEG. See camera.h. */
#include "drivers/camera.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jpeglib.h>

#include "app/photo.h"

enum { BUFFERS = 4, WANT_W = 640, WANT_H = 480 };

static int xioctl(int fd, unsigned long request, void *arg)
{
    int r;
    do
        r = ioctl(fd, request, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

static gboolean can_capture(int fd)
{
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (xioctl(fd, VIDIOC_QUERYCAP, &cap) != 0)
        return FALSE;
    guint32 caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    return (caps & V4L2_CAP_VIDEO_CAPTURE) && (caps & V4L2_CAP_STREAMING);
}

char *camera_find(void)
{
    for (int i = 0; i < 16; i++) {
        g_autofree char *path = g_strdup_printf("/dev/video%d", i);
        int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        gboolean ok = can_capture(fd);
        close(fd);
        if (ok)
            return g_steal_pointer(&path);
    }
    return NULL;
}

/* ---- JPEG encoding (libjpeg reports failure by a call that must not return: jump back) ---- */

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf back;
} EncodeError;

static void encode_fail(j_common_ptr cinfo)
{
    longjmp(((EncodeError *)cinfo->err)->back, 1);
}

static GBytes *encode_jpeg(const guint8 *rgb, int w, int h, int quality)
{
    struct jpeg_compress_struct cinfo;
    EncodeError jerr;
    unsigned char *volatile out = NULL;
    unsigned long size = 0;
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = encode_fail;
    if (setjmp(jerr.back)) {
        jpeg_destroy_compress(&cinfo);
        free(out);
        return NULL;
    }
    jpeg_create_compress(&cinfo);
    unsigned char *buf = NULL;
    jpeg_mem_dest(&cinfo, &buf, &size);
    cinfo.image_width = (JDIMENSION)w;
    cinfo.image_height = (JDIMENSION)h;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (gsize)cinfo.next_scanline * (gsize)w * 3);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    out = buf;
    jpeg_destroy_compress(&cinfo);
    GBytes *jpeg = g_bytes_new(out, size);
    free(out);
    return jpeg;
}

/* ---- frame conversion to RGB, at most PHOTO_MAX_SIDE a side ---- */

static guint8 clip(int v)
{
    return (guint8)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* YUYV (4:2:2, BT.601 studio range): two pixels per four bytes. */
static guint8 *yuyv_to_rgb(const guint8 *src, gsize len, int w, int h, int stride)
{
    if (w % 2 || (gsize)stride * (gsize)h > len)
        return NULL;
    guint8 *rgb = g_malloc((gsize)w * (gsize)h * 3);
    for (int y = 0; y < h; y++) {
        const guint8 *s = src + (gsize)y * (gsize)stride;
        guint8 *d = rgb + (gsize)y * (gsize)w * 3;
        for (int x = 0; x < w; x += 2, s += 4) {
            int u = s[1] - 128, v = s[3] - 128;
            for (int k = 0; k < 2; k++) {
                int c = 298 * (s[k * 2] - 16);
                *d++ = clip((c + 409 * v + 128) >> 8);
                *d++ = clip((c - 100 * u - 208 * v + 128) >> 8);
                *d++ = clip((c + 516 * u + 128) >> 8);
            }
        }
    }
    return rgb;
}

static guint8 *mjpeg_to_rgb(const guint8 *src, gsize len, int *w, int *h, GError **error)
{
    g_autoptr(GBytes) frame = g_bytes_new(src, len);
    g_autofree guint8 *bgra = photo_decode_bgra(frame, w, h, error);
    if (!bgra)
        return NULL;
    gsize n = (gsize)*w * (gsize)*h;
    guint8 *rgb = g_malloc(n * 3);
    for (gsize i = 0; i < n; i++) {
        rgb[i * 3] = bgra[i * 4 + 2];
        rgb[i * 3 + 1] = bgra[i * 4 + 1];
        rgb[i * 3 + 2] = bgra[i * 4];
    }
    return rgb;
}

/* A camera that insists on a larger frame: every n-th pixel, so the photo fits the limit. */
static guint8 *shrink(guint8 *rgb, int *w, int *h)
{
    int n = (MAX(*w, *h) + PHOTO_MAX_SIDE - 1) / PHOTO_MAX_SIDE;
    if (n <= 1)
        return rgb;
    int nw = *w / n, nh = *h / n;
    guint8 *out = g_malloc((gsize)nw * (gsize)nh * 3);
    for (int y = 0; y < nh; y++)
        for (int x = 0; x < nw; x++)
            memcpy(out + ((gsize)y * nw + x) * 3, rgb + ((gsize)y * n * *w + (gsize)x * n) * 3, 3);
    g_free(rgb);
    *w = nw;
    *h = nh;
    return out;
}

/* ---- capture ---- */

typedef struct {
    void *start;
    size_t length;
} Buffer;

static gboolean choose_format(int fd, struct v4l2_format *fmt)
{
    static const guint32 wanted[] = {V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_MJPEG};
    for (gsize i = 0; i < G_N_ELEMENTS(wanted); i++) {
        memset(fmt, 0, sizeof *fmt);
        fmt->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        fmt->fmt.pix.width = WANT_W;
        fmt->fmt.pix.height = WANT_H;
        fmt->fmt.pix.pixelformat = wanted[i];
        fmt->fmt.pix.field = V4L2_FIELD_NONE;
        if (xioctl(fd, VIDIOC_S_FMT, fmt) == 0 && fmt->fmt.pix.pixelformat == wanted[i] &&
            fmt->fmt.pix.width > 0 && fmt->fmt.pix.height > 0 && fmt->fmt.pix.width <= 8192 &&
            fmt->fmt.pix.height <= 8192)
            return TRUE;
    }
    return FALSE;
}

#define FAIL(...)                                                                                                      \
    do {                                                                                                               \
        g_set_error(error, CAMERA_ERROR, 1, __VA_ARGS__);                                                              \
        goto out;                                                                                                      \
    } while (0)

GBytes *camera_capture_jpeg(const char *device, GError **error)
{
    Buffer bufs[BUFFERS];
    guint n_bufs = 0;
    gboolean streaming = FALSE;
    guint8 *frame = NULL, *rgb = NULL;
    gsize frame_len = 0;
    GBytes *jpeg = NULL;
    g_autoptr(GError) bad = NULL; /* declared before the first goto: its cleanup runs at out */
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    struct v4l2_format fmt;
    int fd = open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        FAIL("%s: cannot open the camera: %s", device, g_strerror(errno));
    if (!can_capture(fd))
        FAIL("%s: not a camera that can stream video frames", device);
    if (!choose_format(fd, &fmt))
        FAIL("%s: the camera offers neither YUYV nor Motion-JPEG frames", device);
    struct v4l2_requestbuffers req = {.count = BUFFERS, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
                                      .memory = V4L2_MEMORY_MMAP};
    if (xioctl(fd, VIDIOC_REQBUFS, &req) != 0 || req.count < 1)
        FAIL("%s: the camera gave no frame buffers: %s", device, g_strerror(errno));
    for (; n_bufs < MIN(req.count, (guint)BUFFERS); n_bufs++) {
        struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP, .index = n_bufs};
        if (xioctl(fd, VIDIOC_QUERYBUF, &b) != 0)
            FAIL("%s: cannot query a frame buffer: %s", device, g_strerror(errno));
        bufs[n_bufs].length = b.length;
        bufs[n_bufs].start = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.m.offset);
        if (bufs[n_bufs].start == MAP_FAILED)
            FAIL("%s: cannot map a frame buffer: %s", device, g_strerror(errno));
        if (xioctl(fd, VIDIOC_QBUF, &b) != 0)
            FAIL("%s: cannot queue a frame buffer: %s", device, g_strerror(errno));
    }
    if (xioctl(fd, VIDIOC_STREAMON, &type) != 0)
        FAIL("%s: the camera does not start: %s", device, g_strerror(errno));
    streaming = TRUE;
    for (int got = 0; !frame;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, CAMERA_TIMEOUT_S * 1000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            FAIL("%s: the camera sent no picture within %d seconds", device, CAMERA_TIMEOUT_S);
        struct v4l2_buffer b = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE, .memory = V4L2_MEMORY_MMAP};
        if (xioctl(fd, VIDIOC_DQBUF, &b) != 0) {
            if (errno == EAGAIN)
                continue;
            FAIL("%s: cannot take a frame: %s", device, g_strerror(errno));
        }
        if (b.index >= n_bufs || b.bytesused > bufs[b.index].length)
            FAIL("%s: the camera returned a frame buffer it was not given", device);
        if (++got > CAMERA_SKIP_FRAMES && !(b.flags & V4L2_BUF_FLAG_ERROR) && b.bytesused > 0) {
            frame_len = b.bytesused;
            frame = g_memdup2(bufs[b.index].start, frame_len);
        } else if (xioctl(fd, VIDIOC_QBUF, &b) != 0) {
            FAIL("%s: cannot queue a frame buffer: %s", device, g_strerror(errno));
        }
    }
    int w = (int)fmt.fmt.pix.width, h = (int)fmt.fmt.pix.height;
    if (fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV) {
        int stride = fmt.fmt.pix.bytesperline ? (int)fmt.fmt.pix.bytesperline : w * 2;
        if (!(rgb = yuyv_to_rgb(frame, frame_len, w, h, stride)))
            FAIL("%s: the camera's frame is shorter than %dx%d pixels", device, w, h);
    } else {
        g_autoptr(GError) why = NULL;
        if (!(rgb = mjpeg_to_rgb(frame, frame_len, &w, &h, &why)))
            FAIL("%s: the camera's frame cannot be decoded: %s", device, why->message);
    }
    rgb = shrink(rgb, &w, &h);
    /* Quality steps down until the photo fits the size every photo must keep to. */
    for (int q = CAMERA_JPEG_QUALITY; q >= 40 && !jpeg; q -= 15) {
        jpeg = encode_jpeg(rgb, w, h, q);
        if (jpeg && g_bytes_get_size(jpeg) > PHOTO_MAX_BYTES)
            g_clear_pointer(&jpeg, g_bytes_unref);
    }
    if (!jpeg)
        FAIL("%s: the frame could not be made into a JPEG of at most %d KB", device, PHOTO_MAX_BYTES / 1024);
    if (!photo_check(jpeg, NULL, &bad)) {
        g_clear_pointer(&jpeg, g_bytes_unref);
        FAIL("%s: %s", device, bad->message);
    }
out:
    if (streaming)
        xioctl(fd, VIDIOC_STREAMOFF, &type);
    for (guint i = 0; i < n_bufs; i++)
        if (bufs[i].start != MAP_FAILED)
            munmap(bufs[i].start, bufs[i].length);
    if (fd >= 0)
        close(fd);
    g_free(frame);
    g_free(rgb);
    return jpeg;
}
