/* photo — a probationer's photo, checked before it is kept anywhere: JPEG or PNG, at most
 * PHOTO_MAX_BYTES and PHOTO_MAX_SIDE pixels a side, and it must decode whole (libjpeg-turbo,
 * libpng). The same check where a photo enters (haazri-ctl photo, haazri-receiver photo, the
 * officer's Enroll screen) and where it arrives (a roster page), so a bad file is refused with one
 * sentence and never reaches the screen. The bytes are kept as given (no re-encoding). */
#pragma once

#include <glib.h>

#define PHOTO_MAX_BYTES (200 * 1024)
#define PHOTO_MAX_SIDE 1024
#define PHOTO_ERROR (g_quark_from_static_string("haazri-photo"))

/* What was wrong, so a screen can say it in its own words (the message is English, for logs). */
typedef enum {
    PHOTO_ERROR_UNREADABLE = 1, /* JPEG/PNG magic, but it does not decode whole */
    PHOTO_ERROR_OPEN,           /* the file cannot be opened */
    PHOTO_ERROR_TOO_BIG,        /* more than PHOTO_MAX_BYTES */
    PHOTO_ERROR_NOT_IMAGE,      /* neither JPEG nor PNG */
    PHOTO_ERROR_TOO_WIDE,       /* more than PHOTO_MAX_SIDE pixels a side */
} PhotoErrorCode;

typedef struct {
    const char *type; /* "jpeg" | "png" (static) */
    int width, height;
} PhotoInfo;

/* TRUE when `data` is a photo within the limits; `info` (may be NULL) says what it is. */
gboolean photo_check(GBytes *data, PhotoInfo *info, GError **error);
/* The pixels, 4 bytes each in B, G, R, A memory order (SDL's ARGB8888 on a little-endian
 * kiosk), `*width` × 4 bytes a row; checked as photo_check does. g_free() it. */
guint8 *photo_decode_bgra(GBytes *data, int *width, int *height, GError **error);
/* Reads a file of at most PHOTO_MAX_BYTES and checks it; NULL with a sentence naming the file. */
GBytes *photo_load_file(const char *path, GError **error);
