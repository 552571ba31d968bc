/* virtual-finger — the "hand" on libfprint's virtual_image scanner.
 *
 * With FP_VIRTUAL_IMAGE=/path/sock set before the FpContext is created, libfprint's virtual_image
 * driver listens on that socket and runs its real NBIS extraction and bozorth3 matching on whatever
 * images arrive. This module is the other end: it loads fingerprint PNGs and sends them, plus the
 * driver's control frames (unplug, retry). The demo, the tests and the benchmarks use it; the kiosk
 * itself never does. */
#pragma once

#include <gio/gio.h>

typedef struct VirtualFinger VirtualFinger;

/* Connects to the socket, waiting up to `wait_ms` for libfprint to create it. */
VirtualFinger *virtual_finger_connect(const char *socket_path, int wait_ms, GError **error);
void virtual_finger_free(VirtualFinger *finger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VirtualFinger, virtual_finger_free)

/* Places a finger: sends the 8-bit grayscale PNG at `png_path` (blocking write). */
gboolean virtual_finger_send_png(VirtualFinger *finger, const char *png_path, GError **error);
/* Unplugs the scanner (control frame -5): libfprint removes the device. */
gboolean virtual_finger_unplug(VirtualFinger *finger, GError **error);
/* Makes the scanner report a retry reason (FpDeviceRetry, control frame -1). */
gboolean virtual_finger_send_retry(VirtualFinger *finger, int retry_code, GError **error);

/* Waits until libfprint has read everything sent (closing earlier would lose it: the driver drops
 * an old connection when a new one arrives). FALSE if it has not after `timeout_ms`. */
gboolean virtual_finger_wait_read(VirtualFinger *finger, int timeout_ms);

/* Same as send_png, but from a worker thread, for callers that run libfprint on the same main loop
 * (a blocking write there would wait on a reader that can't run). `done` may be NULL. */
void virtual_finger_send_png_async(const char *socket_path, const char *png_path,
                                   GAsyncReadyCallback done, gpointer user_data);
gboolean virtual_finger_send_png_finish(GAsyncResult *result, GError **error);

/* Loads an 8-bit grayscale PNG (any PNG is converted to gray). */
guint8 *virtual_finger_load_png(const char *png_path, int *width, int *height, GError **error);
