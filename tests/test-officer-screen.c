/* test-officer-screen — officer mode on the kiosk's screen, scripted as touches and key presses
 * through the real screen, check-in machine, libfprint's virtual_image scanner and a SQLite file:
 * a long press on a corner opens the PIN screen (a short tap doesn't); wrong PINs lock the officer
 * out (shown, and written to the audit trail); the right PIN opens the menu; the log's search finds
 * a person and pages; Export writes a CSV whose manifest's SHA-256 is right; a new probationer is
 * enrolled through the scanner and then recognised at check-in; a finger taken again replaces its
 * print and a deactivation is audited; a finger enrolled for someone else is refused; an
 * administrator's device settings change the running kiosk and are audited; an officer with a
 * finger enrolled gets in only with that finger after the PIN; a photo picked from the USB stick on
 * the Enroll screen is shown, kept and audited, and each bad file or missing stick has its own
 * sentence (screenshots in English and Urdu); an untouched officer screen gives the kiosk back to
 * check-ins.
 *
 * The kiosk and what an officer does to it (touch, type, wait_for_view, count_audit ...) are
 * tests/officer-kiosk.c; the cases run in order, each leaning on the state the one before left. */
#include <SDL.h>
#include <string.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "app/photo-set.h"
#include "app/photo.h"
#include "tests/helpers.h"
#include "tests/officer-kiosk.h"
#include "ui/image.h"

static void test_long_press_opens_pin(void)
{
    wait_for_view("machine:waiting", 10000);
    /* A probationer's tap on the corner: nothing but the check-in screen, however long we look. */
    finger_event(SDL_FINGERDOWN, 5, 5);
    finger_event(SDL_FINGERUP, 5, 5);
    tu_run_for(3500);
    g_autofree char *view = screen_describe(screen);
    g_assert_true(g_str_has_prefix(view, "machine:"));
    g_assert_false(checkin_is_paused(machine));
    /* Held: the PIN screen, and the check-in machine lets go of the scanner. */
    finger_event(SDL_FINGERDOWN, W - 5, 5);
    wait_for_view("officer:pin", 10000);
    finger_event(SDL_FINGERUP, W - 5, 5);
    g_assert_true(checkin_is_paused(machine));
}

static void test_wrong_pins_lock(void)
{
    wait_for_view("officer:pin", 1000);
    touch("officer:1"); /* Sadia; her PIN is 246810 */
    type("111111\n");
    wait_for_view("officer:pin", 1000);
    type("222222\n");
    type("333333\n");
    wait_for_view("officer:pin-locked", 1000);
    g_assert_cmpint(count_audit("officer.login-failed", "sadia", NULL), ==, 3);
    g_assert_cmpint(count_audit("officer.login-failed", "sadia", "%locked for 30 s%"), ==, 1);
    /* Locked: even her right PIN is not taken now. */
    type("246810\n");
    wait_for_view("officer:pin-locked", 1000);
    g_assert_cmpint(count_audit("officer.login", "sadia", NULL), ==, 0);
}

/* Zara enrolled a finger of her own: after her PIN the kiosk wants that finger. Someone else's is
 * refused (and audited); hers lets her in. An officer without a finger, when every officer must
 * give one, is told why and stays out. */
static void test_officer_finger(void)
{
    wait_for_view("officer:pin-locked", 1000); /* Sadia's lockout from before */
    touch("officer:2");
    type("112233\n");
    wait_for_view("officer:finger", 3000);
    g_assert_cmpint(count_audit("officer.login", "zara", NULL), ==, 1); /* the PIN was right ... */
    /* The check-in machine's scan, cancelled when officer mode opened, ends on the loop's next turns
     * (these tests run it only while waiting): let it, so the touch goes to the finger step. */
    tu_run_for(500);
    g_autofree char *other = tu_fvc(103, 7);
    tu_hand_queue(other);
    wait_audit("officer.finger-failed", "zara", 1);
    wait_for_view("officer:finger", 1000); /* ... but not in: still asked for her finger */
    g_assert_cmpint(officer()->finger_note, ==, STR_OFF_FINGER_WRONG);
    g_autofree char *hers = tu_fvc(108, 7);
    tu_hand_queue(hers);
    wait_for_view("officer:menu", 20000);
    g_assert_cmpint(count_audit("officer.finger", "zara", NULL), ==, 1);
    g_assert_cmpstr(officer()->who.username, ==, "zara");
    int x, y;
    g_assert_false(screen_locate(screen, "menu:device", &x, &y)); /* an officer, not an administrator */
    touch("logout");
    wait_for_view("machine:waiting", 10000);

    /* Every officer must give a finger; Imran has none enrolled. */
    officer_session_set_require_finger(officer()->session, TRUE);
    finger_event(SDL_FINGERDOWN, W - 5, 5);
    wait_for_view("officer:pin", 10000);
    finger_event(SDL_FINGERUP, W - 5, 5);
    touch("officer:0");
    type("135790\n");
    wait_for_view("officer:pin", 1000);
    g_assert_cmpint(officer()->pin_note, ==, STR_OFF_FINGER_NEEDED);
    g_assert_cmpint(count_audit("officer.login-refused", "imran", "no finger enrolled"), ==, 1);
    g_assert_null(officer()->who.username);
    officer_session_set_require_finger(officer()->session, FALSE);
}

static void test_right_pin_opens_menu(void)
{
    log_in_as_admin();
    g_assert_cmpint(count_audit("officer.login", "imran", NULL), ==, 2); /* the first was refused for want of a finger */
    int x, y;
    g_assert_true(screen_locate(screen, "menu:device", &x, &y)); /* an administrator's */
    touch("menu:device");
    wait_for_view("officer:device", 1000);
    touch("back");
    wait_for_view("officer:menu", 1000);
}

/* An administrator changes how the kiosk behaves from the Device view: the check-in screen that
 * comes back follows it at once, and each change is stored (for the next start) and audited. */
static void test_device_settings(void)
{
    touch("menu:device");
    wait_for_view("officer:device", 1000);
    touch("setting:scanner.capture");   /* continuous -> tap */
    touch("setting:screen.languages");  /* ur;en -> en;ur */
    g_assert_cmpint(count_audit("setting.change", "scanner.capture", "(file) -> tap"), ==, 1);
    g_assert_cmpint(count_audit("setting.change", "screen.languages", "% -> en;ur"), ==, 1);
    g_autoptr(GPtrArray) stored = store_list_settings(store, NULL);
    g_assert_cmpuint(stored->len, ==, 2);
    g_assert_cmpstr(((StoreSetting *)stored->pdata[0])->changed_by, ==, "imran");
    /* Logged out: the check-in screen now waits for a touch before it listens, English first. */
    touch("back");
    touch("logout");
    wait_for_view("machine:idle", 3000);
    g_assert_cmpint(screen->config.order[0], ==, LANG_EN);
    tu_run_for(1500);
    g_autofree char *still = screen_describe(screen);
    g_assert_cmpstr(still, ==, "machine:idle"); /* not listening by itself */

    /* And back, for the tests after this one. */
    finger_event(SDL_FINGERDOWN, W - 5, 5);
    wait_for_view("officer:pin", 10000);
    finger_event(SDL_FINGERUP, W - 5, 5);
    log_in_as_admin();
    touch("menu:device");
    wait_for_view("officer:device", 1000);
    touch("setting:scanner.capture");
    touch("setting:screen.languages");
    g_assert_cmpint(count_audit("setting.change", "scanner.capture", "tap -> continuous"), ==, 1);
    g_assert_cmpint(screen->config.order[0], ==, LANG_UR);
    touch("back");
    wait_for_view("officer:menu", 1000);
}

static void test_log_search_and_pages(void)
{
    touch("menu:log");
    wait_for_view("officer:log", 1000);
    touch("range:all");
    OfficerScreen *o = officer();
    int per = officer_rows_per_page(o);
    g_assert_cmpuint(o->log->len, ==, (guint)per); /* twelve check-ins: more than a page */
    g_assert_true(o->more);
    gint64 newest = ((StoreCheckinRow *)o->log->pdata[0])->id;
    touch("older");
    g_assert_cmpint(((StoreCheckinRow *)o->log->pdata[0])->id, <, newest);
    touch("newer");
    g_assert_cmpint(((StoreCheckinRow *)o->log->pdata[0])->id, ==, newest);
    /* The wheel and a swipe page too: wheel towards you / drag up = older. */
    SDL_Event wheel = {.wheel = {.type = SDL_MOUSEWHEEL, .y = -1}};
    SDL_PushEvent(&wheel);
    screen_process_events(screen);
    g_assert_cmpint(((StoreCheckinRow *)o->log->pdata[0])->id, <, newest);
    g_assert_cmpuint(o->pages->len, ==, 2);
    finger_event(SDL_FINGERDOWN, W / 2, H / 4 + 40); /* drag down: newer */
    finger_event(SDL_FINGERUP, W / 2, H * 3 / 4);
    g_assert_cmpuint(o->pages->len, ==, 1);
    g_assert_cmpint(((StoreCheckinRow *)o->log->pdata[0])->id, ==, newest);
    finger_event(SDL_FINGERDOWN, W / 2, H * 3 / 4); /* drag up: older */
    finger_event(SDL_FINGERUP, W / 2, H / 4 - 40);
    g_assert_cmpuint(o->pages->len, ==, 2);
    touch("newer");
    g_assert_cmpint(((StoreCheckinRow *)o->log->pdata[0])->id, ==, newest);
    /* Search by part of a name, typed on the on-screen keyboard. */
    touch("search");
    wait_for_view("officer:log-search:", 1000);
    touch("kb:R");
    touch("kb:A");
    touch("kb:Z");
    wait_for_view("officer:log-search:RAZ", 1000);
    touch("kb:done");
    wait_for_view("officer:log", 1000);
    g_assert_cmpuint(o->log->len, ==, 2);
    for (guint i = 0; i < o->log->len; i++)
        g_assert_cmpstr(((StoreCheckinRow *)o->log->pdata[i])->case_number, ==, "LHR-0101");
    touch("back");
    wait_for_view("officer:menu", 1000);
}

static void test_export_to_folder(void)
{
    touch("menu:export");
    wait_for_view("officer:export", 1000);
    touch("export:today");
    const char *said = officer_screen_get_result(officer());
    g_assert_nonnull(said);
    g_assert_true(g_str_has_prefix(said, "12 check-ins written to "));
    const char *csv_path = said + strlen("12 check-ins written to ");
    g_assert_true(g_str_has_prefix(csv_path, stick));
    g_autofree char *csv = NULL, *manifest = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(csv_path, &csv, &len, NULL));
    g_autofree char *manifest_path = g_strconcat(csv_path, ".sha256", NULL);
    g_assert_true(g_file_get_contents(manifest_path, &manifest, NULL, NULL));
    g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)csv, len);
    g_autofree char *base = g_path_get_basename(csv_path);
    g_autofree char *want = g_strdup_printf("%s  %s\n", sum, base);
    g_assert_cmpstr(manifest, ==, want);
    g_assert_cmpint(count_audit("checkins.export", NULL, NULL), ==, 1);
    /* Last month (the monthly report): its first to its last day, and none of today's check-ins.
     * The clock says 15 January 2027 (main), so that is December of the year before. */
    touch("export:last-month");
    const char *range = "2026-12-01..2026-12-31";
    g_assert_true(g_str_has_prefix(officer_screen_get_result(officer()), "0 check-ins written to "));
    g_assert_cmpint(count_audit("checkins.export", NULL, NULL), ==, 2);
    g_autofree char *like = g_strdup_printf("%s, 0 rows%%", range);
    g_assert_cmpint(count_audit("checkins.export", NULL, like), ==, 1);
    touch("back");
    wait_for_view("officer:menu", 1000);
}

static void queue_finger(int finger)
{
    g_autofree char *check = tu_fvc(finger, 6); /* the duplicate check's touch */
    tu_hand_queue(check);
    for (int i = 1; i <= 5; i++) {
        g_autofree char *png = tu_fvc(finger, i);
        tu_hand_queue(png);
    }
}

static void test_enroll_then_recognised(void)
{
    touch("menu:enroll");
    wait_for_view("officer:enroll-form", 1000);
    touch("field:case");
    type("lhr-0150\n");
    touch("field:name");
    type("bilal hussain\n");
    wait_for_view("officer:enroll-form", 1000);
    g_assert_cmpstr(officer()->name_en, ==, "Bilal Hussain");
    touch("capture");
    wait_for_view("officer:enroll-progress", 1000);
    /* The check-in machine's scan was cancelled a moment ago; the officer reads the prompt before
     * touching, and so does the hand here. */
    tu_run_for(500);
    queue_finger(105); /* right index, as offered */
    queue_finger(106); /* left index */
    wait_for_view("officer:enroll-done", 120000);
    StoreProbationer p = {0};
    g_assert_true(store_find_probationer(store, "LHR-0150", &p, NULL));
    g_assert_cmpstr(p.name_en, ==, "Bilal Hussain");
    g_assert_cmpint(p.finger_count, ==, 2);
    store_probationer_clear(&p);
    g_assert_cmpint(count_audit("probationer.add", "LHR-0150", NULL), ==, 1);
    g_assert_cmpint(count_audit("finger.enroll", "LHR-0150", NULL), ==, 2);
    /* Log out: check-ins resume, and the new finger is known at once. */
    touch("ok");
    touch("back");
    touch("logout");
    wait_for_view("machine:waiting", 10000);
    g_assert_false(checkin_is_paused(machine));
    g_assert_cmpint(count_audit("officer.logout", "imran", NULL), ==, 2); /* the settings test logged out once */
    g_autofree char *png = tu_fvc(105, 7);
    tu_hand_queue(png);
    wait_for_view("machine:recorded", 20000);
    g_assert_cmpstr(last_case, ==, "LHR-0150");
}

/* An existing probationer: a finger taken again replaces the old print; deactivating is audited. */
static void test_reenroll_and_deactivate(void)
{
    open_with_f12();
    touch("menu:enroll");
    touch("field:case");
    type("lhr-0150\n");
    wait_for_view("officer:enroll-form", 1000);
    g_assert_true(officer()->found);
    touch("finger:left-index"); /* the right index only */
    touch("capture");
    wait_for_view("officer:enroll-progress", 1000);
    tu_run_for(500);
    queue_finger(105);
    wait_for_view("officer:enroll-done", 120000);
    g_assert_cmpint(count_audit("finger.re-enroll", "LHR-0150", "right-index"), ==, 1);
    StoreProbationer p = {0};
    g_assert_true(store_find_probationer(store, "LHR-0150", &p, NULL));
    g_assert_cmpint(p.finger_count, ==, 2);
    store_probationer_clear(&p);
    touch("ok");
    wait_for_view("officer:enroll-form", 1000);
    touch("field:case");
    type("lhr-0102\n");
    touch("deactivate");
    g_assert_true(store_find_probationer(store, "LHR-0102", &p, NULL));
    g_assert_false(p.active);
    store_probationer_clear(&p);
    g_assert_cmpint(count_audit("probationer.deactivate", "LHR-0102", NULL), ==, 1);
    touch("activate");
    g_assert_true(store_find_probationer(store, "LHR-0102", &p, NULL));
    g_assert_true(p.active);
    store_probationer_clear(&p);
    touch("back");
    touch("logout");
}

static void test_duplicate_finger_refused(void)
{
    open_with_f12();
    touch("menu:enroll");
    touch("field:case");
    type("lhr-0151\n");
    touch("field:name");
    type("someone else\n");
    touch("finger:left-index"); /* one finger: the right index only */
    touch("capture");
    tu_run_for(500);
    g_autofree char *ali = tu_fvc(101, 6); /* Ali Raza's enrolled finger */
    tu_hand_queue(ali);
    wait_for_view("officer:enroll-duplicate", 60000);
    g_assert_nonnull(strstr(officer_screen_get_result(officer()), "LHR-0101"));
    g_assert_cmpint(count_audit("finger.enroll-refused", "LHR-0151", NULL), ==, 1);
    StoreProbationer p = {0};
    g_assert_false(store_find_probationer(store, "LHR-0151", &p, NULL)); /* nobody half-created */
}

/* ---- a photo from the USB stick ---- */

/* A screenshot named after what it shows and the officer's language ("officer-photo-preview-ur.png"). */
static void shot(const char *what)
{
    g_autofree char *file = g_strdup_printf("officer-photo-%s-%s.png", what, officer()->lang == LANG_UR ? "ur" : "en");
    const char *dir = g_getenv("HAAZRI_SCREENSHOTS");
    if (dir)
        g_mkdir_with_parents(dir, 0755);
    g_autofree char *path = g_build_filename(dir ? dir : tu_tmpdir(), file, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_true(screen_save_png(screen, path, &error));
    g_test_message("screenshot: %s", path);
}

/* A file on the stick, `age` minutes old (the list shows the newest first). */
static void put_on_stick(const char *name, const void *data, gsize len, int age)
{
    g_autofree char *path = g_build_filename(stick, name, NULL);
    g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
    struct utimbuf t = {.actime = 1700000000 - age * 60, .modtime = 1700000000 - age * 60};
    g_assert_cmpint(utime(path, &t), ==, 0);
}

static void touch_file(const char *name)
{
    GPtrArray *files = officer()->photo_files;
    g_assert_nonnull(files);
    for (guint i = 0; i < files->len; i++)
        if (strcmp(((PhotoFile *)files->pdata[i])->name, name) == 0) {
            g_autofree char *what = g_strdup_printf("photo:file:%u", i);
            touch(what);
            return;
        }
    g_error("%s is not listed", name);
}

static void test_photo_from_stick(void)
{
    open_with_f12();
    touch("menu:enroll");
    touch("field:case");
    type("lhr-0150\n");
    wait_for_view("officer:enroll-form", 1000);
    touch("photo");
    wait_for_view("officer:photo", 1000);
    /* Only the exports' CSVs on the stick so far. */
    g_assert_cmpint(officer()->photo_note, ==, STR_OFF_PHOTO_NO_IMAGES);
    /* The stick pulled out. */
    g_autofree char *away = g_strconcat(stick, ".away", NULL);
    g_assert_cmpint(g_rename(stick, away), ==, 0);
    touch("photo:stick");
    g_assert_cmpint(officer()->photo_note, ==, STR_OFF_NO_STICK);
    g_assert_cmpint(g_rename(away, stick), ==, 0);

    g_autofree char *portrait_path = tu_data("photos/portrait.jpg");
    g_autofree char *portrait = NULL;
    gsize portrait_len = 0;
    g_assert_true(g_file_get_contents(portrait_path, &portrait, &portrait_len, NULL));
    put_on_stick("bilal.JPG", portrait, portrait_len, 0);
    put_on_stick("._bilal.JPG", "mac", 3, 0); /* a Mac's shadow file: not a photo, not listed */
    put_on_stick("cut.jpg", portrait, portrait_len / 2, 1);
    put_on_stick("notes.png", "not a picture", 13, 2);
    g_autofree char *big = g_malloc0(PHOTO_MAX_BYTES + 10 * 1024);
    memcpy(big, portrait, 4);
    put_on_stick("scan.jpeg", big, PHOTO_MAX_BYTES + 10 * 1024, 3);
    /* Too wide: a PNG written by the kiosk's own PNG code. */
    SDL_Surface *wide = SDL_CreateRGBSurfaceWithFormat(0, 1100, 40, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_FillRect(wide, NULL, SDL_MapRGB(wide->format, 200, 30, 30));
    g_autofree char *wide_path = g_build_filename(stick, "banner.png", NULL);
    g_assert_true(image_save_png(wide, wide_path, NULL));
    SDL_FreeSurface(wide);
    struct utimbuf t = {.actime = 1700000000 - 240, .modtime = 1700000000 - 240};
    g_assert_cmpint(utime(wide_path, &t), ==, 0);

    touch("photo:stick");
    GPtrArray *files = officer()->photo_files;
    g_assert_cmpuint(files->len, ==, 5);
    g_assert_cmpstr(((PhotoFile *)files->pdata[0])->name, ==, "bilal.JPG"); /* the newest first */
    g_assert_cmpint(officer()->photo_note, ==, STR_OFF_PHOTO_CHOOSE);
    static const struct {
        const char *file;
        StringId said;
    } refused[] = {
        {"scan.jpeg", STR_OFF_PHOTO_TOO_BIG},
        {"notes.png", STR_OFF_PHOTO_NOT_IMAGE},
        {"cut.jpg", STR_OFF_PHOTO_UNREADABLE},
        {"banner.png", STR_OFF_PHOTO_TOO_WIDE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        touch_file(refused[i].file);
        wait_for_view("officer:photo", 1000); /* nothing offered to keep */
        g_assert_cmpint(officer()->photo_note, ==, refused[i].said);
        g_assert_nonnull(strstr(officer_screen_get_result(officer()), refused[i].file));
    }
    touch("language");
    shot("refused");
    touch("language");
    shot("refused");
    g_assert_cmpint(count_audit("probationer.photo", NULL, NULL), ==, 0);

    touch_file("bilal.JPG");
    wait_for_view("officer:photo-preview", 1000);
    g_assert_nonnull(officer()->photo_preview);
    shot("preview");
    touch("language");
    shot("preview");
    touch("photo:save");
    g_assert_cmpint(officer()->photo_note, ==, STR_OFF_PHOTO_SAVED);
    shot("kept");
    touch("language");
    StoreProbationer p = {0};
    g_assert_true(store_find_probationer(store, "LHR-0150", &p, NULL));
    g_autoptr(GBytes) kept = store_get_photo(store, p.id, NULL);
    store_probationer_clear(&p);
    g_assert_nonnull(kept);
    g_assert_cmpmem(g_bytes_get_data(kept, NULL), g_bytes_get_size(kept), portrait, portrait_len);
    g_autofree char *detail = g_strdup_printf("%zu bytes from the USB stick", portrait_len);
    g_assert_cmpint(count_audit("probationer.photo", "LHR-0150", detail), ==, 1);
    touch("back");
    wait_for_view("officer:enroll-form", 1000);
    g_assert_true(officer()->found);
    touch("back");
    touch("logout");
}

static void test_idle_gives_kiosk_back(void)
{
    g_autofree char *view = screen_describe(screen);
    g_assert_true(g_str_has_prefix(view, "officer:"));
    /* Untouched for idle_seconds (15 here): logged out, and the check-in screen by itself. */
    wait_for_view("machine:waiting", 15000 + 10000);
    g_assert_false(checkin_is_paused(machine));
    g_assert_cmpint(count_audit("officer.logout", "imran", NULL), ==, 5);
}

/* [officer] in haazri.conf: the shipped file gives the defaults; a bad value is one sentence. */
static void test_config(void)
{
    g_autofree char *shipped = tu_data("../../config/haazri.conf");
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_assert_true(g_key_file_load_from_file(kf, shipped, G_KEY_FILE_NONE, NULL));
    g_auto(OfficerScreenConfig) c;
    officer_screen_config_init(&c);
    g_autoptr(GError) error = NULL;
    g_assert_true(officer_screen_config_load(kf, shipped, &c, &error));
    g_assert_cmpint(c.idle_s, ==, 120);
    g_assert_cmpstr(c.export_dir, ==, "");
    g_assert_true(g_key_file_load_from_data(kf, "[officer]\nidle_seconds = 2 minutes\n", -1, G_KEY_FILE_NONE, NULL));
    g_assert_false(officer_screen_config_load(kf, "haazri.conf", &c, &error));
    g_assert_cmpstr(error->message, ==, "haazri.conf: [officer] idle_seconds = \"2 minutes\" is not valid: expected a "
                                        "whole number from 15 to 3600");
    g_clear_error(&error);
    g_assert_true(g_key_file_load_from_data(kf, "[officer]\nexport_dir = usb\n", -1, G_KEY_FILE_NONE, NULL));
    g_assert_false(officer_screen_config_load(kf, "haazri.conf", &c, &error));
    g_assert_nonnull(strstr(error->message, "[officer] export_dir = \"usb\" is not valid"));
    g_clear_error(&error);
    g_assert_cmpstr(c.camera, ==, "auto");
    g_assert_true(g_key_file_load_from_data(kf, "[officer]\ncamera = video0\n", -1, G_KEY_FILE_NONE, NULL));
    g_assert_false(officer_screen_config_load(kf, "haazri.conf", &c, &error));
    g_assert_cmpstr(error->message, ==, "haazri.conf: [officer] camera = \"video0\" is not valid: expected auto, none or "
                                        "a device such as /dev/video0");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    officer_kiosk_start();

    g_test_add_func("/officer-screen/config", test_config);
    g_test_add_func("/officer-screen/long-press-opens-pin", test_long_press_opens_pin);
    g_test_add_func("/officer-screen/wrong-pins-lock", test_wrong_pins_lock);
    g_test_add_func("/officer-screen/officer-finger", test_officer_finger);
    g_test_add_func("/officer-screen/right-pin-opens-menu", test_right_pin_opens_menu);
    g_test_add_func("/officer-screen/device-settings", test_device_settings);
    g_test_add_func("/officer-screen/log-search-and-pages", test_log_search_and_pages);
    g_test_add_func("/officer-screen/export-to-folder", test_export_to_folder);
    g_test_add_func("/officer-screen/enroll-then-recognised", test_enroll_then_recognised);
    g_test_add_func("/officer-screen/reenroll-and-deactivate", test_reenroll_and_deactivate);
    g_test_add_func("/officer-screen/photo-from-stick", test_photo_from_stick);
    g_test_add_func("/officer-screen/duplicate-finger-refused", test_duplicate_finger_refused);
    g_test_add_func("/officer-screen/idle-gives-kiosk-back", test_idle_gives_kiosk_back);
    int rc = g_test_run();
    officer_kiosk_stop();
    return rc;
}
