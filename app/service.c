/* service — sd_notify for the kiosk. See service.h. */
#include "app/service.h"

#include <systemd/sd-daemon.h>

static guint watchdog_ms;

static gboolean ping_watchdog(gpointer data)
{
    (void)data;
    sd_notify(0, "WATCHDOG=1");
    return G_SOURCE_CONTINUE;
}

void service_notify_ready(const char *status)
{
    g_autofree char *msg = g_strdup_printf("READY=1\nSTATUS=%s", status);
    sd_notify(0, msg);
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2000) {
        watchdog_ms = (guint)(usec / 2000);
        ping_watchdog(NULL);
        g_timeout_add(watchdog_ms, ping_watchdog, NULL);
    }
}

void service_notify_status(const char *status)
{
    g_autofree char *msg = g_strdup_printf("STATUS=%s", status);
    sd_notify(0, msg);
}

void service_notify_stopping(void)
{
    sd_notify(0, "STOPPING=1");
}

guint service_get_watchdog_interval_ms(void)
{
    return watchdog_ms;
}
