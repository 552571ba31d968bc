/* officer-enroll — enrollment from the officer screens: a new probationer (case number and English
 * name typed; the Urdu name may follow from the centre) or an existing one; each chosen finger is
 * first checked against everyone enrolled (one touch), then captured (the scanner's stages, with
 * the reason for each rejected touch), and all are stored together at the end. The flow is the
 * officer session's, app/enroll.c's as haazri-ctl enroll runs it, so refusals and changes are audited
 * the same way; this file keeps the form and shows the flow's events. */
#include "ui/officer-private.h"

#include <string.h>

void officer_enroll_cancel(OfficerScreen *o)
{
    officer_session_enroll_cancel(o->session);
}

void officer_enroll_reset(OfficerScreen *o)
{
    officer_enroll_cancel(o);
    o->case_number[0] = o->name_en[0] = '\0';
    o->found = FALSE;
    store_probationer_clear(&o->person);
    o->finger_mask = 0x3; /* right and left index: two fingers, so one cut or worn finger isn't the end */
    o->form_note_id = STR_COUNT;
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
    officer_session_set_active(o->session, &o->person, active);
    officer_enroll_lookup(o);
}

void officer_enroll_on_event(OfficerScreen *o, const OfficerEvent *ev)
{
    switch (ev->kind) {
    case OFFICER_EVENT_ENROLL_CHECKING: /* the next finger: its one-touch check first */
        o->finger_at = ev->finger;
        o->checking = TRUE;
        o->stage = 0;
        g_clear_pointer(&o->retry_reason, g_free);
        if (o->view != OV_ENROLL_PROGRESS) { /* the first finger */
            o->stages = ev->stages;
            officer_go(o, OV_ENROLL_PROGRESS);
        }
        officer_redraw(o);
        break;
    case OFFICER_EVENT_ENROLL_UNCLEAR: /* the same check again */
        g_free(o->retry_reason);
        o->retry_reason = g_strdup(ev->reason);
        officer_redraw(o);
        break;
    case OFFICER_EVENT_ENROLL_CAPTURING:
        g_clear_pointer(&o->retry_reason, g_free);
        o->checking = FALSE;
        officer_redraw(o);
        break;
    case OFFICER_EVENT_ENROLL_TOUCH:
        o->stage = ev->stage;
        o->stages = ev->stages;
        g_free(o->retry_reason);
        o->retry_reason = g_strdup(ev->reason);
        officer_redraw(o);
        break;
    case OFFICER_EVENT_ENROLL_DONE:
        g_clear_pointer(&o->retry_reason, g_free);
        officer_show_report(o, ev->report);
        officer_go(o, OV_ENROLL_RESULT);
        break;
    default:
        break;
    }
}

void officer_enroll_start(OfficerScreen *o)
{
    const char *fingers[OFFICER_FINGERS + 1] = {NULL};
    guint n = 0;
    for (int i = 0; i < OFFICER_FINGERS; i++)
        if (o->finger_mask & (1u << i))
            fingers[n++] = officer_fingers[i].name;
    officer_enroll_cancel(o);
    g_clear_pointer(&o->finger_names, g_ptr_array_unref);
    o->finger_names = g_ptr_array_new();
    for (guint i = 0; i < n; i++)
        g_ptr_array_add(o->finger_names, (gpointer)fingers[i]);
    if (!officer_session_enroll(o->session, o->case_number, o->name_en, o->found ? o->person.id : 0, fingers)) {
        g_clear_pointer(&o->finger_names, g_ptr_array_unref);
        o->form_note_id = STR_OFF_NEED_NAME;
        officer_redraw(o);
    }
}
