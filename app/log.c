/* log — UTF-8 output whatever the locale. See log.h. */
#include "app/log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/clock.h"

#define ALERT_LEVELS (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)

static const char *level_name(GLogLevelFlags level)
{
    switch (level & G_LOG_LEVEL_MASK) {
    case G_LOG_LEVEL_ERROR: return "ERROR";
    case G_LOG_LEVEL_CRITICAL: return "CRITICAL";
    case G_LOG_LEVEL_WARNING: return "WARNING";
    case G_LOG_LEVEL_MESSAGE: return "Message";
    case G_LOG_LEVEL_INFO: return "INFO";
    case G_LOG_LEVEL_DEBUG: return "DEBUG";
    default: return "LOG";
    }
}

/* The line GLib's own writer prints (g_log_writer_format_fields without colour), without the
 * conversion to the locale's character set. */
static GLogWriterOutput write_log(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
    const char *domain = NULL, *message = NULL;
    for (gsize i = 0; i < n; i++) {
        if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
            domain = fields[i].value;
        else if (strcmp(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
            message = fields[i].value;
    }
    if (g_log_writer_default_would_drop(level, domain))
        return G_LOG_WRITER_HANDLED;
    if (g_log_writer_is_journald(fileno(stderr)) && g_log_writer_journald(level, fields, n, data) == G_LOG_WRITER_HANDLED)
        return G_LOG_WRITER_HANDLED;
    g_autoptr(GString) line = g_string_new(NULL);
    if (level & ALERT_LEVELS)
        g_string_append_c(line, '\n');
    if (!domain)
        g_string_append(line, "** ");
    if (level & (ALERT_LEVELS | G_LOG_LEVEL_DEBUG))
        g_string_append_printf(line, "(%s:%lu): ", g_get_prgname() ? g_get_prgname() : "process", (gulong)getpid());
    if (domain)
        g_string_append_printf(line, "%s-", domain);
    g_string_append_printf(line, "%s%s: ", level_name(level), level & ALERT_LEVELS ? " **" : "");
    /* The office's time, like every other time the kiosk shows. */
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *hms = g_date_time_format(now, "%H:%M:%S");
    g_string_append_printf(line, "%s.%03d: ", hms, g_date_time_get_microsecond(now) / 1000);
    if (!message)
        g_string_append(line, "(NULL) message");
    else if (g_utf8_validate(message, -1, NULL))
        g_string_append(line, message);
    else {
        g_autofree char *valid = g_utf8_make_valid(message, -1);
        g_string_append(line, valid);
    }
    g_string_append_c(line, '\n');
    FILE *out = level & (ALERT_LEVELS | G_LOG_LEVEL_MESSAGE) ? stderr : stdout;
    fputs(line->str, out);
    fflush(out);
    return G_LOG_WRITER_HANDLED;
}

static void print_out(const char *text)
{
    fputs(text, stdout);
    fflush(stdout);
}

static void print_err(const char *text)
{
    fputs(text, stderr);
    fflush(stderr);
}

void log_use_utf8(void)
{
    g_log_set_writer_func(write_log, NULL, NULL);
    g_set_print_handler(print_out);
    g_set_printerr_handler(print_err);
}
