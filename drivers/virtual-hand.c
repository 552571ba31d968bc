/* virtual-hand — the demo's hand on the virtual scanner. See virtual-hand.h. */
#include "drivers/virtual-hand.h"

#include "drivers/virtual-finger.h"

struct VirtualHand {
    char *images_dir;
    char *pending;  /* image to place when the sensor next asks */
    gboolean ready; /* the sensor asked and got nothing yet */
};

VirtualHand *virtual_hand_new(const char *images_dir)
{
    VirtualHand *hand = g_new0(VirtualHand, 1);
    hand->images_dir = g_strdup(images_dir);
    return hand;
}

void virtual_hand_free(VirtualHand *hand)
{
    if (!hand)
        return;
    g_free(hand->images_dir);
    g_free(hand->pending);
    g_free(hand);
}

static void hand_place(VirtualHand *hand, const char *png)
{
    const char *sock = g_getenv("FP_VIRTUAL_IMAGE");
    g_free(hand->pending);
    hand->pending = NULL;
    if (hand->ready && sock) {
        hand->ready = FALSE;
        virtual_finger_send_png_async(sock, png, NULL, NULL);
    } else {
        hand->pending = g_strdup(png);
    }
}

void virtual_hand_sensor_waiting(VirtualHand *hand)
{
    hand->ready = TRUE;
    if (hand->pending) {
        g_autofree char *png = g_steal_pointer(&hand->pending);
        hand_place(hand, png);
    }
}

void virtual_hand_sensor_busy(VirtualHand *hand)
{
    hand->ready = FALSE;
}

void virtual_hand_command(const char *line, gpointer data)
{
    VirtualHand *hand = data;
    const char *sock = g_getenv("FP_VIRTUAL_IMAGE");
    g_autofree char *png = NULL;
    gint64 n;
    if (g_ascii_string_to_signed(line, 10, 1, 10, &n, NULL))
        png = g_strdup_printf("%s/fvc2002-db2b/%d_7.png", hand->images_dir, 100 + (int)n);
    else if (g_strcmp0(line, "n") == 0)
        png = g_strdup_printf("%s/nist/whorl.png", hand->images_dir);
    else if (g_strcmp0(line, "u") == 0 && sock) {
        g_autoptr(GError) error = NULL;
        g_autoptr(VirtualFinger) f = virtual_finger_connect(sock, 500, &error);
        if (!f || !virtual_finger_unplug(f, &error))
            g_printerr("demo: %s\n", error->message);
        return;
    } else {
        g_printerr("demo: type 1-10 (a sample finger), n (unknown finger), u (unplug), t (touch), "
                   "c CASE (case number)\n");
        return;
    }
    hand_place(hand, png);
}
