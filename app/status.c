/* status — collecting the kiosk's health. See status.h. */
#include "app/status.h"
#include "app/owner.h"

#include <fprint.h>

#include "app/health.h"
#include "app/version.h"
#include "drivers/gpio.h"
#include "drivers/leds.h"

static char *describe_scanners(void)
{
    g_autoptr(FpContext) ctx = fp_context_new();
    GPtrArray *devices = fp_context_get_devices(ctx);
    if (!devices || devices->len == 0)
        return g_strdup("none (is it plugged in?)");
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < devices->len; i++) {
        FpDevice *d = g_ptr_array_index(devices, i);
        g_string_append_printf(s, "%s%s/%s: %s", i ? "; " : "", fp_device_get_driver(d), fp_device_get_device_id(d),
                               fp_device_get_name(d));
    }
    return g_string_free(s, FALSE);
}

static char *describe_leds(const Config *config)
{
    g_auto(LedsConfig) lc;
    leds_config_init(&lc);
    g_autoptr(GError) error = NULL;
    if (config->keyfile && !leds_config_load(config->keyfile, config->path, &lc, &error))
        return g_strdup(error->message);
    if (!lc.enabled)
        return g_strdup("disabled in the configuration");
    g_autoptr(GpioChip) chip = gpio_chip_open(lc.chip, &error);
    if (!chip)
        return g_strdup_printf("not available: %s", error->message);
    return g_strdup(gpio_chip_get_description(chip));
}

static char *describe_display(void)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GDir) dri = g_dir_open("/dev/dri", 0, NULL);
    for (const char *n; dri && (n = g_dir_read_name(dri));)
        if (g_str_has_prefix(n, "card"))
            g_string_append_printf(s, "%sKMS/DRM /dev/dri/%s", s->len ? ", " : "", n);
    if (g_getenv("WAYLAND_DISPLAY"))
        g_string_append_printf(s, "%sWayland %s", s->len ? ", " : "", g_getenv("WAYLAND_DISPLAY"));
    if (g_getenv("DISPLAY"))
        g_string_append_printf(s, "%sX11 %s", s->len ? ", " : "", g_getenv("DISPLAY"));
    return s->len ? g_strdup(s->str) : g_strdup("none found");
}

void status_collect(const Config *config, Store *store, const char *store_error, Status *out)
{
    *out = (Status){.version = HAAZRI_VERSION};
    out->device_id = g_strdup(config->device_id);
    out->office = g_strdup(config->office);
    out->config_path = g_strdup(config->path ? config->path : "(built-in defaults)");
    out->db_path = config_get_db_path(config);
    g_autoptr(GError) error = NULL;
    out->store_ok = store && store_get_summary(store, &out->store, &error);
    if (!out->store_ok)
        out->store_error = g_strdup(error ? error->message : store_error ? store_error : "not opened");
    out->ownership = owner_find_foreign(config->data_dir);
    out->scanners = describe_scanners();
    out->leds = describe_leds(config);
    out->display = describe_display();
    HealthDisk disk;
    if (health_check_disk(config->data_dir, (guint64)config->disk_warn_mb << 20, &disk, NULL)) {
        out->disk_free_mb = disk.free_bytes >> 20;
        out->disk_total_mb = disk.total_bytes >> 20;
        out->disk_low = disk.low;
    }
}

void status_clear(Status *s)
{
    g_free(s->device_id);
    g_free(s->office);
    g_free(s->config_path);
    g_free(s->db_path);
    g_free(s->store_error);
    g_free(s->ownership);
    g_free(s->scanners);
    g_free(s->leds);
    g_free(s->display);
}
