/* health — the kiosk watching its own disk: a warning on the screen and in the heartbeat well
 * before a full disk makes a check-in fail ("storage is full", nothing half-written). */
#pragma once

#include <glib.h>

typedef struct {
    guint64 free_bytes;  /* available to an unprivileged writer */
    guint64 total_bytes;
    gboolean low;        /* free_bytes below the configured warning level */
} HealthDisk;

/* Measures the file system holding `path`. */
gboolean health_check_disk(const char *path, guint64 warn_bytes, HealthDisk *out, GError **error);

typedef struct Health Health;
/* Called when the disk goes low or recovers (and once at start when it is low). */
typedef void (*HealthFunc)(const HealthDisk *disk, gpointer user_data);

/* Checks `path` now and then every `interval_s` seconds on the main loop. */
Health *health_new(const char *path, guint warn_mb, guint interval_s, HealthFunc func, gpointer user_data);
void health_free(Health *health);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Health, health_free)
const HealthDisk *health_get_disk(Health *health);
