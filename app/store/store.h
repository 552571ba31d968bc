/* store — the kiosk's SQLite database: probationers, enrolled fingers, check-ins, officer audit trail.
 *
 * One file in WAL mode with synchronous=FULL: when store_record_checkin() returns TRUE the row is on
 * disk (the WAL is fsync'd at commit), so anything that confirms a check-in after it is honest.
 * The schema is created and migrated by version (PRAGMA user_version); see store-schema.c. */
#pragma once

#include <glib.h>

/* The most a -wal keeps on disk once checkpointed (PRAGMA journal_size_limit): 16 MB. */
#define STORE_WAL_KEPT_BYTES 16777216

#define STORE_ERROR (store_error_quark())
GQuark store_error_quark(void);

typedef enum {
    STORE_ERROR_FULL,      /* the disk (or database) is full: nothing was written */
    STORE_ERROR_CORRUPT,   /* the file is not a Haazri database, or is damaged: left untouched */
    STORE_ERROR_NEWER,     /* made by a newer Haazri: left untouched */
    STORE_ERROR_IO,        /* any other failure to read or write */
    STORE_ERROR_EXISTS,    /* e.g. a case number or finger that is already enrolled */
    STORE_ERROR_NOT_FOUND,
    STORE_ERROR_INVALID,   /* data that can't be stored as given (e.g. a schedule from the centre) */
    STORE_ERROR_READONLY,  /* this user cannot write the database (wrong owner or permissions) */
    STORE_ERROR_KEY,       /* store.key does not open this database's sealed names and fingerprints */
} StoreError;

typedef struct Store Store;

typedef struct {
    gint64 id;
    char *case_number;
    char *cnic;     /* NULL when unknown */
    char *name_en;
    char *name_ur;  /* NULL until known (often arrives from the central roster) */
    char *office;
    gboolean active;
    int finger_count;
} StoreProbationer;

typedef enum {
    CHECKIN_RECORDED,        /* attendance counted */
    CHECKIN_DUPLICATE,       /* a recognised person already counted inside the window */
    CHECKIN_NOT_RECOGNISED,  /* a finger that matched nobody (or failed 1:1 verify) */
} CheckinResult;

typedef enum { CHECKIN_BY_FINGER, CHECKIN_BY_CASE_NUMBER } CheckinMethod;

typedef struct {
    /* filled by the caller */
    gint64 probationer_id;  /* 0 = nobody recognised */
    gint64 finger_id;       /* 0 = none */
    CheckinMethod method;
    double score;           /* < 0 when the search backend gives none */
    const char *device_id;
    int duplicate_window_min; /* 0 = same calendar day */
    /* filled by store_record_checkin */
    char uuid[37];
    CheckinResult result;
    char wall_time[40];       /* ISO 8601 local time with UTC offset */
    char earlier_time[40];    /* for CHECKIN_DUPLICATE: when the person was counted */
    gint64 commit_us;         /* how long the durable commit took (for make bench) */
} StoreCheckin;

typedef struct {
    gint64 id;         /* the database's sequence: the order check-ins happened in */
    char *uuid;
    char *wall_time;
    char *local_date;
    char *case_number; /* NULL when nobody was recognised */
    char *name_en;
    char *name_ur;
    CheckinResult result;
    CheckinMethod method;
    double score;
    char *device_id;
    char *sync_state;
} StoreCheckinRow;

/* Names, CNIC and templates are sealed with the key in this file beside the database (app/seal.h). */
#define STORE_KEY_FILE "store.key"
/* Run as root, a database it creates (and its -wal, -shm) belongs to the owner of its folder, the
 * service user (app/owner.h). */
Store *store_open(const char *path, GError **error);
/* Commits one real write: FALSE with a sentence naming `path` and what to do when this user cannot
 * write it (SQLite opens such a file read-only without complaint). The kiosk checks before "ready". */
gboolean store_check_writable(Store *store, const char *path, GError **error);
/* A new key for the sealed names, CNICs and templates: all re-sealed in one transaction (audited),
 * then the new key replaces store.key. `rows` (may be NULL) gets how many rows changed. */
gboolean store_rotate_key(Store *store, const char *actor, guint *rows, GError **error);
/* Many writes in one transaction (an import, the benches): one fsync instead of one per row. */
gboolean store_bulk_begin(Store *store, GError **error);
gboolean store_bulk_commit(Store *store, GError **error);
void store_close(Store *store);
/* Several changes as one (an enrollment: the person, their fingers and the audit rows saying who):
 * all of them are on disk when store_commit() returns, or, after a failure or a power cut, none.
 * The store's calls made in between join the transaction; store_rollback() undoes them. */
gboolean store_begin(Store *store, GError **error);
gboolean store_commit(Store *store, GError **error);
void store_rollback(Store *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Store, store_close)
int store_get_schema_version(Store *store);

/* Probationers. */
gint64 store_add_probationer(Store *store, const StoreProbationer *p, GError **error);
gboolean store_get_probationer(Store *store, gint64 id, StoreProbationer *out, GError **error);
gboolean store_find_probationer(Store *store, const char *case_number, StoreProbationer *out,
                                GError **error);
gboolean store_set_probationer_active(Store *store, gint64 id, gboolean active, GError **error);
/* Array of StoreProbationer*, by case number; free with g_ptr_array_unref. */
GPtrArray *store_list_probationers(Store *store, GError **error);
void store_probationer_clear(StoreProbationer *p);
void store_probationer_free(StoreProbationer *p);

/* Enrolled fingers: `print` is libfprint's fp_print_serialize() output. */
gint64 store_add_finger(Store *store, gint64 probationer_id, const char *finger, GBytes *print,
                        const char *driver, GError **error);
/* A new print for a finger the probationer already has (re-enrollment); NOT_FOUND when they don't. */
gboolean store_replace_finger(Store *store, gint64 probationer_id, const char *finger, GBytes *print,
                              const char *driver, GError **error);
typedef void (*StoreFingerFunc)(gint64 finger_id, gint64 probationer_id, const char *finger,
                                GBytes *print, gpointer user_data);
/* Calls `func` for every finger of every active probationer (the search gallery). */
gboolean store_foreach_active_finger(Store *store, StoreFingerFunc func, gpointer user_data,
                                     GError **error);
/* The search gallery as start-up reads it (store-gallery.c): every finger of every active
 * probationer, in id order, with the search index saved for it (engine_get_index(); NULL when none
 * was, or it did not open). A print that does not open (a damaged or tampered row) comes with
 * `error` set and no print: that finger can't be searched, everyone else can. */
typedef struct {
    gint64 finger_id, probationer_id;
    GBytes *print, *index;
    GError *error;
} StoreGalleryFinger;
/* Frees a row's bytes and error (the clear function of the arrays below). */
void store_gallery_finger_clear(gpointer row);
/* Reads it a part at a time, so that a start-up holds a few parts' prints at once, not the whole
 * gallery's (~340 MB at 20,000 dense fingers, docs/search.md). NULL with `error` set when the
 * database can't be read at all. */
typedef struct StoreGalleryReader StoreGalleryReader;
StoreGalleryReader *store_gallery_reader_new(Store *store, GError **error);
/* The next rows, at most `max`: an array of StoreGalleryFinger that frees their bytes and errors
 * with it, empty once every row is read; NULL with `error` set when the database fails. */
GArray *store_gallery_reader_next(StoreGalleryReader *reader, guint max, GError **error);
/* The same for one probationer's fingers: none unless they are active. */
StoreGalleryReader *store_gallery_reader_new_of(Store *store, gint64 probationer_id, GError **error);
void store_gallery_reader_free(StoreGalleryReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreGalleryReader, store_gallery_reader_free)
/* Saves search indexes beside their fingers' prints, sealed like them, in one transaction: what the
 * next start-up reads instead of building (app/search.c). Not a change to the gallery. */
gboolean store_save_search_indexes(Store *store, const gint64 *finger_ids, GBytes *const *indexes, guint n,
                                   GError **error);
/* Fingers of one probationer (for 1:1 verify by case number). */
gboolean store_foreach_finger_of(Store *store, gint64 probationer_id, StoreFingerFunc func,
                                 gpointer user_data, GError **error);

/* Changes whenever a finger is enrolled or removed or a probationer (de)activated, by any process. */
gint64 store_get_gallery_version(Store *store);
/* The same changes one by one, numbered: the newest one's number (0 when none is kept). A reader
 * takes it before reading the whole gallery, then asks what changed after it. */
gint64 store_get_gallery_change(Store *store);
/* Whose fingers changed after change `after` (a finger enrolled, replaced or removed, or the person
 * (de)activated), by any process: a page of at most `max` probationer ids, once each, in the order
 * of their latest change, into `who`, and into `newest` the change the page is told up to (the last
 * one named's latest; `after` when none is): ask after it for the next page, when the page is full.
 * `complete` is FALSE when the store can't tell them — changes older than it keeps (the newest
 * 10,000), or a store behind `after` (put back from a copy): then read the whole gallery. */
gboolean store_list_gallery_changes(Store *store, gint64 after, guint max, GArray *who, gint64 *newest,
                                    gboolean *complete, GError **error);

/* Records one check-in attempt durably. For a recognised person the duplicate check and the insert
 * happen in one transaction, so two writers can't both count the same person. */
gboolean store_record_checkin(Store *store, StoreCheckin *checkin, GError **error);
/* Check-ins whose local date is `date` (YYYY-MM-DD), oldest first. Array of StoreCheckinRow*. */
GPtrArray *store_list_checkins(Store *store, const char *date, GError **error);
void store_checkin_row_free(StoreCheckinRow *row);
/* Every check-in from `from` to `to` (YYYY-MM-DD, inclusive), oldest first, one row at a time. */
typedef gboolean (*StoreCheckinFunc)(const StoreCheckinRow *row, gpointer user_data, GError **error);
gboolean store_foreach_checkin(Store *store, const char *from, const char *to, StoreCheckinFunc func,
                               gpointer user_data, GError **error);

/* The officer's check-in log: newest first, one page at a time (keyset paging: pass the last row's
 * id as `before_id` for the next page, 0 for the first). NULL/0 filters are not applied. */
typedef struct {
    const char *from, *to;      /* YYYY-MM-DD */
    const char *result;         /* "recorded", "duplicate", "not_recognised" */
    const char *text;           /* part of a name, or a case number's beginning */
    gint64 before_id;
    int limit;
} StoreLogQuery;
GPtrArray *store_query_log(Store *store, const StoreLogQuery *query, GError **error);
const char *store_checkin_result_name(CheckinResult result);

/* What `haazri-ctl status` and the heartbeat report. */
typedef struct {
    int schema_version;
    gint64 probationers_active;
    gint64 fingers;
    gint64 checkins_today;     /* counted attendances (result recorded) today */
    gint64 pending;            /* check-ins not yet acknowledged by the central server */
    char oldest_pending[40];   /* wall time of the oldest of them, "" when none */
} StoreSummary;
gboolean store_get_summary(Store *store, StoreSummary *out, GError **error);

/* Officer audit trail: append-only (triggers refuse UPDATE and DELETE), each row hash-chained to the
 * one before. Never pass templates or other biometric data as detail. */
gboolean store_audit(Store *store, const char *actor, const char *action, const char *subject,
                     const char *detail, GError **error);
/* A row's hash: SHA-256 over the previous row's hash and its fields (the centre checks it too). */
char *store_audit_hash(const char *prev_hash, const char *at, const char *actor, const char *action,
                       const char *subject, const char *detail);
/* Checks the hash chain; FALSE with the first broken row named in `error`. */
gboolean store_verify_audit(Store *store, GError **error);

/* Settings an administrator changed on the device (store-settings.c; app/settings.h says which). */
typedef struct {
    char *name;        /* group.key */
    char *value;
    char *changed_by;  /* officer username, or "haazri-ctl" */
    char *changed_at;  /* ISO 8601 */
} StoreSetting;
void store_setting_free(StoreSetting *setting);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreSetting, store_setting_free)
/* Stores `value` (NULL: forget it, back to the file's) and the audit row "setting.change" with the
 * old and new values, in one transaction. Changing nothing writes nothing. */
gboolean store_set_setting(Store *store, const char *actor, const char *name, const char *value,
                           GError **error);
/* Every stored setting (StoreSetting*), by name. */
GPtrArray *store_list_settings(Store *store, GError **error);

/* What the check-in screen shows after a check-in and what it asks (store-screen.c). */
/* The officer's message for this person (shown before the questions); text NULL removes it. */
gboolean store_set_message(Store *store, gint64 probationer_id, const char *text, GError **error);
/* Newly allocated, or NULL (with no error) when there is none. A message the centre sent in English
 * and Urdu comes as two lines, English first. */
char *store_get_message(Store *store, gint64 probationer_id, GError **error);
/* The next reporting date, YYYY-MM-DD, or NULL when not known. */
gboolean store_set_next_report(Store *store, gint64 probationer_id, const char *date, GError **error);
char *store_get_next_report(Store *store, gint64 probationer_id, GError **error);
/* A PNG photo of the person; NULL removes it. */
gboolean store_set_photo(Store *store, gint64 probationer_id, GBytes *png, GError **error);
GBytes *store_get_photo(Store *store, gint64 probationer_id, GError **error);
/* One answer to an after-check-in question, stored with the check-in (answering again replaces it). */
gboolean store_save_answer(Store *store, const char *checkin_uuid, const char *question_id,
                           gboolean yes, GError **error);
/* Check-ins not yet sent to the central server (the screen's offline indicator); -1 on error. */
gint64 store_count_unsent(Store *store, GError **error);
