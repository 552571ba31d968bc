/* officer-session-private — what the officer session's two files share: officer-session.c (open,
 * close, signing in, enrollment) and officer-session-tools.c (export, the Device view, photos). */
#pragma once

#include "app/enroll.h"
#include "app/officer-session.h"

typedef struct CameraJob CameraJob;
typedef struct FingerJob FingerJob;

struct OfficerSession {
    OfficerParts parts;
    gboolean require_finger;
    char *export_dir, *camera;
    OfficerEventFunc func;
    gpointer user_data;

    Officer who;                 /* signed in (who.username NULL: nobody) */
    Officer pending;             /* PIN accepted, finger not yet */
    GPtrArray *own_prints;       /* FpPrint*, the pending officer's enrolled fingers */
    GCancellable *finger_cancel;
    FingerJob *finger_job;       /* the identify in flight */
    EnrollRun *enroll;           /* the enrollment in flight */
    char *enroll_case;
    guint led_id;                /* the light test's red, to come */
    CameraJob *camera_job;       /* the photo being taken */
};

void officer_session_emit(OfficerSession *s, OfficerEvent *ev);
/* Who the audit trail names: the officer signed in, else "kiosk". */
const char *officer_session_actor(OfficerSession *s);
/* officer-session-tools.c: stops the light test's timer (no event). */
void officer_session_stop_led_test(OfficerSession *s);
