/* officer — officers and their PINs: who may unlock officer mode on the kiosk.
 *
 * PINs are stored only as libsodium's Argon2id string (salted, slow on purpose, self-describing),
 * never in clear and never logged. Wrong PINs lock the account with a growing delay: after
 * OFFICER_FREE_ATTEMPTS failures 30 s, doubling with each further failure up to an hour; the
 * lockout is in the database, so a restart doesn't reset it. Every log-in, failed PIN and lockout
 * goes to the audit trail. An officer may also enroll a finger of their own, asked for after the
 * PIN: someone who has watched the PIN being typed still cannot get in. */
#pragma once

#include <glib.h>

#include "app/store/store.h"

#define OFFICER_FREE_ATTEMPTS 3
#define OFFICER_PIN_MIN 6
#define OFFICER_PIN_MAX 12

typedef enum { OFFICER_ROLE_OFFICER, OFFICER_ROLE_ADMIN } OfficerRole;

typedef enum {
    OFFICER_LOGIN_OK,
    OFFICER_LOGIN_WRONG_PIN,  /* `retry_after_s` > 0 when this failure started a lockout */
    OFFICER_LOGIN_LOCKED,     /* still locked: try again after `retry_after_s` */
    OFFICER_LOGIN_UNKNOWN,    /* no such active officer (said the same way as a wrong PIN) */
} OfficerLoginResult;

typedef struct {
    gint64 id;
    char *username;
    char *name;
    OfficerRole role;
    gboolean active;
} Officer;

/* A PIN is OFFICER_PIN_MIN..MAX digits; the error says what was wrong. */
gboolean officer_check_pin_format(const char *pin, GError **error);
gint64 officer_add(Store *store, const char *username, const char *name, OfficerRole role, const char *pin,
                   const char *actor, GError **error);
gboolean officer_set_pin(Store *store, const char *username, const char *pin, const char *actor, GError **error);
gboolean officer_set_active(Store *store, const char *username, gboolean active, const char *actor, GError **error);
/* Checks a PIN, applying and recording the lockout. `who` is filled on OFFICER_LOGIN_OK. */
OfficerLoginResult officer_login(Store *store, const char *username, const char *pin, Officer *who,
                                 int *retry_after_s, GError **error);
/* The officer's own fingers, asked for after the PIN on the kiosk's screen when enrolled (or when
 * [officer] require_finger says so). `print` is fp_print_serialize() output; enrolling a finger
 * again replaces it. Audited as officer.finger-enroll. */
gboolean officer_set_finger(Store *store, const char *username, const char *finger, GBytes *print,
                            const char *actor, GError **error);
/* GBytes* of each enrolled finger (none: an empty array). */
GPtrArray *officer_get_fingers(Store *store, gint64 officer_id, GError **error);
/* The finger step after a right PIN: `ok` is audited as officer.finger; a wrong finger counts like
 * a wrong PIN (officer.finger-failed, the same lockout). */
OfficerLoginResult officer_finger_result(Store *store, const Officer *who, gboolean ok, int *retry_after_s,
                                         GError **error);
/* Array of Officer*. */
GPtrArray *officer_list(Store *store, GError **error);
void officer_clear(Officer *officer);
void officer_free(Officer *officer);
const char *officer_role_name(OfficerRole role);
gboolean officer_role_parse(const char *name, OfficerRole *out);
