/* clock — the office's wall time (see clock.h for why there is exactly one). */
#include "app/clock.h"
#include "app/clock-testing.h"

#include <gio/gio.h>

/* The zone and the frozen instant are process-wide and set from the main thread at start-up (or by
 * a test); the receiver's worker threads only read them, so a lock guards the swap. */
static GMutex lock;
static GTimeZone *zone;
static gint64 frozen_us = G_MININT64; /* G_MININT64: not frozen */

gboolean clock_set_zone(const char *identifier, GError **error)
{
    /* Only "+05:00"-style offsets and tz database names without digits: GLib would also take POSIX TZ
     * strings, where "PKT+5" means five hours *behind* UTC — a trap for an installer. */
    gboolean offset = g_regex_match_simple("^[+-][0-9]{2}:[0-9]{2}$", identifier, 0, 0);
    gboolean name = g_regex_match_simple("^[A-Za-z_]+(/[A-Za-z_-]+)*$", identifier, 0, 0);
    GTimeZone *tz = offset || name ? g_time_zone_new_identifier(identifier) : NULL;
    if (!tz) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                    "\"%s\" is not a time zone (expected a UTC offset such as +05:00, or a name such as "
                    "Asia/Karachi)", identifier);
        return FALSE;
    }
    g_mutex_lock(&lock);
    g_clear_pointer(&zone, g_time_zone_unref);
    zone = tz;
    g_mutex_unlock(&lock);
    return TRUE;
}

GTimeZone *clock_get_zone(void)
{
    g_mutex_lock(&lock);
    if (!zone)
        zone = g_time_zone_new_identifier(CLOCK_DEFAULT_ZONE);
    GTimeZone *tz = zone;
    g_mutex_unlock(&lock);
    return tz;
}

gint64 clock_now_us(void)
{
    g_mutex_lock(&lock);
    gint64 us = frozen_us != G_MININT64 ? frozen_us : g_get_real_time();
    g_mutex_unlock(&lock);
    return us;
}

static GDateTime *in_office(gint64 us)
{
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
    g_autoptr(GDateTime) exact = g_date_time_add(utc, us % G_USEC_PER_SEC);
    return g_date_time_to_timezone(exact, clock_get_zone());
}

GDateTime *clock_now(void)
{
    return in_office(clock_now_us());
}

GDateTime *clock_now_utc(void)
{
    g_autoptr(GDateTime) now = clock_now();
    return g_date_time_to_utc(now);
}

char *clock_today(void)
{
    g_autoptr(GDateTime) now = clock_now();
    return g_date_time_format(now, "%Y-%m-%d");
}

GDateTime *clock_from_unix(gint64 seconds)
{
    return in_office(seconds * G_USEC_PER_SEC);
}

GDateTime *clock_day_start(int year, int month, int day)
{
    return g_date_time_new(clock_get_zone(), year, month, day, 0, 0, 0);
}

void clock_freeze(GDateTime *at)
{
    gint64 us = g_date_time_to_unix(at) * G_USEC_PER_SEC + g_date_time_get_microsecond(at);
    g_mutex_lock(&lock);
    frozen_us = us;
    g_mutex_unlock(&lock);
}

void clock_advance(double seconds)
{
    g_mutex_lock(&lock);
    g_assert(frozen_us != G_MININT64);
    frozen_us += (gint64)(seconds * G_USEC_PER_SEC);
    g_mutex_unlock(&lock);
}

void clock_thaw(void)
{
    g_mutex_lock(&lock);
    frozen_us = G_MININT64;
    g_mutex_unlock(&lock);
}
