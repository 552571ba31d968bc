/* writer — one boot of the kiosk's data path between two power cuts: check-ins recorded as the
 * check-in machine records them (store_record_checkin, then the sync poked), enrollments saved as
 * the officer screens save them (enroll_save), roster pages applied as the sync applies them
 * (store_apply_roster), officers' audit rows, and the real sync pushing to the real receiver on
 * 127.0.0.1 all along, on one main loop as in the kiosk. Each thing is confirmed on the "screen"
 * only after the call that made it durable returned (powercut.h). */
#include <fcntl.h>
#include <fprint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/config.h"
#include "app/enroll.h"
#include "app/store/store-private.h" /* the storm's own check: a store that does not wait for the disk */
#include "app/store/store-roster.h"
#include "app/store/store-sync.h"
#include "sync/sync.h"
#include "tests/powercut/powercut.h"

typedef struct {
    Config *config;
    Store *store;
    Sync *sync;
    int screen;
    GRand *rand;
    int session;
    guint made;          /* enrollments, roster people and notes made in this boot */
    GArray *people;      /* gint64 probationer ids to check in */
    FpPrint *print;      /* a real print, enrolled for every new person */
    GBytes *print_blob;
    GMainLoop *loop;
    int status;
} Writer;

static void show(Writer *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void show(Writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* One write(2) per line: a kill leaves whole lines behind. */
    if (write(w->screen, line, strlen(line)) != (ssize_t)strlen(line))
        g_printerr("writer: could not write the screen file\n");
}

static void stop(Writer *w, const char *doing, const GError *error)
{
    g_printerr("writer %d: %s failed: %s\n", w->session, doing, error ? error->message : "?");
    w->status = 3;
    g_main_loop_quit(w->loop);
}

static void do_checkin(Writer *w)
{
    gint64 who = 0;
    if (w->people->len && g_rand_int_range(w->rand, 0, 10) > 0)
        who = g_array_index(w->people, gint64, g_rand_int_range(w->rand, 0, (gint32)w->people->len));
    StoreCheckin c = {.probationer_id = who, .method = CHECKIN_BY_FINGER, .score = -1,
                      .device_id = w->config->device_id, .duplicate_window_min = 1};
    g_autoptr(GError) error = NULL;
    if (!store_record_checkin(w->store, &c, &error))
        return stop(w, "a check-in", error);
    show(w, "C %s %s\n", c.uuid, store_checkin_result_name(c.result));
    sync_poke(w->sync);
}

static void do_enroll(Writer *w)
{
    g_autofree char *kase = g_strdup_printf("E-%d-%u", w->session, ++w->made);
    EnrollPerson person = {.case_number = kase, .name_en = "Enrolled Person", .name_ur = "اندراج", .office = "Lahore"};
    char *fingers[] = {"right-index", NULL};
    g_autoptr(GPtrArray) prints = g_ptr_array_new();
    g_ptr_array_add(prints, w->print);
    g_autoptr(GError) error = NULL;
    gint64 id = enroll_save(w->store, 0, &person, fingers, prints, "virtual_image", "officer1", &error);
    if (!id)
        return stop(w, "an enrollment", error);
    g_array_append_val(w->people, id);
    show(w, "E %s\n", kase);
}

static void do_roster_page(Writer *w)
{
    g_autoptr(StoreRoster) page = store_roster_new();
    page->office = g_strdup("Lahore");
    page->cursor = store_get_roster_cursor(w->store); /* the centre's cursor stays the sync's */
    StoreRosterPerson *p = g_new0(StoreRosterPerson, 1);
    p->case_number = g_strdup_printf("R-%d-%u", w->session, ++w->made);
    p->name_en = g_strdup("Roster Person");
    p->name_ur = g_strdup("فہرست");
    p->office = g_strdup("Lahore");
    p->active = TRUE;
    p->fingers = g_ptr_array_new_with_free_func((GDestroyNotify)store_roster_finger_free);
    StoreRosterFinger *f = g_new0(StoreRosterFinger, 1);
    f->finger = g_strdup("left-index");
    f->driver = g_strdup("virtual_image");
    f->print = g_bytes_ref(w->print_blob);
    g_ptr_array_add(p->fingers, f);
    p->has_schedule = TRUE;
    p->schedule = g_new0(StoreRosterSchedule, 1);
    p->schedule->rule = g_strdup("weekly:tue");
    p->schedule->starts = g_strdup("2026-01-06");
    p->schedule->due_by = g_strdup("12:00");
    g_ptr_array_add(page->people, p);
    StoreRosterStats stats = {0};
    g_autoptr(GError) error = NULL;
    if (!store_apply_roster(w->store, page, "Lahore", &stats, &error))
        return stop(w, "a roster page", error);
    show(w, "R %s\n", p->case_number);
}

static void do_note(Writer *w)
{
    g_autofree char *detail = g_strdup_printf("N-%d-%u", w->session, ++w->made);
    g_autoptr(GError) error = NULL;
    if (!store_audit(w->store, "officer1", "powercut.note", "storm", detail, &error))
        return stop(w, "an audit row", error);
    show(w, "A %s\n", detail);
}

/* One thing at a time, as people arrive: mostly check-ins. */
static gboolean tick(gpointer data)
{
    Writer *w = data;
    int r = g_rand_int_range(w->rand, 0, 100);
    if (r < 76)
        do_checkin(w);
    else if (r < 82)
        do_enroll(w);
    else if (r < 88)
        do_roster_page(w);
    else
        do_note(w);
    return G_SOURCE_CONTINUE;
}

static void on_drained(const GError *error, gpointer data)
{
    Writer *w = data;
    if (error)
        g_printerr("writer: sync: %s (trying again)\n", error->message);
    StoreOutboxCounts counts = {0};
    g_autoptr(GError) local = NULL;
    if (!store_outbox_count(w->store, &counts, &local))
        return stop(w, "counting the outbox", local);
    if (!error && counts.pending == 0 && store_audit_count_unsent(w->store) == 0 &&
        store_enrollments_count_unsent(w->store) == 0) {
        g_main_loop_quit(w->loop);
        return;
    }
    g_usleep(50000);
    sync_run_once(w->sync, on_drained, w);
}

static gboolean load_people(Writer *w, GError **error)
{
    g_autoptr(GPtrArray) all = store_list_probationers(w->store, error);
    if (!all)
        return FALSE;
    for (guint i = 0; i < all->len; i++) {
        StoreProbationer *p = g_ptr_array_index(all, i);
        if (p->active)
            g_array_append_val(w->people, p->id);
    }
    return TRUE;
}

int powercut_writer(const char *conf, const char *screen, const char *print_file, int session, gboolean drain)
{
    Writer w = {.session = session, .rand = g_rand_new_with_seed((guint32)session * 2654435761u),
                .people = g_array_new(FALSE, FALSE, sizeof(gint64)), .loop = g_main_loop_new(NULL, FALSE)};
    g_autoptr(GError) error = NULL;
    g_autofree char *blob = NULL;
    gsize blob_len = 0;
    g_autofree char *db = NULL;
    g_auto(SyncConfig) sc;
    g_auto(SyncCredentials) creds = {0};
    sync_config_init(&sc);
    w.screen = open(screen, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (w.screen < 0 || !g_file_get_contents(print_file, &blob, &blob_len, &error)) {
        g_printerr("writer: cannot open %s or %s\n", screen, print_file);
        return 2;
    }
    w.print_blob = g_bytes_new(blob, blob_len);
    w.print = fp_print_deserialize((const guchar *)blob, blob_len, &error);
    /* A kiosk's boot: the configuration, the database (recovered by SQLite if the power went),
     * the credentials from provisioning and the sync. */
    if (!w.print || !(w.config = config_load(conf, &error)) || !(db = config_get_db_path(w.config)) ||
        !(w.store = store_open(db, &error)) || !sync_config_load(w.config->keyfile, conf, &sc, &error) ||
        !sync_credentials_load(w.config->data_dir, &creds, &error) ||
        !(w.sync = sync_new(&sc, &creds, w.store, &error)) || !load_people(&w, &error)) {
        g_printerr("writer %d: the kiosk could not start: %s\n", session, error ? error->message : "?");
        return 4;
    }
    /* The storm's check on itself (--unsafe-sync): commits that return before the WAL is fsync'd
     * must be caught as losses. */
    if (g_getenv("HAAZRI_POWERCUT_UNSAFE"))
        sqlite3_exec(w.store->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
    /* Booted: tell the storm (a closed pipe when nobody listens). */
    if (!drain && write(STDOUT_FILENO, "r", 1) < 0)
        g_debug("nobody waits for the boot");
    if (drain) {
        sync_run_once(w.sync, on_drained, &w);
    } else {
        sync_start(w.sync);
        g_idle_add(tick, &w);
    }
    g_main_loop_run(w.loop);
    sync_free(w.sync);
    store_close(w.store);
    config_free(w.config);
    g_object_unref(w.print);
    g_bytes_unref(w.print_blob);
    g_array_unref(w.people);
    g_rand_free(w.rand);
    g_main_loop_unref(w.loop);
    close(w.screen);
    return w.status;
}
