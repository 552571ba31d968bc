/* officer-session — open and close, signing in, enrollment. See officer-session.h; export, the Device
 * view and photos are in officer-session-tools.c. */
#include "app/officer-session-private.h"

#include "app/engine/engine.h"

#define BUSY_RETRY_MS 20

void officer_report_clear(OfficerReport *r)
{
    g_clear_pointer(&r->text, g_free);
    g_clear_pointer(&r->arg, g_free);
}

void officer_session_emit(OfficerSession *s, OfficerEvent *ev)
{
    if (s->func)
        s->func(ev, s->user_data);
}

const char *officer_session_actor(OfficerSession *s)
{
    return s->who.username ? s->who.username : "kiosk";
}

OfficerSession *officer_session_new(const OfficerParts *parts, gboolean require_finger, const char *export_dir,
                                    const char *camera, OfficerEventFunc func, gpointer user_data)
{
    OfficerSession *s = g_new0(OfficerSession, 1);
    s->parts = *parts;
    s->require_finger = require_finger;
    s->export_dir = g_strdup(export_dir);
    s->camera = g_strdup(camera);
    s->func = func;
    s->user_data = user_data;
    return s;
}

void officer_session_set_require_finger(OfficerSession *s, gboolean require)
{
    s->require_finger = require;
}

void officer_session_set_export_dir(OfficerSession *s, const char *dir)
{
    g_free(s->export_dir);
    s->export_dir = g_strdup(dir);
}

/* Whatever is in flight stops (no more events) and nobody is signed in. */
static void forget(OfficerSession *s)
{
    officer_session_cancel_finger(s);
    officer_session_enroll_cancel(s);
    officer_session_photo_cancel(s);
    officer_clear(&s->who);
}

void officer_session_free(OfficerSession *s)
{
    if (!s)
        return;
    officer_session_stop_led_test(s);
    forget(s);
    g_free(s->export_dir);
    g_free(s->camera);
    g_free(s);
}

GPtrArray *officer_session_open(OfficerSession *s)
{
    forget(s);
    if (s->parts.checkin)
        checkin_pause(s->parts.checkin);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) all = officer_list(s->parts.store, &error);
    GPtrArray *active = g_ptr_array_new_with_free_func((GDestroyNotify)officer_free);
    if (!all)
        g_warning("officer mode: %s", error->message);
    for (guint i = 0; all && i < all->len; i++) {
        Officer *of = all->pdata[i];
        if (of->active)
            g_ptr_array_add(active, g_steal_pointer(&all->pdata[i]));
    }
    return active;
}

void officer_session_close(OfficerSession *s)
{
    if (s->who.username)
        store_audit(s->parts.store, s->who.username, "officer.logout", s->who.username, NULL, NULL);
    officer_session_stop_led_test(s);
    forget(s);
    if (s->parts.checkin)
        checkin_resume(s->parts.checkin);
}

const Officer *officer_session_get_officer(OfficerSession *s)
{
    return s->who.username ? &s->who : NULL;
}

const Officer *officer_session_get_pending(OfficerSession *s)
{
    return s->pending.username ? &s->pending : NULL;
}

gboolean officer_session_is_admin(OfficerSession *s)
{
    return s->who.username && s->who.role == OFFICER_ROLE_ADMIN;
}

/* Takes `who`: signed in. */
static void sign_in(OfficerSession *s, Officer *who)
{
    officer_clear(&s->who);
    s->who = *who;
    *who = (Officer){0};
    g_message("officer mode: %s signed in (%s)", s->who.username, officer_role_name(s->who.role));
}

/* ---- the officer's own finger after the PIN ----
 *
 * A PIN can be watched over a shoulder; a finger can't be. When the officer who typed the right PIN
 * has a finger enrolled (haazri-ctl officer finger), or [officer] require_finger says every officer
 * must, the touch is compared with that officer's prints only (one or two: bozorth3's 1:few is what
 * it is good at, whatever [match] search is). A wrong finger counts like a wrong PIN, with the same
 * lockout; each outcome is audited (app/officer.c). */

/* The one identify in flight: its session, or NULL once cancelled (the callback then only frees). */
struct FingerJob {
    OfficerSession *s;
};

static void listen_for_finger(OfficerSession *s);

static gboolean on_busy(gpointer data)
{
    FingerJob *j = data;
    OfficerSession *s = j->s;
    if (s && s->finger_job == j)
        s->finger_job = NULL;
    g_free(j);
    if (s)
        listen_for_finger(s);
    return G_SOURCE_REMOVE;
}

static void back_to_pin(OfficerSession *s, OfficerRefusal refusal, int retry_after_s)
{
    officer_session_cancel_finger(s);
    OfficerEvent ev = {.kind = OFFICER_EVENT_PIN_AGAIN, .refusal = refusal, .retry_after_s = retry_after_s};
    officer_session_emit(s, &ev);
}

static void on_identified(FpPrint *match, FpPrint *probe, const GError *error, gpointer data)
{
    (void)probe;
    FingerJob *j = data;
    OfficerSession *s = j->s;
    /* The check-in machine let go of the scanner a moment ago: wait that out. */
    if (s && g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_BUSY)) {
        g_timeout_add(BUSY_RETRY_MS, on_busy, j);
        return;
    }
    if (s && s->finger_job == j)
        s->finger_job = NULL;
    g_free(j);
    if (!s)
        return;
    if (error && error->domain == FP_DEVICE_RETRY) {
        listen_for_finger(s);
        OfficerEvent ev = {.kind = OFFICER_EVENT_FINGER_AGAIN, .reason = scanner_describe_error(error)};
        officer_session_emit(s, &ev);
        return;
    }
    if (error) {
        g_warning("officer mode: the officer's finger could not be read: %s", error->message);
        back_to_pin(s, OFFICER_REFUSED_NO_SCANNER, 0);
        return;
    }
    int retry_after = 0;
    g_autoptr(GError) failed = NULL;
    OfficerLoginResult r = officer_finger_result(s->parts.store, &s->pending, match != NULL, &retry_after, &failed);
    if (failed)
        g_warning("officer mode: %s", failed->message);
    if (r == OFFICER_LOGIN_OK) {
        Officer who = s->pending;
        s->pending = (Officer){0};
        officer_session_cancel_finger(s);
        sign_in(s, &who);
        OfficerEvent ev = {.kind = OFFICER_EVENT_SIGNED_IN};
        officer_session_emit(s, &ev);
        return;
    }
    g_message("officer mode: a finger that is not %s's", s->pending.username);
    if (retry_after > 0) { /* locked: back to the PIN screen, which counts down */
        back_to_pin(s, OFFICER_REFUSED_NOTHING, retry_after);
        return;
    }
    listen_for_finger(s);
    OfficerEvent ev = {.kind = OFFICER_EVENT_FINGER_AGAIN, .wrong = TRUE};
    officer_session_emit(s, &ev);
}

static void listen_for_finger(OfficerSession *s)
{
    s->finger_job = g_new0(FingerJob, 1);
    s->finger_job->s = s;
    scanner_identify(s->parts.scanner, s->own_prints, s->finger_cancel, on_identified, s->finger_job);
}

/* Takes `who` (PIN accepted): the finger step, when one is needed. */
static OfficerPinResult begin_finger(OfficerSession *s, Officer *who, OfficerRefusal *refusal)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) blobs = officer_get_fingers(s->parts.store, who->id, &error);
    if (error)
        g_warning("officer mode: %s", error->message);
    guint n = blobs ? blobs->len : 0;
    if (n == 0 && !s->require_finger) {
        sign_in(s, who);
        return OFFICER_PIN_SIGNED_IN;
    }
    s->pending = *who;
    *who = (Officer){0};
    s->own_prints = g_ptr_array_new_with_free_func(g_object_unref);
    for (guint i = 0; i < n; i++) {
        gsize len;
        const guchar *data = g_bytes_get_data(blobs->pdata[i], &len);
        /* An unreadable template of one's own counts as none (libfprint aborts on a damaged frame). */
        FpPrint *p = engine_template_check(data, len, NULL) ? fp_print_deserialize(data, len, NULL) : NULL;
        if (p)
            g_ptr_array_add(s->own_prints, p);
    }
    *refusal = s->own_prints->len == 0 ? OFFICER_REFUSED_NO_FINGER
               : !s->parts.scanner || scanner_get_state(s->parts.scanner) != SCANNER_READY
                   ? OFFICER_REFUSED_NO_SCANNER
                   : OFFICER_REFUSED_NOTHING;
    if (*refusal) {
        /* Required but impossible: not in, and said why (the PIN was right, so no lockout). */
        store_audit(s->parts.store, "kiosk", "officer.login-refused", s->pending.username,
                    *refusal == OFFICER_REFUSED_NO_FINGER ? "no finger enrolled" : "scanner not ready", NULL);
        officer_session_cancel_finger(s);
        return OFFICER_PIN_REFUSED;
    }
    s->finger_cancel = g_cancellable_new();
    listen_for_finger(s);
    return OFFICER_PIN_FINGER;
}

OfficerPinResult officer_session_enter_pin(OfficerSession *s, const char *username, const char *pin,
                                           int *retry_after_s, OfficerRefusal *refusal)
{
    *retry_after_s = 0;
    *refusal = OFFICER_REFUSED_NOTHING;
    g_autoptr(GError) error = NULL;
    Officer who = {0};
    /* Argon2id takes a moment on purpose. */
    OfficerLoginResult r = officer_login(s->parts.store, username, pin, &who, retry_after_s, &error);
    if (error)
        g_warning("officer mode: %s", error->message);
    if (r != OFFICER_LOGIN_OK)
        return OFFICER_PIN_WRONG;
    return begin_finger(s, &who, refusal);
}

void officer_session_cancel_finger(OfficerSession *s)
{
    if (s->finger_job) {
        s->finger_job->s = NULL;
        s->finger_job = NULL;
    }
    if (s->finger_cancel) {
        g_cancellable_cancel(s->finger_cancel);
        g_clear_object(&s->finger_cancel);
    }
    g_clear_pointer(&s->own_prints, g_ptr_array_unref);
    officer_clear(&s->pending);
}

/* ---- enrollment: app/enroll.c's flow, as haazri-ctl enroll runs it ---- */

static void enroll_done(OfficerSession *s, OfficerOutcome outcome, const char *english, const char *arg)
{
    OfficerReport report = {.outcome = outcome, .text = g_strdup(english), .arg = g_strdup(arg)};
    g_message("officer mode: enrollment: %s", english);
    OfficerEvent ev = {.kind = OFFICER_EVENT_ENROLL_DONE, .report = &report};
    officer_session_emit(s, &ev);
    officer_report_clear(&report);
}

static void on_enroll_event(const EnrollEvent *e, gpointer data)
{
    OfficerSession *s = data;
    OfficerEvent ev = {.finger = e->finger, .stage = e->stage, .stages = e->stages};
    switch (e->kind) {
    case ENROLL_CHECKING: ev.kind = OFFICER_EVENT_ENROLL_CHECKING; break;
    case ENROLL_UNCLEAR:
        ev.kind = OFFICER_EVENT_ENROLL_UNCLEAR;
        ev.reason = scanner_describe_error(e->retry);
        break;
    case ENROLL_CAPTURING: ev.kind = OFFICER_EVENT_ENROLL_CAPTURING; break;
    case ENROLL_TOUCH:
        ev.kind = OFFICER_EVENT_ENROLL_TOUCH;
        ev.reason = e->retry ? scanner_describe_error(e->retry) : NULL;
        break;
    case ENROLL_DONE: {
        s->enroll = NULL; /* the run is gone after this event */
        g_autofree char *case_number = g_steal_pointer(&s->enroll_case);
        if (g_error_matches(e->error, STORE_ERROR, STORE_ERROR_EXISTS)) {
            enroll_done(s, OFFICER_OUTCOME_DUPLICATE, e->error->message, e->owner_case);
        } else if (e->error) {
            enroll_done(s, OFFICER_OUTCOME_FAILED,
                        e->at == ENROLL_AT_SAVE ? e->error->message : scanner_describe_error(e->error), NULL);
        } else {
            g_autofree char *said = g_strdup_printf("enrolled %u fingers for case %s", e->enrolled, case_number);
            enroll_done(s, OFFICER_OUTCOME_OK, said, case_number);
        }
        return;
    }
    }
    officer_session_emit(s, &ev);
}

gboolean officer_session_enroll(OfficerSession *s, const char *case_number, const char *name_en, gint64 existing_id,
                                const char *const *fingers)
{
    if (!case_number || !*case_number || (!existing_id && (!name_en || !*name_en)) || !fingers || !fingers[0])
        return FALSE;
    officer_session_enroll_cancel(s);
    if (!s->parts.scanner || scanner_get_state(s->parts.scanner) != SCANNER_READY) {
        enroll_done(s, OFFICER_OUTCOME_FAILED, "no fingerprint scanner is ready", NULL);
        return TRUE;
    }
    s->enroll_case = g_strdup(case_number);
    EnrollPerson who = {.case_number = case_number, .name_en = name_en, .office = s->parts.office};
    s->enroll = enroll_run_start(s->parts.scanner, s->parts.store, existing_id, &who, (char *const *)fingers,
                                 officer_session_actor(s), 0, on_enroll_event, s);
    return TRUE;
}

void officer_session_enroll_cancel(OfficerSession *s)
{
    g_clear_pointer(&s->enroll, enroll_run_cancel);
    g_clear_pointer(&s->enroll_case, g_free);
}

void officer_session_set_active(OfficerSession *s, const StoreProbationer *person, gboolean active)
{
    g_autoptr(GError) error = NULL;
    if (!store_set_probationer_active(s->parts.store, person->id, active, &error) ||
        !store_audit(s->parts.store, officer_session_actor(s), active ? "probationer.activate" : "probationer.deactivate",
                     person->case_number, NULL, &error))
        g_warning("officer mode: %s", error->message);
}
