/* store-adms — the store's side of the ADMS ("iclock") push (sync/adms.h): each probationer's PIN at
 * that server, the check-ins and audit rows still to go there, and the people its USERINFO
 * commands create, rename and (de)activate.
 *
 * The ADMS server's acknowledged positions are its own (sync_meta "adms.attlog_acked" and
 * "adms.operlog_acked": the last checkins id and audit id a body beginning "OK" acknowledged),
 * apart from the central server's sync_state: a check-in one target has is still pending for the
 * other, and either can be down while the other works. */
#pragma once

#include "app/store/store.h"
#include "app/store/store-sync.h"

/* One ATTLOG line's worth: a counted check-in (recorded or duplicate) of someone with a PIN. */
typedef struct {
    gint64 id;          /* the checkins row */
    char *pin;
    char *wall_time;    /* ISO 8601 local time with offset, as stored */
    gboolean by_finger; /* FALSE: the case-number path */
} StoreAdmsPunch;

/* Up to `limit` punches with checkins id > after_id, oldest first (StoreAdmsPunch*). Check-ins of
 * people without a PIN, and of nobody recognised, are not ATTLOG lines and are passed over. */
GPtrArray *store_adms_punches(Store *store, gint64 after_id, guint limit, GError **error);
void store_adms_punch_free(StoreAdmsPunch *punch);
/* How many punches wait after `after_id`; -1 on error. */
gint64 store_adms_count_punches(Store *store, gint64 after_id);

/* A PIN is 1 to 24 letters or digits (ZKTeco's PIN field). */
gboolean store_adms_pin_is_valid(const char *pin);
/* Sets (pin NULL: clears) the probationer's PIN; a PIN someone else has is refused
 * (STORE_ERROR_EXISTS). Audited as "probationer.adms-pin" by `actor`. */
gboolean store_set_adms_pin(Store *store, const char *case_number, const char *pin, const char *actor,
                            GError **error);
/* The PIN of the probationer with this case number; NULL when none. */
char *store_get_adms_pin(Store *store, const char *case_number);

typedef enum {
    STORE_ADMS_UNCHANGED,
    STORE_ADMS_CREATED,     /* a new probationer, case number "ADMS-<pin>", fingers to enroll here */
    STORE_ADMS_UPDATED,     /* renamed and/or reactivated */
    STORE_ADMS_DEACTIVATED,
} StoreAdmsChange;
/* DATA UPDATE USERINFO: the person with `pin` gets `name` (NULL or "": kept; a new person is
 * "PIN <pin>") and is active; created in `office` when nobody has the PIN. Audited (actor "adms"). */
gboolean store_adms_update_user(Store *store, const char *pin, const char *name, const char *office,
                                StoreAdmsChange *change, GError **error);
/* DATA DELETE USERINFO: the person is deactivated, history and fingers kept (STORE_ERROR_NOT_FOUND
 * when nobody has the PIN). Audited. */
gboolean store_adms_delete_user(Store *store, const char *pin, StoreAdmsChange *change, GError **error);

gint64 store_audit_count_after(Store *store, gint64 after_id);

/* For the INFO answer: probationers (active), fingers, check-ins. */
void store_adms_totals(Store *store, gint64 *people, gint64 *fingers, gint64 *checkins);
