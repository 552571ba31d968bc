/* officer-finger — the officer's own finger after the PIN (officer-private.h): the screen asking for
 * it, and what each touch came to. Whose finger it must be, the matching, the lockout and the audit
 * are the officer session's (app/officer-session.c). */
#include "ui/officer-private.h"

#include "ui/icons.h"

void officer_finger_begin(OfficerScreen *o)
{
    officer_copy(&o->pending, officer_session_get_pending(o->session));
    o->finger_note = 0;
    officer_go(o, OV_FINGER);
}

void officer_finger_cancel(OfficerScreen *o)
{
    officer_session_cancel_finger(o->session);
    g_clear_pointer(&o->finger_reason, g_free);
    o->finger_note = 0;
    officer_clear(&o->pending);
}

void officer_finger_on_event(OfficerScreen *o, const OfficerEvent *ev)
{
    switch (ev->kind) {
    case OFFICER_EVENT_FINGER_AGAIN:
        if (ev->wrong) {
            g_clear_pointer(&o->finger_reason, g_free);
            o->finger_note = STR_OFF_FINGER_WRONG;
        } else {
            g_free(o->finger_reason);
            o->finger_reason = g_strdup(ev->reason);
            o->finger_note = 0;
        }
        officer_redraw(o);
        break;
    case OFFICER_EVENT_SIGNED_IN:
        officer_finger_cancel(o);
        officer_signed_in(o);
        break;
    case OFFICER_EVENT_PIN_AGAIN: /* refused, or locked: the PIN screen counts down */
        officer_finger_cancel(o);
        if (ev->refusal == OFFICER_REFUSED_NO_SCANNER)
            o->pin_note = STR_OFF_FINGER_NO_SCANNER;
        else if (ev->refusal == OFFICER_REFUSED_NO_FINGER)
            o->pin_note = STR_OFF_FINGER_NEEDED;
        if (ev->retry_after_s > 0)
            officer_set_locked(o, ev->retry_after_s);
        officer_go(o, OV_PIN);
        break;
    default:
        break;
    }
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
