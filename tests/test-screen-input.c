/* test-screen-input — a person at the screen, scripted as SDL events (touches and key presses)
 * through the real check-in machine, libfprint's virtual_image scanner and a real SQLite file:
 * the case-number keypad leads to a 1:1 check and a recorded check-in; the officer's message and
 * the questions follow, and the answers are stored with that check-in; an untouched keypad or
 * unanswered question goes back to the start; tones and prompts are played. */
#include <SDL.h>
#include <string.h>

#include "app/checkin.h"
#include "app/store/store-answers.h"
#include "tests/helpers.h"
#include "ui/screen.h"

static Config *config;
static Store *store;
static Scanner *scanner;
static Search *search;
static Checkin *machine;
static Screen *screen;
static Sound *sound;
static char *db_path;
static char last_uuid[37];

static void on_event(const CheckinEvent *ev, gpointer data)
{
    (void)data;
    if (ev->state == CHECKIN_STATE_RECORDED)
        g_strlcpy(last_uuid, ev->checkin->uuid, sizeof last_uuid);
}

/* Runs the main loop until the screen shows `want` (see screen_describe). */
static void wait_for_view(const char *want, int timeout_ms)
{
    tu_wait_for_view(screen, want, timeout_ms);
}

/* A finger touching the panel where `what` is drawn (SDL finger events are 0..1 of the panel). */
static void touch(const char *what)
{
    int x, y;
    if (!screen_locate(screen, what, &x, &y))
        g_error("nothing to touch for %s", what);
    SDL_Event e = {.tfinger = {.type = SDL_FINGERDOWN, .x = (float)(x + 0.5) / 800, .y = (float)(y + 0.5) / 480}};
    SDL_PushEvent(&e);
    screen_process_events(screen);
}

static void press(SDL_Keycode key)
{
    SDL_Event e = {.key = {.type = SDL_KEYDOWN, .keysym = {.sym = key}}};
    SDL_PushEvent(&e);
    screen_process_events(screen);
}

/* The answers stored with check-in `uuid`, as "id=answer;..." in the order given, read as sync reads
 * them (they are sealed in the file: app/store/store-schema.c, migration 10). */
static char *answers_of(const char *uuid)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) all = store_answers_unsent(store, 1000, &error);
    g_assert_no_error(error);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < all->len; i++) {
        const StoreAnswer *a = all->pdata[i];
        if (g_strcmp0(a->checkin_uuid, uuid) == 0)
            g_string_append_printf(out, "%s=%s;", a->question_id, a->answer);
    }
    return g_string_free(out, FALSE);
}

static void test_keypad_then_questions(void)
{
    wait_for_view("machine:waiting", 10000);
    guint64 sound_before = sound_get_queued_ms(sound);
    /* Touch "Enter case number", type 1234/2024 on the keypad (one slip, corrected), OK. */
    touch("case-number");
    wait_for_view("keypad:", 1000);
    const char *keys[] = {"1", "2", "3", "4", "/", "2", "0", "9", "back", "2", "4"};
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
        g_autofree char *k = g_strdup_printf("key:%s", keys[i]);
        touch(k);
    }
    wait_for_view("keypad:1234/2024", 1000);
    touch("key:ok");
    /* The machine now waits for that person's finger: place it. */
    wait_for_view("machine:case-entry", 5000);
    /* The scan that was listening when OK was touched winds down and the 1:1 scan starts; a person
     * reads the prompt before placing the finger, and so does the hand here. */
    tu_run_for(500);
    g_autofree char *png = tu_fvc(101, 7);
    tu_hand_queue(png);
    wait_for_view("machine:recorded", 20000);
    g_assert_cmpuint(sound_get_queued_ms(sound), >, sound_before); /* the success tone (and words) */
    /* When the machine moves on, the officer's message, then the questions. */
    wait_for_view("message", 10000);
    touch("continue");
    wait_for_view("question:address_changed", 1000);
    press(SDLK_y);
    wait_for_view("question:arrested", 1000);
    touch("no");
    wait_for_view("machine:waiting", 1000);
    g_autofree char *answers = answers_of(last_uuid);
    g_assert_cmpstr(answers, ==, "address_changed=yes;arrested=no;");
}

static void test_keypad_times_out(void)
{
    wait_for_view("machine:waiting", 10000);
    press(SDLK_5); /* typing a digit opens the keypad with it */
    wait_for_view("keypad:5", 1000);
    /* Nobody touches it: after keypad_seconds it goes back, and nothing was sent to the machine. */
    wait_for_view("machine:waiting", (config ? 5 : 0) * 1000 + 3000);
    g_assert_cmpint(checkin_get_state(machine), ==, CHECKIN_STATE_WAITING);
}

static void test_question_times_out(void)
{
    /* A second check-in of the day shows "already" and asks nothing; questions appear only after a
     * recorded one. Show a recorded event as the machine would, and leave the question unanswered. */
    StoreProbationer who = {0};
    g_assert_true(store_find_probationer(store, "1234/2024", &who, NULL));
    StoreCheckin row = {.probationer_id = 0, .device_id = "test", .score = -1};
    g_assert_true(store_record_checkin(store, &row, NULL)); /* a real row for the answers' key */
    CheckinEvent rec = {.state = CHECKIN_STATE_RECORDED, .who = &who, .checkin = &row};
    screen_show(screen, &rec);
    CheckinEvent waiting = {.state = CHECKIN_STATE_WAITING};
    screen_show(screen, &waiting);
    wait_for_view("message", 1000);
    touch("continue");
    wait_for_view("question:address_changed", 1000);
    wait_for_view("machine:waiting", 5000 + 3000);
    g_autofree char *answers = answers_of(row.uuid);
    g_assert_cmpstr(answers, ==, ""); /* nothing invented for an unanswered question */
    store_probationer_clear(&who);
}

/* Success and failure sound different: not the same samples, and the success tone is higher. */
static void test_tones_distinct(void)
{
    gsize ns, nf;
    g_autofree gint16 *ok = sound_render_tone(SOUND_SUCCESS, 22050, &ns);
    g_autofree gint16 *fail = sound_render_tone(SOUND_FAILURE, 22050, &nf);
    /* Zero crossings per second ~ twice the pitch. */
    int zs = 0, zf = 0;
    for (gsize i = 1; i < ns; i++)
        zs += (ok[i - 1] < 0) != (ok[i] < 0);
    for (gsize i = 1; i < nf; i++)
        zf += (fail[i - 1] < 0) != (fail[i] < 0);
    double hz_ok = zs / 2.0 / (ns / 22050.0), hz_fail = zf / 2.0 / (nf / 22050.0);
    g_assert_cmpfloat(hz_ok, >, 2 * hz_fail);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_setenv("SDL_AUDIODRIVER", "dummy", TRUE); /* a real SDL audio device that needs no sound card */
    tu_use_virtual_scanner();
    config = tu_kiosk_config("[kiosk]\ndevice_id = test-kiosk\noffice = Test Office\ndata_dir = data\n"
                             "[checkin]\nresult_seconds = 1\n[scanner]\nrest_seconds = 1\n"
                             "[screen]\nbackend = offscreen\nwidth = 800\nheight = 480\n"
                             "question_seconds = 5\nkeypad_seconds = 5\n",
                             &db_path, &store);
    g_autoptr(GError) error = NULL;

    ScannerCallbacks forward = checkin_scanner_callbacks();
    scanner = tu_scanner_new(&forward, &machine);
    StoreProbationer p = {.case_number = "1234/2024", .name_en = "Test Person", .name_ur = "ٹیسٹ",
                          .office = "Test Office", .active = TRUE};
    gint64 pid = store_add_probationer(store, &p, &error);
    g_assert_no_error(error);
    tu_enroll_fvc(scanner, store, pid, 101);
    g_assert_true(store_set_message(store, pid, "Bring your identity card next time.", &error));
    search = search_new(config->search, &error);
    g_assert_true(search_load(search, store, NULL, &error));

    g_auto(ScreenConfig) sc;
    screen_config_init(&sc);
    g_assert_true(screen_config_load(config->keyfile, config->path, &sc, &error));
    g_auto(SoundConfig) so;
    sound_config_init(&so);
    const char *build = g_getenv("HAAZRI_BUILD");
    g_free(so.prompts_dir);
    so.prompts_dir = g_build_filename(build ? build : "build", "prompts", NULL);
    sound = sound_new(&so, &error);
    g_assert_no_error(error);

    machine = checkin_new(config, store, scanner, search);
    checkin_subscribe(machine, on_event, NULL);
    screen = screen_new(&sc, machine, store, sound, config->office, &error);
    g_assert_no_error(error);
    checkin_start(machine);

    g_test_add_func("/screen-input/tones-distinct", test_tones_distinct);
    g_test_add_func("/screen-input/keypad-then-questions", test_keypad_then_questions);
    g_test_add_func("/screen-input/keypad-times-out", test_keypad_times_out);
    g_test_add_func("/screen-input/question-times-out", test_question_times_out);
    int rc = g_test_run();
    screen_free(screen);
    checkin_free(machine);
    sound_free(sound);
    search_free(search);
    scanner_free(scanner);
    store_close(store);
    config_free(config);
    g_free(db_path);
    return rc;
}
