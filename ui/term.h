/* term — the kiosk's terminal view: one line per check-in event on stdout, and a person's inputs
 * typed as lines on stdin (the SDL screen of issue "The check-in screen" replaces it on the device).
 *
 * Inputs:  t          touch (wakes the scanner in tap mode)
 *          c CASE     case-number fallback: then place that person's finger
 *          anything else goes to `extra` (the demo's virtual hand), if given */
#pragma once

#include "app/checkin.h"

typedef struct Term Term;
typedef void (*TermCommandFunc)(const char *line, gpointer user_data);

Term *term_new(Checkin *checkin, const char *office, TermCommandFunc extra, gpointer user_data);
void term_free(Term *term);
/* The disk is almost full (or has recovered): a standing warning for the officer. */
void term_show_disk(Term *term, gboolean low, guint64 free_bytes);
/* The central server can't be reached and check-ins wait here (or it can again): shown on change. */
void term_show_sync(Term *term, gboolean offline, gint64 waiting);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Term, term_free)
