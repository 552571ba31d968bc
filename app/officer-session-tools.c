/* officer-session-tools — export to the USB stick, the Device view (facts, light test, settings) and
 * a photo from the camera. See officer-session.h. */
#include "app/officer-session-private.h"

#include <errno.h>

#include "app/clock.h"
#include "app/export.h"
#include "app/health.h"
#include "app/photo-set.h"
#include "app/settings.h"
#include "drivers/camera.h"
#include "sync/adms.h"

/* ---- export ---- */

static char *date_back(int days)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autoptr(GDateTime) then = g_date_time_add_days(now, -days);
    return g_date_time_format(then, "%Y-%m-%d");
}

char *officer_session_stick_folder(OfficerSession *s)
{
    if (s->export_dir && *s->export_dir)
        return g_strdup(s->export_dir);
    g_autoptr(GPtrArray) media = export_find_removable_media();
    return media->len ? g_strdup(media->pdata[0]) : NULL;
}

static void report(OfficerReport *out, OfficerOutcome outcome, const char *english, const char *arg)
{
    officer_report_clear(out);
    out->outcome = outcome;
    out->text = g_strdup(english);
    out->arg = g_strdup(arg);
}

void officer_session_export(OfficerSession *s, int range, OfficerReport *out)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *to = g_date_time_format(now, "%Y-%m-%d");
    g_autofree char *from = range == 0 ? g_strdup(to) : range == 1 ? date_back(6)
                                                                   : g_date_time_format(now, "%Y-%m-01");
    if (range == 3) { /* last month: what the monthly report to OMIS covers */
        g_autoptr(GDateTime) first = clock_day_start(g_date_time_get_year(now), g_date_time_get_month(now), 1);
        g_autoptr(GDateTime) last = g_date_time_add_days(first, -1);
        g_free(from);
        g_free(to);
        from = g_date_time_format(last, "%Y-%m-01");
        to = g_date_time_format(last, "%Y-%m-%d");
    }
    g_autofree char *folder = officer_session_stick_folder(s);
    if (!folder) {
        report(out, OFFICER_OUTCOME_NO_STICK, "No USB stick found.", NULL);
        return;
    }
    ExportResult r;
    g_autoptr(GError) error = NULL;
    if (!export_checkins(s->parts.store, s->parts.device_id, from, to, folder, &r, &error)) {
        g_message("officer mode: export: %s", error->message);
        OfficerOutcome kind = OFFICER_OUTCOME_FAILED;
        if (error->domain == EXPORT_ERROR && (error->code == ENOSPC || error->code == EDQUOT))
            kind = OFFICER_OUTCOME_FULL;
        else if (error->domain == EXPORT_ERROR && error->code == EROFS)
            kind = OFFICER_OUTCOME_READ_ONLY;
        else if (error->domain == EXPORT_ERROR && (error->code == ENOENT || error->code == ENOTDIR))
            kind = OFFICER_OUTCOME_NO_STICK;
        report(out, kind, error->message, NULL);
        return;
    }
    g_autofree char *detail = g_strdup_printf("%s..%s, %" G_GINT64_FORMAT " rows, sha256 %s", from, to, r.rows,
                                              r.sha256);
    store_audit(s->parts.store, officer_session_actor(s), "checkins.export", r.csv_path, detail, NULL);
    g_autofree char *base = g_path_get_basename(r.csv_path);
    g_autofree char *said = g_strdup_printf("%" G_GINT64_FORMAT " check-ins written to %s", r.rows, r.csv_path);
    report(out, OFFICER_OUTCOME_OK, said, base);
    out->rows = r.rows;
    export_result_clear(&r);
}

/* ---- the Device view ---- */

void officer_session_read_device(OfficerSession *s, OfficerDeviceFacts *out)
{
    *out = (OfficerDeviceFacts){0};
    store_get_summary(s->parts.store, &out->summary, NULL);
    const char *name = s->parts.scanner ? scanner_get_name(s->parts.scanner) : NULL;
    out->scanner = g_strdup(name);
    HealthDisk disk = {0};
    out->have_disk = s->parts.data_dir && health_check_disk(s->parts.data_dir, 0, &disk, NULL);
    out->disk_free_bytes = disk.free_bytes;
    /* An ADMS attendance server, when this kiosk pushes to one: its state and what it has not got. */
    g_autofree char *adms_error = NULL;
    if (!adms_read_status(s->parts.store, &out->adms_state, &out->adms_pending, &adms_error))
        g_clear_pointer(&out->adms_state, g_free);
}

void officer_device_facts_clear(OfficerDeviceFacts *f)
{
    g_clear_pointer(&f->scanner, g_free);
    g_clear_pointer(&f->adms_state, g_free);
}

gboolean officer_session_has_leds(OfficerSession *s)
{
    return s->parts.leds != NULL;
}

static gboolean on_led_red(gpointer data)
{
    OfficerSession *s = data;
    s->led_id = 0;
    leds_show(s->parts.leds, LEDS_PATTERN_FAIL);
    OfficerEvent ev = {.kind = OFFICER_EVENT_LED_TEST_DONE};
    officer_session_emit(s, &ev);
    return G_SOURCE_REMOVE;
}

/* The full wiring test, line by line, is `haazri-ctl leds test` with the kiosk stopped. */
gboolean officer_session_led_test(OfficerSession *s)
{
    if (!s->parts.leds || s->led_id)
        return FALSE;
    store_audit(s->parts.store, officer_session_actor(s), "device.led-test", NULL, NULL, NULL);
    leds_show(s->parts.leds, LEDS_PATTERN_OK);
    s->led_id = g_timeout_add(1500, on_led_red, s);
    return TRUE;
}

void officer_session_stop_led_test(OfficerSession *s)
{
    if (s->led_id) {
        g_source_remove(s->led_id);
        s->led_id = 0;
    }
}

gboolean officer_session_change_setting(OfficerSession *s, guint index, OfficerReport *out)
{
    guint n;
    const SettingInfo *all = settings_list(&n);
    if (!officer_session_is_admin(s) || !s->parts.settings || index >= n)
        return FALSE;
    const SettingInfo *info = &all[index];
    g_autofree char *current = settings_get(s->parts.settings, info->name);
    const char *next = settings_next_choice(info->name, current);
    g_autoptr(GError) error = NULL;
    if (!settings_set(s->parts.store, s->who.username, info->name, next, &error)) {
        g_warning("officer %s could not change %s: %s", s->who.username, info->name, error->message);
        report(out, OFFICER_OUTCOME_FAILED, error->message, NULL);
        return TRUE;
    }
    settings_put(s->parts.settings, info->name, next);
    g_message("officer %s set %s to %s", s->who.username, info->name, next);
    OfficerEvent ev = {.kind = OFFICER_EVENT_SETTING_CHANGED, .name = info->name, .value = next};
    officer_session_emit(s, &ev);
    report(out, OFFICER_OUTCOME_NONE, NULL, NULL);
    return TRUE;
}

/* ---- a photo from the camera ----
 * The frame is taken on a worker thread (it blocks up to CAMERA_TIMEOUT_S). Cancelling forgets the
 * session (s = NULL); the worker's reply then only frees the job. */

struct CameraJob {
    OfficerSession *s;
};

char *officer_session_find_camera(OfficerSession *s)
{
    if (g_strcmp0(s->camera, "auto") == 0)
        return camera_find();
    if (s->camera && g_str_has_prefix(s->camera, "/dev/"))
        return g_strdup(s->camera);
    return NULL;
}

static void on_photo(GObject *source, GAsyncResult *result, gpointer data)
{
    (void)source;
    CameraJob *job = data;
    OfficerSession *s = job->s;
    if (s && s->camera_job == job)
        s->camera_job = NULL;
    g_free(job);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) photo = g_task_propagate_pointer(G_TASK(result), &error);
    if (!s)
        return;
    OfficerEvent ev = {.kind = OFFICER_EVENT_PHOTO_TAKEN, .photo = photo, .reason = photo ? NULL : error->message};
    officer_session_emit(s, &ev);
}

static void capture_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancel)
{
    (void)source;
    (void)cancel;
    GError *error = NULL;
    GBytes *photo = camera_capture_jpeg(data, &error);
    if (photo)
        g_task_return_pointer(task, photo, (GDestroyNotify)g_bytes_unref);
    else
        g_task_return_error(task, error);
}

void officer_session_take_photo(OfficerSession *s, const char *device)
{
    officer_session_photo_cancel(s);
    s->camera_job = g_new0(CameraJob, 1);
    s->camera_job->s = s;
    GTask *task = g_task_new(NULL, NULL, on_photo, s->camera_job);
    g_task_set_task_data(task, g_strdup(device), g_free);
    g_task_run_in_thread(task, capture_thread);
    g_object_unref(task);
}

void officer_session_photo_cancel(OfficerSession *s)
{
    if (s->camera_job) {
        s->camera_job->s = NULL;
        s->camera_job = NULL;
    }
}

gboolean officer_session_keep_photo(OfficerSession *s, const StoreProbationer *person, GBytes *photo,
                                    const char *source, GError **error)
{
    return photo_set_for(s->parts.store, person, photo, source, officer_session_actor(s), error);
}
