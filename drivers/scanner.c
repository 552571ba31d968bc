/* scanner — libfprint device selection, hot-plug, heat, identify and enroll. See scanner.h. */
#include "drivers/scanner.h"

#include <string.h>

/* How often to look again for a missing scanner. Re-creating the FpContext re-enumerates USB and
 * virtual devices alike, so a missed udev event or a re-plugged virtual scanner is found too. */
#define RESCAN_INTERVAL_MS 2000

struct Scanner {
    char *want_driver, *want_device;
    ScannerCallbacks cb;
    gpointer user_data;

    FpContext *context;
    FpDevice *device;      /* the chosen device, opening or open */
    ScannerState state;
    char *name;
    GCancellable *open_cancel;
    guint rescan_id;
    gboolean opened;       /* open completed: must be closed before it is let go */
    gboolean busy;         /* an action is running */
    FpFingerStatusFlags finger; /* last finger status seen */
};

static void look_for_device(Scanner *s);

static void set_state(Scanner *s, ScannerState state, const char *why)
{
    if (s->state == state)
        return;
    s->state = state;
    if (why)
        g_message("scanner: %s", why);
    if (s->cb.state_changed)
        s->cb.state_changed(state, why, s->user_data);
}

static gboolean rescan_cb(gpointer data)
{
    Scanner *s = data;
    s->rescan_id = 0;
    look_for_device(s);
    return G_SOURCE_REMOVE;
}

static void schedule_rescan(Scanner *s)
{
    if (!s->rescan_id)
        s->rescan_id = g_timeout_add(RESCAN_INTERVAL_MS, rescan_cb, s);
}

static void on_closed(GObject *source, GAsyncResult *res, gpointer data)
{
    (void)data;
    fp_device_close_finish(FP_DEVICE(source), res, NULL); /* a removed device may fail to close */
    g_object_unref(source);
}

/* Lets go of the device (closing it first when it was open: libfprint insists), then looks again. */
static void drop_device(Scanner *s, const char *why)
{
    if (s->open_cancel) {
        g_cancellable_cancel(s->open_cancel);
        g_clear_object(&s->open_cancel);
    }
    if (s->device) {
        g_signal_handlers_disconnect_by_data(s->device, s);
        FpDevice *dev = g_steal_pointer(&s->device);
        if (s->opened)
            fp_device_close(dev, NULL, on_closed, NULL);
        else
            g_object_unref(dev);
    }
    s->opened = FALSE;
    g_clear_pointer(&s->name, g_free);
    s->busy = FALSE;
    set_state(s, SCANNER_ABSENT, why);
    schedule_rescan(s);
}

static void on_temperature(FpDevice *dev, GParamSpec *pspec, gpointer data)
{
    (void)pspec;
    Scanner *s = data;
    FpTemperature t = fp_device_get_temperature(dev);
    if (t == FP_TEMPERATURE_HOT)
        set_state(s, SCANNER_HOT, "the sensor is hot and must rest (libfprint's heat model)");
    else if (s->state == SCANNER_HOT)
        set_state(s, SCANNER_READY, "the sensor has cooled down");
}

static void on_finger_status(FpDevice *dev, GParamSpec *pspec, gpointer data)
{
    (void)pspec;
    Scanner *s = data;
    FpFingerStatusFlags now = fp_device_get_finger_status(dev), before = s->finger;
    s->finger = now;
    if ((now & FP_FINGER_STATUS_PRESENT) && !(before & FP_FINGER_STATUS_PRESENT) && s->cb.finger_on)
        s->cb.finger_on(s->user_data);
    else if (now == FP_FINGER_STATUS_NEEDED && before != now && s->cb.finger_needed)
        s->cb.finger_needed(s->user_data);
}

static void on_device_removed(FpContext *ctx, FpDevice *dev, gpointer data)
{
    (void)ctx;
    Scanner *s = data;
    /* During an action, libfprint ends it with FP_DEVICE_ERROR_REMOVED first; drop it then. */
    if (dev == s->device && !s->busy)
        drop_device(s, "the scanner was unplugged");
}

static void on_opened(GObject *source, GAsyncResult *res, gpointer data)
{
    g_autoptr(GError) error = NULL;
    FpDevice *dev = FP_DEVICE(source);
    if (!fp_device_open_finish(dev, res, &error)) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        Scanner *s = data;
        g_autofree char *why = g_strdup_printf("could not open %s: %s", fp_device_get_name(dev), error->message);
        drop_device(s, why);
        return;
    }
    Scanner *s = data;
    g_clear_object(&s->open_cancel);
    s->opened = TRUE;
    s->name = g_strdup_printf("%s/%s: %s", fp_device_get_driver(dev), fp_device_get_device_id(dev),
                              fp_device_get_name(dev));
    g_signal_connect(dev, "notify::temperature", G_CALLBACK(on_temperature), s);
    g_signal_connect(dev, "notify::finger-status", G_CALLBACK(on_finger_status), s);
    g_autofree char *why = g_strdup_printf("ready: %s", s->name);
    set_state(s, fp_device_get_temperature(dev) == FP_TEMPERATURE_HOT ? SCANNER_HOT : SCANNER_READY, why);
}

static gboolean wanted(Scanner *s, FpDevice *dev)
{
    if (*s->want_driver && strcmp(s->want_driver, fp_device_get_driver(dev)) != 0)
        return FALSE;
    if (*s->want_device && strcmp(s->want_device, fp_device_get_device_id(dev)) != 0)
        return FALSE;
    return TRUE;
}

static void open_device(Scanner *s, FpDevice *dev)
{
    s->device = g_object_ref(dev);
    s->open_cancel = g_cancellable_new();
    fp_device_open(dev, s->open_cancel, on_opened, s);
}

static void on_device_added(FpContext *ctx, FpDevice *dev, gpointer data)
{
    (void)ctx;
    Scanner *s = data;
    if (!s->device && wanted(s, dev))
        open_device(s, dev);
}

static void look_for_device(Scanner *s)
{
    if (s->device)
        return;
    if (s->context) {
        g_signal_handlers_disconnect_by_data(s->context, s);
        g_clear_object(&s->context);
    }
    s->context = fp_context_new();
    g_signal_connect(s->context, "device-added", G_CALLBACK(on_device_added), s);
    g_signal_connect(s->context, "device-removed", G_CALLBACK(on_device_removed), s);
    GPtrArray *devices = fp_context_get_devices(s->context); /* enumerates; may emit device-added */
    for (guint i = 0; !s->device && devices && i < devices->len; i++)
        if (wanted(s, g_ptr_array_index(devices, i)))
            open_device(s, g_ptr_array_index(devices, i));
    if (!s->device)
        schedule_rescan(s);
}

Scanner *scanner_new(const char *driver, const char *device, const ScannerCallbacks *callbacks,
                     gpointer user_data)
{
    Scanner *s = g_new0(Scanner, 1);
    s->want_driver = g_strdup(driver ? driver : "");
    s->want_device = g_strdup(device ? device : "");
    if (callbacks)
        s->cb = *callbacks;
    s->user_data = user_data;
    s->state = SCANNER_ABSENT;
    look_for_device(s);
    return s;
}

void scanner_free(Scanner *s)
{
    if (!s)
        return;
    s->cb = (ScannerCallbacks){0};
    if (s->device && s->opened) {
        fp_device_close_sync(s->device, NULL, NULL);
        s->opened = FALSE;
    }
    drop_device(s, NULL);
    if (s->rescan_id)
        g_source_remove(s->rescan_id); /* drop_device schedules one */
    if (s->context) {
        g_signal_handlers_disconnect_by_data(s->context, s);
        g_object_unref(s->context);
    }
    g_free(s->want_driver);
    g_free(s->want_device);
    g_free(s);
}

ScannerState scanner_get_state(Scanner *s)
{
    return s->state;
}

const char *scanner_get_name(Scanner *s)
{
    return s->name;
}

FpDevice *scanner_get_device(Scanner *s)
{
    return s->state == SCANNER_ABSENT ? NULL : s->device;
}

gboolean scanner_wait_ready(Scanner *s, int timeout_ms, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (s->state != SCANNER_READY && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE) || (g_usleep(2000), TRUE);
    if (s->state == SCANNER_READY)
        return TRUE;
    g_set_error(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_NOT_OPEN,
                s->state == SCANNER_HOT ? "the scanner is resting to cool down; try again in a few minutes"
                                        : "no fingerprint scanner found (is it plugged in?)");
    return FALSE;
}

typedef struct {
    Scanner *scanner;
    ScannerIdentifyFunc identify_done;
    ScannerProgressFunc progress;
    ScannerEnrollFunc enroll_done;
    gpointer user_data;
} Action;

static void finish_action(Scanner *s, const GError *error)
{
    s->busy = FALSE;
    if (error && g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_REMOVED))
        drop_device(s, "the scanner was unplugged during a scan");
    else if (error && g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_TOO_HOT))
        set_state(s, SCANNER_HOT, "the sensor is too hot and must rest (libfprint's heat model)");
}

static void on_identified(GObject *source, GAsyncResult *res, gpointer data)
{
    g_autofree Action *a = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(FpPrint) match = NULL;
    g_autoptr(FpPrint) probe = NULL;
    fp_device_identify_finish(FP_DEVICE(source), res, &match, &probe, &error);
    finish_action(a->scanner, error);
    a->identify_done(match, probe, error, a->user_data);
}

static gboolean refuse_if_unavailable(Scanner *s, GError **error)
{
    if (s->state == SCANNER_READY && !s->busy)
        return FALSE;
    if (s->state == SCANNER_HOT)
        g_set_error(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_TOO_HOT, "the scanner is resting to cool down");
    else if (s->state == SCANNER_ABSENT)
        g_set_error(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_NOT_OPEN, "no fingerprint scanner is connected");
    else
        g_set_error(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_BUSY, "the scanner is busy");
    return TRUE;
}

void scanner_identify(Scanner *s, GPtrArray *gallery, GCancellable *cancellable,
                      ScannerIdentifyFunc done, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    if (refuse_if_unavailable(s, &error)) {
        done(NULL, NULL, error, user_data);
        return;
    }
    Action *a = g_new0(Action, 1);
    *a = (Action){.scanner = s, .identify_done = done, .user_data = user_data};
    s->busy = TRUE;
    fp_device_identify(s->device, gallery, cancellable, NULL, NULL, NULL, on_identified, a);
}

static void on_enroll_progress(FpDevice *dev, gint completed, FpPrint *print, gpointer data, GError *error)
{
    (void)print;
    Action *a = data;
    if (a->progress)
        a->progress(completed, fp_device_get_nr_enroll_stages(dev), error, a->user_data);
}

static void on_enrolled(GObject *source, GAsyncResult *res, gpointer data)
{
    g_autofree Action *a = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(FpPrint) print = fp_device_enroll_finish(FP_DEVICE(source), res, &error);
    finish_action(a->scanner, error);
    a->enroll_done(print, error, a->user_data);
}

void scanner_enroll(Scanner *s, FpFinger finger, GCancellable *cancellable,
                    ScannerProgressFunc progress, ScannerEnrollFunc done, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    if (refuse_if_unavailable(s, &error)) {
        done(NULL, error, user_data);
        return;
    }
    Action *a = g_new0(Action, 1);
    *a = (Action){.scanner = s, .progress = progress, .enroll_done = done, .user_data = user_data};
    FpPrint *template = fp_print_new(s->device);
    fp_print_set_finger(template, finger);
    s->busy = TRUE;
    /* fp_device_enroll takes ownership of the template (floating reference). */
    fp_device_enroll(s->device, template, cancellable, on_enroll_progress, a, NULL, on_enrolled, a);
}

const char *scanner_describe_error(const GError *error)
{
    if (!error)
        return "";
    if (error->domain == FP_DEVICE_RETRY) {
        switch (error->code) {
        case FP_DEVICE_RETRY_TOO_SHORT: return "the swipe was too short; try again";
        case FP_DEVICE_RETRY_CENTER_FINGER: return "put the finger in the middle of the scanner";
        case FP_DEVICE_RETRY_REMOVE_FINGER: return "lift the finger and try again";
        default: return "the scan was not clear; try again";
        }
    }
    if (g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_TOO_HOT))
        return "the scanner is resting to cool down";
    if (g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_REMOVED) ||
        g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_NOT_OPEN))
        return "the scanner is not connected";
    return error->message;
}

static const char *const finger_names[] = {
    [FP_FINGER_LEFT_THUMB] = "left-thumb",   [FP_FINGER_LEFT_INDEX] = "left-index",
    [FP_FINGER_LEFT_MIDDLE] = "left-middle", [FP_FINGER_LEFT_RING] = "left-ring",
    [FP_FINGER_LEFT_LITTLE] = "left-little", [FP_FINGER_RIGHT_THUMB] = "right-thumb",
    [FP_FINGER_RIGHT_INDEX] = "right-index", [FP_FINGER_RIGHT_MIDDLE] = "right-middle",
    [FP_FINGER_RIGHT_RING] = "right-ring",   [FP_FINGER_RIGHT_LITTLE] = "right-little",
};

const char *scanner_finger_name(FpFinger finger)
{
    if (finger >= FP_FINGER_FIRST && finger <= FP_FINGER_LAST)
        return finger_names[finger];
    return "unknown";
}

FpFinger scanner_finger_parse(const char *name)
{
    for (int f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
        if (g_strcmp0(finger_names[f], name) == 0)
            return (FpFinger)f;
    return FP_FINGER_UNKNOWN;
}
