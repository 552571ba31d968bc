/* ready — the kiosk says "ready" only once its database can be written.
 *
 * A database this user cannot write (made root's by an installer's command) would open read-only
 * and end every touch in NOT SAVED behind a screen that looks ready. So: no "ready" until a real write
 * commits; meanwhile one sentence on stderr and in systemd's status, and the amber light, checked
 * again every few seconds (opening it again) so that fixing the owner is enough. The centre hears
 * it too: heartbeats only, saying why (sync_set_unwritable), from the read-only store. */
#pragma once

#include "app/config.h"
#include "app/store/store.h"
#include "drivers/leds.h"
#include "sync/sync.h"

typedef enum { WAIT_READY, WAIT_BROKEN, WAIT_STOPPED } WaitResult;

/* Returns at once when `*store` can be written; else runs a main loop until it can (`*store` is
 * then the database opened again), it cannot be opened at all any more (WAIT_BROKEN), or SIGINT or
 * SIGTERM stops the kiosk (WAIT_STOPPED). */
WaitResult ready_wait_writable(Store **store, const char *db_path, const LedsConfig *leds_config,
                               const Config *config, const SyncConfig *sync_config);
