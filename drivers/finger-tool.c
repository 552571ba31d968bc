/* haazri-finger — places fingers on libfprint's virtual_image scanner from a shell (demo, tests).
 *
 *   haazri-finger --socket PATH IMAGE.png...   send each image (one touch each), in order
 *   haazri-finger --socket PATH --unplug        unplug the virtual scanner
 *   haazri-finger --socket PATH --retry N       make the scanner report retry reason N */
#include <stdio.h>

#include "app/log.h"
#include "drivers/virtual-finger.h"

int main(int argc, char **argv)
{
    log_use_utf8();
    g_autofree char *socket_path = NULL;
    gboolean unplug = FALSE;
    int retry = -1, wait_ms = 10000;
    GOptionEntry entries[] = {
        {"socket", 's', 0, G_OPTION_ARG_FILENAME, &socket_path, "the virtual scanner's socket (FP_VIRTUAL_IMAGE)", "PATH"},
        {"unplug", 0, 0, G_OPTION_ARG_NONE, &unplug, "unplug the scanner", NULL},
        {"retry", 0, 0, G_OPTION_ARG_INT, &retry, "report retry reason N (FpDeviceRetry)", "N"},
        {"wait", 0, 0, G_OPTION_ARG_INT, &wait_ms, "wait this long for the scanner (default 10000)", "MS"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) opts = g_option_context_new("IMAGE.png… — place fingers on the virtual scanner");
    g_option_context_add_main_entries(opts, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(opts, &argc, &argv, &error) || !socket_path) {
        fprintf(stderr, "haazri-finger: %s (see --help)\n", error ? error->message : "--socket is required");
        return 2;
    }
    g_autoptr(VirtualFinger) f = virtual_finger_connect(socket_path, wait_ms, &error);
    if (!f)
        goto fail;
    if (retry >= 0 && !virtual_finger_send_retry(f, retry, &error))
        goto fail;
    for (int i = 1; i < argc; i++)
        if (!virtual_finger_send_png(f, argv[i], &error))
            goto fail;
    if (unplug && !virtual_finger_unplug(f, &error))
        goto fail;
    if (!virtual_finger_wait_read(f, wait_ms)) {
        fprintf(stderr, "haazri-finger: the scanner did not take every image within %d ms\n", wait_ms);
        return 1;
    }
    return 0;
fail:
    fprintf(stderr, "haazri-finger: %s\n", error->message);
    return 1;
}
