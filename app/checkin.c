/* checkin — the check-in state machine. See checkin.h for the states.
 *
 * Longer than the ~500 lines the style guide asks: the state machine's transitions are one story
 * and read best in one file (the second opinion is already apart, second-opinion.c). */
#include "app/checkin.h"

#include <string.h>

#include "app/second-opinion.h"

struct Checkin {
    const Config *config;
    Store *store;
    Scanner *scanner;
    Search *search;      /* everyone active */
    Search *one;         /* case-number fallback: one person's fingers, or NULL */
    StoreProbationer one_who;
    SecondOpinion *second; /* the engine was unsure: the second touch under way, or NULL */
    GArray *listeners;   /* Listener */

    CheckinState state;
    GCancellable *scan_cancel; /* the identify in flight, or NULL */
    guint timer_id;            /* result display / listen window / rest */
    guint ready_id;            /* fallback for a scanner that never says it needs a finger */
    guint busy_retry_id;       /* identify again: the scan cancelled a moment ago is winding down */
    int failed_touches;        /* consecutive not-recognised touches */
    gboolean started;
    gboolean paused;           /* officer mode holds the scanner (checkin_pause) */
    CaptureMode capture;       /* the config's, until an administrator changes it on the device */
    void (*answered)(gpointer); /* checkin_on_answered */
    gpointer answered_data;
};

typedef struct {
    CheckinListener func;
    gpointer user_data;
} Listener;

static const char *const state_names[] = {
    [CHECKIN_STATE_IDLE] = "idle",
    [CHECKIN_STATE_WAITING] = "waiting",
    [CHECKIN_STATE_SEARCHING] = "searching",
    [CHECKIN_STATE_RECORDED] = "recorded",
    [CHECKIN_STATE_ALREADY] = "already",
    [CHECKIN_STATE_NOT_RECOGNISED] = "not-recognised",
    [CHECKIN_STATE_RETRY] = "retry",
    [CHECKIN_STATE_RESTING] = "resting",
    [CHECKIN_STATE_SCANNER_PROBLEM] = "scanner-problem",
    [CHECKIN_STATE_STORE_PROBLEM] = "store-problem",
    [CHECKIN_STATE_CASE_ENTRY] = "case-entry",
    [CHECKIN_STATE_TOUCH_AGAIN] = "touch-again",
};

const char *checkin_state_name(CheckinState state)
{
    return state_names[state];
}

static void emit(Checkin *c, const CheckinEvent *ev)
{
    c->state = ev->state;
    for (guint i = 0; i < c->listeners->len; i++) {
        Listener *l = &g_array_index(c->listeners, Listener, i);
        l->func(ev, l->user_data);
    }
}

static void emit_simple(Checkin *c, CheckinState state, const char *reason)
{
    CheckinEvent ev = {.state = state, .reason = reason};
    emit(c, &ev);
}

static void clear_timer(Checkin *c)
{
    if (c->timer_id) {
        g_source_remove(c->timer_id);
        c->timer_id = 0;
    }
}

static void stop_scan(Checkin *c)
{
    if (c->ready_id) {
        g_source_remove(c->ready_id);
        c->ready_id = 0;
    }
    if (c->busy_retry_id) {
        g_source_remove(c->busy_retry_id);
        c->busy_retry_id = 0;
    }
    if (c->scan_cancel) {
        g_cancellable_cancel(c->scan_cancel);
        g_clear_object(&c->scan_cancel);
    }
    g_clear_pointer(&c->second, second_opinion_free); /* an attempt ends with its scan */
}

static void end_case_entry(Checkin *c)
{
    g_clear_pointer(&c->one, search_free);
    store_probationer_clear(&c->one_who);
}

static void listen(Checkin *c);
static void go_idle(Checkin *c);
static gboolean on_ready_fallback(gpointer data);

static gboolean on_timer_listen(gpointer data)
{
    Checkin *c = data;
    c->timer_id = 0;
    listen(c);
    return G_SOURCE_REMOVE;
}

static gboolean on_timer_idle(gpointer data)
{
    Checkin *c = data;
    c->timer_id = 0;
    go_idle(c);
    return G_SOURCE_REMOVE;
}

/* After a result has been shown: back to listening (continuous) or to sleep (tap). */
static void after_result(Checkin *c)
{
    clear_timer(c);
    c->timer_id = g_timeout_add_seconds(c->config->result_s,
                                        c->capture == CAPTURE_TAP ? on_timer_idle : on_timer_listen, c);
}

/* The scanner stops listening. Continuous mode rests it for rest_seconds so libfprint's heat model
 * (which counts time spent waiting for a finger) never trips; a tap wakes it at once. */
static void go_idle(Checkin *c)
{
    stop_scan(c);
    clear_timer(c);
    end_case_entry(c);
    if (c->paused)
        return;
    if (c->capture == CAPTURE_CONTINUOUS)
        c->timer_id = g_timeout_add_seconds(MAX(c->config->rest_s, 1), on_timer_listen, c);
    emit_simple(c, CHECKIN_STATE_IDLE, NULL);
}

static void record(Checkin *c, const SearchResult *r, CheckinMethod method)
{
    StoreCheckin row = {
        .probationer_id = r->decision == SEARCH_MATCH ? r->probationer_id : 0,
        .finger_id = r->decision == SEARCH_MATCH ? r->finger_id : 0,
        .method = method,
        .score = r->score,
        .device_id = c->config->device_id,
        .duplicate_window_min = c->config->duplicate_window_min,
    };
    g_autoptr(GError) error = NULL;
    if (!store_record_checkin(c->store, &row, &error)) {
        g_warning("check-in not saved: %s", error->message);
        emit_simple(c, CHECKIN_STATE_STORE_PROBLEM,
                    g_error_matches(error, STORE_ERROR, STORE_ERROR_FULL)
                        ? "This check-in could not be saved: the kiosk's storage is full. Please tell the officer."
                        : "This check-in could not be saved. Please tell the officer.");
        return;
    }
    StoreProbationer who = {0};
    gboolean known = row.probationer_id &&
                     store_get_probationer(c->store, row.probationer_id, &who, NULL);
    CheckinEvent ev = {.checkin = &row, .who = known ? &who : NULL};
    if (row.result == CHECKIN_NOT_RECOGNISED) {
        c->failed_touches++;
        ev.state = CHECKIN_STATE_NOT_RECOGNISED;
        ev.reason = method == CHECKIN_BY_CASE_NUMBER
            ? "This finger does not match that case number. Try another enrolled finger, or see the officer."
            : "Fingerprint not recognised. Try again, or try another finger.";
        ev.offer_case_number = c->failed_touches >= c->config->attempts_before_fallback;
    } else {
        c->failed_touches = 0;
        ev.state = row.result == CHECKIN_RECORDED ? CHECKIN_STATE_RECORDED : CHECKIN_STATE_ALREADY;
    }
    /* A date the officer set, else the reporting schedule's next day after today. */
    g_autofree char *next_due = row.probationer_id ? store_get_next_report(c->store, row.probationer_id, NULL) : NULL;
    ev.next_due = next_due;
    g_message("check-in %s: %s", row.uuid, store_checkin_result_name(row.result));
    emit(c, &ev);
    store_probationer_clear(&who);
}

static void on_identified(FpPrint *match, FpPrint *probe, const GError *error, gpointer data);

/* What this touch is compared with: the second touch's candidates, the case-number person, or everyone. */
static GPtrArray *scan_prints(Checkin *c)
{
    if (c->second)
        return second_opinion_get_scan_prints(c->second);
    return search_get_scan_prints(c->one ? c->one : c->search);
}

static gboolean on_busy_retry(gpointer data)
{
    Checkin *c = data;
    c->busy_retry_id = 0;
    scanner_identify(c->scanner, scan_prints(c), c->scan_cancel, on_identified, c);
    return G_SOURCE_REMOVE;
}

/* Nobody touched again in time: back to waiting (or to sleep, in tap mode), naming nobody. */
static gboolean on_second_timeout(gpointer data)
{
    Checkin *c = data;
    c->timer_id = 0;
    g_message("second touch not given in time");
    if (c->capture == CAPTURE_CONTINUOUS) {
        end_case_entry(c);
        listen(c);
    } else {
        go_idle(c);
    }
    return G_SOURCE_REMOVE;
}

/* The engine was unsure of the first touch: ask for the same finger again, this time compared by
 * libfprint's identify (bozorth3) with the engine's best few candidates only. FALSE when their
 * prints can't be read: the first touch's result then stands. */
static gboolean ask_second_touch(Checkin *c, const SearchResult *first)
{
    double threshold, margin;
    search_get_rule(c->one ? c->one : c->search, &threshold, &margin);
    /* the first touch was judged against its gallery's size: so are both touches together */
    threshold = MAX(threshold, first->threshold);
    g_autoptr(GError) error = NULL;
    SecondOpinion *second = second_opinion_new(c->store, first, threshold, margin, &error);
    if (!second) {
        g_warning("no second opinion: %s", error->message);
        return FALSE;
    }
    stop_scan(c);
    clear_timer(c);
    c->second = second;
    c->scan_cancel = g_cancellable_new();
    c->timer_id = g_timeout_add_seconds(c->config->tap_window_s, on_second_timeout, c);
    CheckinEvent ev = {.state = CHECKIN_STATE_TOUCH_AGAIN, .who = c->one ? &c->one_who : NULL,
                       .reason = "Almost: touch the scanner again with the same finger."};
    emit(c, &ev);
    scanner_identify(c->scanner, scan_prints(c), c->scan_cancel, on_identified, c);
    return TRUE;
}

static void on_identified(FpPrint *match, FpPrint *probe, const GError *error, gpointer data)
{
    Checkin *c = data;
    if (error && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return; /* we stopped it: a rest, a case number, or shutdown */
    if (g_error_matches(error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_BUSY) && c->scan_cancel) {
        /* A case number typed while the scanner was listening: the scan we cancelled is still
         * winding down inside libfprint (a few ms). Start this one when it has. */
        c->busy_retry_id = g_timeout_add(20, on_busy_retry, c);
        return;
    }
    g_clear_object(&c->scan_cancel);
    clear_timer(c);
    gboolean by_case = c->one != NULL;

    if (error && error->domain == FP_DEVICE_RETRY) {
        /* An unclear touch: say why, then listen again (for the same case number, if one was typed). */
        emit_simple(c, CHECKIN_STATE_RETRY, scanner_describe_error(error));
        after_result(c);
        return;
    }
    if (error) {
        end_case_entry(c);
        /* Unplugged or hot: the scanner's state report has already moved the machine, and brings
         * it back when the scanner recovers. */
        if (scanner_get_state(c->scanner) != SCANNER_READY)
            return;
        g_warning("scan failed: %s", error->message);
        emit_simple(c, CHECKIN_STATE_SCANNER_PROBLEM, scanner_describe_error(error));
        after_result(c);
        return;
    }
    SearchResult r;
    if (c->second) {
        second_opinion_decide(c->second, match, probe, &r);
        g_clear_pointer(&c->second, second_opinion_free);
    } else {
        search_decide(by_case ? c->one : c->search, match, probe, &r);
        if (second_opinion_wanted(&r) && ask_second_touch(c, &r))
            return; /* once per attempt: the second touch decides */
    }
    record(c, &r, by_case ? CHECKIN_BY_CASE_NUMBER : CHECKIN_BY_FINGER);
    end_case_entry(c);
    after_result(c);
}

/* Starts one identify on the scanner: against everyone, or against the case-number person. */
static void listen(Checkin *c)
{
    stop_scan(c);
    clear_timer(c);
    if (c->paused)
        return;
    if (scanner_get_state(c->scanner) != SCANNER_READY) {
        checkin_on_scanner_state(c, scanner_get_state(c->scanner), NULL);
        return;
    }
    c->scan_cancel = g_cancellable_new();
    int window = c->capture == CAPTURE_TAP || c->one ? c->config->tap_window_s : c->config->listen_s;
    c->timer_id = g_timeout_add_seconds(window, on_timer_idle, c); /* nobody came: rest */
    /* "Place your finger" is announced when the sensor really waits for one (finger-needed), not
     * before: a finger placed earlier is lost by some sensors. One second is the fallback for a
     * driver that never reports it. */
    c->ready_id = g_timeout_add(1000, on_ready_fallback, c);
    scanner_identify(c->scanner, scan_prints(c), c->scan_cancel, on_identified, c);
}

static void announce_waiting(Checkin *c)
{
    if (c->ready_id) {
        g_source_remove(c->ready_id);
        c->ready_id = 0;
    }
    CheckinState want = c->one ? CHECKIN_STATE_CASE_ENTRY : CHECKIN_STATE_WAITING;
    if (!c->scan_cancel || c->state == want || c->second)
        return; /* (a second touch was asked for already) */
    if (c->one) {
        CheckinEvent ev = {.state = CHECKIN_STATE_CASE_ENTRY, .who = &c->one_who};
        emit(c, &ev);
    } else {
        emit_simple(c, CHECKIN_STATE_WAITING, NULL);
    }
}

static gboolean on_ready_fallback(gpointer data)
{
    Checkin *c = data;
    c->ready_id = 0;
    announce_waiting(c);
    return G_SOURCE_REMOVE;
}

Checkin *checkin_new(const Config *config, Store *store, Scanner *scanner, Search *search)
{
    Checkin *c = g_new0(Checkin, 1);
    c->config = config;
    c->capture = config->capture;
    c->store = store;
    c->scanner = scanner;
    c->search = search;
    c->listeners = g_array_new(FALSE, FALSE, sizeof(Listener));
    c->state = CHECKIN_STATE_IDLE;
    return c;
}

void checkin_free(Checkin *c)
{
    if (!c)
        return;
    stop_scan(c);
    clear_timer(c);
    end_case_entry(c);
    g_array_unref(c->listeners);
    g_free(c);
}

void checkin_subscribe(Checkin *c, CheckinListener listener, gpointer user_data)
{
    Listener l = {listener, user_data};
    g_array_append_val(c->listeners, l);
}

void checkin_start(Checkin *c)
{
    c->started = TRUE;
    if (c->capture == CAPTURE_CONTINUOUS)
        listen(c);
    else
        go_idle(c);
}

CheckinState checkin_get_state(Checkin *c)
{
    return c->state;
}

void checkin_pause(Checkin *c)
{
    c->paused = TRUE;
    stop_scan(c);
    clear_timer(c);
    end_case_entry(c);
    c->failed_touches = 0;
}

void checkin_resume(Checkin *c)
{
    if (!c->paused)
        return;
    c->paused = FALSE;
    /* Fingers enrolled (or people deactivated) while paused count from the first touch after. */
    g_autoptr(GError) error = NULL;
    if (!search_reload_if_changed(c->search, c->store, &error) && error)
        g_warning("could not reload the enrolled fingers: %s", error->message);
    if (!c->started)
        return;
    c->state = CHECKIN_STATE_IDLE; /* so the next announcement is made, whatever was shown before */
    if (c->capture == CAPTURE_CONTINUOUS)
        listen(c);
    else
        go_idle(c);
}

void checkin_set_capture(Checkin *c, CaptureMode mode)
{
    /* Officer mode changes it while the machine is paused; resuming listens (or not) by the new mode. */
    c->capture = mode;
}

gboolean checkin_is_paused(Checkin *c)
{
    return c->paused;
}

void checkin_tap(Checkin *c)
{
    if (c->paused)
        return;
    if (c->state == CHECKIN_STATE_IDLE)
        listen(c);
}

void checkin_enter_case_number(Checkin *c, const char *case_number)
{
    if (c->paused)
        return;
    stop_scan(c);
    end_case_entry(c);
    g_autoptr(GError) error = NULL;
    g_autoptr(Search) one = search_new_like(c->search);
    if (!store_find_probationer(c->store, case_number, &c->one_who, &error) || !c->one_who.active) {
        store_probationer_clear(&c->one_who);
        CheckinEvent ev = {.state = CHECKIN_STATE_NOT_RECOGNISED,
                           .reason = "No active probationer has that case number. Check it, or see the officer."};
        emit(c, &ev);
        after_result(c);
        return;
    }
    if (!search_load_probationer(one, c->store, c->one_who.id, &error) || search_get_size(one) == 0) {
        store_probationer_clear(&c->one_who);
        emit_simple(c, CHECKIN_STATE_NOT_RECOGNISED, "No finger is enrolled for that case number. Please see the officer.");
        after_result(c);
        return;
    }
    c->one = g_steal_pointer(&one);
    listen(c);
}

gboolean checkin_answer_question(Checkin *c, const char *checkin_uuid, const char *question_id,
                                 gboolean yes, GError **error)
{
    if (!store_save_answer(c->store, checkin_uuid, question_id, yes, error))
        return FALSE;
    g_message("check-in %s: question %s answered", checkin_uuid, question_id);
    if (c->answered)
        c->answered(c->answered_data);
    return TRUE;
}

void checkin_on_answered(Checkin *c, void (*func)(gpointer data), gpointer data)
{
    c->answered = func;
    c->answered_data = data;
}

void checkin_on_scanner_state(Checkin *c, ScannerState state, const char *why)
{
    (void)why;
    if (!c->started || c->paused)
        return; /* checkin_resume() looks at the scanner afresh */
    switch (state) {
    case SCANNER_READY:
        /* Back from unplugged or hot. */
        if (c->state == CHECKIN_STATE_SCANNER_PROBLEM || c->state == CHECKIN_STATE_RESTING) {
            if (c->capture == CAPTURE_CONTINUOUS)
                listen(c);
            else
                go_idle(c);
        }
        break;
    case SCANNER_HOT:
        stop_scan(c);
        clear_timer(c);
        end_case_entry(c);
        emit_simple(c, CHECKIN_STATE_RESTING, "The scanner is resting to cool down. Please wait a few minutes.");
        break;
    case SCANNER_ABSENT:
        stop_scan(c);
        clear_timer(c);
        end_case_entry(c);
        emit_simple(c, CHECKIN_STATE_SCANNER_PROBLEM, "The fingerprint scanner is not connected. Please tell the officer.");
        break;
    }
}

void checkin_on_gallery_changed(Checkin *c)
{
    /* libfprint's identify holds the gallery it started with: someone the centre just added would
     * not be found until the next listen window. Start again with the new one — but only while
     * nobody is touching (a search under way finishes as it began). */
    if (!c->paused && c->state == CHECKIN_STATE_WAITING && c->scan_cancel && !c->one)
        listen(c);
}

void checkin_on_finger_needed(Checkin *c)
{
    announce_waiting(c);
}

void checkin_on_finger(Checkin *c)
{
    if (c->paused)
        return; /* an officer's enrollment touch */
    if (c->state == CHECKIN_STATE_WAITING || c->state == CHECKIN_STATE_CASE_ENTRY ||
        c->state == CHECKIN_STATE_TOUCH_AGAIN) {
        CheckinEvent ev = {.state = CHECKIN_STATE_SEARCHING, .who = c->one ? &c->one_who : NULL};
        emit(c, &ev);
    }
}

static void forward_state(ScannerState state, const char *why, gpointer slot)
{
    Checkin *c = *(Checkin **)slot;
    if (c)
        checkin_on_scanner_state(c, state, why);
}

static void forward_finger_needed(gpointer slot)
{
    Checkin *c = *(Checkin **)slot;
    if (c)
        checkin_on_finger_needed(c);
}

static void forward_finger_on(gpointer slot)
{
    Checkin *c = *(Checkin **)slot;
    if (c)
        checkin_on_finger(c);
}

ScannerCallbacks checkin_scanner_callbacks(void)
{
    return (ScannerCallbacks){.state_changed = forward_state, .finger_needed = forward_finger_needed,
                              .finger_on = forward_finger_on};
}
