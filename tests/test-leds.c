/* Status lights: pattern logic on an injected clock, the main-loop driver, [leds] parsing, and the
 * no-op fallback when the GPIO chip is missing. No hardware needed; tests/test-leds-vm.sh covers a real
 * kernel GPIO chip. */
#include "drivers/gpio.h"
#include "drivers/leds.h"

#include <string.h>

#define GREEN LEDS_BIT(LEDS_LINE_GREEN)
#define RED LEDS_BIT(LEDS_LINE_RED)
#define AMBER LEDS_BIT(LEDS_LINE_AMBER)
#define BUZZ LEDS_BIT(LEDS_LINE_BUZZER)

static LedsTimings test_timings(void)
{
    return (LedsTimings){.ok_ms = 2000,
                         .ok_chirp_ms = 80,
                         .fail_blinks = 3,
                         .fail_on_ms = 250,
                         .fail_off_ms = 250,
                         .fail_buzz_ms = 120,
                         .fail_buzz_gap_ms = 100,
                         .scanning_on_ms = 400,
                         .scanning_period_ms = 1600,
                         .wiring_step_ms = 100};
}

/* Walks a pattern edge by edge through next_ms and renders "t:mask" pairs, e.g. "0:9 80:1 2000:0". */
static char *render_edges(const LedsTimings *t, LedsPattern p, guint64 until_ms)
{
    GString *out = g_string_new(NULL);
    guint64 at = 0;
    while (at <= until_ms) {
        guint64 next = 0;
        LedsMask mask = leds_pattern_state(t, p, at, &next);
        g_string_append_printf(out, "%s%" G_GUINT64_FORMAT ":%u", out->len ? " " : "", at, mask);
        g_assert_cmpuint(next, >, at); /* time always moves forward */
        if (next == LEDS_NEVER)
            break;
        /* The mask holds until just before the announced edge. */
        g_assert_cmpuint(leds_pattern_state(t, p, next - 1, NULL), ==, mask);
        at = next;
    }
    return g_string_free(out, FALSE);
}

static void test_pattern_ok(void)
{
    LedsTimings t = test_timings();
    g_autofree char *edges = render_edges(&t, LEDS_PATTERN_OK, 10000);
    g_assert_cmpstr(edges, ==, "0:9 80:1 2000:0"); /* green+buzzer, chirp ends, green ends */
    g_assert_cmpuint(leds_pattern_get_duration(&t, LEDS_PATTERN_OK), ==, 2000);
}

static void test_pattern_fail(void)
{
    LedsTimings t = test_timings();
    g_autofree char *edges = render_edges(&t, LEDS_PATTERN_FAIL, 10000);
    /* red 250 on / 250 off x3; buzzer 120 on, 100 gap, 120 on */
    g_assert_cmpstr(edges, ==, "0:10 120:2 220:10 250:8 340:0 500:2 750:0 1000:2 1250:0");
    g_assert_cmpuint(leds_pattern_get_duration(&t, LEDS_PATTERN_FAIL), ==, 1250);
}

static void test_pattern_scanning(void)
{
    LedsTimings t = test_timings();
    g_autofree char *edges = render_edges(&t, LEDS_PATTERN_SCANNING, 4000);
    g_assert_cmpstr(edges, ==, "0:1 400:0 1600:1 2000:0 3200:1 3600:0");
    g_assert_cmpuint(leds_pattern_get_duration(&t, LEDS_PATTERN_SCANNING), ==, 0); /* lasts */
    /* Far into a long scan the pulse is still in phase. */
    g_assert_cmpuint(leds_pattern_state(&t, LEDS_PATTERN_SCANNING, 1600 * 1000 + 399, NULL), ==, GREEN);
    g_assert_cmpuint(leds_pattern_state(&t, LEDS_PATTERN_SCANNING, 1600 * 1000 + 400, NULL), ==, 0);
}

static void test_pattern_steady(void)
{
    LedsTimings t = test_timings();
    guint64 next = 0;
    g_assert_cmpuint(leds_pattern_state(&t, LEDS_PATTERN_RESTING, 123456, &next), ==, AMBER);
    g_assert_cmpuint(next, ==, LEDS_NEVER);
    g_assert_cmpuint(leds_pattern_state(&t, LEDS_PATTERN_IDLE, 0, &next), ==, 0);
    g_assert_cmpuint(next, ==, LEDS_NEVER);
    g_assert_cmpuint(leds_pattern_state(&t, LEDS_PATTERN_OFF, 5, &next), ==, 0);
    /* No chirp configured: OK is silent. */
    t.ok_chirp_ms = 0;
    g_assert_cmpuint(leds_pattern_state(&t, LEDS_PATTERN_OK, 0, NULL), ==, GREEN);
    g_assert_cmpstr(leds_pattern_to_string(LEDS_PATTERN_FAIL), ==, "fail");
    g_assert_cmpstr(leds_line_to_string(LEDS_LINE_BUZZER), ==, "buzzer");
}

/* ---- Engine with a recording sink and a fake clock -------------------------------------------------- */

typedef struct {
    GString *log; /* "green+ red- ..." in write order */
    LedsMask state;
    guint writes;
    gboolean fail; /* make every write fail */
    gboolean *freed;
} Recorder;

static gboolean record_line(gpointer data, LedsLine line, gboolean on, GError **error)
{
    Recorder *r = data;
    if (r->fail) {
        g_set_error(error, GPIO_ERROR, GPIO_ERROR_FAILED, "simulated write failure on %s",
                    leds_line_to_string(line));
        return FALSE;
    }
    r->writes++;
    g_string_append_printf(r->log, "%s%s%c", r->log->len ? " " : "", leds_line_to_string(line),
                           on ? '+' : '-');
    r->state = on ? r->state | LEDS_BIT(line) : r->state & ~LEDS_BIT(line);
    return TRUE;
}

static void free_recorder(gpointer data)
{
    Recorder *r = data;
    if (r->freed)
        *r->freed = TRUE;
    g_string_free(r->log, TRUE);
    g_free(r);
}

static const LedsSink recorder_sink = {record_line, free_recorder};

static gint64 fake_now_us;
static gint64 fake_clock(gpointer data)
{
    (void)data;
    return fake_now_us;
}

static Leds *new_fake_leds(Recorder **recorder)
{
    LedsTimings t = test_timings();
    Recorder *r = g_new0(Recorder, 1);
    r->log = g_string_new(NULL);
    *recorder = r;
    fake_now_us = 1000000;
    Leds *leds = leds_new_with_sink(&t, &recorder_sink, r, NULL);
    leds_set_clock(leds, fake_clock, NULL);
    return leds;
}

static void advance_to(Leds *leds, gint64 ms_since_show, gint64 shown_at_us)
{
    fake_now_us = shown_at_us + ms_since_show * 1000;
    leds_update(leds);
}

static void test_engine_sequence(void)
{
    Recorder *r = NULL;
    gboolean freed = FALSE;
    g_autoptr(Leds) leds = new_fake_leds(&r);
    r->freed = &freed;
    g_assert_true(leds_is_active(leds));
    g_assert_cmpint(leds_get_pattern(leds), ==, LEDS_PATTERN_IDLE);

    gint64 t0 = fake_now_us;
    leds_show(leds, LEDS_PATTERN_SCANNING);
    g_assert_cmpuint(r->state, ==, GREEN);
    advance_to(leds, 500, t0);
    g_assert_cmpuint(r->state, ==, 0);
    advance_to(leds, 1700, t0);
    g_assert_cmpuint(r->state, ==, GREEN);

    t0 = fake_now_us;
    leds_show(leds, LEDS_PATTERN_OK);
    g_assert_cmpuint(r->state, ==, GREEN | BUZZ);
    advance_to(leds, 100, t0);
    g_assert_cmpuint(r->state, ==, GREEN);
    advance_to(leds, 1999, t0);
    g_assert_cmpint(leds_get_pattern(leds), ==, LEDS_PATTERN_OK);
    /* A one-shot falls back to idle by itself. */
    advance_to(leds, 2000, t0);
    g_assert_cmpuint(r->state, ==, 0);
    g_assert_cmpint(leds_get_pattern(leds), ==, LEDS_PATTERN_IDLE);

    /* Offline is a layer: amber stays through other patterns, OFF alone hides it. */
    leds_set_offline(leds, TRUE);
    g_assert_cmpuint(r->state, ==, AMBER);
    t0 = fake_now_us;
    leds_show(leds, LEDS_PATTERN_FAIL);
    g_assert_cmpuint(r->state, ==, RED | BUZZ | AMBER);
    advance_to(leds, 260, t0);
    g_assert_cmpuint(r->state, ==, AMBER | BUZZ);
    advance_to(leds, 5000, t0); /* woke late: straight to idle, no stale blink */
    g_assert_cmpuint(r->state, ==, AMBER);
    g_assert_cmpint(leds_get_pattern(leds), ==, LEDS_PATTERN_IDLE);
    leds_show(leds, LEDS_PATTERN_OFF);
    g_assert_cmpuint(r->state, ==, 0);
    leds_show(leds, LEDS_PATTERN_RESTING);
    g_assert_cmpuint(r->state, ==, AMBER);
    leds_set_offline(leds, FALSE);
    g_assert_cmpuint(r->state, ==, AMBER); /* resting is amber too */
    leds_show(leds, LEDS_PATTERN_IDLE);
    g_assert_cmpuint(r->state, ==, 0);
    g_assert_cmpuint(leds_get_lit(leds), ==, 0);

    leds_show(leds, LEDS_PATTERN_OK);
    g_clear_pointer(&leds, leds_free);
    g_assert_true(freed);
}

static void test_engine_writes_only_changes(void)
{
    Recorder *r = NULL;
    g_autoptr(Leds) leds = new_fake_leds(&r);
    leds_show(leds, LEDS_PATTERN_RESTING);
    guint writes = r->writes;
    for (int i = 0; i < 5; i++) {
        fake_now_us += 100000;
        leds_update(leds);
        leds_show(leds, LEDS_PATTERN_RESTING);
    }
    g_assert_cmpuint(r->writes, ==, writes);
    g_assert_cmpstr(r->log->str, ==, "amber+");
}

static void test_engine_sink_failure(void)
{
    Recorder *r = NULL;
    g_autoptr(Leds) leds = new_fake_leds(&r);
    r->fail = TRUE;
    g_test_expect_message("haazri-leds", G_LOG_LEVEL_WARNING, "*output error*simulated write failure*");
    leds_show(leds, LEDS_PATTERN_OK);
    g_test_assert_expected_messages();
    g_assert_false(leds_is_active(leds));
    leds_show(leds, LEDS_PATTERN_FAIL); /* silently nothing: one warning only */
    g_assert_cmpuint(r->writes, ==, 0);
}

/* One output's changes from the recorder's log, in order ("red+ red- ..."): each output runs on its
 * own timeouts, so how two outputs' changes interleave depends on how busy the machine is. */
static char *channel(const char *log, const char *name)
{
    g_auto(GStrv) words = g_strsplit(log, " ", -1);
    g_autoptr(GString) out = g_string_new(NULL);
    for (char **w = words; *w; w++)
        if (g_str_has_prefix(*w, name) && strlen(*w) == strlen(name) + 1)
            g_string_append_printf(out, "%s%s", out->len ? " " : "", *w);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* The real driver: timeouts on a GMainContext with short timings, recording what the sink saw. */
static void test_engine_main_loop(void)
{
    LedsTimings t = {.ok_ms = 60,
                     .ok_chirp_ms = 20,
                     .fail_blinks = 2,
                     .fail_on_ms = 20,
                     .fail_off_ms = 20,
                     .fail_buzz_ms = 10,
                     .fail_buzz_gap_ms = 10,
                     .scanning_on_ms = 20,
                     .scanning_period_ms = 40,
                     .wiring_step_ms = 50};
    g_autoptr(GMainContext) context = g_main_context_new();
    Recorder *r = g_new0(Recorder, 1);
    r->log = g_string_new(NULL);
    g_autoptr(Leds) leds = leds_new_with_sink(&t, &recorder_sink, r, context);
    gint64 start = g_get_monotonic_time();
    leds_show(leds, LEDS_PATTERN_FAIL);
    while (leds_get_pattern(leds) != LEDS_PATTERN_IDLE) {
        g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);
        g_main_context_iteration(context, TRUE);
    }
    gint64 took_ms = (g_get_monotonic_time() - start) / 1000;
    g_assert_cmpint(took_ms, >=, 60); /* 2 blinks: 20 + 20 + 20 */
    /* Two red blinks and two short buzzes (how they interleave depends on the machine's load). */
    g_autofree char *red = channel(r->log->str, "red");
    g_autofree char *buzzer = channel(r->log->str, "buzzer");
    g_assert_cmpstr(red, ==, "red+ red- red+ red-");
    g_assert_cmpstr(buzzer, ==, "buzzer+ buzzer- buzzer+ buzzer-");
    g_assert_true(g_str_has_prefix(r->log->str, "red+ buzzer+")); /* light and sound start together */
    g_assert_cmpuint(r->state, ==, 0);
    /* Nothing left scheduled once idle: the context has no pending source. */
    g_assert_false(g_main_context_pending(context));
}

/* ---- [leds] configuration ------------------------------------------------------------------------- */

static gboolean load_text(const char *text, LedsConfig *cfg, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_assert_true(g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, NULL));
    return leds_config_load(kf, "/etc/haazri/haazri.conf", cfg, error);
}

static void test_config_defaults(void)
{
    g_auto(LedsConfig) cfg = {0};
    g_autoptr(GError) error = NULL;
    g_assert_true(load_text("[kiosk]\nname=x\n", &cfg, &error));
    g_assert_no_error(error);
    g_assert_true(cfg.enabled);
    g_assert_cmpstr(cfg.chip, ==, "gpiochip0");
    g_assert_cmpstr(cfg.lines[LEDS_LINE_GREEN], ==, "led-green");
    g_assert_cmpstr(cfg.lines[LEDS_LINE_BUZZER], ==, "buzzer");
    g_assert_false(cfg.active_low[LEDS_LINE_RED]);
    g_assert_cmpuint(cfg.timings.ok_ms, ==, 2000);
    g_assert_cmpuint(cfg.timings.fail_blinks, ==, 3);
}

static void test_config_values(void)
{
    g_auto(LedsConfig) cfg = {0};
    g_autoptr(GError) error = NULL;
    g_assert_true(load_text("[leds]\nenabled=false\nchip=/dev/gpiochip1\ngreen=GPIO17\nred=27\n"
                            "amber=\nbuzzer = GPIO22 \nactive_low=red;buzzer;\nok_ms=1500\n"
                            "fail_blinks=5\nscanning_on_ms=100\nscanning_period_ms=1000\n",
                            &cfg, &error));
    g_assert_no_error(error);
    g_assert_false(cfg.enabled);
    g_assert_cmpstr(cfg.chip, ==, "/dev/gpiochip1");
    g_assert_cmpstr(cfg.lines[LEDS_LINE_GREEN], ==, "GPIO17");
    g_assert_cmpstr(cfg.lines[LEDS_LINE_RED], ==, "27");
    g_assert_null(cfg.lines[LEDS_LINE_AMBER]); /* empty = not wired */
    g_assert_cmpstr(cfg.lines[LEDS_LINE_BUZZER], ==, "GPIO22");
    g_assert_true(cfg.active_low[LEDS_LINE_RED] && cfg.active_low[LEDS_LINE_BUZZER]);
    g_assert_false(cfg.active_low[LEDS_LINE_GREEN] || cfg.active_low[LEDS_LINE_AMBER]);
    g_assert_cmpuint(cfg.timings.ok_ms, ==, 1500);
    g_assert_cmpuint(cfg.timings.fail_blinks, ==, 5);
    g_assert_cmpuint(cfg.timings.fail_on_ms, ==, 250); /* untouched default */
}

static void check_bad(const char *text, const char *expected_message)
{
    g_auto(LedsConfig) cfg = {0};
    g_autoptr(GError) error = NULL;
    g_assert_false(load_text(text, &cfg, &error));
    g_assert_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    g_assert_cmpstr(error->message, ==, expected_message);
    g_assert_null(cfg.chip); /* cleared on failure */
}

static void test_config_errors(void)
{
    check_bad("[leds]\nfail_blinks=lots\n", "/etc/haazri/haazri.conf: [leds] fail_blinks = 'lots': "
                                            "expected a whole number from 1 to 20.");
    check_bad("[leds]\nok_ms=-5\n", "/etc/haazri/haazri.conf: [leds] ok_ms = '-5': "
                                    "expected a whole number from 100 to 60000 (milliseconds).");
    check_bad("[leds]\nok_ms=999999\n", "/etc/haazri/haazri.conf: [leds] ok_ms = '999999': "
                                        "expected a whole number from 100 to 60000 (milliseconds).");
    check_bad("[leds]\nenabled=maybe\n",
              "/etc/haazri/haazri.conf: [leds] enabled = 'maybe': expected true or false.");
    check_bad("[leds]\nactive_low=red;blue\n", "/etc/haazri/haazri.conf: [leds] active_low = 'red;blue': "
                                               "expected a ';'-separated list of green, red, amber, buzzer.");
    check_bad("[leds]\ngreen=GPIO 17\n",
              "/etc/haazri/haazri.conf: [leds] green = 'GPIO 17': expected a GPIO "
              "line name (e.g. GPIO17) or offset (e.g. 17), or nothing if not wired.");
    check_bad("[leds]\nred=99999999\n", "/etc/haazri/haazri.conf: [leds] red = '99999999': "
                                        "expected a line offset from 0 to 65535, or a line name.");
    check_bad("[leds]\nchip=\n", "/etc/haazri/haazri.conf: [leds] chip = '': expected a GPIO chip name "
                                 "(gpiochip0), label, number or path (/dev/gpiochip0).");
    check_bad("[leds]\nscanning_on_ms=800\nscanning_period_ms=800\n",
              "/etc/haazri/haazri.conf: [leds] scanning_period_ms = '800': expected more than "
              "scanning_on_ms (800), so the pulse has a dark part.");
    check_bad("[leds]\nred=led-green\n", "/etc/haazri/haazri.conf: [leds] red = 'led-green': "
                                         "expected a line of its own (green uses it already).");
}

static void test_config_unknown_key(void)
{
    g_auto(LedsConfig) cfg = {0};
    g_autoptr(GError) error = NULL;
    g_test_expect_message("haazri-leds", G_LOG_LEVEL_WARNING,
                          "/etc/haazri/haazri.conf: [leds] unknown key 'gren' ignored");
    g_assert_true(load_text("[leds]\ngren=GPIO5\n", &cfg, &error));
    g_test_assert_expected_messages();
    g_assert_no_error(error);
    g_assert_cmpstr(cfg.lines[LEDS_LINE_GREEN], ==, "led-green");
}

/* The documented example must load cleanly and say exactly what the built-in defaults say. */
static void test_config_example_matches_defaults(void)
{
    const char *testdata = g_getenv("HAAZRI_TESTDATA");
    g_autofree char *path = testdata ? g_build_filename(testdata, "..", "..", "config", "haazri.conf", NULL)
                                     : g_strdup("config/haazri.conf");
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &error));
    g_assert_no_error(error);
    g_auto(LedsConfig) loaded = {0};
    g_assert_true(leds_config_load(kf, path, &loaded, &error));
    g_assert_no_error(error);
    g_auto(LedsConfig) defaults = {0};
    leds_config_init(&defaults);
    g_assert_cmpint(loaded.enabled, ==, defaults.enabled);
    g_assert_cmpstr(loaded.chip, ==, defaults.chip);
    for (int i = 0; i < LEDS_LINE_COUNT; i++) {
        g_assert_cmpstr(loaded.lines[i], ==, defaults.lines[i]);
        g_assert_cmpint(loaded.active_low[i], ==, defaults.active_low[i]);
    }
    g_assert_cmpmem(&loaded.timings, sizeof loaded.timings, &defaults.timings, sizeof defaults.timings);
}

/* ---- Missing hardware ----------------------------------------------------------------------------- */

static void test_missing_chip(void)
{
    g_auto(LedsConfig) cfg = {0};
    leds_config_init(&cfg);
    g_free(cfg.chip);
    cfg.chip = g_strdup("haazri-test-no-such-chip");

    g_autoptr(GError) error = NULL;
    g_assert_null(leds_open(&cfg, NULL, &error));
    g_assert_error(error, GPIO_ERROR, GPIO_ERROR_NO_CHIP);
    g_assert_nonnull(strstr(error->message, "'haazri-test-no-such-chip' not found"));

    g_test_expect_message("haazri-leds", G_LOG_LEVEL_WARNING,
                          "Status lights and buzzer disabled*'haazri-test-no-such-chip' not found*");
    g_autoptr(Leds) leds = leds_new(&cfg, NULL);
    g_test_assert_expected_messages();
    g_assert_nonnull(leds);
    g_assert_false(leds_is_active(leds));
    leds_show(leds, LEDS_PATTERN_OK); /* all harmless */
    leds_set_offline(leds, TRUE);
    g_assert_cmpuint(leds_get_lit(leds), ==, 0);

    g_clear_error(&error);
    g_assert_false(leds_run_wiring_test(&cfg, &error));
    g_assert_error(error, GPIO_ERROR, GPIO_ERROR_NO_CHIP);
}

static void test_disabled_is_silent(void)
{
    g_auto(LedsConfig) cfg = {0};
    leds_config_init(&cfg);
    cfg.enabled = FALSE;
    g_autoptr(Leds) leds = leds_new(&cfg, NULL); /* no warning expected: a fatal one would abort */
    g_assert_false(leds_is_active(leds));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/leds/pattern/ok", test_pattern_ok);
    g_test_add_func("/leds/pattern/fail", test_pattern_fail);
    g_test_add_func("/leds/pattern/scanning", test_pattern_scanning);
    g_test_add_func("/leds/pattern/steady", test_pattern_steady);
    g_test_add_func("/leds/engine/sequence", test_engine_sequence);
    g_test_add_func("/leds/engine/writes-only-changes", test_engine_writes_only_changes);
    g_test_add_func("/leds/engine/sink-failure", test_engine_sink_failure);
    g_test_add_func("/leds/engine/main-loop", test_engine_main_loop);
    g_test_add_func("/leds/config/defaults", test_config_defaults);
    g_test_add_func("/leds/config/values", test_config_values);
    g_test_add_func("/leds/config/errors", test_config_errors);
    g_test_add_func("/leds/config/unknown-key", test_config_unknown_key);
    g_test_add_func("/leds/config/example-matches-defaults", test_config_example_matches_defaults);
    g_test_add_func("/leds/gpio/missing-chip", test_missing_chip);
    g_test_add_func("/leds/gpio/disabled", test_disabled_is_silent);
    return g_test_run();
}
