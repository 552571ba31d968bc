/* photo — JPEG (libjpeg-turbo) and PNG (libpng's simplified API) photos, checked. See photo.h. */
#include "app/photo.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

/* libjpeg reports a broken file by calling error_exit, which must not return: jump back. */
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf back;
    char message[JMSG_LENGTH_MAX];
} JpegError;

static void jpeg_fail(j_common_ptr cinfo)
{
    JpegError *e = (JpegError *)cinfo->err;
    e->base.format_message(cinfo, e->message);
    longjmp(e->back, 1);
}

/* Warnings never go to stderr; they are counted (a truncated file is only a warning to libjpeg,
 * which fills the rest with grey: refused below). */
static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    if (level < 0)
        cinfo->err->num_warnings++;
}

static gboolean size_ok(int w, int h, GError **error)
{
    if (w > 0 && h > 0 && w <= PHOTO_MAX_SIDE && h <= PHOTO_MAX_SIDE)
        return TRUE;
    g_set_error(error, PHOTO_ERROR, PHOTO_ERROR_TOO_WIDE, "the photo is %dx%d pixels; at most %dx%d are accepted", w, h,
                PHOTO_MAX_SIDE, PHOTO_MAX_SIDE);
    return FALSE;
}

/* Decodes a JPEG whole (pixels to `out` when non-NULL, as BGRA). */
static gboolean read_jpeg(const guint8 *p, gsize n, guint8 **out, int *w, int *h, GError **error)
{
    struct jpeg_decompress_struct cinfo;
    JpegError jerr;
    guint8 *volatile pixels = NULL;
    JSAMPLE *volatile row = NULL;
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = jpeg_fail;
    jerr.base.emit_message = jpeg_quiet;
    if (setjmp(jerr.back)) {
        jpeg_destroy_decompress(&cinfo);
        g_free(pixels);
        g_free(row);
        g_set_error(error, PHOTO_ERROR, PHOTO_ERROR_UNREADABLE, "the photo is not a readable JPEG (%s)", jerr.message);
        return FALSE;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, p, (unsigned long)n);
    jpeg_read_header(&cinfo, TRUE);
    /* The size is checked before a single pixel is decoded: no 30000x30000 bomb. */
    if (!size_ok((int)cinfo.image_width, (int)cinfo.image_height, error)) {
        jpeg_destroy_decompress(&cinfo);
        return FALSE;
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    *w = (int)cinfo.output_width;
    *h = (int)cinfo.output_height;
    row = g_malloc((gsize)cinfo.output_width * 3);
    if (out)
        pixels = g_malloc((gsize)*w * (gsize)*h * 4);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[1] = {row};
        int y = (int)cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, rows, 1);
        for (int x = 0; pixels && x < *w; x++) {
            guint8 *d = pixels + ((gsize)y * (gsize)*w + (gsize)x) * 4;
            d[0] = row[x * 3 + 2];
            d[1] = row[x * 3 + 1];
            d[2] = row[x * 3];
            d[3] = 255;
        }
    }
    jpeg_finish_decompress(&cinfo);
    long warnings = jerr.base.num_warnings;
    jpeg_destroy_decompress(&cinfo);
    g_free(row);
    if (warnings > 0) {
        g_free(pixels);
        g_set_error(error, PHOTO_ERROR, PHOTO_ERROR_UNREADABLE, "the photo is not a readable JPEG (it is damaged or cut short)");
        return FALSE;
    }
    if (out)
        *out = pixels;
    return TRUE;
}

static gboolean read_png(const guint8 *p, gsize n, guint8 **out, int *w, int *h, GError **error)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, p, n)) {
        g_set_error(error, PHOTO_ERROR, PHOTO_ERROR_UNREADABLE, "the photo is not a readable PNG (%s)", img.message);
        return FALSE;
    }
    if (!size_ok((int)img.width, (int)img.height, error)) {
        png_image_free(&img);
        return FALSE;
    }
    img.format = PNG_FORMAT_BGRA;
    *w = (int)img.width;
    *h = (int)img.height;
    guint8 *pixels = g_malloc(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, NULL, pixels, 0, NULL)) {
        g_set_error(error, PHOTO_ERROR, PHOTO_ERROR_UNREADABLE, "the photo is not a readable PNG (%s)", img.message);
        png_image_free(&img);
        g_free(pixels);
        return FALSE;
    }
    if (out)
        *out = pixels;
    else
        g_free(pixels);
    return TRUE;
}

static gboolean decode(GBytes *data, PhotoInfo *info, guint8 **out, int *w, int *h, GError **error)
{
    gsize n = 0;
    const guint8 *p = data ? g_bytes_get_data(data, &n) : NULL;
    if (n > PHOTO_MAX_BYTES) {
        g_set_error(error, PHOTO_ERROR, PHOTO_ERROR_TOO_BIG, "the photo is %zu KB; at most %d KB are accepted", (n + 1023) / 1024,
                    PHOTO_MAX_BYTES / 1024);
        return FALSE;
    }
    static const guint8 jpeg_magic[] = {0xff, 0xd8, 0xff}, png_magic[] = {0x89, 'P', 'N', 'G'};
    gboolean jpeg = n >= 3 && memcmp(p, jpeg_magic, 3) == 0, png = n >= 4 && memcmp(p, png_magic, 4) == 0;
    if (!jpeg && !png) {
        g_set_error(error, PHOTO_ERROR, PHOTO_ERROR_NOT_IMAGE, "the photo is neither a JPEG nor a PNG");
        return FALSE;
    }
    if (!(jpeg ? read_jpeg : read_png)(p, n, out, w, h, error))
        return FALSE;
    if (info)
        *info = (PhotoInfo){.type = jpeg ? "jpeg" : "png", .width = *w, .height = *h};
    return TRUE;
}

gboolean photo_check(GBytes *data, PhotoInfo *info, GError **error)
{
    int w, h;
    return decode(data, info, NULL, &w, &h, error);
}

guint8 *photo_decode_bgra(GBytes *data, int *width, int *height, GError **error)
{
    guint8 *pixels = NULL;
    return decode(data, NULL, &pixels, width, height, error) ? pixels : NULL;
}

GBytes *photo_load_file(const char *path, GError **error)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        g_set_error(error, PHOTO_ERROR, PHOTO_ERROR_OPEN, "%s: cannot open the photo: %s", path, g_strerror(errno));
        return NULL;
    }
    /* One byte more than allowed tells "too big" without reading a huge file. */
    g_autofree guint8 *buf = g_malloc(PHOTO_MAX_BYTES + 1);
    gsize n = fread(buf, 1, PHOTO_MAX_BYTES + 1, f);
    fclose(f);
    g_autoptr(GBytes) data = g_bytes_new_take(g_steal_pointer(&buf), n);
    g_autoptr(GError) local = NULL;
    if (!photo_check(data, NULL, &local)) {
        g_set_error(error, PHOTO_ERROR, n > PHOTO_MAX_BYTES ? PHOTO_ERROR_TOO_BIG : local->code, "%s: %s", path,
                    n > PHOTO_MAX_BYTES ? "the photo is larger than 200 KB; at most 200 KB are accepted" : local->message);
        return NULL;
    }
    return g_steal_pointer(&data);
}
