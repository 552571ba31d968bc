/* officer-kiosk — the kiosk test-officer-screen drives (officer-kiosk.h). */
#include "tests/officer-kiosk.h"

#include <sqlite3.h>
#include <string.h>

#include <glib/gstdio.h>

#include "app/clock-testing.h"
#include "app/clock.h"
#include "app/officer.h"
#include "tests/helpers.h"

Config *config;
Store *store;
Scanner *scanner;
Search *search;
Checkin *machine;
Screen *screen;
char *db_path, *stick;
char last_case[64];

/* kept for the kiosk's lifetime: the screens hold on to their configuration */
static GDateTime *january;
static ScreenConfig sc;
static OfficerScreenConfig oc;

static void on_event(const CheckinEvent *ev, gpointer data)
{
    (void)data;
    if (ev->state == CHECKIN_STATE_RECORDED && ev->who)
        g_strlcpy(last_case, ev->who->case_number, sizeof last_case);
}

void wait_for_view(const char *want, int timeout_ms)
{
    tu_wait_for_view(screen, want, timeout_ms);
}

void finger_event(Uint32 type, int x, int y)
{
    SDL_Event e = {.tfinger = {.type = type, .x = (float)(x + 0.5) / W, .y = (float)(y + 0.5) / H}};
    SDL_PushEvent(&e);
    screen_process_events(screen);
}

void touch(const char *what)
{
    int x, y;
    if (!screen_locate(screen, what, &x, &y)) {
        g_autofree char *view = screen_describe(screen);
        g_error("nothing to touch for %s on %s", what, view);
    }
    finger_event(SDL_FINGERDOWN, x, y);
    finger_event(SDL_FINGERUP, x, y);
}

void type(const char *keys)
{
    for (const char *k = keys; *k; k++) {
        SDL_Keycode code = *k == ' ' ? SDLK_SPACE : *k == '\n' ? SDLK_RETURN : g_ascii_tolower(*k);
        SDL_Event e = {.key = {.type = SDL_KEYDOWN, .keysym = {.sym = code}}};
        SDL_PushEvent(&e);
        screen_process_events(screen);
    }
}

gint64 count_audit(const char *action, const char *subject, const char *detail_like)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit WHERE action = ?1 AND (?2 IS NULL OR subject = ?2)"
                                           " AND (?3 IS NULL OR detail LIKE ?3)", -1, &st, NULL), ==, SQLITE_OK);
    sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, detail_like, -1, SQLITE_STATIC);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

OfficerScreen *officer(void)
{
    return screen->officer;
}

void log_in_as_admin(void)
{
    touch("officer:0"); /* listed by user name: imran, sadia */
    type("135790\n");
    wait_for_view("officer:menu", 1000);
}

void wait_audit(const char *action, const char *subject, gint64 n)
{
    gint64 end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (count_audit(action, subject, NULL) < n) {
        if (g_get_monotonic_time() > end)
            g_error("no %" G_GINT64_FORMAT " audit rows %s for %s", n, action, subject);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(2000);
    }
}

void open_with_f12(void)
{
    wait_for_view("machine:waiting", 10000);
    SDL_Event f12 = {.key = {.type = SDL_KEYDOWN, .keysym = {.sym = SDLK_F12}}};
    SDL_PushEvent(&f12);
    screen_process_events(screen);
    wait_for_view("officer:pin", 1000);
    log_in_as_admin();
}

void officer_kiosk_start(void)
{
    /* Mid-January at the office: "last month" is December of the year before (app/clock.h). */
    january = g_date_time_new(clock_get_zone(), 2027, 1, 15, 10, 0, 0);
    clock_freeze(january);
    tu_use_virtual_scanner();
    stick = g_build_filename(tu_tmpdir(), "stick", NULL);
    g_mkdir_with_parents(stick, 0755);
    g_autofree char *text = g_strdup_printf(
        "[kiosk]\ndevice_id = test-kiosk\noffice = Test Office\ndata_dir = data\n"
        "[checkin]\nresult_seconds = 1\n[scanner]\nrest_seconds = 1\n"
        "[screen]\nbackend = offscreen\nwidth = %d\nheight = %d\nquestions =\n"
        "[officer]\nidle_seconds = 15\nexport_dir = %s\ncamera = none\n", W, H, stick);
    config = tu_kiosk_config(text, &db_path, &store);
    g_autoptr(GError) error = NULL;
    g_assert_cmpint(officer_add(store, "sadia", "Sadia Anwar", OFFICER_ROLE_OFFICER, "246810", "test", &error), >, 0);
    g_assert_cmpint(officer_add(store, "imran", "Imran Qureshi", OFFICER_ROLE_ADMIN, "135790", "test", &error), >, 0);
    g_assert_cmpint(officer_add(store, "zara", "Zara Malik", OFFICER_ROLE_OFFICER, "112233", "test", &error), >, 0);

    ScannerCallbacks forward = checkin_scanner_callbacks();
    scanner = tu_scanner_new(&forward, &machine);
    StoreProbationer ali = {.case_number = "LHR-0101", .name_en = "Ali Raza", .name_ur = "علی رضا",
                            .office = "Test Office", .active = TRUE};
    gint64 ali_id = store_add_probationer(store, &ali, &error);
    g_assert_no_error(error);
    tu_enroll_fvc(scanner, store, ali_id, 101);
    g_autoptr(GBytes) zara_finger = tu_capture_fvc(scanner, 108);
    g_assert_true(officer_set_finger(store, "zara", "right-index", zara_finger, "test", &error));
    StoreProbationer other = {.case_number = "LHR-0102", .name_en = "Fatima Bibi", .office = "Test Office",
                              .active = TRUE};
    gint64 other_id = store_add_probationer(store, &other, &error);
    g_assert_no_error(error);
    /* Twelve check-ins today: Ali twice (the second a repeat), Fatima ten times (a 1-minute window). */
    for (int i = 0; i < 12; i++) {
        StoreCheckin row = {.probationer_id = i < 2 ? ali_id : other_id, .device_id = "test-kiosk", .score = -1};
        g_assert_true(store_record_checkin(store, &row, &error));
    }
    search = search_new(config->search, &error);
    g_assert_true(search_load(search, store, NULL, &error));

    screen_config_init(&sc);
    g_assert_true(screen_config_load(config->keyfile, config->path, &sc, &error));
    officer_screen_config_init(&oc);
    g_assert_true(officer_screen_config_load(config->keyfile, config->path, &oc, &error));
    machine = checkin_new(config, store, scanner, search);
    checkin_subscribe(machine, on_event, NULL);
    screen = screen_new(&sc, machine, store, NULL, config->office, &error);
    g_assert_no_error(error);
    OfficerScreenParts parts = {.store = store, .checkin = machine, .scanner = scanner,
                                .device_id = config->device_id, .office = config->office,
                                .data_dir = config->data_dir, .settings = config->keyfile};
    screen_attach_officer(screen, &oc, &parts);
    checkin_start(machine);
}

void officer_kiosk_stop(void)
{
    screen_free(screen);
    checkin_free(machine);
    search_free(search);
    scanner_free(scanner);
    store_close(store);
    config_free(config);
    g_free(db_path);
    g_free(stick);
    screen_config_clear(&sc);
    officer_screen_config_clear(&oc);
    g_date_time_unref(january);
}
