/* officer-enroll — enrollment from the officer screens: a new probationer (case number and English
 * name typed; the Urdu name may follow from the centre) or an existing one; each chosen finger is
 * first checked against everyone enrolled (one touch), then captured (the scanner's stages, with
 * the reason for each rejected touch), and all are stored together at the end. The same app/enroll.c
 * functions as haazri-ctl enroll, so refusals and changes are audited the same way. The check-in
 * machine is paused while officer mode is open, so the scanner is ours. */
#include "ui/officer-private.h"

#include <string.h>

#include "app/enroll.h"

/* One asynchronous step in flight. Cancelling forgets the screen (o = NULL); the step's final
 * callback then frees the job instead of touching a screen that may be gone. */
typedef struct {
    OfficerScreen *o;
} Job;

static Job *job; /* the one in flight, or NULL: one screen, one scanner */

static const char *actor(OfficerScreen *o)
{
    return o->who.username ? o->who.username : "kiosk";
}

void officer_enroll_cancel(OfficerScreen *o)
{
    if (job && job->o == o) {
        job->o = NULL;
        job = NULL;
    }
    if (o->enroll_cancel) {
        g_cancellable_cancel(o->enroll_cancel);
        g_clear_object(&o->enroll_cancel);
    }
}

void officer_enroll_reset(OfficerScreen *o)
{
    officer_enroll_cancel(o);
    o->case_number[0] = o->name_en[0] = '\0';
    o->found = FALSE;
    store_probationer_clear(&o->person);
    o->finger_mask = 0x3; /* right and left index: two fingers, so one cut or worn finger isn't the end */
    o->form_note_id = STR_COUNT;
    g_clear_pointer(&o->prints, g_ptr_array_unref);
    g_clear_pointer(&o->finger_names, g_ptr_array_unref);
    g_clear_pointer(&o->retry_reason, g_free);
    officer_set_result(o, RESULT_NONE, NULL, NULL);
}

void officer_enroll_lookup(OfficerScreen *o)
{
    store_probationer_clear(&o->person);
    o->found = o->case_number[0] && store_find_probationer(o->parts.store, o->case_number, &o->person, NULL);
    if (o->found)
        g_strlcpy(o->name_en, o->person.name_en ? o->person.name_en : "", sizeof o->name_en);
    o->form_note_id = STR_COUNT;
    officer_redraw(o);
}

void officer_enroll_set_active(OfficerScreen *o, gboolean active)
{
    if (!o->found)
        return;
    g_autoptr(GError) error = NULL;
    if (!store_set_probationer_active(o->parts.store, o->person.id, active, &error) ||
        !store_audit(o->parts.store, actor(o), active ? "probationer.activate" : "probationer.deactivate",
                     o->person.case_number, NULL, &error))
        g_warning("officer mode: %s", error->message);
    officer_enroll_lookup(o);
}

static void finish(OfficerScreen *o, OfficerResultKind kind, const char *english, const char *arg)
{
    officer_enroll_cancel(o);
    g_clear_pointer(&o->retry_reason, g_free);
    officer_set_result(o, kind, english, arg);
    g_message("officer mode: enrollment: %s", english);
    officer_go(o, OV_ENROLL_RESULT);
}

static void next_step(OfficerScreen *o);

static Job *new_job(OfficerScreen *o)
{
    job = g_new0(Job, 1);
    job->o = o;
    return job;
}

/* The final callback of a step: the screen it belongs to, or NULL (cancelled; the job is freed). */
static OfficerScreen *take_job(gpointer data)
{
    Job *j = data;
    OfficerScreen *o = j->o;
    if (job == j)
        job = NULL;
    g_free(j);
    return o;
}

static void on_checked(const GError *error, const char *owner_case, gpointer data)
{
    OfficerScreen *o = take_job(data);
    if (!o)
        return;
    if (error && error->domain == FP_DEVICE_RETRY) {
        g_free(o->retry_reason);
        o->retry_reason = g_strdup(scanner_describe_error(error));
        next_step(o); /* the same check again */
        return;
    }
    if (g_error_matches(error, STORE_ERROR, STORE_ERROR_EXISTS)) {
        finish(o, RESULT_DUPLICATE, error->message, owner_case);
        return;
    }
    if (error) {
        finish(o, RESULT_FAILED, scanner_describe_error(error), NULL);
        return;
    }
    g_clear_pointer(&o->retry_reason, g_free);
    o->checking = FALSE;
    next_step(o);
}

static void on_progress(int stage, int stages, const GError *retry, gpointer data)
{
    Job *j = data;
    OfficerScreen *o = j->o;
    if (!o)
        return;
    o->stage = stage;
    o->stages = stages;
    g_free(o->retry_reason);
    o->retry_reason = retry ? g_strdup(scanner_describe_error(retry)) : NULL;
    officer_redraw(o);
}

static void save(OfficerScreen *o)
{
    g_autoptr(GError) error = NULL;
    EnrollPerson who = {.case_number = o->case_number, .name_en = o->name_en, .office = o->parts.office};
    FpDevice *dev = scanner_get_device(o->parts.scanner);
    g_ptr_array_add(o->finger_names, NULL);
    gint64 id = enroll_save(o->parts.store, o->found ? o->person.id : 0, &who, (char **)o->finger_names->pdata,
                            o->prints, dev ? fp_device_get_driver(dev) : "unknown", actor(o), &error);
    g_ptr_array_remove_index(o->finger_names, o->finger_names->len - 1);
    if (!id) {
        finish(o, RESULT_FAILED, error->message, NULL);
        return;
    }
    g_autofree char *said = g_strdup_printf("enrolled %u fingers for case %s", o->prints->len, o->case_number);
    finish(o, RESULT_OK, said, o->case_number);
}

static void on_captured(FpPrint *print, const GError *error, gpointer data)
{
    OfficerScreen *o = take_job(data);
    if (!o)
        return;
    if (error) {
        finish(o, RESULT_FAILED, scanner_describe_error(error), NULL);
        return;
    }
    g_ptr_array_add(o->prints, g_object_ref(print));
    o->finger_at++;
    o->checking = TRUE;
    o->stage = 0;
    g_clear_pointer(&o->retry_reason, g_free);
    if (o->finger_at < o->finger_names->len)
        next_step(o);
    else
        save(o);
}

/* The next touch: the duplicate check of the current finger, or its capture. */
static void next_step(OfficerScreen *o)
{
    const char *finger = o->finger_names->pdata[o->finger_at];
    officer_redraw(o);
    if (o->checking)
        enroll_check_finger(o->parts.scanner, o->parts.store, o->found ? o->person.id : 0, o->case_number, actor(o),
                            o->enroll_cancel, on_checked, new_job(o));
    else
        enroll_capture(o->parts.scanner, scanner_finger_parse(finger), o->enroll_cancel, on_progress, on_captured,
                       new_job(o));
}

void officer_enroll_start(OfficerScreen *o)
{
    if (!o->case_number[0] || (!o->found && !o->name_en[0]) || o->finger_mask == 0) {
        o->form_note_id = STR_OFF_NEED_NAME;
        officer_redraw(o);
        return;
    }
    if (!o->parts.scanner || scanner_get_state(o->parts.scanner) != SCANNER_READY) {
        finish(o, RESULT_FAILED, "no fingerprint scanner is ready", NULL);
        return;
    }
    officer_enroll_cancel(o);
    o->enroll_cancel = g_cancellable_new();
    g_clear_pointer(&o->prints, g_ptr_array_unref);
    o->prints = g_ptr_array_new_with_free_func(g_object_unref);
    g_clear_pointer(&o->finger_names, g_ptr_array_unref);
    o->finger_names = g_ptr_array_new();
    for (int i = 0; i < OFFICER_FINGERS; i++)
        if (o->finger_mask & (1u << i))
            g_ptr_array_add(o->finger_names, (gpointer)officer_fingers[i].name);
    o->finger_at = 0;
    o->checking = TRUE;
    o->stage = 0;
    o->stages = fp_device_get_nr_enroll_stages(scanner_get_device(o->parts.scanner));
    g_clear_pointer(&o->retry_reason, g_free);
    officer_go(o, OV_ENROLL_PROGRESS);
    next_step(o);
}
