/* ctl — what haazri-ctl's commands share: option parsing, the configuration and database, JSON
 * output, the audit actor. Each command file (people.c, roster.c, records.c, officers.c, device.c) holds
 * commands of one kind; main.c is the command table. */
#pragma once

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "app/config.h"
#include "app/store/store.h"
#include "drivers/scanner.h"

extern char *ctl_config_path; /* --config */
extern gboolean ctl_as_json;  /* --json */

/* Parses a command's options (plus --config, and --json when `json`); prints the error and returns
 * FALSE on a bad command line. */
gboolean parse(const char *cmd, const char *args, const char *summary, const GOptionEntry *extra, gboolean json,
               int *argc, char ***argv);
Config *load_config(void);
Store *open_store(const Config *c);

/* What most commands need: the configuration and the database. */
typedef struct {
    Config *config;
    Store *store;
} Admin;
void admin_clear(Admin *a);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Admin, admin_clear)
/* 0, or the exit status to return (2: bad configuration, 1: the database can't be opened). */
int open_admin(Admin *a);
/* Commands with one fixed action word ("audit verify", "leds test"). */
gboolean expect_action(const char *cmd, int argc, char **argv, const char *action);
/* "ctl:<unix user>" for the audit trail. */
const char *actor(void);

/* The configured scanner, ready, printing "Touch N of M: place the F finger" each time the sensor
 * wants a touch (the demo's and tests' virtual hand read that line); people.c. */
Scanner *ctl_open_scanner(const Config *config, GError **error);
/* Takes one finger through every enrollment stage; the print, or NULL with the reason. */
FpPrint *ctl_capture_finger(Scanner *scanner, const char *finger, GError **error);

void print_json(JsonBuilder *b);
void add_string(JsonBuilder *b, const char *key, const char *value);
void add_int(JsonBuilder *b, const char *key, gint64 value);
void build_probationer(JsonBuilder *b, const StoreProbationer *p);

int cmd_enroll(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_deactivate(int argc, char **argv);
int cmd_activate(int argc, char **argv);
int cmd_checkins(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_officer(int argc, char **argv);
int cmd_schedule(int argc, char **argv);
int cmd_photo(int argc, char **argv);
int cmd_today(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_leds(int argc, char **argv);
int cmd_settings(int argc, char **argv);
int cmd_prompts(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_provision(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_enrollments(int argc, char **argv);
int cmd_adms_pin(int argc, char **argv);
/* The ADMS server's part of `sync status` (ctl/adms.c): printed, or a member of `b` with --json.
 * Nothing when ADMS is off and never ran. */
void ctl_adms_status(Admin *a, JsonBuilder *b);
/* `sync now`'s ADMS part: when [adms] names a server, one pass (handshake, the check-ins and officer
 * actions waiting, one command poll) and one line saying what it did. -1 when ADMS is off, else 0
 * or 1 (a failure, said on stderr: nothing is lost). */
int ctl_adms_sync_now(Admin *a);
