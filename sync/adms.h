/* adms — the kiosk as a ZKTeco ADMS ("iclock") push terminal, beside (or instead of) the /v1 sync.
 *
 * Runs on the kiosk's main loop with libcurl (sync/http.h), one request in flight: handshake
 * (GET /iclock/cdata?options=all) for the server's options, check-ins up as ATTLOG lines, officer
 * actions up as OPERLOG lines, commands polled from /iclock/getrequest every Delay seconds and
 * answered on /iclock/devicecmd. A line counts as delivered only when the reply's body begins "OK";
 * then, and only then, the store's ADMS position moves past it (app/store/store-adms.h). Anything else —
 * "ERROR: Device not verified" for a serial nobody approved yet, 500, 503 "FAIL", no reply — keeps
 * every line and tries again after the server's ErrorDelay. docs/adms.md has the field mapping. */
#pragma once

#include <glib.h>

#include "app/store/store.h"

typedef struct {
    char *server;        /* base URL, e.g. http://10.0.0.5:8081; "" = ADMS off */
    char *serial;        /* SN= in every request */
    char *comm_key;      /* kept for the server's records; the push protocol never sends it */
    char *ca_file;       /* for https:// servers: a pinned CA; "" = the system bundle */
    gboolean attlog;     /* send check-ins */
    gboolean operlog;    /* send officer actions */
    int batch_max;       /* ATTLOG / OPERLOG lines per POST */
    int delay_s;         /* between command polls until the server says (Delay) */
    int error_delay_s;   /* after a failure until the server says (ErrorDelay) */
    int timeout_ms;
} AdmsConfig;

void adms_config_init(AdmsConfig *config);
/* Reads [adms] (kf may be NULL: defaults, off); the serial defaults to one derived from
 * `device_id`. `path` names the file in messages. */
gboolean adms_config_load(GKeyFile *kf, const char *path, const char *device_id, AdmsConfig *out,
                          GError **error);
void adms_config_clear(AdmsConfig *config);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(AdmsConfig, adms_config_clear)
/* "HZ" and the device id's letters and digits, upper case, at most 20 characters. */
char *adms_serial_from_device_id(const char *device_id);

typedef enum {
    ADMS_STARTING,         /* no answer yet */
    ADMS_APPROVED,         /* the last exchange worked */
    ADMS_WAITING_APPROVAL, /* 200 + "ERROR: ...": nobody approved this serial at the server yet */
    ADMS_DOWN,             /* no reply, 5xx, FAIL, or a reply that is not ADMS */
} AdmsState;
const char *adms_state_name(AdmsState state); /* "starting", "approved", "waiting approval", "down" */

typedef struct {
    AdmsState state;
    gint64 pending;        /* check-ins the server has not acknowledged */
    gint64 operlog_pending;
    gint64 last_contact;   /* unix seconds, 0 = never */
    const char *last_error;
} AdmsStatus;

typedef struct Adms Adms;
/* Borrows store. `office` is where people created by DATA UPDATE USERINFO belong. */
Adms *adms_new(const AdmsConfig *config, Store *store, const char *office, GError **error);
void adms_free(Adms *adms);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Adms, adms_free)
/* Runs for ever on the main loop. */
void adms_start(Adms *adms);
/* A check-in was recorded: send it now (unless waiting out ErrorDelay, or Realtime=0). */
void adms_poke(Adms *adms);
/* One pass for haazri-ctl: handshake, everything waiting, one command poll; `done` gets NULL or the
 * first failure. */
typedef void (*AdmsDoneFunc)(const GError *error, gpointer user_data);
void adms_run_once(Adms *adms, AdmsDoneFunc done, gpointer user_data);
const AdmsStatus *adms_get_status(Adms *adms);

/* What the last run left in the store, for haazri-ctl and the officer's Device view (another
 * process, or no Adms at hand): FALSE when ADMS never ran here. state_out gets the state's name. */
gboolean adms_read_status(Store *store, char **state_out, gint64 *pending, char **last_error);
