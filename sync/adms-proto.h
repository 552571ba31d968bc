/* adms-proto — the ADMS ("iclock") push protocol's text: reading what a server says (options,
 * commands, acknowledgements) and writing what a terminal sends (ATTLOG, OPERLOG, command answers).
 * No I/O. Everything read comes from the network: sizes are bounded before anything is parsed. */
#pragma once

#include <glib.h>

#include "app/store/store-adms.h"

#define ADMS_MAX_REPLY (64u * 1024)  /* a reply body past this is refused (Http's limit) */
#define ADMS_MAX_LINE 1024           /* a longer line is not read */
#define ADMS_MAX_LINES 512           /* lines past this in one reply are not read */

#define ADMS_ERROR (g_quark_from_static_string("haazri-adms"))

typedef struct {
    int delay_s;            /* Delay: seconds between command polls */
    int error_delay_s;      /* ErrorDelay: seconds before trying again after a failure */
    int trans_interval_min; /* TransInterval */
    gboolean realtime;      /* Realtime: send each check-in at once */
    gboolean has_timezone;
    int timezone_min;       /* TimeZone, in minutes east of UTC */
    gboolean got_options;   /* FALSE: a bare OK (defaults kept) */
} AdmsOptions;

/* Defaults from the configuration until the server says otherwise. */
void adms_options_init(AdmsOptions *options, int delay_s, int error_delay_s);
/* A handshake reply: "GET OPTION FROM: <sn>" and Key=Value lines (\n or \r\n, the last may lack
 * one, any order, unknown keys ignored), or a bare "OK". Values out of range keep the default.
 * FALSE (with a sentence) when the body is too big or is an "ERROR"/"FAIL". */
gboolean adms_parse_options(const char *body, gsize len, AdmsOptions *options, GError **error);
/* TimeZone as "5", "-3", "+05:00", "0530", "5.5" (hours) or "300" (minutes). */
gboolean adms_parse_timezone(const char *value, int *minutes);

/* Only a body beginning "OK" means stored ("OK", "OK: 2", "OK:2\n"). *count gets the number after
 * it, -1 when none. */
gboolean adms_reply_is_ok(const char *body, gsize len, gint64 *count);
/* The reply's first line, printable ASCII only, at most 120 characters: for messages. */
char *adms_reply_summary(const char *body, gsize len);

typedef struct {
    char *id;      /* as the server sent it (not unique: some servers use one id for all) */
    char *command; /* e.g. "DATA UPDATE USERINFO PIN=7\tName=Ali" */
} AdmsCommand;
void adms_command_free(AdmsCommand *command);
/* The C:<id>:<command> lines of a getrequest reply (AdmsCommand*); other lines are skipped and
 * counted in *skipped. NULL with a sentence when the body is too big. */
GPtrArray *adms_parse_commands(const char *body, gsize len, guint *skipped, GError **error);
/* The Key=Value fields of a USERINFO command (TAB separated, keys case-insensitive): a value, or
 * NULL. */
char *adms_command_field(const char *command, const char *key);

/* One ATTLOG line (no newline): PIN, local time, status 0, verify (1 finger, 0 case number),
 * workcode 0, two reserved 0 — seven TAB-separated fields. NULL when the stored time is unreadable. */
char *adms_format_attlog(const StoreAdmsPunch *punch);
/* "2026-12-04T09:15:02+05:00" → "2026-12-04 09:15:02" (the office's wall time, no zone). */
char *adms_local_time(const char *iso);
/* One OPERLOG line for an officer action: OPLOG <type>\t<admin>\t<time>\t<subject>\t0\t0\t0. */
char *adms_format_oplog(const StoreAuditRow *row);
/* The USER line OPERLOG carries for a person (ZKTeco's field order). */
char *adms_format_user(const char *pin, const char *name);
/* The answer to one command: ID=<id>&Return=<code>&CMD=<first word>. */
char *adms_format_answer(const AdmsCommand *command, int code);
