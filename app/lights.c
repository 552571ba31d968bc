/* lights — check-in states to LED patterns. See lights.h. */
#include "app/lights.h"

LedsPattern lights_pattern_for(CheckinState state)
{
    switch (state) {
    case CHECKIN_STATE_SEARCHING:
        return LEDS_PATTERN_SCANNING;
    case CHECKIN_STATE_RECORDED:
    case CHECKIN_STATE_ALREADY: /* counted already: still a good outcome for the person */
        return LEDS_PATTERN_OK;
    case CHECKIN_STATE_NOT_RECOGNISED:
    case CHECKIN_STATE_RETRY:
    case CHECKIN_STATE_STORE_PROBLEM:
        return LEDS_PATTERN_FAIL;
    case CHECKIN_STATE_RESTING:
    case CHECKIN_STATE_SCANNER_PROBLEM:
        return LEDS_PATTERN_RESTING;
    case CHECKIN_STATE_IDLE:
    case CHECKIN_STATE_WAITING:
    case CHECKIN_STATE_CASE_ENTRY:
    case CHECKIN_STATE_TOUCH_AGAIN: /* a prompt, like "place your finger" */
        break;
    }
    return LEDS_PATTERN_IDLE;
}

static void on_event(const CheckinEvent *ev, gpointer leds)
{
    LedsPattern next = lights_pattern_for(ev->state);
    /* OK and FAIL return to IDLE by themselves; don't cut them short when the machine goes back to waiting. */
    LedsPattern now = leds_get_pattern(leds);
    if (next == LEDS_PATTERN_IDLE && (now == LEDS_PATTERN_OK || now == LEDS_PATTERN_FAIL))
        return;
    leds_show(leds, next);
}

void lights_attach(Checkin *checkin, Leds *leds)
{
    checkin_subscribe(checkin, on_event, leds);
}
