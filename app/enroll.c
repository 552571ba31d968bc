/* enroll — duplicate check, capture and saving. See enroll.h. */
#include "app/enroll.h"

#include "app/engine/engine.h"
#include "app/search.h"

#define BUSY_RETRY_MS 20

typedef struct {
    Scanner *scanner;
    Store *store;
    Search *everyone;
    gint64 self_id;
    char *case_number, *actor;
    GCancellable *cancellable;
    EnrollCheckFunc done;
    gpointer user_data;
} Check;

static void check_free(Check *c)
{
    search_free(c->everyone);
    g_free(c->case_number);
    g_free(c->actor);
    g_clear_object(&c->cancellable);
    g_free(c);
}

static void check_finish(Check *c, const GError *error, const char *owner_case)
{
    c->done(error, owner_case, c->user_data);
    check_free(c);
}

static void start_identify(Check *c);

static gboolean on_busy_identify(gpointer data)
{
    start_identify(data);
    return G_SOURCE_REMOVE;
}

static void on_identified(FpPrint *match, FpPrint *probe, const GError *error, gpointer data)
{
    Check *c = data;
    if (g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_BUSY) &&
        !(c->cancellable && g_cancellable_is_cancelled(c->cancellable))) {
        g_timeout_add(BUSY_RETRY_MS, on_busy_identify, c);
        return;
    }
    if (error) {
        check_finish(c, error, NULL);
        return;
    }
    SearchResult r;
    search_decide(c->everyone, match, probe, &r);
    if (r.decision != SEARCH_MATCH || r.probationer_id == c->self_id) {
        check_finish(c, NULL, NULL);
        return;
    }
    StoreProbationer owner = {0};
    store_get_probationer(c->store, r.probationer_id, &owner, NULL);
    g_autoptr(GError) dup = g_error_new(STORE_ERROR, STORE_ERROR_EXISTS,
                                        "this finger is already enrolled for case %s (%s); it was not enrolled again",
                                        owner.case_number ? owner.case_number : "?", owner.name_en ? owner.name_en : "?");
    /* The audit trail is append-only, hash-chained and goes to the centre in the clear: the case
     * number, never the name (the officer's sentence above has it). */
    g_autofree char *detail = g_strdup_printf("already enrolled for case %s", owner.case_number ? owner.case_number : "?");
    store_audit(c->store, c->actor, "finger.enroll-refused", c->case_number, detail, NULL);
    check_finish(c, dup, owner.case_number);
    store_probationer_clear(&owner);
}

static void start_identify(Check *c)
{
    scanner_identify(c->scanner, search_get_scan_prints(c->everyone), c->cancellable, on_identified, c);
}

static gboolean on_nobody_enrolled(gpointer data)
{
    check_finish(data, NULL, NULL);
    return G_SOURCE_REMOVE;
}

void enroll_check_finger(Scanner *scanner, Store *store, gint64 self_id, const char *case_number,
                         const char *actor, GCancellable *cancellable, EnrollCheckFunc done, gpointer user_data)
{
    Check *c = g_new0(Check, 1);
    *c = (Check){.scanner = scanner, .store = store, .self_id = self_id, .case_number = g_strdup(case_number),
                 .actor = g_strdup(actor), .cancellable = cancellable ? g_object_ref(cancellable) : NULL,
                 .done = done, .user_data = user_data};
    g_autoptr(GError) error = NULL;
    /* libfprint's own matcher whatever [match] search says: the check is one touch, and the
     * official matcher is the stricter judge of "the same finger". */
    c->everyone = search_new("libfprint", &error);
    if (!c->everyone || !search_load(c->everyone, store, NULL, &error)) {
        check_finish(c, error, NULL);
        return;
    }
    if (search_get_size(c->everyone) == 0) {
        g_idle_add(on_nobody_enrolled, c); /* as asynchronous as a touch would be */
        return;
    }
    start_identify(c);
}

typedef struct {
    Scanner *scanner;
    FpFinger finger;
    GCancellable *cancellable;
    ScannerProgressFunc progress;
    ScannerEnrollFunc done;
    gpointer user_data;
} Capture;

static void start_capture(Capture *c);

static gboolean on_busy_capture(gpointer data)
{
    start_capture(data);
    return G_SOURCE_REMOVE;
}

static void on_captured(FpPrint *print, const GError *error, gpointer data)
{
    Capture *c = data;
    if (g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_BUSY) &&
        !(c->cancellable && g_cancellable_is_cancelled(c->cancellable))) {
        g_timeout_add(BUSY_RETRY_MS, on_busy_capture, c);
        return;
    }
    /* An enrollment later touches could not match is refused now, while the person is here, saying
     * which touch and why. Only minutiae prints can be judged (match-on-chip prints pass as they are). */
    g_autoptr(GError) poor = NULL;
    if (print && !error) {
        g_autofree guchar *data = NULL;
        gsize len = 0;
        g_autoptr(EngineTemplate) t = NULL;
        if (fp_print_serialize(print, &data, &len, NULL))
            t = engine_template_parse(data, len, NULL);
        if (t && !engine_template_check_enrollment(t, &poor))
            print = NULL;
    }
    c->done(print, poor ? poor : error, c->user_data);
    g_clear_object(&c->cancellable);
    g_free(c);
}

static void on_capture_progress(int stage, int stages, const GError *retry, gpointer data)
{
    Capture *c = data;
    if (c->progress)
        c->progress(stage, stages, retry, c->user_data);
}

static void start_capture(Capture *c)
{
    scanner_enroll(c->scanner, c->finger, c->cancellable, on_capture_progress, on_captured, c);
}

void enroll_capture(Scanner *scanner, FpFinger finger, GCancellable *cancellable, ScannerProgressFunc progress,
                    ScannerEnrollFunc done, gpointer user_data)
{
    Capture *c = g_new0(Capture, 1);
    *c = (Capture){scanner, finger, cancellable ? g_object_ref(cancellable) : NULL, progress, done, user_data};
    start_capture(c);
}

static gint64 enroll_save_steps(Store *store, gint64 existing_id, const EnrollPerson *person, char *const *fingers,
                                GPtrArray *prints, const char *driver, const char *actor, GError **error)
{
    gint64 id = existing_id;
    if (!id) {
        StoreProbationer np = {.case_number = (char *)person->case_number, .cnic = (char *)person->cnic,
                               .name_en = (char *)person->name_en, .name_ur = (char *)person->name_ur,
                               .office = (char *)person->office, .active = TRUE};
        id = store_add_probationer(store, &np, error);
        if (!id || !store_audit(store, actor, "probationer.add", person->case_number, NULL, error))
            return 0;
    }
    for (guint i = 0; i < prints->len; i++) {
        g_autofree guchar *data = NULL;
        gsize len = 0;
        if (!fp_print_serialize(g_ptr_array_index(prints, i), &data, &len, error))
            return 0;
        g_autoptr(GBytes) blob = g_bytes_new(data, len);
        g_autoptr(GError) local = NULL;
        gboolean replaced = FALSE;
        if (!store_add_finger(store, id, fingers[i], blob, driver, &local)) {
            /* Re-enrolling a finger: the new print replaces the old one in place, so the check-ins
             * made with it keep pointing at a finger that exists. */
            if (!existing_id || !g_error_matches(local, STORE_ERROR, STORE_ERROR_EXISTS) ||
                !store_replace_finger(store, id, fingers[i], blob, driver, error)) {
                if (local && !(error && *error))
                    g_propagate_error(error, g_steal_pointer(&local));
                return 0;
            }
            replaced = TRUE;
        }
        if (!store_audit(store, actor, replaced ? "finger.re-enroll" : "finger.enroll", person->case_number,
                         fingers[i], error))
            return 0;
    }
    return id;
}

gint64 enroll_save(Store *store, gint64 existing_id, const EnrollPerson *person, char *const *fingers,
                   GPtrArray *prints, const char *driver, const char *actor, GError **error)
{
    /* One transaction: a power cut or a failure part-way leaves no person without their fingers
     * and no finger without the audit row saying who enrolled it (found by the power-cut storm,
     * docs/powercut.md). */
    if (!store_begin(store, error))
        return 0;
    gint64 id = enroll_save_steps(store, existing_id, person, fingers, prints, driver, actor, error);
    if (!id || !store_commit(store, error)) {
        store_rollback(store);
        return 0;
    }
    return id;
}

/* ---- the whole flow ---- */

struct EnrollRun {
    Scanner *scanner;
    Store *store;
    gint64 existing_id;
    char *case_number, *name_en, *name_ur, *cnic, *office, *actor;
    GStrv fingers;
    guint n, at;
    int max_unclear, unclear;
    int stages;
    GCancellable *cancellable;
    GPtrArray *prints;
    EnrollEventFunc func;
    gpointer user_data;
    gboolean cancelled; /* no more events; the step in flight frees the run when it ends */
    gboolean starting;  /* inside enroll_run_start: an end reached at once is freed there */
    gboolean finished;
};

static void run_free(EnrollRun *r)
{
    g_free(r->case_number);
    g_free(r->name_en);
    g_free(r->name_ur);
    g_free(r->cnic);
    g_free(r->office);
    g_free(r->actor);
    g_strfreev(r->fingers);
    g_clear_object(&r->cancellable);
    g_ptr_array_unref(r->prints);
    g_free(r);
}

/* The run has nothing in flight any more: freed (by enroll_run_start when it ended at once). */
static void run_release(EnrollRun *r)
{
    if (r->starting)
        r->finished = TRUE;
    else
        run_free(r);
}

static void run_emit(EnrollRun *r, EnrollEvent *ev)
{
    ev->finger = r->at;
    ev->finger_name = r->at < r->n ? r->fingers[r->at] : NULL;
    if (!ev->stages)
        ev->stages = r->stages;
    r->func(ev, r->user_data);
}

/* The end: one ENROLL_DONE, then the run is gone. */
static void run_finish(EnrollRun *r, gint64 id, const GError *error, EnrollStep at, const char *owner_case)
{
    EnrollEvent ev = {.kind = ENROLL_DONE, .id = id, .enrolled = id ? r->prints->len : 0, .error = error,
                      .at = at, .owner_case = owner_case};
    if (!r->cancelled)
        run_emit(r, &ev);
    run_release(r);
}

static void run_next(EnrollRun *r);

static void run_save(EnrollRun *r)
{
    g_autoptr(GError) error = NULL;
    FpDevice *dev = scanner_get_device(r->scanner);
    EnrollPerson who = {.case_number = r->case_number, .name_en = r->name_en, .name_ur = r->name_ur,
                        .cnic = r->cnic, .office = r->office};
    gint64 id = enroll_save(r->store, r->existing_id, &who, r->fingers, r->prints,
                            dev ? fp_device_get_driver(dev) : "unknown", r->actor, &error);
    run_finish(r, id, error, ENROLL_AT_SAVE, NULL);
}

static void on_run_captured(FpPrint *print, const GError *error, gpointer data)
{
    EnrollRun *r = data;
    if (r->cancelled) {
        run_release(r);
        return;
    }
    if (error) {
        run_finish(r, 0, error, ENROLL_AT_CAPTURE, NULL);
        return;
    }
    g_ptr_array_add(r->prints, g_object_ref(print));
    r->at++;
    if (r->at < r->n)
        run_next(r);
    else
        run_save(r);
}

static void on_run_touch(int stage, int stages, const GError *retry, gpointer data)
{
    EnrollRun *r = data;
    if (r->cancelled)
        return;
    EnrollEvent ev = {.kind = ENROLL_TOUCH, .stage = stage, .stages = stages, .retry = retry};
    run_emit(r, &ev);
}

static void on_run_checked(const GError *error, const char *owner_case, gpointer data)
{
    EnrollRun *r = data;
    if (r->cancelled) {
        run_release(r);
        return;
    }
    if (error && error->domain == FP_DEVICE_RETRY) {
        EnrollEvent ev = {.kind = ENROLL_UNCLEAR, .retry = error};
        run_emit(r, &ev);
        if (r->cancelled) {
            run_release(r);
            return;
        }
        if (r->max_unclear && ++r->unclear >= r->max_unclear) {
            g_autoptr(GError) three = g_error_new(FP_DEVICE_RETRY, FP_DEVICE_RETRY_GENERAL,
                                                  "three unclear touches; try again");
            run_finish(r, 0, three, ENROLL_AT_CHECK, NULL);
            return;
        }
        enroll_check_finger(r->scanner, r->store, r->existing_id, r->case_number, r->actor, r->cancellable,
                            on_run_checked, r);
        return;
    }
    if (error) {
        run_finish(r, 0, error, ENROLL_AT_CHECK, owner_case);
        return;
    }
    EnrollEvent ev = {.kind = ENROLL_CAPTURING};
    run_emit(r, &ev);
    if (r->cancelled) {
        run_release(r);
        return;
    }
    enroll_capture(r->scanner, scanner_finger_parse(r->fingers[r->at]), r->cancellable, on_run_touch,
                   on_run_captured, r);
}

/* The next finger: its duplicate check first. */
static void run_next(EnrollRun *r)
{
    r->unclear = 0;
    EnrollEvent ev = {.kind = ENROLL_CHECKING};
    run_emit(r, &ev);
    if (r->cancelled) {
        run_release(r);
        return;
    }
    enroll_check_finger(r->scanner, r->store, r->existing_id, r->case_number, r->actor, r->cancellable,
                        on_run_checked, r);
}

EnrollRun *enroll_run_start(Scanner *scanner, Store *store, gint64 existing_id, const EnrollPerson *person,
                            char *const *fingers, const char *actor, int max_unclear, EnrollEventFunc func,
                            gpointer user_data)
{
    EnrollRun *r = g_new0(EnrollRun, 1);
    r->scanner = scanner;
    r->store = store;
    r->existing_id = existing_id;
    r->case_number = g_strdup(person->case_number);
    r->name_en = g_strdup(person->name_en);
    r->name_ur = g_strdup(person->name_ur);
    r->cnic = g_strdup(person->cnic);
    r->office = g_strdup(person->office);
    r->actor = g_strdup(actor);
    r->fingers = g_strdupv((char **)fingers);
    r->n = g_strv_length(r->fingers);
    r->max_unclear = max_unclear;
    FpDevice *dev = scanner_get_device(scanner);
    r->stages = dev ? fp_device_get_nr_enroll_stages(dev) : 0;
    r->cancellable = g_cancellable_new();
    r->prints = g_ptr_array_new_with_free_func(g_object_unref);
    r->func = func;
    r->user_data = user_data;
    r->starting = TRUE;
    run_next(r);
    r->starting = FALSE;
    if (r->finished) { /* ended at once (e.g. the gallery could not be read): ENROLL_DONE came already */
        run_free(r);
        return NULL;
    }
    return r;
}

void enroll_run_cancel(EnrollRun *run)
{
    if (!run || run->cancelled)
        return;
    run->cancelled = TRUE;
    g_cancellable_cancel(run->cancellable);
}
