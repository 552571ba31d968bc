/* scanner — the fingerprint scanner, through libfprint, on the thread-default GLib main context.
 *
 * Chooses a device (configured driver / device id, else the first one libfprint finds), opens it,
 * and keeps looking when there is none or it is unplugged: the kiosk never has to restart for a
 * scanner plugged in late or re-plugged. Reports libfprint's heat model (FpTemperature) so the
 * check-in machine can rest the sensor before libfprint refuses with FP_DEVICE_ERROR_TOO_HOT. */
#pragma once

#include <fprint.h>
#include <glib.h>

typedef struct Scanner Scanner;

typedef enum {
    SCANNER_ABSENT,  /* no scanner (never found, unplugged, or failed to open): still looking */
    SCANNER_READY,   /* open and free for an action */
    SCANNER_HOT,     /* libfprint says the sensor must cool down before the next action */
} ScannerState;

typedef struct {
    /* The scanner appeared, went away, or got hot/cool. `why` is a sentence for logs, or NULL. */
    void (*state_changed)(ScannerState state, const char *why, gpointer user_data);
    /* The sensor is waiting for a finger now (each enrollment touch, each identify). */
    void (*finger_needed)(gpointer user_data);
    /* A finger touched the sensor during an action: the person is being searched for. */
    void (*finger_on)(gpointer user_data);
} ScannerCallbacks;

/* Starts looking for a scanner; "" or NULL for driver/device means any. Callbacks may be NULL. */
Scanner *scanner_new(const char *driver, const char *device, const ScannerCallbacks *callbacks,
                     gpointer user_data);
void scanner_free(Scanner *scanner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Scanner, scanner_free)

ScannerState scanner_get_state(Scanner *scanner);
/* "driver/device-id: full name" of the open scanner, or NULL. */
const char *scanner_get_name(Scanner *scanner);
/* The open device (borrowed), or NULL. */
FpDevice *scanner_get_device(Scanner *scanner);
/* Runs the default main context until the scanner is READY or `timeout_ms` passes. */
gboolean scanner_wait_ready(Scanner *scanner, int timeout_ms, GError **error);

/* One touch: captures a finger and looks for it among `gallery` (FpPrint*). `match` is the gallery
 * print found (NULL: nobody), `probe` the print just scanned (may be NULL). A retry reason arrives
 * as an error in the FP_DEVICE_RETRY domain. */
typedef void (*ScannerIdentifyFunc)(FpPrint *match, FpPrint *probe, const GError *error,
                                    gpointer user_data);
void scanner_identify(Scanner *scanner, GPtrArray *gallery, GCancellable *cancellable,
                      ScannerIdentifyFunc done, gpointer user_data);

/* Enrollment: `progress` after each stage (retry != NULL: that touch was rejected, and why). */
typedef void (*ScannerProgressFunc)(int stage, int stages, const GError *retry, gpointer user_data);
typedef void (*ScannerEnrollFunc)(FpPrint *print, const GError *error, gpointer user_data);
void scanner_enroll(Scanner *scanner, FpFinger finger, GCancellable *cancellable,
                    ScannerProgressFunc progress, ScannerEnrollFunc done, gpointer user_data);

/* A sentence for a person: why that touch was not usable (retry errors) or what went wrong. */
const char *scanner_describe_error(const GError *error);
/* "right-index" <-> FP_FINGER_RIGHT_INDEX. Parse returns FP_FINGER_UNKNOWN for a bad name. */
const char *scanner_finger_name(FpFinger finger);
FpFinger scanner_finger_parse(const char *name);
