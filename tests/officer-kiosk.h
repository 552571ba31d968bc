/* officer-kiosk — the kiosk test-officer-screen drives: the real screen (offscreen), check-in machine,
 * libfprint's virtual_image scanner and a SQLite file, with three officers and two probationers
 * enrolled through the product's own code and a day of check-ins; and what an officer does to it —
 * touches, key presses — and reads back from the screen and the audit trail.
 *
 * One kiosk per test program, as the officer's session is one: each case leans on the state the one
 * before left (the officer signed in, the person enrolled), so its parts are plain globals here. */
#pragma once

#include <SDL.h>

#include "app/checkin.h"
#include "app/config.h"
#include "drivers/scanner.h"
#include "ui/officer-private.h"
#include "ui/screen-private.h"

/* the panel the kiosk is drawn on */
#define W 800
#define H 480

extern Config *config;
extern Store *store;
extern Scanner *scanner;
extern Search *search;
extern Checkin *machine;
extern Screen *screen;
extern char *db_path, *stick; /* stick: the officer's export folder, a USB stick */
extern char last_case[64];    /* the case number of the last check-in recorded */

/* Builds the kiosk (the clock frozen mid-January 2027) and starts its check-in machine. */
void officer_kiosk_start(void);
void officer_kiosk_stop(void);

/* Waits (running the main loop) until screen_describe() says `want`; fails the test after timeout_ms. */
void wait_for_view(const char *want, int timeout_ms);
/* A finger down or up at pixel (x, y) of the panel, handled at once. */
void finger_event(Uint32 type, int x, int y);
/* A tap on what screen_locate() calls `what` ("menu:log", "kb:A", ...). */
void touch(const char *what);
/* Keys as an officer with a keyboard would type them: \n is Enter, \b Backspace. */
void type(const char *keys);
/* Audit rows with this action, and this subject and detail (LIKE) where not NULL. */
gint64 count_audit(const char *action, const char *subject, const char *detail_like);
/* Waits (running the main loop) for at least n such rows. */
void wait_audit(const char *action, const char *subject, gint64 n);
OfficerScreen *officer(void);
/* From the PIN screen: Imran, the administrator, to the menu. */
void log_in_as_admin(void);
/* From the check-in screen: F12 (the keyboard's way into officer mode), then log_in_as_admin(). */
void open_with_f12(void);
