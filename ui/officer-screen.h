/* officer-screen — officer mode on the kiosk's own screen: PIN, then Today · Log · Enroll · Export ·
 * (administrators: Device) · Log out, in English or Urdu, drawn with the check-in screen's text,
 * layout and icons.
 *
 * ui/screen.c opens it (a 3-second press on a top corner, or F12) and hands it every input while
 * it is open. While open, the check-in machine is paused (checkin_pause): the screen belongs to the
 * officer, so a probationer's touch would get no answer, and enrollment needs the scanner. It
 * closes on Log out or after [officer] idle_seconds untouched, and the check-in screen comes back.
 * What it decides, changes and audits is app/officer-session.c's (the same app/ functions haazri-ctl
 * uses: officer_login, enroll_run_start, export_checkins...); these screens draw its events and
 * forward touches. */
#pragma once

#include <SDL.h>
#include <glib.h>

#include "app/checkin.h"
#include "app/officer-session.h"
#include "app/store/store.h"
#include "app/strings.h"
#include "ui/layout.h"
#include "ui/text.h"

typedef struct {
    int idle_s;        /* [officer] idle_seconds: untouched officer screens log out */
    char *export_dir;  /* [officer] export_dir: a fixed folder for exports; "" = the USB stick */
    gboolean require_finger; /* [officer] require_finger: after the PIN, every officer's own finger;
                              * false: only of officers who enrolled one (haazri-ctl officer finger) */
    char *camera;      /* [officer] camera: "auto" (the first V4L2 camera found), "none", or a device */
} OfficerScreenConfig;

void officer_screen_config_init(OfficerScreenConfig *config);
void officer_screen_config_clear(OfficerScreenConfig *config);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(OfficerScreenConfig, officer_screen_config_clear)
/* Reads [officer] (absent keys keep the defaults); a bad value is one sentence naming it. */
gboolean officer_screen_config_load(GKeyFile *kf, const char *path, OfficerScreenConfig *out, GError **error);

/* What officer mode works with (app/officer-session.h); borrowed, must outlive it. */
typedef OfficerParts OfficerScreenParts;

/* How officer mode talks back to the screen that hosts it. */
typedef struct {
    void (*redraw)(gpointer data);  /* something changed: draw soon */
    void (*closed)(gpointer data);  /* logged out (or timed out): show the check-in screen */
    /* An administrator changed a device setting (stored and audited already): use it from now on. */
    void (*apply_setting)(const char *name, const char *value, gpointer data);
    gpointer data;
} OfficerScreenHost;

typedef struct OfficerScreen OfficerScreen;

OfficerScreen *officer_screen_new(const OfficerScreenConfig *config, const OfficerScreenParts *parts,
                                  const OfficerScreenHost *host, SDL_Renderer *renderer, Text *text,
                                  const Layout *layout, Lang first);
void officer_screen_free(OfficerScreen *officer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OfficerScreen, officer_screen_free)

/* Shows the PIN screen and pauses the check-in machine. */
void officer_screen_open(OfficerScreen *officer);
/* Logs out (audited when someone was logged in), resumes check-ins, calls host->closed. */
void officer_screen_close(OfficerScreen *officer);
gboolean officer_screen_is_open(OfficerScreen *officer);

/* Inputs while open: a touch or click, a key, a wheel turn or swipe (+1 = a page further back). */
void officer_screen_press(OfficerScreen *officer, int x, int y);
void officer_screen_key(OfficerScreen *officer, SDL_Keycode key);
void officer_screen_scroll(OfficerScreen *officer, int pages);

void officer_screen_draw(OfficerScreen *officer);
/* "officer:<view>", e.g. "officer:pin", "officer:menu", "officer:log-search" (tests). */
char *officer_screen_describe(OfficerScreen *officer);
/* Where a person would touch for `what` (e.g. "menu:log", "officer:0", "key:5", "kb:A", "back"). */
gboolean officer_screen_locate(OfficerScreen *officer, const char *what, int *x, int *y);
/* One sentence describing the last result shown (export, enrollment), in English, or NULL (tests). */
const char *officer_screen_get_result(OfficerScreen *officer);
