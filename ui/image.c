/* image — PNG via libpng's simplified API. See image.h. */
#include "ui/image.h"

#include "app/photo.h"

#include <png.h>
#include <string.h>

#define IMAGE_ERROR (g_quark_from_static_string("haazri-image"))

/* png_image BGRA in memory order = SDL's ARGB8888 on a little-endian machine (the kiosk's). */
static SDL_Surface *finish_read(png_image *img, const char *what, GError **error)
{
    img->format = PNG_FORMAT_BGRA;
    if (img->width > 8192 || img->height > 8192) {
        png_image_free(img);
        g_set_error(error, IMAGE_ERROR, 1, "%s: %ux%u pixels is too large", what, img->width, img->height);
        return NULL;
    }
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, (int)img->width, (int)img->height, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (!s || !png_image_finish_read(img, NULL, s->pixels, s->pitch, NULL)) {
        g_set_error(error, IMAGE_ERROR, 1, "%s: not a readable PNG (%s)", what, img->message);
        png_image_free(img);
        SDL_FreeSurface(s);
        return NULL;
    }
    return s;
}

SDL_Surface *image_load_png_bytes(GBytes *png, GError **error)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    gsize n;
    const void *p = g_bytes_get_data(png, &n);
    if (!png_image_begin_read_from_memory(&img, p, n)) {
        g_set_error(error, IMAGE_ERROR, 1, "the photo is not a PNG (%s)", img.message);
        return NULL;
    }
    return finish_read(&img, "the photo", error);
}

SDL_Surface *image_load_photo_bytes(GBytes *photo, GError **error)
{
    int w = 0, h = 0;
    g_autofree guint8 *pixels = photo_decode_bgra(photo, &w, &h, error);
    if (!pixels)
        return NULL;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        g_set_error(error, IMAGE_ERROR, 1, "the photo: no memory for %dx%d pixels", w, h);
        return NULL;
    }
    for (int y = 0; y < h; y++)
        memcpy((guint8 *)s->pixels + (gsize)y * (gsize)s->pitch, pixels + (gsize)y * (gsize)w * 4, (gsize)w * 4);
    return s;
}

SDL_Surface *image_load_png_file(const char *path, GError **error)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        g_set_error(error, IMAGE_ERROR, 1, "%s: not a readable PNG (%s)", path, img.message);
        return NULL;
    }
    return finish_read(&img, path, error);
}

gboolean image_save_png(SDL_Surface *surface, const char *path, GError **error)
{
    SDL_Surface *s = SDL_ConvertSurfaceFormat(surface, SDL_PIXELFORMAT_ARGB8888, 0);
    if (!s) {
        g_set_error(error, IMAGE_ERROR, 1, "%s: cannot convert the image: %s", path, SDL_GetError());
        return FALSE;
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)s->w;
    img.height = (png_uint_32)s->h;
    img.format = PNG_FORMAT_BGR; /* screens are opaque: 3 bytes a pixel keeps the files small */
    /* The simplified writer wants the rows in its own format: drop alpha into a packed copy. */
    g_autofree guint8 *rgb = g_malloc((gsize)s->w * 3 * (gsize)s->h);
    for (int y = 0; y < s->h; y++) {
        const guint8 *src = (const guint8 *)s->pixels + y * s->pitch;
        guint8 *dst = rgb + (gsize)y * (gsize)s->w * 3;
        for (int x = 0; x < s->w; x++)
            memcpy(dst + x * 3, src + x * 4, 3);
    }
    SDL_FreeSurface(s);
    if (!png_image_write_to_file(&img, path, 0, rgb, 0, NULL)) {
        g_set_error(error, IMAGE_ERROR, 1, "%s: cannot write the PNG (%s)", path, img.message);
        return FALSE;
    }
    return TRUE;
}
