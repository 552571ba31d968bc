/* settings — what an administrator may change on the kiosk itself, without a shell or haazri.conf.
 *
 * A handful of haazri.conf keys an office changes on site: which language the screen shows first,
 * how loud it is, whether it speaks, whether the scanner listens all the time or after a touch.
 * A changed value is kept in the store (survives restarts and power cuts) and lies over the file's
 * value of the same [group] key until reset; every change is an audit row "setting.change".
 * Names are "group.key" as in haazri.conf, so the file's own checks apply to stored values too. */
#pragma once

#include <glib.h>

#include "app/store/store.h"

typedef struct {
    const char *name;            /* group.key, e.g. "scanner.capture" */
    const char *default_value;   /* what the programs use when the file says nothing */
    const char *const *choices;  /* the values the device screen offers, in order */
} SettingInfo;

/* The settings there are, in the order the device screen lists them. */
const SettingInfo *settings_list(guint *n);
const SettingInfo *settings_find(const char *name);

/* FALSE with one sentence when `name` is not a device setting or `value` is not allowed for it. */
gboolean settings_check(const char *name, const char *value, GError **error);
/* Checks, stores and audits (`value` NULL: back to haazri.conf's value). */
gboolean settings_set(Store *store, const char *actor, const char *name, const char *value, GError **error);

/* Puts every stored setting into `keyfile` (haazri.conf as read), before the modules read their
 * groups from it. A stored value that is no longer allowed is left out with a warning naming it. */
gboolean settings_overlay(Store *store, GKeyFile *keyfile, GError **error);
/* Sets `name` (group.key) to `value` in `keyfile`: the configuration in force follows a change. */
void settings_put(GKeyFile *keyfile, const char *name, const char *value);
/* The value in force: `keyfile`'s (after the overlay), else the default. */
char *settings_get(GKeyFile *keyfile, const char *name);
/* The value a tap on the setting's button makes it: the choice after `current`. */
const char *settings_next_choice(const char *name, const char *current);
