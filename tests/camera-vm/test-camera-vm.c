/* test-camera-vm — drivers/camera.c against a real V4L2 device: the kernel's vivid virtual camera,
 * inside a qemu VM (tests/test-camera-vm.sh; the kernel is tests/gpio-vm's, built with vivid).
 * One frame is captured as the Enroll screen would take it; it must be a JPEG that app/photo.h
 * accepts, and vivid's default test pattern (75% colour bars: grey, yellow, cyan, green, magenta,
 * red, blue, black, left to right) must be recognisably in it. A path that is no camera is refused
 * with a sentence. */
#include <string.h>

#include "app/photo.h"
#include "drivers/camera.h"

/* The colour at the middle of bar `i` of 8, halfway down (vivid writes its text at the top). */
static void bar_colour(const guint8 *bgra, int w, int h, int i, int rgb[3])
{
    const guint8 *p = bgra + ((gsize)(h / 2) * (gsize)w + (gsize)((2 * i + 1) * w / 16)) * 4;
    rgb[0] = p[2];
    rgb[1] = p[1];
    rgb[2] = p[0];
}

static void test_capture(void)
{
    g_autofree char *device = camera_find();
    g_assert_cmpstr(device, ==, "/dev/video0");
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) jpeg = camera_capture_jpeg(device, &error);
    g_assert_no_error(error);
    g_assert_nonnull(jpeg);
    PhotoInfo info;
    g_assert_true(photo_check(jpeg, &info, &error));
    g_assert_cmpstr(info.type, ==, "jpeg");
    g_assert_cmpint(info.width, ==, 640);
    g_assert_cmpint(info.height, ==, 480);
    g_assert_cmpuint(g_bytes_get_size(jpeg), <=, PHOTO_MAX_BYTES);
    g_test_message("captured %zu bytes, %dx%d", g_bytes_get_size(jpeg), info.width, info.height);
    int w, h;
    g_autofree guint8 *bgra = photo_decode_bgra(jpeg, &w, &h, &error);
    g_assert_no_error(error);
    /* Which channels are lit in each bar: R, G, B (75% is ~191 of 255; JPEG and YUV move it a little). */
    static const char *const want[8] = {"111", "110", "011", "010", "101", "100", "001", "000"};
    GString *seen = g_string_new(NULL);
    gboolean ok = TRUE;
    for (int i = 0; i < 8; i++) {
        int c[3];
        bar_colour(bgra, w, h, i, c);
        g_string_append_printf(seen, " bar %d: %d,%d,%d;", i, c[0], c[1], c[2]);
        for (int k = 0; k < 3; k++)
            if (want[i][k] == '1' ? c[k] < 140 : c[k] > 70)
                ok = FALSE;
    }
    g_test_message("colour bars:%s", seen->str);
    if (!ok)
        g_error("the frame does not show vivid's colour bars:%s", seen->str);
    g_string_free(seen, TRUE);
}

static void test_not_a_camera(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(camera_capture_jpeg("/dev/null", &error));
    g_assert_cmpstr(error->message, ==, "/dev/null: not a camera that can stream video frames");
    g_clear_error(&error);
    g_assert_null(camera_capture_jpeg("/dev/video9", &error));
    g_assert_true(g_str_has_prefix(error->message, "/dev/video9: cannot open the camera: "));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/camera-vm/capture", test_capture);
    g_test_add_func("/camera-vm/not-a-camera", test_not_a_camera);
    return g_test_run();
}
