/* sound — tones and spoken prompts through SDL audio. See sound.h. */
#include "ui/sound.h"

#include <SDL.h>
#include <alsa/asoundlib.h>
#include <math.h>
#include <string.h>

#define RATE 22050 /* espeak-ng's own rate: prompts need no resampling */
#define CLOSE_AFTER_MS 1000

struct Sound {
    SoundConfig config;
    SDL_AudioDeviceID dev; /* 0 = closed */
    GHashTable *prompts;   /* "name-lang" → GBytes of S16 mono at RATE (or an empty one: missing) */
    guint close_id;
    guint64 queued_ms;
};

#define SOUND_ERROR (g_quark_from_static_string("haazri-sound"))

void sound_config_init(SoundConfig *c)
{
    *c = (SoundConfig){.enabled = TRUE, .volume = 70, .speak = TRUE,
                       .prompts_dir = g_strdup("/usr/share/haazri/prompts")};
}

void sound_config_clear(SoundConfig *c)
{
    g_clear_pointer(&c->prompts_dir, g_free);
}

static gboolean bad(const char *path, const char *key, const char *value, const char *expected, GError **error)
{
    g_set_error(error, SOUND_ERROR, 1, "%s: [sound] %s = \"%s\" is not valid: expected %s",
                path ? path : "(defaults)", key, value, expected);
    return FALSE;
}

static gboolean read_bool(GKeyFile *kf, const char *path, const char *key, gboolean *out, GError **error)
{
    g_autofree char *v = g_key_file_get_string(kf, "sound", key, NULL);
    if (!v)
        return TRUE;
    g_strstrip(v);
    if (strcmp(v, "true") == 0)
        *out = TRUE;
    else if (strcmp(v, "false") == 0)
        *out = FALSE;
    else
        return bad(path, key, v, "true or false", error);
    return TRUE;
}

gboolean sound_config_load(GKeyFile *kf, const char *path, SoundConfig *c, GError **error)
{
    static const char *const known[] = {"enabled", "volume", "speak", "prompts_dir", NULL};
    g_auto(GStrv) keys = g_key_file_get_keys(kf, "sound", NULL, NULL);
    for (char **k = keys; keys && *k; k++)
        if (!g_strv_contains(known, *k))
            g_warning("%s: unknown key [sound] %s ignored", path, *k);
    if (!read_bool(kf, path, "enabled", &c->enabled, error) || !read_bool(kf, path, "speak", &c->speak, error))
        return FALSE;
    g_autofree char *vol = g_key_file_get_string(kf, "sound", "volume", NULL);
    if (vol) {
        g_strstrip(vol);
        guint64 n;
        if (!g_ascii_string_to_unsigned(vol, 10, 0, 100, &n, NULL))
            return bad(path, "volume", vol, "a whole number from 0 (silent) to 100 (loudest)", error);
        c->volume = (int)n;
    }
    g_autofree char *dir = g_key_file_get_string(kf, "sound", "prompts_dir", NULL);
    if (dir && *g_strstrip(dir)) {
        g_free(c->prompts_dir);
        /* Relative to the config file's folder, like [kiosk] data_dir. */
        if (g_path_is_absolute(dir) || !path) {
            c->prompts_dir = g_steal_pointer(&dir);
        } else {
            g_autofree char *base = g_path_get_dirname(path);
            c->prompts_dir = g_build_filename(base, dir, NULL);
        }
    }
    return TRUE;
}

/* One note: a sine (with a third harmonic for the harsher failure buzz) under a short fade in and
 * out, so notes start and stop without clicks. */
static void note(GArray *out, double freq, int ms, double harmonic)
{
    int n = RATE * ms / 1000, fade = RATE * 8 / 1000;
    for (int i = 0; i < n; i++) {
        double t = (double)i / RATE;
        double env = MIN(1.0, MIN((double)i / fade, (double)(n - i) / fade));
        double v = sin(2 * M_PI * freq * t) + harmonic * sin(2 * M_PI * 3 * freq * t);
        gint16 s = (gint16)(env * v / (1 + harmonic) * 0.8 * 32767);
        g_array_append_val(out, s);
    }
}

static void pause_ms(GArray *out, int ms)
{
    int n = RATE * ms / 1000;
    for (int i = 0; i < n; i++) {
        gint16 zero = 0;
        g_array_append_val(out, zero);
    }
}

gint16 *sound_render_tone(SoundTone tone, int rate, gsize *n_samples)
{
    (void)rate; /* always RATE: the device converts */
    GArray *a = g_array_new(FALSE, FALSE, sizeof(gint16));
    switch (tone) {
    case SOUND_SUCCESS: /* rising: C6 then G6, bright */
        note(a, 1046.5, 110, 0);
        note(a, 1568.0, 220, 0);
        break;
    case SOUND_FAILURE: /* falling, low and buzzy, twice */
        note(a, 392.0, 160, 0.5);
        pause_ms(a, 60);
        note(a, 262.0, 300, 0.5);
        break;
    case SOUND_ATTENTION: /* three short equal beeps */
        for (int i = 0; i < 3; i++) {
            note(a, 880.0, 90, 0.2);
            pause_ms(a, 90);
        }
        break;
    }
    *n_samples = a->len;
    return (gint16 *)g_array_free(a, FALSE);
}

/* libasound reports every failed step of opening a device on stderr (nine lines per attempt on a
 * machine without a sound card). SDL loads the same libasound, so this handler quiets those too;
 * what they say stays visible with G_MESSAGES_DEBUG=haazri-sound. */
static void on_alsa_error(const char *file, int line, const char *function, int err, const char *fmt, ...)
{
    (void)file;
    (void)line;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_log("haazri-sound", G_LOG_LEVEL_DEBUG, "alsa: %s: %s%s%s", function, text, err ? ": " : "",
          err ? snd_strerror(err) : "");
}

static gboolean open_device(Sound *s, char **why);

Sound *sound_new(const SoundConfig *config, GError **error)
{
    if (!config->enabled)
        return NULL;
    snd_lib_error_set_handler(on_alsa_error);
    if (!SDL_WasInit(SDL_INIT_AUDIO) && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        g_set_error(error, SOUND_ERROR, 2, "no sound card: prompts and tones are off (%s)", SDL_GetError());
        return NULL;
    }
    Sound *s = g_new0(Sound, 1);
    s->config = *config;
    s->config.prompts_dir = g_strdup(config->prompts_dir);
    s->prompts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    /* Tried once, here: a kiosk without a sound card says so in one line and then stays quiet,
     * rather than failing (and saying so) at every tone. The device is closed again until needed. */
    g_autofree char *why = NULL;
    if (!open_device(s, &why)) {
        g_set_error(error, SOUND_ERROR, 3, "no sound card: prompts and tones are off (%s)", why);
        sound_free(s);
        return NULL;
    }
    SDL_CloseAudioDevice(s->dev);
    s->dev = 0;
    return s;
}

void sound_set_volume(Sound *s, int volume)
{
    if (s)
        s->config.volume = CLAMP(volume, 0, 100);
}

void sound_set_speak(Sound *s, gboolean speak)
{
    if (s)
        s->config.speak = speak;
}

void sound_free(Sound *s)
{
    if (!s)
        return;
    if (s->close_id)
        g_source_remove(s->close_id);
    if (s->dev)
        SDL_CloseAudioDevice(s->dev);
    g_hash_table_unref(s->prompts);
    sound_config_clear(&s->config);
    g_free(s);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

static gboolean on_close_check(gpointer data)
{
    Sound *s = data;
    if (s->dev && SDL_GetQueuedAudioSize(s->dev) > 0)
        return G_SOURCE_CONTINUE;
    if (s->dev)
        SDL_CloseAudioDevice(s->dev);
    s->dev = 0;
    s->close_id = 0;
    return G_SOURCE_REMOVE;
}

/* Opens the default device; FALSE with SDL's reason in *why (may be NULL) when there is none. */
static gboolean open_device(Sound *s, char **why)
{
    if (s->dev)
        return TRUE;
    SDL_AudioSpec want = {.freq = RATE, .format = AUDIO_S16SYS, .channels = 1, .samples = 1024};
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, NULL, 0);
    if (!s->dev) {
        if (why)
            *why = g_strdup(SDL_GetError());
        else
            g_message("sound: the audio device went away (%s); this tone is not played", SDL_GetError());
        return FALSE;
    }
    SDL_PauseAudioDevice(s->dev, 0);
    return TRUE;
}

/* Queues samples at the configured volume (perceived loudness ~ the square of the amplitude). */
static void queue(Sound *s, const gint16 *samples, gsize n)
{
    if (!open_device(s, NULL))
        return;
    double gain = (s->config.volume / 100.0) * (s->config.volume / 100.0);
    g_autofree gint16 *scaled = g_new(gint16, MAX(n, 1));
    for (gsize i = 0; i < n; i++)
        scaled[i] = (gint16)(samples[i] * gain);
    SDL_QueueAudio(s->dev, scaled, (Uint32)(n * sizeof(gint16)));
    s->queued_ms += n * 1000 / RATE;
    if (!s->close_id)
        s->close_id = g_timeout_add(CLOSE_AFTER_MS, on_close_check, s);
}

void sound_play(Sound *s, SoundTone tone)
{
    if (!s || s->config.volume == 0)
        return;
    if (s->dev)
        SDL_ClearQueuedAudio(s->dev);
    gsize n;
    g_autofree gint16 *samples = sound_render_tone(tone, RATE, &n);
    queue(s, samples, n);
}

/* Reads a WAV and converts it to S16 mono at RATE; an empty GBytes when missing or unreadable. */
static GBytes *load_prompt(const Sound *s, const char *file)
{
    g_autofree char *path = g_build_filename(s->config.prompts_dir, file, NULL);
    SDL_AudioSpec spec;
    Uint8 *buf = NULL;
    Uint32 len = 0;
    if (!SDL_LoadWAV(path, &spec, &buf, &len)) {
        g_message("sound: no prompt %s (%s)", path, SDL_GetError());
        return g_bytes_new(NULL, 0);
    }
    SDL_AudioCVT cvt;
    if (SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq, AUDIO_S16SYS, 1, RATE) < 0) {
        SDL_FreeWAV(buf);
        return g_bytes_new(NULL, 0);
    }
    cvt.len = (int)len;
    cvt.buf = g_malloc((gsize)len * (gsize)MAX(cvt.len_mult, 1));
    memcpy(cvt.buf, buf, len);
    SDL_FreeWAV(buf);
    if (cvt.needed)
        SDL_ConvertAudio(&cvt);
    gsize out_len = cvt.needed ? (gsize)cvt.len_cvt : len;
    return g_bytes_new_take(cvt.buf, out_len);
}

gboolean sound_say(Sound *s, const char *name, Lang lang)
{
    if (!s || !s->config.speak || s->config.volume == 0)
        return FALSE;
    g_autofree char *file = g_strdup_printf("%s-%s.wav", name, strings_lang_code(lang));
    GBytes *clip = g_hash_table_lookup(s->prompts, file);
    if (!clip) {
        clip = load_prompt(s, file);
        g_hash_table_insert(s->prompts, g_strdup(file), clip);
    }
    gsize n;
    const gint16 *samples = g_bytes_get_data(clip, &n);
    if (n == 0)
        return FALSE;
    queue(s, samples, n / sizeof(gint16));
    return TRUE;
}

guint64 sound_get_queued_ms(Sound *s)
{
    return s ? s->queued_ms : 0;
}
