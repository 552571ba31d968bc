/* test-photo — a probationer's photo is checked before it is kept: JPEG and PNG within 200 KB and
 * 1024x1024 accepted and decoded to the right pixels; too big, too wide, truncated or not an image
 * refused with one sentence saying which. tests/data/photos/portrait.jpg is a synthetic portrait
 * drawn with ImageMagick (PROVENANCE.md). */
#include <string.h>

#include "app/photo.h"
#include "tests/helpers.h"

static GBytes *load(const char *name)
{
    g_autofree char *rel = g_build_filename("photos", name, NULL);
    g_autofree char *path = tu_data(rel);
    g_autoptr(GError) error = NULL;
    GBytes *b = photo_load_file(path, &error);
    g_assert_no_error(error);
    return b;
}

static char *refusal(GBytes *data)
{
    g_autoptr(GError) error = NULL;
    g_assert_false(photo_check(data, NULL, &error));
    return g_strdup(error->message);
}

static void test_accepted(void)
{
    g_autoptr(GBytes) jpeg = load("portrait.jpg");
    g_autoptr(GBytes) png = load("portrait.png");
    PhotoInfo info;
    g_assert_true(photo_check(jpeg, &info, NULL));
    g_assert_cmpstr(info.type, ==, "jpeg");
    g_assert_cmpint(info.width, ==, 240);
    g_assert_cmpint(info.height, ==, 300);
    g_assert_true(photo_check(png, &info, NULL));
    g_assert_cmpstr(info.type, ==, "png");
    g_assert_cmpint(info.width, ==, 120);
    /* The pixels: the face's skin tone at the cheek, the background's blue at a corner (B, G, R, A). */
    int w, h;
    g_autofree guint8 *px = photo_decode_bgra(jpeg, &w, &h, NULL);
    g_assert_nonnull(px);
    const guint8 *cheek = px + ((gsize)145 * (gsize)w + 90) * 4, *corner = px + ((gsize)5 * (gsize)w + 5) * 4;
    g_assert_cmpint(ABS(cheek[2] - 0xc6), <, 12);
    g_assert_cmpint(ABS(cheek[1] - 0x8b), <, 12);
    g_assert_cmpint(ABS(cheek[0] - 0x63), <, 12);
    g_assert_cmpint(corner[0], >, corner[2]); /* bluer than red */
    g_assert_cmpint(cheek[3], ==, 255);
}

static void test_refused(void)
{
    g_autoptr(GBytes) jpeg = load("portrait.jpg");
    gsize n = 0;
    const guint8 *p = g_bytes_get_data(jpeg, &n);
    g_autoptr(GBytes) truncated = g_bytes_new(p, n / 2);
    g_autofree char *why = refusal(truncated);
    g_assert_true(g_str_has_prefix(why, "the photo is not a readable JPEG"));
    g_clear_pointer(&why, g_free);

    g_autofree guint8 *big = g_malloc0(PHOTO_MAX_BYTES + 1);
    memcpy(big, p, n);
    g_autoptr(GBytes) too_big = g_bytes_new(big, PHOTO_MAX_BYTES + 1);
    why = refusal(too_big);
    g_assert_cmpstr(why, ==, "the photo is 201 KB; at most 200 KB are accepted");
    g_clear_pointer(&why, g_free);

    g_autoptr(GBytes) text = g_bytes_new_static("<html>not a photo</html>", 24);
    why = refusal(text);
    g_assert_cmpstr(why, ==, "the photo is neither a JPEG nor a PNG");
    g_clear_pointer(&why, g_free);

    /* Too wide: refused from its header, before a pixel is decoded. */
    g_autofree char *wide_path = tu_data("photos/wide.png");
    g_autoptr(GError) error = NULL;
    g_assert_null(photo_load_file(wide_path, &error));
    g_assert_nonnull(strstr(error->message, "wide.png: the photo is 1100x20 pixels; at most 1024x1024 are accepted"));
    g_clear_error(&error);
    g_assert_null(photo_load_file("/nonexistent/me.jpg", &error));
    g_assert_true(g_str_has_prefix(error->message, "/nonexistent/me.jpg: cannot open the photo"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/photo/jpeg-and-png-accepted", test_accepted);
    g_test_add_func("/photo/refused-with-a-reason", test_refused);
    return g_test_run();
}
