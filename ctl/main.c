/* haazri-ctl — administration from a shell: enroll, list, show, (de)activate, check-ins, log, export,
 * officers, audit, status, lights.
 *
 * Each command is one function in the files beside this one; every change an officer makes is written
 * to the audit trail with the Unix user who ran it. Templates never appear in any output. */
#include <string.h>

#include "app/log.h"
#include "app/version.h"
#include "ctl/ctl.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} Command;

static const Command commands[] = {
    {"status", cmd_status, "the kiosk at a glance: identity, database, queue, scanner, lights, disk"},
    {"enroll", cmd_enroll, "enroll a probationer's fingers from the scanner (stop the kiosk first)"},
    {"list", cmd_list, "list enrolled probationers"},
    {"show", cmd_show, "show one probationer"},
    {"deactivate", cmd_deactivate, "stop a probationer from checking in"},
    {"activate", cmd_activate, "let a deactivated probationer check in again"},
    {"photo", cmd_photo, "set (or --remove) the photo shown when a probationer checks in"},
    {"schedule", cmd_schedule, "set when a probationer must report (weekly, every N days, monthly)"},
    {"today", cmd_today, "the day's roster: who was due, present, late, expected, missing"},
    {"checkins", cmd_checkins, "list a day's check-ins"},
    {"log", cmd_log, "the check-in log: filters, search, a page at a time"},
    {"export", cmd_export, "check-ins as CSV with a SHA-256 manifest to a USB stick or folder"},
    {"officer", cmd_officer, "officer accounts: add, passwd, list, deactivate, activate"},
    {"audit", cmd_audit, "audit verify: check the officers' audit trail"},
    {"sync", cmd_sync, "the central server: status, now (send what waits), requeue (quarantined)"},
    {"adms-pin", cmd_adms_pin, "the PIN a probationer has at the ADMS attendance server: show, set, --clear"},
    {"provision", cmd_provision, "register this kiosk with the central server (--server URL --token T)"},
    {"key", cmd_key, "key rotate: a new key for the names and fingerprints sealed in the database"},
    {"enrollments", cmd_enrollments, "enrollments export --out FILE: fingers enrolled here, for roster load"},
    {"settings", cmd_settings, "the settings changed on the device's screen: list, set, reset"},
    {"match", cmd_match, "match report: score distributions of the enrolled fingers on this scanner"},
    {"leds", cmd_leds, "leds test: cycle every light and the buzzer (wiring check)"},
    {"prompts", cmd_prompts, "print the spoken prompts (used by make prompts)"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: haazri-ctl COMMAND [--config PATH] [OPTIONS]\n\nCommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'haazri-ctl COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
    log_use_utf8();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("haazri-ctl %s\n", HAAZRI_VERSION);
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "haazri-ctl: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
