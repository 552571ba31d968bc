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
#include "sync/roster-page.h"

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
