/* sound — what the kiosk says and beeps, for people who don't read: a success tone, a failure
 * tone, an attention tone, and short spoken prompts in Urdu and English (WAV files synthesised at
 * build time by `make prompts` with espeak-ng from the strings table; see docs/screen.md).
 *
 * Played through SDL audio. The device is opened when there is something to play and closed a
 * second after it went quiet: an open SDL device keeps its thread feeding silence, which would
 * cost CPU on an idle kiosk. No audio device = a kiosk that is silent, never one that stops: it is
 * looked for once, at sound_new(), which then gives one sentence ("no sound card: ..."), and
 * libasound's own complaints on stderr are kept out of the kiosk's output. */
#pragma once

#include <glib.h>

#include "app/strings.h"

typedef struct {
    gboolean enabled;    /* [sound] enabled: false = silent */
    int volume;          /* [sound] volume, 0..100 */
    gboolean speak;      /* [sound] speak: spoken prompts as well as tones */
    char *prompts_dir;   /* [sound] prompts_dir: the WAV files (<name>-<lang>.wav) */
} SoundConfig;

void sound_config_init(SoundConfig *config);
void sound_config_clear(SoundConfig *config);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SoundConfig, sound_config_clear)
/* Reads [sound] from `kf` (keys absent keep the defaults); `path` names the file in messages. */
gboolean sound_config_load(GKeyFile *kf, const char *path, SoundConfig *out, GError **error);

typedef enum { SOUND_SUCCESS, SOUND_FAILURE, SOUND_ATTENTION } SoundTone;

typedef struct Sound Sound;

/* NULL (no error) when disabled in the config; NULL with "no sound card: prompts and tones are off
 * (why)" when there is no audio device to open. */
Sound *sound_new(const SoundConfig *config, GError **error);
void sound_free(Sound *sound);
/* An administrator's change on the device (app/settings.h): from the next tone or prompt on. */
void sound_set_volume(Sound *sound, int volume);
void sound_set_speak(Sound *sound, gboolean speak);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Sound, sound_free)

/* Stops what is playing and plays `tone`. Sound may be NULL (silent kiosk). */
void sound_play(Sound *sound, SoundTone tone);
/* Queues the spoken prompt `name` (strings_name(), or "q_<question id>") in `lang` after what is
 * playing; FALSE when there is no such recording (the kiosk then only beeps). */
gboolean sound_say(Sound *sound, const char *name, Lang lang);
/* How many milliseconds of audio were queued since the start (tests: something was played). */
guint64 sound_get_queued_ms(Sound *sound);

/* The samples of `tone` (signed 16-bit mono at `rate`, at full volume); free with g_free. */
gint16 *sound_render_tone(SoundTone tone, int rate, gsize *n_samples);
