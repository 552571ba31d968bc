/* service — talking to systemd: ready, status, watchdog (sd_notify; a no-op outside systemd).
 *
 * The watchdog ping runs on the kiosk's one main loop, so a loop that hangs (a stuck callback, a
 * deadlock) stops pinging and systemd kills and restarts the kiosk (WatchdogSec in haazri.service). */
#pragma once

#include <glib.h>

/* READY=1 with a status line; starts the watchdog pings if the service manager asked for them. */
void service_notify_ready(const char *status);
void service_notify_status(const char *status);
void service_notify_stopping(void);
/* The ping interval in ms (half of WATCHDOG_USEC), 0 when there is no watchdog. */
guint service_get_watchdog_interval_ms(void);
