/* officer-finger — the officer's own finger after the PIN (officer-private.h).
 *
 * A PIN can be watched over a shoulder; a finger can't be. When the officer who typed the right PIN
 * has a finger enrolled (haazri-ctl officer finger), or [officer] require_finger says every officer
 * must, the screen asks for it and libfprint compares the touch with that officer's prints only
 * (one or two: bozorth3's 1:few is what it is good at, whatever [match] search is). A wrong finger
 * counts like a wrong PIN, with the same lockout; each outcome is audited (app/officer.c). */
#include "app/engine/engine.h"
#include "ui/officer-private.h"

#include "ui/icons.h"

#define BUSY_RETRY_MS 20

/* The one identify in flight: its screen, or NULL once cancelled (the callback then only frees). */
typedef struct {
    OfficerScreen *o;
} Job;
static Job *job;

static void listen_for_finger(OfficerScreen *o);

static gboolean on_busy(gpointer data)
{
    Job *j = data;
    OfficerScreen *o = j->o;
    if (job == j)
        job = NULL;
    g_free(j);
    if (o)
        listen_for_finger(o);
    return G_SOURCE_REMOVE;
}

static void on_identified(FpPrint *match, FpPrint *probe, const GError *error, gpointer data)
{
    (void)probe;
    Job *j = data;
    OfficerScreen *o = j->o;
    /* The check-in machine let go of the scanner a moment ago: wait that out. */
    if (o && g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_BUSY)) {
        g_timeout_add(BUSY_RETRY_MS, on_busy, j);
        return;
    }
    if (job == j)
        job = NULL;
    g_free(j);
    if (!o)
        return;
    if (error && error->domain == FP_DEVICE_RETRY) {
        g_free(o->finger_reason);
        o->finger_reason = g_strdup(scanner_describe_error(error));
        o->finger_note = 0;
        listen_for_finger(o);
        officer_redraw(o);
        return;
    }
    if (error) {
        g_warning("officer mode: the officer's finger could not be read: %s", error->message);
        officer_finger_cancel(o);
        o->pin_note = STR_OFF_FINGER_NO_SCANNER;
        officer_go(o, OV_PIN);
        return;
    }
    int retry_after = 0;
    g_autoptr(GError) failed = NULL;
    OfficerLoginResult r = officer_finger_result(o->parts.store, &o->pending, match != NULL, &retry_after, &failed);
    if (failed)
        g_warning("officer mode: %s", failed->message);
    g_clear_pointer(&o->finger_reason, g_free);
    if (r == OFFICER_LOGIN_OK) {
        Officer who = o->pending;
        o->pending = (Officer){0};
        officer_finger_cancel(o);
        officer_signed_in(o, &who);
        return;
    }
    g_message("officer mode: a finger that is not %s's", o->pending.username);
    if (retry_after > 0) { /* locked: back to the PIN screen, which counts down */
        officer_finger_cancel(o);
        officer_set_locked(o, retry_after);
        officer_go(o, OV_PIN);
        return;
    }
    o->finger_note = STR_OFF_FINGER_WRONG;
    listen_for_finger(o);
    officer_redraw(o);
}

static void listen_for_finger(OfficerScreen *o)
{
    job = g_new0(Job, 1);
    job->o = o;
    scanner_identify(o->parts.scanner, o->own_prints, o->finger_cancel, on_identified, job);
}

gboolean officer_finger_begin(OfficerScreen *o, Officer *who)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) blobs = officer_get_fingers(o->parts.store, who->id, &error);
    if (error)
        g_warning("officer mode: %s", error->message);
    guint n = blobs ? blobs->len : 0;
    if (n == 0 && !o->config.require_finger)
        return FALSE;
    o->pending = *who;
    *who = (Officer){0};
    o->own_prints = g_ptr_array_new_with_free_func(g_object_unref);
    for (guint i = 0; i < n; i++) {
        gsize len;
        const guchar *data = g_bytes_get_data(blobs->pdata[i], &len);
        /* An unreadable template of one's own counts as none (libfprint aborts on a damaged frame). */
        FpPrint *p = engine_template_check(data, len, NULL) ? fp_print_deserialize(data, len, NULL) : NULL;
        if (p)
            g_ptr_array_add(o->own_prints, p);
    }
    StringId refusal = o->own_prints->len == 0 ? STR_OFF_FINGER_NEEDED
                       : !o->parts.scanner || scanner_get_state(o->parts.scanner) != SCANNER_READY
                           ? STR_OFF_FINGER_NO_SCANNER
                           : 0;
    if (refusal) {
        /* Required but impossible: not in, and said why (the PIN was right, so no lockout). */
        store_audit(o->parts.store, "kiosk", "officer.login-refused", o->pending.username,
                    refusal == STR_OFF_FINGER_NEEDED ? "no finger enrolled" : "scanner not ready", NULL);
        officer_finger_cancel(o);
        o->pin_note = refusal;
        officer_go(o, OV_PIN);
        return TRUE;
    }
    o->finger_cancel = g_cancellable_new();
    o->finger_note = 0;
    listen_for_finger(o);
    officer_go(o, OV_FINGER);
    return TRUE;
}

void officer_finger_cancel(OfficerScreen *o)
{
    if (job && job->o == o) {
        job->o = NULL;
        job = NULL;
    }
    if (o->finger_cancel) {
        g_cancellable_cancel(o->finger_cancel);
        g_clear_object(&o->finger_cancel);
    }
    g_clear_pointer(&o->own_prints, g_ptr_array_unref);
    g_clear_pointer(&o->finger_reason, g_free);
    o->finger_note = 0;
    officer_clear(&o->pending);
}

void officer_draw_finger(OfficerScreen *o)
{
    const Layout *l = o->layout;
    officer_draw_top(o, od_str(o, STR_OFF_FINGER_TITLE), TRUE);
    SDL_Rect body = od_body(o);
    int icon = MIN(body.h * 55 / 100, body.w / 3);
    SDL_Rect mark = od_mirror(o, (SDL_Rect){body.x + body.w - icon, body.y + l->margin, icon, icon});
    icons_draw(o->renderer, ICON_FINGERPRINT, &mark, OD_WHITE, OD_BG);
    int tw = body.w - icon - l->margin, y = body.y + l->margin, lh = od_row_h(o);
    od_label(o, od_mirror(o, (SDL_Rect){body.x, y, tw, lh}), o->lang, l->size_small, TEXT_BOLD,
             o->pending.name ? o->pending.name : o->pending.username, OD_DIM, TEXT_START);
    y += lh + l->margin / 2;
    od_label(o, od_mirror(o, (SDL_Rect){body.x, y, tw, lh * 2}), o->lang, l->size_title, TEXT_BOLD,
             od_str(o, STR_OFF_FINGER_PROMPT), OD_WHITE, TEXT_START);
    y += lh * 2 + l->margin;
    const char *note = o->finger_note ? od_str(o, o->finger_note) : NULL;
    if (!note && o->finger_reason)
        note = strings_translate(o->finger_reason, o->lang) ? strings_translate(o->finger_reason, o->lang)
                                                             : o->finger_reason;
    if (note) {
        SDL_Rect box = od_mirror(o, (SDL_Rect){body.x, y, tw, l->button_h});
        icons_fill_rounded(o->renderer, &box, l->margin / 2, o->finger_note ? OD_RED : OD_AMBER);
        od_label(o, (SDL_Rect){box.x + l->margin / 2, box.y, box.w - l->margin, box.h}, o->lang, l->size_small,
                 TEXT_BOLD, note, OD_WHITE, TEXT_START);
    }
}
