/* engine-template — reading libfprint's serialized prints into the engine's compact minutiae.
 *
 * fp_print_serialize() writes "FP3" then a GVariant (issbymsmsia{sv}v): type, driver, device,
 * device-stored, finger, user, description, date, an empty dict, and the data. For NBIS prints
 * (type 2) the data is (a(aiaiai)): per impression, equal-length x, y and theta columns. GVariant
 * reads malformed bytes safely (it substitutes defaults), so every check below is about meaning:
 * the right types, equal columns, sane ranges. */
#include "app/engine/engine-private.h"

#include <string.h>

#define FP3_VARIANT_TYPE "(issbymsmsia{sv}v)"
#define NBIS_DATA_TYPE "(a(aiaiai))"
enum { PRINT_RAW = 1, PRINT_NBIS = 2 }; /* libfprint's FpiPrintType */
/* NIST coordinates of any sensor image libfprint handles fit easily; beyond this it's garbage. */
#define MAX_COORD 4096

static EngineTemplate *malformed(GError **error, const char *why)
{
    g_set_error(error, ENGINE_ERROR, ENGINE_ERROR_MALFORMED,
                "not a libfprint fingerprint template: %s", why);
    return NULL;
}

EngineTemplate *engine_template_new(guint n_impressions, const guint *counts, const gint32 *x,
                                    const gint32 *y, const gint32 *theta, GError **error)
{
    if (n_impressions == 0)
        return malformed(error, "it holds no impression of a finger");
    if (n_impressions > ENGINE_MAX_IMPRESSIONS)
        return malformed(error, "it holds more impressions than any scanner enrolls");
    guint total = 0;
    for (guint k = 0; k < n_impressions; k++) {
        if (counts[k] > ENGINE_MAX_MINUTIAE)
            return malformed(error, "an impression holds more than 200 minutiae");
        total += counts[k];
    }
    for (guint i = 0; i < total; i++) {
        if (x[i] < -MAX_COORD || x[i] > MAX_COORD || y[i] < -MAX_COORD || y[i] > MAX_COORD)
            return malformed(error, "a minutia lies outside any sensor image");
        if (theta[i] < -360 || theta[i] > 720)
            return malformed(error, "a minutia direction is not an angle in degrees");
    }
    EngineTemplate *t = g_new0(EngineTemplate, 1);
    t->n_impressions = n_impressions;
    t->m = g_new(EngineMinutia, MAX(total, 1));
    for (guint k = 0, i = 0; k < n_impressions; k++) {
        t->start[k] = (guint16)i;
        for (guint end = i + counts[k]; i < end; i++) {
            /* degrees -> 256ths of a turn, rounded, wrapped by the guint8 */
            gint32 a = ((theta[i] % 360) + 360) % 360;
            t->m[i] = (EngineMinutia){(gint16)x[i], (gint16)y[i], (guint8)((a * 256 + 180) / 360), 0};
        }
        t->start[k + 1] = (guint16)i;
    }
    return t;
}

EngineTemplate *engine_template_parse(const guint8 *data, gsize len, GError **error)
{
    if (!data || len <= 3 || memcmp(data, "FP3", 3) != 0)
        return malformed(error, "it does not start with libfprint's \"FP3\" header");
    /* GVariant wants its data aligned: copy it. */
    g_autoptr(GBytes) body = g_bytes_new(data + 3, len - 3);
    /* Untrusted: GVariant checks each value as it is read (no g_variant_get_normal_form(), whose
     * full copy and check was a tenth of the start-up load). */
    g_autoptr(GVariant) value = g_variant_new_from_bytes(G_VARIANT_TYPE(FP3_VARIANT_TYPE), body, FALSE);
    if (G_BYTE_ORDER == G_BIG_ENDIAN) {
        GVariant *swapped = g_variant_byteswap(value);
        g_variant_unref(value);
        value = swapped;
    }
    gint32 type = 0;
    g_autoptr(GVariant) boxed = NULL;
    g_variant_get(value, "(i&s&sbymsmsi@a{sv}v)", &type, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                  NULL, &boxed);
    if (type == PRINT_RAW) {
        g_set_error(error, ENGINE_ERROR, ENGINE_ERROR_FOREIGN,
                    "this template is the scanner's own (match-on-chip), not minutiae: only "
                    "libfprint's identify can search it");
        return NULL;
    }
    if (type != PRINT_NBIS)
        return malformed(error, "unknown print type");
    if (!g_variant_is_of_type(boxed, G_VARIANT_TYPE(NBIS_DATA_TYPE)))
        return malformed(error, "its minutiae are not in libfprint's a(aiaiai) layout");

    g_autoptr(GVariant) prints = g_variant_get_child_value(boxed, 0);
    gsize n = g_variant_n_children(prints);
    if (n == 0)
        return malformed(error, "it holds no impression of a finger");
    if (n > ENGINE_MAX_IMPRESSIONS)
        return malformed(error, "it holds more impressions than any scanner enrolls");
    guint counts[ENGINE_MAX_IMPRESSIONS];
    g_autoptr(GArray) x = g_array_new(FALSE, FALSE, sizeof(gint32));
    g_autoptr(GArray) y = g_array_new(FALSE, FALSE, sizeof(gint32));
    g_autoptr(GArray) th = g_array_new(FALSE, FALSE, sizeof(gint32));
    for (gsize k = 0; k < n; k++) {
        g_autoptr(GVariant) imp = g_variant_get_child_value(prints, k);
        g_autoptr(GVariant) cx = g_variant_get_child_value(imp, 0);
        g_autoptr(GVariant) cy = g_variant_get_child_value(imp, 1);
        g_autoptr(GVariant) ct = g_variant_get_child_value(imp, 2);
        gsize nx, ny, nt;
        const gint32 *px = g_variant_get_fixed_array(cx, &nx, sizeof(gint32));
        const gint32 *py = g_variant_get_fixed_array(cy, &ny, sizeof(gint32));
        const gint32 *pt = g_variant_get_fixed_array(ct, &nt, sizeof(gint32));
        if (nx != ny || nx != nt)
            return malformed(error, "an impression's x, y and direction columns differ in length");
        if (nx > ENGINE_MAX_MINUTIAE)
            return malformed(error, "an impression holds more than 200 minutiae");
        counts[k] = (guint)nx;
        g_array_append_vals(x, px, nx);
        g_array_append_vals(y, py, ny);
        g_array_append_vals(th, pt, nt);
    }
    return engine_template_new((guint)n, counts, (gint32 *)x->data, (gint32 *)y->data,
                               (gint32 *)th->data, error);
}

gboolean engine_template_check(const guint8 *data, gsize len, GError **error)
{
    /* Minutiae: everything libfprint reads is what the engine's parser reads, and it checked it. */
    g_autoptr(GError) local = NULL;
    g_autoptr(EngineTemplate) t = engine_template_parse(data, len, &local);
    if (!t && !g_error_matches(local, ENGINE_ERROR, ENGINE_ERROR_FOREIGN)) {
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    /* The frame around it, read as fp_print_deserialize() reads it (its normal form). */
    g_autoptr(GBytes) body = g_bytes_new(data + 3, len - 3);
    g_autoptr(GVariant) raw = g_variant_new_from_bytes(G_VARIANT_TYPE(FP3_VARIANT_TYPE), body, FALSE);
    g_autoptr(GVariant) value = G_BYTE_ORDER == G_BIG_ENDIAN ? g_variant_byteswap(raw) : g_variant_get_normal_form(raw);
    gint32 type = 0, julian = 0;
    guint8 finger = 0;
    g_autoptr(GVariant) boxed = NULL;
    g_variant_get(value, "(i&s&sbymsmsi@a{sv}v)", &type, NULL, NULL, NULL, &finger, NULL, NULL, &julian,
                  NULL, &boxed);
    /* libfprint's FpFinger runs 0 (unknown) to 10; it hands the date to g_date_new_julian(). */
    if (finger > 10) {
        malformed(error, "its finger is not one of the ten");
        return FALSE;
    }
    if (!g_date_valid_julian((guint32)julian)) {
        malformed(error, "its enrollment date is not a date");
        return FALSE;
    }
    /* A scanner's own template (match-on-chip): libfprint takes item 0 of the boxed value, which a
     * damaged frame leaves empty (GLib aborts on that). */
    if (type == PRINT_RAW && (!g_variant_is_container(boxed) || g_variant_n_children(boxed) == 0)) {
        malformed(error, "the scanner's data in it is empty or damaged");
        return FALSE;
    }
    return TRUE;
}

EngineTemplate *engine_template_copy(const EngineTemplate *t)
{
    EngineTemplate *c = g_memdup2(t, sizeof *t);
    guint total = t->start[t->n_impressions];
    c->m = g_memdup2(t->m, sizeof(EngineMinutia) * MAX(total, 1));
    return c;
}

void engine_template_free(EngineTemplate *t)
{
    if (!t)
        return;
    g_free(t->m);
    g_free(t);
}

guint engine_template_get_impressions(const EngineTemplate *t)
{
    return t->n_impressions;
}

guint engine_template_get_minutiae(const EngineTemplate *t, guint impression)
{
    g_return_val_if_fail(impression < t->n_impressions, 0);
    return t->start[impression + 1] - t->start[impression];
}

void engine_template_get_minutia(const EngineTemplate *t, guint impression, guint i, gint32 *x,
                                 gint32 *y, gint32 *theta)
{
    g_return_if_fail(i < engine_template_get_minutiae(t, impression));
    const EngineMinutia *m = &t->m[t->start[impression] + i];
    *x = m->x;
    *y = m->y;
    *theta = (m->t * 360 + 128) / 256 % 360;
}

EngineTemplate *engine_template_get_impression(const EngineTemplate *t, guint impression)
{
    g_return_val_if_fail(impression < t->n_impressions, NULL);
    EngineTemplate *c = g_new0(EngineTemplate, 1);
    guint n = t->start[impression + 1] - t->start[impression];
    c->n_impressions = 1;
    c->start[1] = (guint16)n;
    c->m = g_memdup2(&t->m[t->start[impression]], sizeof(EngineMinutia) * MAX(n, 1));
    return c;
}
