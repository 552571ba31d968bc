/* virtual-hand — the demo's hand on libfprint's virtual scanner (make run: --demo-images with the
 * virtual_image driver). The terminal's commands place sample fingers or unplug the scanner. A finger
 * "placed" while the sensor isn't waiting is held until it is, so the kiosk tells the hand when the
 * sensor asks for a finger and when it stops asking (app/main.c, from the scanner's callbacks). */
#pragma once

#include <glib.h>

typedef struct VirtualHand VirtualHand;

/* `images_dir`: the sample fingerprint folder (tests/data); NULL when there is no demo (the hand
 * then only follows the sensor). */
VirtualHand *virtual_hand_new(const char *images_dir);
void virtual_hand_free(VirtualHand *hand);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VirtualHand, virtual_hand_free)

/* The sensor asks for a finger: one held is placed now. */
void virtual_hand_sensor_waiting(VirtualHand *hand);
/* The sensor stopped asking (a finger is on it, or its state changed). */
void virtual_hand_sensor_busy(VirtualHand *hand);
/* One demo line typed in the terminal (ui/term's TermCommandFunc; `hand` is the VirtualHand):
 * 1..10 place sample finger 101..110 (an impression that was not enrolled), n an unknown finger,
 * u unplugs the scanner. */
void virtual_hand_command(const char *line, gpointer hand);
