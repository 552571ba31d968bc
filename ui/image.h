/* image — PNG files and bytes to and from SDL surfaces (libpng's simplified API), for the person's
 * photo and for screenshots. */
#pragma once

#include <SDL.h>
#include <glib.h>

/* A new ARGB8888 surface, or NULL with `error` naming what was wrong. */
SDL_Surface *image_load_png_bytes(GBytes *png, GError **error);
/* A probationer's photo (JPEG or PNG, checked by app/photo.h). */
SDL_Surface *image_load_photo_bytes(GBytes *photo, GError **error);
SDL_Surface *image_load_png_file(const char *path, GError **error);
gboolean image_save_png(SDL_Surface *surface, const char *path, GError **error);
