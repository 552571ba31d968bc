/* camera — one still photo from a USB webcam, for a probationer's photo on the Enroll screen.
 *
 * Plain V4L2 ioctls (the kernel's own API; no library needed for one frame): the device is asked for
 * 640x480 YUYV (every UVC webcam offers uncompressed frames) or else Motion-JPEG, streams through
 * mmap'd buffers, the first CAMERA_SKIP_FRAMES frames are dropped (a webcam's exposure settles over
 * them), and the next one is encoded as a JPEG with libjpeg-turbo (the library app/photo.c decodes
 * with) at quality 85, lower if it would pass PHOTO_MAX_BYTES. The result is checked by photo_check,
 * so it enters the store like any photo. Tested against the kernel's vivid virtual camera in a VM
 * (tests/camera-vm/). Blocks for up to CAMERA_TIMEOUT_S: call it from a worker thread. */
#pragma once

#include <glib.h>

#define CAMERA_ERROR (g_quark_from_static_string("haazri-camera"))
#define CAMERA_SKIP_FRAMES 5
#define CAMERA_TIMEOUT_S 5
#define CAMERA_JPEG_QUALITY 85

/* The first /dev/video0../dev/video15 that can capture video frames by streaming, or NULL. g_free(). */
char *camera_find(void);
/* One frame from `device` as a JPEG within app/photo.h's limits; NULL with one sentence naming the
 * device and what failed. */
GBytes *camera_capture_jpeg(const char *device, GError **error);
