/* roster-page — one page of the roster as the centre and the kiosk exchange it (GET /v1/roster, the
 * loading file `haazri-receiver roster load` reads, and the enrollments a kiosk sends up): people,
 * their fingers, schedules, photos and ADMS PINs, and officers' messages. Both ends share these
 * types through sync/protocol.h; the kiosk's store applies a page (app/store/store-roster.h), the
 * receiver keeps it in its own database. The names keep their historical Store prefix. */
#pragma once

#include <glib.h>

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
