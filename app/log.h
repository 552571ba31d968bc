/* log — what the programs write to their log and terminal reads right in every locale.
 *
 * GLib converts g_message()/g_warning() text, g_print() and g_printerr() to the locale's character
 * set, replacing what it can't show with '?'. These programs never set a locale, so that set is
 * ASCII and every "—", every Urdu word, came out as '?' — in a UTF-8 terminal and in the journal
 * alike. Our text is UTF-8 and the journal and today's terminals take UTF-8: it is written as is. */
#pragma once

#include <glib.h>

/* Installs a log writer (GLib's format and streams, journald when stderr is the journal, the same
 * G_MESSAGES_DEBUG filtering) and print/printerr handlers that write UTF-8 bytes unconverted.
 * Call first thing in main(), once. */
void log_use_utf8(void);
