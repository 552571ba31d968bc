/* term — terminal view of the check-in machine. See term.h. */
#include "ui/term.h"
#include "app/clock.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct Term {
    Checkin *checkin;
    char *office;
    TermCommandFunc extra;
    gpointer user_data;
    GIOChannel *in;
    guint in_watch;
    int offline_shown; /* -1 nothing shown yet, else the offline state last shown */
};

static void print_line(const char *mark, const char *text)
{
    g_autoptr(GDateTime) now = clock_now();
    g_autofree char *hms = g_date_time_format(now, "%H:%M:%S");
    printf("[%s] %-3s %s\n", hms, mark, text);
    fflush(stdout);
}

static char *describe_person(const StoreProbationer *who)
{
    if (!who)
        return g_strdup("");
    if (who->name_ur)
        return g_strdup_printf("%s (%s), case %s", who->name_en, who->name_ur, who->case_number);
    return g_strdup_printf("%s, case %s", who->name_en, who->case_number);
}

/* "2026-11-22T09:15:02+05:00" -> "09:15" */
static char *clock_of(const char *iso)
{
    return iso && strlen(iso) >= 16 ? g_strndup(iso + 11, 5) : g_strdup("?");
}

static void on_event(const CheckinEvent *ev, gpointer data)
{
    Term *t = data;
    g_autofree char *who = describe_person(ev->who);
    g_autofree char *text = NULL;
    switch (ev->state) {
    case CHECKIN_STATE_IDLE:
        text = g_strdup_printf("%s — touch to check in (type t)", t->office);
        print_line("", text);
        break;
    case CHECKIN_STATE_WAITING:
        print_line("", "Place your finger on the scanner / اپنی انگلی سکینر پر رکھیں");
        break;
    case CHECKIN_STATE_SEARCHING:
        print_line("...", "Searching — keep your finger still");
        break;
    case CHECKIN_STATE_CASE_ENTRY:
        text = g_strdup_printf("%s: place your enrolled finger on the scanner", who);
        print_line("#", text);
        break;
    case CHECKIN_STATE_RECORDED: {
        g_autofree char *at = clock_of(ev->checkin->wall_time);
        text = g_strdup_printf("CHECKED IN at %s — %s / حاضری لگ گئی%s%s", at, who,
                               ev->next_due ? " — next reporting date " : "", ev->next_due ? ev->next_due : "");
        print_line("OK", text);
        break;
    }
    case CHECKIN_STATE_ALREADY: {
        g_autofree char *at = clock_of(ev->checkin->earlier_time);
        text = g_strdup_printf("ALREADY CHECKED IN today at %s — %s", at, who);
        print_line("OK", text);
        break;
    }
    case CHECKIN_STATE_NOT_RECOGNISED:
        text = g_strdup_printf("NOT RECOGNISED — %s%s", ev->reason,
                               ev->offer_case_number ? " Or type: c YOUR-CASE-NUMBER" : "");
        print_line("X", text);
        break;
    case CHECKIN_STATE_TOUCH_AGAIN:
        print_line("?", "TOUCH AGAIN — the same finger once more / دوبارہ انگلی لگائیں");
        break;
    case CHECKIN_STATE_RETRY:
        text = g_strdup_printf("TRY AGAIN — %s", ev->reason);
        print_line("!", text);
        break;
    case CHECKIN_STATE_RESTING:
        text = g_strdup_printf("SCANNER RESTING — %s", ev->reason);
        print_line("~", text);
        break;
    case CHECKIN_STATE_SCANNER_PROBLEM:
        text = g_strdup_printf("SCANNER PROBLEM — %s", ev->reason);
        print_line("!!", text);
        break;
    case CHECKIN_STATE_STORE_PROBLEM:
        text = g_strdup_printf("NOT SAVED — %s", ev->reason);
        print_line("!!", text);
        break;
    }
}

void term_show_disk(Term *t, gboolean low, guint64 free_bytes)
{
    (void)t;
    g_autofree char *text = low ? g_strdup_printf("DISK ALMOST FULL — %" G_GUINT64_FORMAT " MB left. Please tell the officer.",
                                                  free_bytes >> 20)
                                : g_strdup("Disk space is fine again.");
    print_line(low ? "!!" : "", text);
}

void term_show_sync(Term *t, gboolean offline, gint64 waiting)
{
    if (t->offline_shown == offline || (t->offline_shown == -1 && !offline))
        return;
    t->offline_shown = offline;
    g_autofree char *text = offline ? g_strdup_printf("OFFLINE — %" G_GINT64_FORMAT " check-ins wait here, safely, "
                                                      "until the central server can be reached.", waiting)
                                    : g_strdup("Online again: check-ins are reaching the central server.");
    print_line(offline ? "~~" : "", text);
}

static gboolean on_input(GIOChannel *ch, GIOCondition cond, gpointer data)
{
    Term *t = data;
    g_autofree char *line = NULL;
    if (cond & (G_IO_HUP | G_IO_ERR) && !(cond & G_IO_IN)) {
        t->in_watch = 0;
        return G_SOURCE_REMOVE;
    }
    GIOStatus st = g_io_channel_read_line(ch, &line, NULL, NULL, NULL);
    if (st == G_IO_STATUS_EOF || st == G_IO_STATUS_ERROR) {
        t->in_watch = 0;
        return G_SOURCE_REMOVE;
    }
    if (!line)
        return G_SOURCE_CONTINUE;
    g_strstrip(line);
    if (strcmp(line, "t") == 0)
        checkin_tap(t->checkin);
    else if (g_str_has_prefix(line, "c ") && line[2])
        checkin_enter_case_number(t->checkin, g_strstrip(line + 2));
    else if (*line && t->extra)
        t->extra(line, t->user_data);
    return G_SOURCE_CONTINUE;
}

Term *term_new(Checkin *checkin, const char *office, TermCommandFunc extra, gpointer user_data)
{
    Term *t = g_new0(Term, 1);
    t->offline_shown = -1;
    t->checkin = checkin;
    t->office = g_strdup(office);
    t->extra = extra;
    t->user_data = user_data;
    checkin_subscribe(checkin, on_event, t);
    t->in = g_io_channel_unix_new(STDIN_FILENO);
    t->in_watch = g_io_add_watch(t->in, G_IO_IN | G_IO_HUP | G_IO_ERR, on_input, t);
    return t;
}

void term_free(Term *t)
{
    if (!t)
        return;
    if (t->in_watch)
        g_source_remove(t->in_watch);
    g_io_channel_unref(t->in);
    g_free(t->office);
    g_free(t);
}
