/* store-roster — what the central server says about this office's people, applied to the kiosk's
 * store: probationers (names in English and Urdu), their enrolled fingers, reporting schedules,
 * officers' messages and deactivations.
 *
 * One page of changes is applied in one transaction together with the pull cursor, so a power cut
 * leaves either the old roster and the old cursor or the new roster and the new cursor — the next
 * pull then asks again from the right place. Fingers arrive as libfprint's serialized prints; a
 * changed finger bumps gallery_version (a trigger), and the running kiosk reloads its search
 * gallery within seconds. The centre is authoritative for the people it sends: a name or status it
 * sends replaces the kiosk's; people enrolled only on this kiosk are left alone. The other way,
 * fingers enrolled on this kiosk go up (store_enrollments_unsent) until the centre has them; a
 * page never overwrites such a finger before that. */
#pragma once

#include "app/store/store.h"

typedef struct {
    char *finger;   /* e.g. right-index */
    char *driver;   /* the libfprint driver that made it */
    GBytes *print;  /* fp_print_serialize() output */
} StoreRosterFinger;

typedef struct {
    char *rule, *starts, *ends, *due_by; /* app/schedule.h; ends and due_by may be NULL */
} StoreRosterSchedule;

typedef struct {
    char *case_number;       /* the key, at the centre and here */
    char *cnic, *name_en, *name_ur;   /* cnic and name_ur may be NULL */
    char *office;            /* another office than the kiosk's: transferred, deactivated here */
    gboolean active;         /* FALSE: deactivated (no longer recognised; history kept) */
    GPtrArray *fingers;      /* StoreRosterFinger*, added or replaced by name; NULL = unchanged */
    gboolean has_schedule;   /* FALSE: unchanged */
    StoreRosterSchedule *schedule; /* with has_schedule: the new schedule, NULL = none any more */
    gboolean has_photo;      /* FALSE: unchanged */
    GBytes *photo;           /* with has_photo: JPEG or PNG (app/photo.h checked it), NULL = none any more */
    gboolean has_adms_pin;   /* FALSE: unchanged (the centre says nothing of it) */
    char *adms_pin;          /* with has_adms_pin: the PIN at the office's ADMS server (store_adms_pin_is_valid),
                              * NULL = none any more. The centre's wins over one set here (docs/adms.md). */
} StoreRosterPerson;

typedef struct {
    char *id;                /* the centre's id for it */
    char *office;            /* the centre's loading file names it; in a pull reply it is NULL */
    char *case_number;       /* NULL: for everyone at this office */
    char *text_en, *text_ur; /* either may be NULL, not both */
    char *valid_until;       /* YYYY-MM-DD or NULL */
    gboolean withdrawn;      /* TRUE: remove it */
} StoreRosterMessage;

typedef struct {
    char *office;            /* the office the centre has this kiosk in */
    gint64 cursor;           /* pull again with since = cursor */
    gboolean more;           /* more changes wait: pull again at once */
    GPtrArray *people;       /* StoreRosterPerson* */
    GPtrArray *messages;     /* StoreRosterMessage* */
} StoreRoster;

StoreRoster *store_roster_new(void);
void store_roster_free(StoreRoster *roster);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreRoster, store_roster_free)
void store_roster_person_free(StoreRosterPerson *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreRosterPerson, store_roster_person_free)
void store_roster_finger_free(StoreRosterFinger *finger);
void store_roster_schedule_free(StoreRosterSchedule *schedule);
void store_roster_message_free(StoreRosterMessage *message);

typedef struct {
    guint added, updated, deactivated, fingers, schedules, messages;
    guint adms_pins;         /* ADMS PINs set or cleared (a clashing one held here included) */
    guint skipped;           /* messages for someone this kiosk doesn't know */
} StoreRosterStats;

/* Applies the page and stores its cursor (sync_meta "roster_cursor"), all or nothing, and writes
 * one audit row (actor "central"). `kiosk_office` is [kiosk] office. A schedule the centre sends
 * that app/schedule.h can't read fails the page with a sentence naming the case. */
gboolean store_apply_roster(Store *store, const StoreRoster *roster, const char *kiosk_office,
                            StoreRosterStats *stats, GError **error);
/* Fingers enrolled on this kiosk that the centre hasn't acknowledged, and people (de)activated here
 * since, at most `limit` rows, as a roster in the loading file's shape (each person with names,
 * office and status, and those fingers);
 * `keys` (from store_enrollment_keys_new()) gets what store_enrollments_mark_sent() needs. */
typedef struct {
    gint64 finger_id;        /* a finger: its id and the print that went (re-enrolled since: not marked) */
    GBytes *print;
    gint64 probationer_id;   /* else a person: their id and the status that went */
    gboolean active;
} StoreEnrollmentKey;
GArray *store_enrollment_keys_new(void);
StoreRoster *store_enrollments_unsent(Store *store, guint limit, GArray *keys, GError **error);
/* The centre has them; a finger re-enrolled since it was read stays unsent. */
gboolean store_enrollments_mark_sent(Store *store, const GArray *keys, GError **error);
/* Fingers and status changes waiting to go up; -1 on error. */
gint64 store_enrollments_count_unsent(Store *store);
/* The cursor of the last page applied; 0 = never pulled. */
gint64 store_get_roster_cursor(Store *store);
