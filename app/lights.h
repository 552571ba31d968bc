/* lights — the status LEDs and buzzer follow the check-in machine: green = checked in, red = try
 * again, amber = scanner resting or missing. The patterns themselves live in drivers/leds. */
#pragma once

#include "app/checkin.h"
#include "drivers/leds.h"

/* Subscribes `leds` (borrowed; it must outlive the machine's events) to the machine. */
void lights_attach(Checkin *checkin, Leds *leds);
LedsPattern lights_pattern_for(CheckinState state);
