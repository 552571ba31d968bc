/* GPIO output lines for the kiosk's lights and buzzer.
 *
 * This is the only module that talks to libgpiod (v1 API, Debian 12's libgpiod 1.6), so moving to
 * libgpiod 2 later touches just drivers/gpio.c. Everything here is synchronous and cheap: setting a
 * value is one ioctl on a line already requested, so callers may use it from the main loop. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GPIO_ERROR (gpio_error_quark())
GQuark gpio_error_quark(void);

typedef enum {
    GPIO_ERROR_NO_CHIP,    /* no chip of that name, label, number or path */
    GPIO_ERROR_NO_LINE,    /* the chip has no line of that name or offset */
    GPIO_ERROR_BUSY,       /* another holder (usually another process) has requested the line */
    GPIO_ERROR_PERMISSION, /* the chip's device node cannot be opened by this user */
    GPIO_ERROR_FAILED,     /* any other kernel refusal */
} GpioError;

/* An open chip; owns every line requested through it. */
typedef struct GpioChip GpioChip;
/* One requested output line; owned by its chip, valid until gpio_chip_close(). */
typedef struct GpioLine GpioLine;

/* Opens a chip by name ("gpiochip0"), label ("haazri-sim"), number ("0") or path ("/dev/gpiochip0"). */
GpioChip *gpio_chip_open(const char *chip, GError **error);

/* Sets every requested line inactive (lights off), releases the lines and closes the chip. NULL is fine. */
void gpio_chip_close(GpioChip *chip);

/* "gpiochip0 [haazri-sim]": for messages. */
const char *gpio_chip_get_description(GpioChip *chip);

/* Requests one line as an output with consumer "haazri", initially inactive. `line` is a line name, or
 * a decimal offset when it is all digits. With active_low the kernel inverts the level, so callers
 * always speak in "active" (lit / sounding) terms. */
GpioLine *gpio_chip_request_output(GpioChip *chip, const char *line, gboolean active_low, GError **error);

/* Drives the line active (TRUE) or inactive (FALSE). */
gboolean gpio_line_set_active(GpioLine *line, gboolean active, GError **error);

/* "'led-red' (offset 1) on gpiochip0 [haazri-sim]": for messages. */
const char *gpio_line_get_description(GpioLine *line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GpioChip, gpio_chip_close)

G_END_DECLS
