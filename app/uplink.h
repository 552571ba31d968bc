/* uplink — the kiosk's links out: the central server (sync/) and an ADMS attendance server, started
 * and fed from the kiosk's own events. A check-in written (committed, queued in the same transaction)
 * or an answer stored is sent soon; the heartbeat names the scanner and the free disk. How the link
 * is doing reaches the screen, the terminal and the lights through app/main.c, which wires them. */
#pragma once

#include "app/checkin.h"
#include "app/config.h"
#include "app/store/store.h"
#include "drivers/scanner.h"
#include "sync/adms.h"
#include "app/match-report.h"
#include "sync/sync.h"

/* NULL when this kiosk has no central server (not provisioned): it works alone, queueing; one line
 * says why. `scanner` may be NULL (not opened yet: the heartbeat says so). `unwritable`: the database
 * cannot be written (why): heartbeats only, saying so, and no status reported; else `status` (may
 * be NULL) hears how the link is doing. */
Sync *uplink_start_sync(const Config *config, const SyncConfig *sc, Store *store, Scanner *scanner,
                        const char *unwritable, SyncStatusFunc status, gpointer status_data);
/* The scanner report every heartbeat carries from now on (app/match-report.h); NULL: none. */
void uplink_set_match_reporter(MatchReporter *reporter);
/* NULL when [adms] names no server (its stale state is cleared from the store for the Device view
 * and haazri-ctl) or it cannot start (one line says why). */
Adms *uplink_start_adms(const Config *config, const AdmsConfig *ac, Store *store);
/* Each check-in written, and each answer stored, goes to `sync` soon; each check-in to `adms` too.
 * Either may be NULL. */
void uplink_follow(Checkin *checkin, Sync *sync, Adms *adms);
