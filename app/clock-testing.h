/* clock-testing — moving app/clock.h's clock, for tests only.
 *
 * Tests make their fixtures through the product's own code at the fixture's time: freeze the clock
 * at that moment, call the product (store_record_checkin, the screen, …), advance, call again.
 * No product code includes this header (tests/test-one-clock.sh fails if one does). */
#pragma once

#include <glib.h>

/* From now on clock_now() answers `at` (any zone; kept as that instant) until advanced or thawed. */
void clock_freeze(GDateTime *at);
/* The frozen clock moves on by `seconds` (may be fractional or negative). */
void clock_advance(double seconds);
/* Back to the real time. */
void clock_thaw(void);
