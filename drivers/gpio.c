/* GPIO output lines through libgpiod 1.6 (v1 API). See gpio.h for why this is the only libgpiod user. */
#define G_LOG_DOMAIN "haazri-gpio"
#include "drivers/gpio.h"

#include <errno.h>
#include <gpiod.h>
#include <glib/gstdio.h>
#include <string.h>

#define CONSUMER "haazri"

/* clang-format off */
G_DEFINE_QUARK(haazri-gpio-error-quark, gpio_error)
/* clang-format on */

struct GpioLine {
    struct gpiod_line *line; /* owned by the chip's gpiod handle */
    char *description;
};

struct GpioChip {
    struct gpiod_chip *chip;
    char *description;
    GPtrArray *lines; /* of GpioLine*, in request order */
};

static void free_line(gpointer data)
{
    GpioLine *line = data;
    g_free(line->description);
    g_free(line);
}

/* libgpiod's lookup leaves errno from its last attempt (usually "by path"), which hides a permission
 * problem on /dev/gpiochipN; checking the node directly gives the installer the real reason. */
static gboolean is_permission_problem(const char *chip)
{
    g_autofree char *path = chip[0] == '/' ? g_strdup(chip) : g_strconcat("/dev/", chip, NULL);
    return g_access(path, F_OK) == 0 && g_access(path, R_OK | W_OK) != 0 &&
           (errno == EACCES || errno == EPERM);
}

GpioChip *gpio_chip_open(const char *chip, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    if (chip == NULL || chip[0] == '\0') {
        g_set_error(error, GPIO_ERROR, GPIO_ERROR_NO_CHIP, "No GPIO chip configured (empty chip name).");
        return NULL;
    }
    /* gpiod_chip_open_lookup() already accepts a name, label, number or path: no need to redo it. */
    struct gpiod_chip *handle = gpiod_chip_open_lookup(chip);
    if (handle == NULL) {
        int saved = errno;
        if (is_permission_problem(chip))
            g_set_error(error, GPIO_ERROR, GPIO_ERROR_PERMISSION,
                        "GPIO chip '%s' exists but this user may not open it (permission denied).", chip);
        else if (saved == ENOENT || saved == ENODEV || saved == 0)
            g_set_error(error, GPIO_ERROR, GPIO_ERROR_NO_CHIP,
                        "GPIO chip '%s' not found: no chip has that name, label, number or path.", chip);
        else
            g_set_error(error, GPIO_ERROR, GPIO_ERROR_NO_CHIP, "GPIO chip '%s' could not be opened: %s.",
                        chip, g_strerror(saved));
        return NULL;
    }
    GpioChip *self = g_new0(GpioChip, 1);
    self->chip = handle;
    self->description = g_strdup_printf("%s [%s]", gpiod_chip_name(handle), gpiod_chip_label(handle));
    self->lines = g_ptr_array_new_with_free_func(free_line);
    return self;
}

void gpio_chip_close(GpioChip *self)
{
    if (self == NULL)
        return;
    /* Lights off before letting go: once released, the pin floats to whatever the board pulls it to. */
    for (guint i = 0; i < self->lines->len; i++) {
        GpioLine *line = g_ptr_array_index(self->lines, i);
        if (gpiod_line_set_value(line->line, 0) < 0)
            g_warning("Could not switch off GPIO line %s: %s", line->description, g_strerror(errno));
        gpiod_line_release(line->line);
    }
    g_ptr_array_unref(self->lines);
    gpiod_chip_close(self->chip);
    g_free(self->description);
    g_free(self);
}

const char *gpio_chip_get_description(GpioChip *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->description;
}

/* An all-digit spec is an offset; anything else is a line name (names like "GPIO17" are never digits). */
static gboolean parse_offset(const char *spec, guint *offset)
{
    guint64 value = 0;
    if (!g_ascii_isdigit(spec[0]) || !g_ascii_string_to_unsigned(spec, 10, 0, G_MAXUINT, &value, NULL))
        return FALSE;
    *offset = (guint)value;
    return TRUE;
}

static struct gpiod_line *find_line(GpioChip *self, const char *spec, GError **error)
{
    guint offset = 0;
    if (parse_offset(spec, &offset)) {
        guint count = gpiod_chip_num_lines(self->chip);
        struct gpiod_line *line = offset < count ? gpiod_chip_get_line(self->chip, offset) : NULL;
        if (line == NULL)
            g_set_error(error, GPIO_ERROR, GPIO_ERROR_NO_LINE,
                        "GPIO chip %s has no line at offset %u (it has %u lines, 0 to %u).",
                        self->description, offset, count, count ? count - 1 : 0);
        return line;
    }
    errno = 0;
    struct gpiod_line *line = gpiod_chip_find_line(self->chip, spec);
    if (line == NULL)
        g_set_error(error, GPIO_ERROR, GPIO_ERROR_NO_LINE, "GPIO chip %s has no line named '%s'%s%s.",
                    self->description, spec, errno && errno != ENOENT ? ": " : "",
                    errno && errno != ENOENT ? g_strerror(errno) : "");
    return line;
}

GpioLine *gpio_chip_request_output(GpioChip *self, const char *spec, gboolean active_low, GError **error)
{
    g_return_val_if_fail(self != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    if (spec == NULL || spec[0] == '\0') {
        g_set_error(error, GPIO_ERROR, GPIO_ERROR_NO_LINE, "No GPIO line given for chip %s.",
                    self->description);
        return NULL;
    }
    struct gpiod_line *handle = find_line(self, spec, error);
    if (handle == NULL)
        return NULL;

    const char *name = gpiod_line_name(handle);
    g_autofree char *description = g_strdup_printf("'%s' (offset %u) on %s", name ? name : spec,
                                                   gpiod_line_offset(handle), self->description);
    if (gpiod_line_is_requested(handle)) {
        /* libgpiod keeps one handle per line per chip object: a second request through this very chip is
     * a programming error (two roles wired to one line), so say that rather than "busy". */
        g_set_error(error, GPIO_ERROR, GPIO_ERROR_BUSY,
                    "GPIO line %s is configured for two roles; each light needs its own line.", description);
        return NULL;
    }

    int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    if (gpiod_line_request_output_flags(handle, CONSUMER, flags, 0) < 0) {
        int saved = errno;
        if (saved == EBUSY) {
            /* Ask the kernel who holds it: naming the consumer usually identifies the culprit at once. */
            const char *consumer = gpiod_line_update(handle) == 0 ? gpiod_line_consumer(handle) : NULL;
            g_set_error(error, GPIO_ERROR, GPIO_ERROR_BUSY,
                        "GPIO line %s is busy: another process holds it (consumer '%s').", description,
                        consumer ? consumer : "unknown");
        } else {
            g_set_error(error, GPIO_ERROR, GPIO_ERROR_FAILED, "Could not request GPIO line %s as output: %s.",
                        description, g_strerror(saved));
        }
        return NULL;
    }
    GpioLine *line = g_new0(GpioLine, 1);
    line->line = handle;
    line->description = g_steal_pointer(&description);
    g_ptr_array_add(self->lines, line);
    return line;
}

gboolean gpio_line_set_active(GpioLine *line, gboolean active, GError **error)
{
    g_return_val_if_fail(line != NULL, FALSE);
    if (gpiod_line_set_value(line->line, active ? 1 : 0) < 0) {
        int saved = errno;
        g_set_error(error, GPIO_ERROR, GPIO_ERROR_FAILED, "Could not set GPIO line %s %s: %s.",
                    line->description, active ? "on" : "off", g_strerror(saved));
        return FALSE;
    }
    return TRUE;
}

const char *gpio_line_get_description(GpioLine *line)
{
    g_return_val_if_fail(line != NULL, NULL);
    return line->description;
}
