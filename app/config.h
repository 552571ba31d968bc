/* config — the kiosk's settings, read from an INI file (GLib's GKeyFile).
 *
 * Every key, its default and its meaning is documented in config/haazri.conf. A bad value stops
 * start-up with one sentence naming file, group, key, value and what was expected; an unknown key
 * is a warning (an older kiosk reading a newer file keeps working). */
#pragma once

#include <glib.h>

typedef enum {
    CAPTURE_CONTINUOUS, /* the scanner listens whenever the kiosk is idle (duty-cycled for heat) */
    CAPTURE_TAP,        /* the scanner listens only for a while after a touch or key press */
} CaptureMode;

typedef struct {
    /* [kiosk] */
    char *device_id;      /* this kiosk's id in every record it writes */
    char *office;         /* shown on the screen, stored with probationers */
    char *data_dir;       /* absolute; holds haazri.db */
    int disk_warn_mb;     /* warn on screen and in the heartbeat below this much free space */
    char *timezone;       /* the office's zone for every wall time (app/clock.h), default +05:00 */
    /* [scanner] */
    char *scanner_driver; /* libfprint driver id, "" = any */
    char *scanner_device; /* libfprint device id, "" = any */
    CaptureMode capture;
    int tap_window_s;     /* tap mode: how long the scanner listens after a touch */
    int listen_s;         /* continuous mode: listen this long ... */
    int rest_s;           /* ... then rest this long, so libfprint's heat model never trips */
    /* [checkin] */
    int duplicate_window_min; /* 0 = same calendar day; else minutes since the last check-in */
    int result_s;             /* how long a result stays on screen before idle */
    /* [match] */
    char *search;             /* "libfprint" or "engine" (app/search.h) */
    double match_false_match_rate; /* engine: accepted chance that a different finger matches */
    double match_threshold;   /* engine: lowest score that can be a match, -log10(false_match_rate) */
    double match_margin;      /* engine: how far the best must lead anyone else (powers of ten) */
    int attempts_before_fallback; /* failed touches before the case-number fallback is offered */

    char *path;               /* the file this came from, for messages; NULL = defaults only */
    GKeyFile *keyfile;        /* the parsed file (empty without one), for modules that read their own
                               * group ([leds]); app/settings.h lays the device's settings over it */
} Config;

/* Loads `path` (NULL: defaults only). Relative data_dir is taken relative to the file's folder. */
Config *config_load(const char *path, GError **error);
/* Reads `keyfile` again after something changed it (the device settings laid over it). */
gboolean config_reread(Config *config, GError **error);
void config_free(Config *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Config, config_free)

/* The database file inside data_dir (newly allocated). */
char *config_get_db_path(const Config *config);
