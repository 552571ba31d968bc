/* clock — the one answer to "what time is it, and what day?" in the whole product.
 *
 * Everything that stamps, compares or shows a wall time asks here: check-ins, the duplicate window
 * and "today", reporting dates, audit rows, exports, the screen's clock, sync timestamps, the
 * receiver. Times are the office's local time: Pakistan Standard Time (UTC+05:00, no daylight
 * saving) unless `[kiosk] timezone` names another zone — never the machine's TZ variable, so a
 * kiosk whose image was built with TZ=UTC still closes its day at the office's midnight.
 *
 * Nothing a user reaches can set the time: the only way to move this clock is app/clock-testing.h,
 * which only tests include. tests/test-one-clock.sh enforces that, and that no other product file
 * reads the system clock. Intervals that must not jump with the wall clock (backoff, the scanner's
 * heat, timeouts) use g_get_monotonic_time() instead. */
#pragma once

#include <glib.h>

#define CLOCK_DEFAULT_ZONE "+05:00"

/* Sets the office's zone: a UTC offset ("+05:00") or a tz database name ("Asia/Karachi"). */
gboolean clock_set_zone(const char *identifier, GError **error);
/* The office's zone (borrowed). */
GTimeZone *clock_get_zone(void);

/* Now, in the office's zone. */
GDateTime *clock_now(void);
/* Now, in UTC (the receiver's and the protocol's timestamps). */
GDateTime *clock_now_utc(void);
/* Now, as microseconds since 1970 UTC. */
gint64 clock_now_us(void);
/* Today's date in the office, YYYY-MM-DD (newly allocated). */
char *clock_today(void);
/* A Unix time (seconds) shown in the office's zone. */
GDateTime *clock_from_unix(gint64 seconds);
/* Midnight at the start of a day in the office's zone. */
GDateTime *clock_day_start(int year, int month, int day);
