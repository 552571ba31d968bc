/* web — the centre's day on one page, for district officers: `haazri-receiver serve` also answers
 *   GET /             → /day (today)
 *   GET /day?date=YYYY-MM-DD[&office=NAME]      a small read-only HTML page (plain HTML + CSS, for a phone)
 *   GET /day.csv?date=YYYY-MM-DD[&office=NAME]  the same as CSV
 * per office: due / present / late / expected / missing with names, each kiosk's last contact,
 * queue and scanner, the answers needing attention. Read with the centre's own viewer accounts
 * (HTTP Basic over the server's TLS; Argon2id hashes, libsodium's crypto_pwhash_str), managed by
 * `haazri-receiver viewer add|remove|list`; a kiosk's device secret opens nothing here. */
#pragma once

#include <microhttpd.h>

#include "receiver/receiver.h"

typedef enum { RX_DAY_MISSING, RX_DAY_LATE, RX_DAY_EXPECTED, RX_DAY_PRESENT, RX_DAY_UNSCHEDULED } RxDayStatus;

typedef struct {
    char *case_number, *name_en, *name_ur;
    char *at;          /* HH:MM of the first recorded check-in (or the flagged answer's check-in), or NULL */
    RxDayStatus status;
    char *question;    /* a flagged answer: the question answered "yes" */
} RxDayPerson;

typedef struct {
    char *id, *last_seen, *scanner;
    gint64 queue, attention; /* from the last heartbeat; -1 when unknown */
    char *unwritable;        /* from the last heartbeat: why it saves nothing, or NULL */
    MatchReport *match;      /* from the last heartbeat: its scanner's numbers, or NULL */
} RxDayKiosk;

typedef struct {
    char *office;
    int due, present, late, expected, missing, unscheduled;
    GPtrArray *people;  /* RxDayPerson*: missing, late, expected, present, unscheduled; by name */
    GPtrArray *kiosks;  /* RxDayKiosk* */
    GPtrArray *flags;   /* RxDayPerson* with `question` */
} RxDayOffice;

/* day.c: every office's day `date` as seen at `now` (RxDayOffice*, by office name). The rules are
 * app/roster.c's, so each office's numbers are its kiosk's `haazri-ctl today`. */
GPtrArray *rx_day_report(RxDb *db, const char *date, GDateTime *now, GError **error);
void rx_day_office_free(RxDayOffice *office);
const char *rx_day_status_name(RxDayStatus status);

/* viewers.c: the page's accounts. Names are 1-64 letters, digits, '.', '_' or '-'; passwords 10-256
 * bytes. Adding an existing name replaces its password. */
gboolean rx_viewer_add(RxDb *db, const char *name, const char *password, GError **error);
gboolean rx_viewer_remove(RxDb *db, const char *name, GError **error);
/* Rows: name, created_at. */
GPtrArray *rx_viewer_list(RxDb *db, GError **error);
/* TRUE when `password` is `name`'s (constant work whether or not the name exists). */
gboolean rx_viewer_check(RxDb *db, const char *name, const char *password);

/* web.c */
gboolean rx_web_is_page(const char *url);
enum MHD_Result rx_web_serve(struct MHD_Connection *c, RxDb *db, const char *method, const char *url);
