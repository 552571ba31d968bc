/* test-sound — what a kiosk without a sound card says: one line, and then silence. No libasound
 * chatter on stderr ("ALSA lib confmisc.c:855:(parse_card) cannot find card '0'" and eight more
 * lines for every tone and prompt, which buried the check-ins in `make run`), whether there is no
 * card at all or the one named can't be opened; and a kiosk with a device still plays. Each case
 * runs in a subprocess so its stderr can be read whole. */
#include <SDL.h>
#include <string.h>

#include "ui/sound.h"

/* The kiosk's sound path, as app/main.c and the screen use it: start, say so if it can't, then
 * tones and prompts (which do nothing on a silent kiosk). */
static Sound *kiosk_sound_path(void)
{
    g_auto(SoundConfig) c;
    sound_config_init(&c);
    g_autoptr(GError) error = NULL;
    Sound *s = sound_new(&c, &error);
    if (error)
        g_printerr("haazri: %s\n", error->message);
    for (int i = 0; i < 3; i++) {
        sound_play(s, SOUND_SUCCESS);
        sound_say(s, "recorded", LANG_UR);
        sound_play(s, SOUND_FAILURE);
    }
    return s;
}

/* libasound told to use a card that doesn't exist: exactly the steps (and, unquieted, the nine
 * lines) of a machine without one, on any machine. */
static void test_no_card(void)
{
    if (g_test_subprocess()) {
        g_setenv("SDL_AUDIODRIVER", "alsa", TRUE);
        g_setenv("ALSA_CARD", "haazri-test-no-such-card", TRUE);
        Sound *s = kiosk_sound_path();
        g_assert_null(s);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("haazri: no sound card: prompts and tones are off (*)\n");
    g_test_trap_assert_stderr_unmatched("*ALSA lib*");
}

/* This machine as it is (the test machines have no sound card; a developer's may): at most the one
 * line, never libasound's own. */
static void test_this_machine(void)
{
    if (g_test_subprocess()) {
        g_unsetenv("SDL_AUDIODRIVER");
        g_unsetenv("ALSA_CARD");
        Sound *s = kiosk_sound_path();
        sound_free(s);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr_unmatched("*ALSA lib*");
    g_test_trap_assert_stderr_unmatched("*sound*\n*sound*");
}

/* A device that opens (SDL's dummy one, which needs no card): nothing said about a missing card,
 * and the tones are played. */
static void test_device_plays(void)
{
    if (g_test_subprocess()) {
        g_setenv("SDL_AUDIODRIVER", "dummy", TRUE);
        Sound *s = kiosk_sound_path();
        g_assert_nonnull(s);
        g_assert_cmpuint(sound_get_queued_ms(s), >, 0);
        sound_free(s);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr_unmatched("*no sound card*");
    g_test_trap_assert_stderr_unmatched("*ALSA lib*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sound/no-card-one-line-no-alsa-noise", test_no_card);
    g_test_add_func("/sound/this-machine-no-alsa-noise", test_this_machine);
    g_test_add_func("/sound/a-device-plays-silently-to-stderr", test_device_plays);
    return g_test_run();
}
