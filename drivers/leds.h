/* Status lights and buzzer: green = checked in, red = try again, amber = offline with a backlog or
 * scanner resting.
 *
 * Three layers, each testable alone:
 *   - leds_pattern_state(): a pure function, pattern + elapsed time -> which lines are on. All timing
 *     logic lives here, so unit tests need no clock and no hardware.
 *   - Leds: plays a pattern on a GMainContext with one timeout source at a time (no threads, no sleeps),
 *     asking an injectable clock for the time and writing through a LedsSink.
 *   - the GPIO sink (drivers/gpio.c), used by leds_open()/leds_new(). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LEDS_ERROR (leds_error_quark())
GQuark leds_error_quark(void);

typedef enum {
    LEDS_ERROR_DISABLED, /* [leds] enabled = false, yet a real output was asked for */
    LEDS_ERROR_NO_LINES, /* no line is configured for any role */
} LedsError;

/* The physical outputs, also the bit positions of LedsMask. */
typedef enum {
    LEDS_LINE_GREEN,
    LEDS_LINE_RED,
    LEDS_LINE_AMBER,
    LEDS_LINE_BUZZER,
    LEDS_LINE_COUNT,
} LedsLine;

typedef guint LedsMask;
#define LEDS_BIT(line) (1u << (line))

/* Foreground patterns. OK and FAIL are one-shots that fall back to IDLE by themselves; the others last
 * until the next leds_show(). Being offline with a backlog is not a pattern but a layer
 * (leds_set_offline()): a steady amber under whatever the foreground shows. */
typedef enum {
    LEDS_PATTERN_OFF,      /* everything dark, the offline layer too (shutdown, maintenance) */
    LEDS_PATTERN_IDLE,     /* nothing of its own; the offline layer still shows */
    LEDS_PATTERN_SCANNING, /* slow green pulse while a finger is being read */
    LEDS_PATTERN_OK,       /* green solid for ok_ms with a short buzzer chirp: checked in */
    LEDS_PATTERN_FAIL,     /* red blinks fail_blinks times with a double buzz: try again */
    LEDS_PATTERN_RESTING,  /* amber steady: the scanner is cooling down */
    LEDS_PATTERN_COUNT,
} LedsPattern;

/* All times in milliseconds. */
typedef struct {
    guint ok_ms;       /* green stays on */
    guint ok_chirp_ms; /* buzzer at the start of OK */
    guint fail_blinks; /* red flashes */
    guint fail_on_ms;
    guint fail_off_ms;
    guint fail_buzz_ms;       /* each of the two buzzes */
    guint fail_buzz_gap_ms;   /* silence between them */
    guint scanning_on_ms;     /* green lit part of each pulse */
    guint scanning_period_ms; /* one pulse, lit + dark */
    guint wiring_step_ms;     /* leds_run_wiring_test(): each light on this long */
} LedsTimings;

/* The [leds] group of the kiosk's configuration; a plain value the caller owns. */
typedef struct {
    gboolean enabled;
    char *chip;                   /* name, label, number or /dev path */
    char *lines[LEDS_LINE_COUNT]; /* line name or offset; NULL = not wired */
    gboolean active_low[LEDS_LINE_COUNT];
    LedsTimings timings;
} LedsConfig;

/* Where the pattern engine's output goes. `on` means lit / sounding; polarity is the sink's business. */
typedef struct {
    gboolean (*set_line)(gpointer sink_data, LedsLine line, gboolean on, GError **error);
    void (*free)(gpointer sink_data); /* may be NULL; called after every line was switched off */
} LedsSink;

/* Current time in microseconds on a monotonic clock; g_get_monotonic_time() unless injected. */
typedef gint64 (*LedsClockFunc)(gpointer clock_data);

typedef struct Leds Leds;

#define LEDS_NEVER G_MAXUINT64

/* Which lines `pattern` lights `elapsed_ms` after it started (offline layer not included). If next_ms is
 * not NULL it receives the elapsed time of the next change, or LEDS_NEVER. */
LedsMask leds_pattern_state(const LedsTimings *timings, LedsPattern pattern, guint64 elapsed_ms,
                            guint64 *next_ms);
/* How long a one-shot pattern plays before IDLE takes over; 0 for patterns that last. */
guint64 leds_pattern_get_duration(const LedsTimings *timings, LedsPattern pattern);
const char *leds_pattern_to_string(LedsPattern pattern);
const char *leds_line_to_string(LedsLine line);

/* Defaults, then [leds] of `kf` if present. `path` is only for messages. A bad value fails with one
 * sentence naming file, group, key, value and what was expected; an unknown key is a g_warning. On
 * failure `out` is left cleared. `out` must be zeroed or initialised (leds_config_init) before the
 * load, which frees what it held. */
void leds_config_init(LedsConfig *cfg);
gboolean leds_config_load(GKeyFile *kf, const char *path, LedsConfig *out, GError **error);
void leds_config_clear(LedsConfig *cfg);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(LedsConfig, leds_config_clear)

/* Opens the configured GPIO lines; fails (GPIO_ERROR or LEDS_ERROR) if the chip or a line is missing or
 * busy. `context` NULL = the global default context. */
Leds *leds_open(const LedsConfig *cfg, GMainContext *context, GError **error);
/* Like leds_open(), but never fails: on error it logs one warning and returns a Leds that does nothing,
 * so the kiosk keeps working without lights. Disabled in the config -> a silent no-op Leds. */
Leds *leds_new(const LedsConfig *cfg, GMainContext *context);
/* An engine writing to any sink (tests, other outputs). Takes ownership of sink_data. */
Leds *leds_new_with_sink(const LedsTimings *timings, const LedsSink *sink, gpointer sink_data,
                         GMainContext *context);
/* Switches everything off, removes the timer, frees the sink. NULL is fine. */
void leds_free(Leds *leds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Leds, leds_free)

/* Starts `pattern` now, replacing the current one. */
void leds_show(Leds *leds, LedsPattern pattern);
/* Turns the steady-amber "offline with a backlog" layer on or off. */
void leds_set_offline(Leds *leds, gboolean offline);
LedsPattern leds_get_pattern(Leds *leds);
/* Lines currently lit, as last written to the sink (offline layer included). */
LedsMask leds_get_lit(Leds *leds);
/* FALSE for the no-op object leds_new() returns when the GPIO could not be opened, or after the sink
 * failed (the failure is warned about once). */
gboolean leds_is_active(Leds *leds);

/* For tests: replace the clock, then call leds_update() after moving it; the timeout source keeps
 * being scheduled but tests with a fake clock simply never run the context. */
void leds_set_clock(Leds *leds, LedsClockFunc clock, gpointer clock_data);
/* Re-evaluates the pattern at the clock's current time, writes changes and reschedules the timer. */
void leds_update(Leds *leds);

/* For installers (`haazri-ctl leds test`): opens the configured lines and lights each in turn for
 * wiring_step_ms, then sounds the buzzer, then all lights together, logging each step with g_message.
 * Blocks, running its own private GMainContext; fails like leds_open(). */
gboolean leds_run_wiring_test(const LedsConfig *cfg, GError **error);

G_END_DECLS
