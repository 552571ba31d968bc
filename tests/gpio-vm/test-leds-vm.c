/* The real LED driver (drivers/gpio.c + drivers/leds.c) against a real kernel GPIO chip (gpio-sim),
 * run inside qemu by tests/gpio-vm/run-vm.sh with lines named led-green, led-red, led-amber, buzzer at
 * offsets 0..3. The pins are read back from $GPIO_SIM_SYSFS/sim_gpioN/value, which is the electrical
 * level, so active-low inversion is checked for real. */
#include "drivers/gpio.h"
#include "drivers/leds.h"

#include <stdlib.h>
#include <string.h>

enum { PIN_GREEN, PIN_RED, PIN_AMBER, PIN_BUZZER };

/* Red and amber are wired active-low (LED between 3.3 V and the pin): lit reads 0. */
static const gboolean active_low[LEDS_LINE_COUNT] = {FALSE, TRUE, TRUE, FALSE};

static int read_pin(int offset)
{
    g_autofree char *path = g_strdup_printf("%s/sim_gpio%d/value", g_getenv("GPIO_SIM_SYSFS"), offset);
    g_autofree char *text = NULL;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &text, NULL, &error))
        g_error("cannot read %s: %s", path, error->message);
    return atoi(text);
}

/* The lit state as the pins show it, undoing each line's polarity. */
static LedsMask read_lit(void)
{
    LedsMask lit = 0;
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        if (read_pin(i) != active_low[i])
            lit |= LEDS_BIT(i);
    return lit;
}

/* "green+buzzer (pins 1001)": the lit lines and the pin levels that mean exactly that (offsets 0..3). */
static char *describe(LedsMask lit)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        if (lit & LEDS_BIT(i))
            g_string_append_printf(s, "%s%s", s->len ? "+" : "", leds_line_to_string((LedsLine)i));
    if (s->len == 0)
        g_string_append(s, "dark");
    g_string_append(s, " (pins ");
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        g_string_append_c(s, ((lit & LEDS_BIT(i)) != 0) != active_low[i] ? '1' : '0');
    g_string_append_c(s, ')');
    return g_string_free(s, FALSE);
}

/* Every time in the script and the timings is multiplied by this: samples then sit >= 100 ms from any
 * edge, which an emulated (no KVM) VM on a busy build machine still hits reliably. */
#define SCALE 2

static void config_for_sim(LedsConfig *cfg)
{
    leds_config_init(cfg);
    g_free(cfg->chip);
    cfg->chip = g_strdup(g_getenv("GPIO_SIM_LABEL")); /* by label; by name and path are tested below */
    g_free(cfg->lines[LEDS_LINE_RED]);
    cfg->lines[LEDS_LINE_RED] = g_strdup("1"); /* by offset; the others by name */
    for (int i = 0; i < LEDS_LINE_COUNT; i++)
        cfg->active_low[i] = active_low[i];
    cfg->timings = (LedsTimings){.ok_ms = 600 * SCALE,
                                 .ok_chirp_ms = 150 * SCALE,
                                 .fail_blinks = 3,
                                 .fail_on_ms = 200 * SCALE,
                                 .fail_off_ms = 200 * SCALE,
                                 .fail_buzz_ms = 100 * SCALE,
                                 .fail_buzz_gap_ms = 100 * SCALE,
                                 .scanning_on_ms = 200 * SCALE,
                                 .scanning_period_ms = 600 * SCALE,
                                 .wiring_step_ms = 150};
}

/* ---- Check-in sequence: a script run on the main loop ------------------------------------------- */

#define G LEDS_BIT(LEDS_LINE_GREEN)
#define R LEDS_BIT(LEDS_LINE_RED)
#define A LEDS_BIT(LEDS_LINE_AMBER)
#define B LEDS_BIT(LEDS_LINE_BUZZER)

typedef enum { SHOW, OFFLINE, EXPECT } StepKind;
typedef struct {
    guint at_ms; /* after the last SHOW/OFFLINE step actually ran, before SCALE; samples sit mid-phase */
    StepKind kind;
    int arg; /* pattern, offline flag, or expected lit mask */
} Step;

static const Step script[] = {
    {0, EXPECT, 0},                   /* idle after open: all dark, active-low pins high */
    {0, SHOW, LEDS_PATTERN_SCANNING}, /* green 200 on / 400 off; all times x SCALE */
    {100, EXPECT, G},
    {400, EXPECT, 0},
    {700, EXPECT, G},
    {1000, EXPECT, 0},
    {1100, SHOW, LEDS_PATTERN_OK}, /* green 600, chirp 150 */
    {75, EXPECT, G | B},
    {400, EXPECT, G},
    {700, EXPECT, 0},
    {750, SHOW, LEDS_PATTERN_IDLE},
    {50, EXPECT, 0},
    {100, SHOW, LEDS_PATTERN_FAIL}, /* red 200/200 x3, buzz 100/100 x2 */
    {50, EXPECT, R | B},
    {150, EXPECT, R},
    {250, EXPECT, B},
    {350, EXPECT, 0},
    {500, EXPECT, R},
    {700, EXPECT, 0},
    {900, EXPECT, R},
    {1100, EXPECT, 0},
    {1150, OFFLINE, TRUE}, /* amber steady, layered under everything */
    {50, EXPECT, A},
    {100, SHOW, LEDS_PATTERN_OK},
    {75, EXPECT, G | B | A},
    {400, EXPECT, G | A},
    {700, EXPECT, A},
    {750, SHOW, LEDS_PATTERN_FAIL},
    {50, EXPECT, R | B | A},
    {350, EXPECT, A},
    {1100, EXPECT, A},
    {1150, SHOW, LEDS_PATTERN_OFF}, /* OFF hides even the offline layer */
    {50, EXPECT, 0},
    {100, SHOW, LEDS_PATTERN_RESTING},
    {50, EXPECT, A},
};

typedef struct {
    Leds *leds;
    GMainLoop *loop;
    guint next;
    gint64 base_us;  /* when the last action ran */
    gint64 start_us; /* for the log */
    GString *failures;
} ScriptRun;

static gboolean run_step(gpointer data);

static void schedule_next(ScriptRun *run)
{
    if (run->next >= G_N_ELEMENTS(script)) {
        g_main_loop_quit(run->loop);
        return;
    }
    gint64 due = run->base_us + (gint64)script[run->next].at_ms * SCALE * 1000;
    gint64 now = g_get_monotonic_time();
    g_timeout_add(due > now ? (guint)((due - now) / 1000) : 0, run_step, run);
}

static gboolean run_step(gpointer data)
{
    ScriptRun *run = data;
    const Step *step = &script[run->next++];
    gint64 now = g_get_monotonic_time();
    switch (step->kind) {
    case SHOW:
        run->base_us = now;
        leds_show(run->leds, (LedsPattern)step->arg);
        g_test_message("+%5" G_GINT64_FORMAT " ms show %s", (now - run->start_us) / 1000,
                       leds_pattern_to_string(step->arg));
        break;
    case OFFLINE:
        run->base_us = now;
        leds_set_offline(run->leds, step->arg);
        g_test_message("+%5" G_GINT64_FORMAT " ms offline %d", (now - run->start_us) / 1000, step->arg);
        break;
    case EXPECT: {
        LedsMask lit = read_lit();
        g_autofree char *got = describe(lit);
        g_autofree char *want = describe((LedsMask)step->arg);
        guint late = (guint)((now - run->base_us) / 1000);
        g_test_message("  step %u at %u ms: %s", run->next - 1, late, got);
        if (lit != (LedsMask)step->arg)
            g_string_append_printf(run->failures,
                                   "step %u, %u ms after the last action (pattern %s): "
                                   "expected %s, pins show %s\n",
                                   run->next - 1, late, leds_pattern_to_string(leds_get_pattern(run->leds)),
                                   want, got);
        break;
    }
    }
    schedule_next(run);
    return G_SOURCE_REMOVE;
}

static void test_checkin_sequence(void)
{
    g_auto(LedsConfig) cfg = {0};
    config_for_sim(&cfg);
    g_autoptr(GError) error = NULL;
    Leds *leds = leds_open(&cfg, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(leds_is_active(leds));

    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    ScriptRun run = {leds, loop, 0, g_get_monotonic_time(), g_get_monotonic_time(), g_string_new(NULL)};
    schedule_next(&run);
    g_main_loop_run(loop);
    /* All mismatches at once: a polarity or wiring mistake shows as a pattern across many steps. */
    g_autofree char *failures = g_string_free(run.failures, FALSE);
    if (failures[0])
        g_printerr("Pins differ from the pattern:\n%s", failures);
    g_assert_true(failures[0] == '\0');

    /* Closing switches the lights off, then lets go of the lines: they can be requested again. */
    leds_free(leds);
    g_autoptr(GpioChip) chip = gpio_chip_open(g_getenv("GPIO_SIM_CHIP"), &error);
    g_assert_no_error(error);
    for (int i = 0; i < LEDS_LINE_COUNT; i++) {
        g_autofree char *offset = g_strdup_printf("%d", i);
        g_assert_nonnull(gpio_chip_request_output(chip, offset, FALSE, &error));
        g_assert_no_error(error);
    }
}

/* ---- Failure cases: a line held elsewhere, a chip or line that is not there ------------------------ */

static void test_line_busy(void)
{
    g_autoptr(GError) error = NULL;
    /* Someone else (here: this test, through its own chip handle) holds the amber line first. */
    g_autofree char *path = g_strdup_printf("/dev/%s", g_getenv("GPIO_SIM_CHIP"));
    g_autoptr(GpioChip) holder = gpio_chip_open(path, &error);
    g_assert_no_error(error);
    GpioLine *held = gpio_chip_request_output(holder, "led-amber", FALSE, &error);
    g_assert_no_error(error);
    g_assert_true(gpio_line_set_active(held, TRUE, NULL));

    g_auto(LedsConfig) cfg = {0};
    config_for_sim(&cfg);
    g_assert_null(leds_open(&cfg, NULL, &error));
    g_assert_error(error, GPIO_ERROR, GPIO_ERROR_BUSY);
    g_test_message("busy: %s", error->message);
    g_autofree char *expected =
        g_strdup_printf("amber light: GPIO line 'led-amber' (offset 2) on %s [haazri-sim] is busy: "
                        "another process holds it (consumer 'haazri').",
                        g_getenv("GPIO_SIM_CHIP"));
    g_assert_cmpstr(error->message, ==, expected);

    /* The lenient constructor: one warning, a no-op object, and the holder's line untouched. */
    g_test_expect_message("haazri-leds", G_LOG_LEVEL_WARNING, "*disabled*'led-amber'*is busy*");
    g_autoptr(Leds) leds = leds_new(&cfg, NULL);
    g_test_assert_expected_messages();
    g_assert_false(leds_is_active(leds));
    leds_show(leds, LEDS_PATTERN_OK);
    g_assert_cmpint(read_pin(PIN_AMBER), ==, 1);
    g_assert_cmpint(read_pin(PIN_GREEN), ==, 0);
    /* Lines requested before the busy one were given back. */
    g_clear_error(&error);
    GpioLine *green = gpio_chip_request_output(holder, "led-green", FALSE, &error);
    g_assert_no_error(error);
    g_assert_nonnull(green);
}

static void test_missing_chip_and_lines(void)
{
    g_auto(LedsConfig) cfg = {0};
    config_for_sim(&cfg);
    g_autoptr(GError) error = NULL;

    g_free(cfg.chip);
    cfg.chip = g_strdup("gpiochip9");
    g_assert_null(leds_open(&cfg, NULL, &error));
    g_assert_error(error, GPIO_ERROR, GPIO_ERROR_NO_CHIP);
    g_test_message("missing chip: %s", error->message);
    g_assert_nonnull(strstr(error->message, "GPIO chip 'gpiochip9' not found"));
    g_clear_error(&error);
    g_test_expect_message("haazri-leds", G_LOG_LEVEL_WARNING, "*disabled*'gpiochip9' not found*");
    g_autoptr(Leds) leds = leds_new(&cfg, NULL);
    g_test_assert_expected_messages();
    g_assert_false(leds_is_active(leds));
    leds_show(leds, LEDS_PATTERN_FAIL);

    g_free(cfg.chip);
    cfg.chip = g_strdup(g_getenv("GPIO_SIM_CHIP")); /* by name */
    g_free(cfg.lines[LEDS_LINE_GREEN]);
    cfg.lines[LEDS_LINE_GREEN] = g_strdup("led-blue");
    g_assert_null(leds_open(&cfg, NULL, &error));
    g_assert_error(error, GPIO_ERROR, GPIO_ERROR_NO_LINE);
    g_test_message("wrong name: %s", error->message);
    g_autofree char *expected = g_strdup_printf(
        "green light: GPIO chip %s [haazri-sim] has no line named 'led-blue'.", g_getenv("GPIO_SIM_CHIP"));
    g_assert_cmpstr(error->message, ==, expected);
    g_clear_error(&error);

    g_free(cfg.lines[LEDS_LINE_GREEN]);
    cfg.lines[LEDS_LINE_GREEN] = g_strdup("12");
    g_assert_null(leds_open(&cfg, NULL, &error));
    g_assert_error(error, GPIO_ERROR, GPIO_ERROR_NO_LINE);
    g_test_message("bad offset: %s", error->message);
    g_free(expected);
    expected = g_strdup_printf("green light: GPIO chip %s [haazri-sim] has no line at offset 12 "
                               "(it has 8 lines, 0 to 7).",
                               g_getenv("GPIO_SIM_CHIP"));
    g_assert_cmpstr(error->message, ==, expected);
}

/* ---- Installer wiring test: each light alone, then all; pins read as each step is announced ------ */

static void on_wiring_message(const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
    (void)domain;
    (void)level;
    GString *seen = data;
    static const char *const steps[] = {"green", "red", "amber", "buzzer", "all lights"};
    static const LedsMask masks[] = {G, R, A, B, G | R | A};
    for (gsize i = 0; i < G_N_ELEMENTS(steps); i++) {
        g_autofree char *prefix = g_strdup_printf("leds test: %s on", steps[i]);
        if (g_str_has_prefix(message, prefix)) {
            g_autofree char *got = describe(read_lit());
            g_string_append_printf(seen, "%s%s", seen->len ? ", " : "", got);
            if (read_lit() != masks[i])
                g_string_append(seen, " WRONG");
        }
    }
}

static void test_wiring(void)
{
    g_auto(LedsConfig) cfg = {0};
    config_for_sim(&cfg);
    g_autoptr(GString) seen = g_string_new(NULL);
    guint handler = g_log_set_handler("haazri-leds", G_LOG_LEVEL_MESSAGE, on_wiring_message, seen);
    g_autoptr(GError) error = NULL;
    g_assert_true(leds_run_wiring_test(&cfg, &error));
    g_assert_no_error(error);
    g_log_remove_handler("haazri-leds", handler);
    g_test_message("wiring: %s", seen->str);
    g_assert_cmpstr(seen->str, ==,
                    "green (pins 1110), red (pins 0010), amber (pins 0100), buzzer (pins 0111), "
                    "green+red+amber (pins 1000)");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (g_getenv("GPIO_SIM_SYSFS") == NULL) {
        g_printerr("test-leds-vm: run me through tests/gpio-vm/run-vm.sh (needs a gpio-sim chip)\n");
        return 77;
    }
    g_test_add_func("/leds-vm/checkin-sequence", test_checkin_sequence);
    g_test_add_func("/leds-vm/line-busy", test_line_busy);
    g_test_add_func("/leds-vm/missing-chip-and-lines", test_missing_chip_and_lines);
    g_test_add_func("/leds-vm/wiring-test", test_wiring);
    return g_test_run();
}
