/* Status light pattern engine: pure pattern logic, a thin main-loop driver, and the GPIO sink. */
#define G_LOG_DOMAIN "haazri-leds"
#include "drivers/leds.h"

#include "drivers/gpio.h"

#include <string.h>

/* clang-format off */
G_DEFINE_QUARK(haazri-leds-error-quark, leds_error)
/* clang-format on */

/* ---- Pattern logic (pure) ------------------------------------------------------------------------- */

/* One line's behaviour within a pattern: `count` pulses of on_ms lit + off_ms dark from time 0;
 * count 0 repeats forever; on_ms 0 means the line stays dark; off_ms 0 with count 0 is steady on. */
typedef struct {
    guint64 on_ms, off_ms;
    guint count;
} Pulses;

/* Whether `p` is lit at `t`, and when that next changes (LEDS_NEVER if it never does). */
static gboolean eval_pulses(const Pulses *p, guint64 t, guint64 *next)
{
    guint64 period = p->on_ms + p->off_ms;
    if (p->on_ms == 0) {
        *next = LEDS_NEVER;
        return FALSE;
    }
    if (p->count == 0 && p->off_ms == 0) {
        *next = LEDS_NEVER;
        return TRUE;
    }
    /* A finite train ends after its last lit phase; the trailing dark phase is not waited for. */
    guint64 end = p->count ? p->count * period - p->off_ms : LEDS_NEVER;
    if (t >= end) {
        *next = LEDS_NEVER;
        return FALSE;
    }
    guint64 cycle_start = t - t % period;
    if (t - cycle_start < p->on_ms) {
        *next = cycle_start + p->on_ms;
        return TRUE;
    }
    *next = cycle_start + period;
    return FALSE;
}

/* The per-line description of each pattern; the only place that says what a pattern looks like. */
static void describe_pattern(const LedsTimings *t, LedsPattern pattern, Pulses out[LEDS_LINE_COUNT])
{
    memset(out, 0, sizeof(Pulses) * LEDS_LINE_COUNT);
    switch (pattern) {
    case LEDS_PATTERN_SCANNING:
        out[LEDS_LINE_GREEN] = (Pulses){
            t->scanning_on_ms,
            t->scanning_period_ms > t->scanning_on_ms ? t->scanning_period_ms - t->scanning_on_ms : 0, 0};
        break;
    case LEDS_PATTERN_OK:
        out[LEDS_LINE_GREEN] = (Pulses){t->ok_ms, 0, 1};
        out[LEDS_LINE_BUZZER] = (Pulses){MIN(t->ok_chirp_ms, t->ok_ms), 0, 1};
        break;
    case LEDS_PATTERN_FAIL:
        out[LEDS_LINE_RED] = (Pulses){t->fail_on_ms, t->fail_off_ms, t->fail_blinks};
        out[LEDS_LINE_BUZZER] = (Pulses){t->fail_buzz_ms, t->fail_buzz_gap_ms, 2};
        break;
    case LEDS_PATTERN_RESTING:
        out[LEDS_LINE_AMBER] = (Pulses){1, 0, 0};
        break;
    case LEDS_PATTERN_OFF:
    case LEDS_PATTERN_IDLE:
    case LEDS_PATTERN_COUNT:
        break;
    }
}

LedsMask leds_pattern_state(const LedsTimings *timings, LedsPattern pattern, guint64 elapsed_ms,
                            guint64 *next_ms)
{
    g_return_val_if_fail(timings != NULL, 0);
    Pulses lines[LEDS_LINE_COUNT];
    describe_pattern(timings, pattern, lines);
    LedsMask mask = 0;
    guint64 next = LEDS_NEVER;
    for (int i = 0; i < LEDS_LINE_COUNT; i++) {
        guint64 line_next;
        if (eval_pulses(&lines[i], elapsed_ms, &line_next))
            mask |= LEDS_BIT(i);
        next = MIN(next, line_next);
    }
    if (next_ms)
        *next_ms = next;
    return mask;
}

guint64 leds_pattern_get_duration(const LedsTimings *timings, LedsPattern pattern)
{
    g_return_val_if_fail(timings != NULL, 0);
    if (pattern != LEDS_PATTERN_OK && pattern != LEDS_PATTERN_FAIL)
        return 0;
    Pulses lines[LEDS_LINE_COUNT];
    describe_pattern(timings, pattern, lines);
    guint64 duration = 0;
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        if (lines[i].on_ms && lines[i].count)
            duration = MAX(duration, lines[i].count * (lines[i].on_ms + lines[i].off_ms) - lines[i].off_ms);
    return duration;
}

const char *leds_pattern_to_string(LedsPattern pattern)
{
    static const char *const names[] = {"off", "idle", "scanning", "ok", "fail", "resting"};
    G_STATIC_ASSERT(G_N_ELEMENTS(names) == LEDS_PATTERN_COUNT);
    return (guint)pattern < LEDS_PATTERN_COUNT ? names[pattern] : "invalid";
}

const char *leds_line_to_string(LedsLine line)
{
    static const char *const names[] = {"green", "red", "amber", "buzzer"};
    G_STATIC_ASSERT(G_N_ELEMENTS(names) == LEDS_LINE_COUNT);
    return (guint)line < LEDS_LINE_COUNT ? names[line] : "invalid";
}

/* ---- Main-loop driver ----------------------------------------------------------------------------- */

struct Leds {
    LedsTimings timings;
    LedsSink sink; /* set_line NULL = no-op object */
    gpointer sink_data;
    GMainContext *context; /* owned ref */
    LedsClockFunc clock;
    gpointer clock_data;
    LedsPattern pattern;
    gint64 started_us; /* clock time the current pattern started */
    gboolean offline;
    LedsMask lit;       /* what the sink was last told */
    GSource *timer;     /* the single pending wake-up, or NULL */
    GError *sink_error; /* the sink's first failure, after which it is no longer written to */
};

static gint64 default_clock(gpointer data)
{
    (void)data;
    return g_get_monotonic_time();
}

/* Writes only the lines that changed: each write is a syscall, and an unchanged line must not flicker. */
static void write_lines(Leds *self, LedsMask wanted)
{
    if (self->sink.set_line == NULL)
        return;
    for (int i = 0; i < LEDS_LINE_COUNT; i++) {
        if (((wanted ^ self->lit) & LEDS_BIT(i)) == 0)
            continue;
        g_autoptr(GError) error = NULL;
        if (!self->sink.set_line(self->sink_data, (LedsLine)i, (wanted & LEDS_BIT(i)) != 0, &error)) {
            /* A line that failed once will fail again; one warning, then carry on without lights. */
            g_warning("Status lights switched off after an output error: %s", error->message);
            self->sink.set_line = NULL;
            self->sink_error = g_steal_pointer(&error);
            return;
        }
        self->lit ^= LEDS_BIT(i);
    }
}

static gboolean on_timer(gpointer data)
{
    Leds *self = data;
    g_source_unref(self->timer);
    self->timer = NULL; /* returning G_SOURCE_REMOVE destroys it; leds_update() makes the next one */
    leds_update(self);
    return G_SOURCE_REMOVE;
}

static void cancel_timer(Leds *self)
{
    if (self->timer) {
        g_source_destroy(self->timer);
        g_clear_pointer(&self->timer, g_source_unref);
    }
}

void leds_update(Leds *self)
{
    g_return_if_fail(self != NULL);
    cancel_timer(self);
    gint64 now = self->clock(self->clock_data);
    guint64 elapsed = now > self->started_us ? (guint64)(now - self->started_us) / 1000 : 0;

    guint64 duration = leds_pattern_get_duration(&self->timings, self->pattern);
    if (duration && elapsed >= duration) {
        /* A one-shot is over: back to idle, as if the caller had asked for it at the moment it ended. */
        self->pattern = LEDS_PATTERN_IDLE;
        self->started_us += (gint64)duration * 1000;
        elapsed -= duration;
    }
    guint64 next = LEDS_NEVER;
    LedsMask wanted = leds_pattern_state(&self->timings, self->pattern, elapsed, &next);
    if (self->offline && self->pattern != LEDS_PATTERN_OFF)
        wanted |= LEDS_BIT(LEDS_LINE_AMBER);
    write_lines(self, wanted);

    if (duration && self->pattern != LEDS_PATTERN_IDLE)
        next = MIN(next, duration);
    if (next == LEDS_NEVER)
        return; /* a no-op Leds keeps its timers too, so leds_get_pattern() reads the same either way */
    /* Wake at the next edge computed from the pattern's start, so late wake-ups never accumulate drift. */
    gint64 due_us = self->started_us + (gint64)next * 1000;
    guint delay_ms = due_us > now ? (guint)((due_us - now + 999) / 1000) : 0;
    self->timer = g_timeout_source_new(delay_ms);
    g_source_set_name(self->timer, "haazri-leds");
    g_source_set_callback(self->timer, on_timer, self, NULL);
    g_source_attach(self->timer, self->context);
}

Leds *leds_new_with_sink(const LedsTimings *timings, const LedsSink *sink, gpointer sink_data,
                         GMainContext *context)
{
    g_return_val_if_fail(timings != NULL, NULL);
    Leds *self = g_new0(Leds, 1);
    self->timings = *timings;
    if (sink)
        self->sink = *sink;
    self->sink_data = sink_data;
    self->context = context ? g_main_context_ref(context) : g_main_context_ref(g_main_context_default());
    self->clock = default_clock;
    self->pattern = LEDS_PATTERN_IDLE;
    self->started_us = self->clock(NULL);
    return self;
}

void leds_free(Leds *self)
{
    if (self == NULL)
        return;
    cancel_timer(self);
    write_lines(self, 0);
    if (self->sink.free)
        self->sink.free(self->sink_data);
    g_clear_error(&self->sink_error);
    g_main_context_unref(self->context);
    g_free(self);
}

void leds_show(Leds *self, LedsPattern pattern)
{
    g_return_if_fail(self != NULL);
    g_return_if_fail((guint)pattern < LEDS_PATTERN_COUNT);
    self->pattern = pattern;
    self->started_us = self->clock(self->clock_data);
    leds_update(self);
}

void leds_set_offline(Leds *self, gboolean offline)
{
    g_return_if_fail(self != NULL);
    self->offline = !!offline;
    leds_update(self);
}

LedsPattern leds_get_pattern(Leds *self)
{
    g_return_val_if_fail(self != NULL, LEDS_PATTERN_OFF);
    return self->pattern;
}

LedsMask leds_get_lit(Leds *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->lit;
}

gboolean leds_is_active(Leds *self)
{
    g_return_val_if_fail(self != NULL, FALSE);
    return self->sink.set_line != NULL;
}

void leds_set_clock(Leds *self, LedsClockFunc clock, gpointer clock_data)
{
    g_return_if_fail(self != NULL);
    self->clock = clock ? clock : default_clock;
    self->clock_data = clock ? clock_data : NULL;
    self->started_us = self->clock(self->clock_data);
}

/* ---- GPIO sink ------------------------------------------------------------------------------------ */

typedef struct {
    GpioChip *chip;
    GpioLine *lines[LEDS_LINE_COUNT]; /* NULL = role not wired */
} GpioSink;

static gboolean gpio_sink_set_line(gpointer data, LedsLine line, gboolean on, GError **error)
{
    GpioSink *sink = data;
    return sink->lines[line] == NULL || gpio_line_set_active(sink->lines[line], on, error);
}

static void gpio_sink_free(gpointer data)
{
    GpioSink *sink = data;
    gpio_chip_close(sink->chip);
    g_free(sink);
}

static GpioSink *open_gpio_sink(const LedsConfig *cfg, GError **error)
{
    if (!cfg->enabled) {
        g_set_error(error, LEDS_ERROR, LEDS_ERROR_DISABLED, "Status lights are disabled in [leds].");
        return NULL;
    }
    gboolean any = FALSE;
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        any |= cfg->lines[i] != NULL;
    if (!any) {
        g_set_error(error, LEDS_ERROR, LEDS_ERROR_NO_LINES,
                    "No status light or buzzer line is configured in [leds].");
        return NULL;
    }
    g_autoptr(GpioChip) chip = gpio_chip_open(cfg->chip, error);
    if (chip == NULL)
        return NULL;
    GpioSink *sink = g_new0(GpioSink, 1);
    for (int i = 0; i < LEDS_LINE_COUNT; i++) {
        if (cfg->lines[i] == NULL)
            continue;
        sink->lines[i] = gpio_chip_request_output(chip, cfg->lines[i], cfg->active_low[i], error);
        if (sink->lines[i] == NULL) {
            g_prefix_error(error, "%s light: ", leds_line_to_string((LedsLine)i));
            g_free(sink); /* lines already requested are released with the chip */
            return NULL;
        }
    }
    sink->chip = g_steal_pointer(&chip);
    return sink;
}

static const LedsSink gpio_sink_vtable = {gpio_sink_set_line, gpio_sink_free};

Leds *leds_open(const LedsConfig *cfg, GMainContext *context, GError **error)
{
    g_return_val_if_fail(cfg != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    GpioSink *sink = open_gpio_sink(cfg, error);
    if (sink == NULL)
        return NULL;
    Leds *self = leds_new_with_sink(&cfg->timings, &gpio_sink_vtable, sink, context);
    leds_update(self);
    return self;
}

Leds *leds_new(const LedsConfig *cfg, GMainContext *context)
{
    g_return_val_if_fail(cfg != NULL, NULL);
    g_autoptr(GError) error = NULL;
    Leds *self = leds_open(cfg, context, &error);
    if (self)
        return self;
    if (g_error_matches(error, LEDS_ERROR, LEDS_ERROR_DISABLED))
        g_debug("%s", error->message);
    else
        g_warning("Status lights and buzzer disabled, the kiosk works on without them: %s", error->message);
    return leds_new_with_sink(&cfg->timings, NULL, NULL, context);
}

/* ---- Wiring test ---------------------------------------------------------------------------------- */

typedef struct {
    Leds *leds;
    GMainLoop *loop;
    const LedsConfig *cfg;
    guint step;
} WiringTest;

/* Steps: each wired light alone, the buzzer (shorter: it is loud), all lights together, then off. */
static gboolean wiring_test_step(gpointer data)
{
    WiringTest *test = data;
    static const LedsLine order[] = {LEDS_LINE_GREEN, LEDS_LINE_RED, LEDS_LINE_AMBER, LEDS_LINE_BUZZER};
    guint ms = test->cfg->timings.wiring_step_ms;
    LedsMask mask = 0;
    const char *what = NULL;
    while (test->step < G_N_ELEMENTS(order) && test->cfg->lines[order[test->step]] == NULL)
        g_message("leds test: %s is not wired (no line configured), skipped",
                  leds_line_to_string(order[test->step++]));
    if (test->step < G_N_ELEMENTS(order)) {
        LedsLine line = order[test->step];
        mask = LEDS_BIT(line);
        what = leds_line_to_string(line);
        if (line == LEDS_LINE_BUZZER)
            ms = MAX(ms / 4, 1);
    } else if (test->step == G_N_ELEMENTS(order)) {
        mask = LEDS_BIT(LEDS_LINE_GREEN) | LEDS_BIT(LEDS_LINE_RED) | LEDS_BIT(LEDS_LINE_AMBER);
        what = "all lights";
    }
    test->step++;
    write_lines(test->leds, mask);
    if (what == NULL || !leds_is_active(test->leds)) {
        g_message("leds test: done, everything off");
        g_main_loop_quit(test->loop);
        return G_SOURCE_REMOVE;
    }
    /* Logged after the lines are set, so whoever watches (or a test reading the pins) sees them lit. */
    g_message("leds test: %s on for %u ms", what, ms);
    GSource *next = g_timeout_source_new(ms);
    g_source_set_callback(next, wiring_test_step, test, NULL);
    g_source_attach(next, g_main_loop_get_context(test->loop));
    g_source_unref(next);
    return G_SOURCE_REMOVE;
}

gboolean leds_run_wiring_test(const LedsConfig *cfg, GError **error)
{
    g_return_val_if_fail(cfg != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    /* A private context: the admin tool may have its own loop, and this must not run its sources. */
    g_autoptr(GMainContext) context = g_main_context_new();
    g_autoptr(Leds) leds = leds_open(cfg, context, error);
    if (leds == NULL)
        return FALSE;
    g_autoptr(GMainLoop) loop = g_main_loop_new(context, FALSE);
    WiringTest test = {leds, loop, cfg, 0};
    GSource *start = g_idle_source_new();
    g_source_set_callback(start, wiring_test_step, &test, NULL);
    g_source_attach(start, context);
    g_source_unref(start);
    g_main_loop_run(loop);
    /* A light that stopped answering mid-test was warned about; the installer must hear of it as failure. */
    if (leds->sink_error) {
        g_propagate_prefixed_error(error, g_steal_pointer(&leds->sink_error), "Wiring test stopped: ");
        return FALSE;
    }
    return TRUE;
}
