/* photo-set — giving a probationer a photo on the kiosk: the images an officer may pick from a
 * folder (the USB stick), and keeping the chosen one, audited. haazri-ctl photo and the officer's
 * Enroll screen both keep photos through photo_set_for(), so both leave the same audit row
 * (`probationer.photo`, detail "N bytes[ from SOURCE]"), which goes up to the centre with the rest
 * of the audit trail. The photo itself is checked by app/photo.h before it gets here.
 *
 * A stick is hostile input: the listing reads at most PHOTO_SCAN_MAX directory entries, keeps
 * regular files named *.jpg, *.jpeg or *.png (hidden ones skipped: a Mac's "._x.jpg" shadows), and
 * gives their sizes from stat() so a file too big is refused before a byte of it is read. */
#pragma once

#include <glib.h>

#include "app/store/store.h"

#define PHOTO_SCAN_MAX 500

typedef struct {
    char *name;   /* the file's name in the folder (not a path) */
    char *path;
    gint64 size;  /* bytes, from stat() */
    gint64 mtime; /* seconds since the epoch */
} PhotoFile;

/* Up to `max` images in `folder`, the most recently changed first (the one just copied on is at
 * the top). An empty array when there are none; NULL with errno's sentence when the folder cannot
 * be read (G_IO_ERROR_NOT_FOUND: there is no such folder, i.e. no stick). */
GPtrArray *photo_list_folder(const char *folder, guint max, GError **error);
void photo_file_free(PhotoFile *file);

/* Keeps `photo` (NULL removes it) as the person's photo and audits it as `actor`; `source` (may be
 * NULL) says where it came from ("the USB stick", "the camera"). */
gboolean photo_set_for(Store *store, const StoreProbationer *person, GBytes *photo, const char *source,
                       const char *actor, GError **error);
