/* test-engine-startup — what a kiosk's start-up builds and reads back. Building every finger's
 * pre-filter pairs was most of the start-up: the pairs' directions and lengths now come from tables,
 * and each finger's index is saved beside its print (sealed) and read back at the next start. Both
 * must change nothing about who is found: the tables are checked entry by entry against libm, and a
 * gallery loaded from saved indexes must search exactly like one that built them — while an index
 * that is not this print's, or not this version's, is never used. */
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "app/engine/engine-private.h"
#include "app/search.h"
#include "tests/bench-common.h"

#define MAX_D 220

static EngineTemplate *scan[10][8]; /* fingers 101..110, impressions 1..8 */
static GBytes *enrolled[10];        /* impressions 1-5 as libfprint serializes an enrollment */

/* The edge rule as first written (engine-pairs.c keeps it, in integers): a minutia is at the print's
 * edge when within 4 px of a segment of the convex hull, measured in doubles. */
static gboolean near_a_segment(const EngineMinutia *hull, guint k, const EngineMinutia *p)
{
    for (guint e = 0; e + 1 < k; e++) {
        double ax = hull[e].x, ay = hull[e].y, dx = hull[e + 1].x - ax, dy = hull[e + 1].y - ay;
        double len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? ((p->x - ax) * dx + (p->y - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        double ex = ax + t * dx - p->x, ey = ay + t * dy - p->y;
        if (ex * ex + ey * ey <= 16)
            return TRUE;
    }
    return FALSE;
}

/* Which minutiae are at the edge decides the matcher's pairs and which of a dense print's minutiae
 * its saved index chose: a faster rule must mark exactly the same ones, or a kiosk's saved indexes
 * would no longer be what a start-up builds. Random prints, some on a coarse grid and some in a
 * few pixels, so that minutiae lie exactly 4 px from an edge of the hull and on it. */
static void test_edge_is_distance_to_the_hull(void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(21);
    guint prints = 0, wrong = 0, at_edge = 0, inside = 0;
    static EnginePair all[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS * 2];
    static EnginePair kept[ENGINE_MAX_MINUTIAE * ENGINE_NEIGHBOURS * 2];
    for (; prints < 20000; prints++) {
        EngineMinutia m[ENGINE_MAX_MINUTIAE], hull[ENGINE_MAX_MINUTIAE + 1];
        guint n = (guint)g_rand_int_range(rand, 3, ENGINE_MAX_MINUTIAE + 1);
        int w = g_rand_int_range(rand, 8, 500), h = g_rand_int_range(rand, 8, 500);
        int step = g_rand_int_range(rand, 1, 6);
        for (guint i = 0; i < n; i++) {
            m[i].x = (gint16)(g_rand_int_range(rand, 0, w) / step * step);
            m[i].y = (gint16)(g_rand_int_range(rand, 0, h) / step * step);
            m[i].t = (guint8)g_rand_int_range(rand, 0, 256);
            m[i].pad = 0;
        }
        guint k = engine_hull(m, n, hull);
        gboolean edge[ENGINE_MAX_MINUTIAE];
        for (guint i = 0; i < n; i++) {
            edge[i] = near_a_segment(hull, k, &m[i]);
            at_edge += edge[i];
            inside += !edge[i];
        }
        guint na = engine_pairs_build(m, n, ENGINE_NEIGHBOURS, FALSE, all), want = 0;
        for (guint p = 0; p < na; p++)
            if (!edge[all[p].i] || !edge[all[p].j])
                all[want++] = all[p];
        guint got = engine_pairs_build_for_match(m, n, FALSE, kept);
        if ((got != want || memcmp(all, kept, want * sizeof all[0]) != 0) && wrong++ < 3)
            g_printerr("print %u (%u minutiae): %u pairs kept, %u by the rule\n", prints, n, got, want);
    }
    g_assert_cmpuint(wrong, ==, 0);
    g_assert_cmpuint(at_edge, >, 0);
    g_assert_cmpuint(inside, >, 0);
}

static void test_angles_are_libm_atan2(void)
{
    guint wrong = 0;
    for (int dy = -MAX_D; dy <= MAX_D; dy++)
        for (int dx = -MAX_D; dx <= MAX_D; dx++) {
            if (dx == 0 && dy == 0)
                continue;
            double a = atan2((double)dy, (double)dx);
            guint8 want = (guint8)(lround(a * (ENGINE_ANGLE_UNITS / (2 * G_PI))) & 0xff);
            if (engine_pair_angle(dx, dy) != want && wrong++ < 5)
                g_printerr("angle of (%d, %d): table %u, atan2 %u\n", dx, dy, engine_pair_angle(dx, dy), want);
        }
    g_assert_cmpuint(wrong, ==, 0);
    /* And the four directions a person would check by hand. */
    g_assert_cmpuint(engine_pair_angle(10, 0), ==, 0);
    g_assert_cmpuint(engine_pair_angle(0, 10), ==, 64);
    g_assert_cmpuint(engine_pair_angle(-10, 0), ==, 128);
    g_assert_cmpuint(engine_pair_angle(0, -10), ==, 192);
}

static void test_lengths_are_libm_sqrt(void)
{
    guint wrong = 0;
    for (int dy = -MAX_D; dy <= MAX_D; dy++)
        for (int dx = -MAX_D; dx <= MAX_D; dx++) {
            long d = lround(sqrt((double)(dx * dx + dy * dy)));
            wrong += engine_pair_length(dx, dy) != (d <= MAX_D ? (guint)d : 0);
        }
    g_assert_cmpuint(wrong, ==, 0);
    g_assert_cmpuint(engine_pair_length(3, 4), ==, 5);
    g_assert_cmpuint(engine_pair_length(-156, 156), ==, 0); /* 220.6 rounds to 221: too long for a pair */
}

/* Loads the ten fingers in one call, each with the saved index given (or none); `indexed` gets
 * which ones the engine had to build. */
static Engine *load(GBytes *const *index, gboolean *indexed)
{
    Engine *e = engine_new(2);
    EngineLoadItem items[10];
    for (int f = 0; f < 10; f++)
        items[f] = (EngineLoadItem){.finger_id = 1000 + f, .probationer_id = 101 + f, .print = enrolled[f],
                                    .index = index ? index[f] : NULL};
    g_assert_cmpuint(engine_add_prints(e, items, 10), ==, 10);
    for (int f = 0; f < 10; f++)
        indexed[f] = items[f].indexed;
    return e;
}

/* Every probe (impressions 6-8 of every finger) gets the same answer from both galleries. */
static void assert_same_answers(Engine *a, Engine *b)
{
    for (int f = 0; f < 10; f++)
        for (int i = 5; i < 8; i++) {
            EngineResult ra, rb;
            engine_search(a, scan[f][i], &ra);
            engine_search(b, scan[f][i], &rb);
            g_assert_cmpint(ra.finger_id, ==, rb.finger_id);
            g_assert_cmpint(ra.match, ==, rb.match);
            g_assert_cmpfloat(ra.score, ==, rb.score);
            g_assert_cmpfloat(ra.runner_up_score, ==, rb.runner_up_score);
        }
}

static void test_saved_index_is_used(void)
{
    gboolean indexed[10];
    g_autoptr(Engine) built = load(NULL, indexed);
    GBytes *index[10];
    for (int f = 0; f < 10; f++) {
        g_assert_true(indexed[f]); /* nothing saved yet: built */
        index[f] = engine_get_index(built, 1000 + f);
        g_assert_nonnull(index[f]);
    }
    g_assert_null(engine_get_index(built, 4242));
    g_autoptr(Engine) read = load(index, indexed);
    for (int f = 0; f < 10; f++) {
        g_assert_false(indexed[f]); /* read back, not built */
        g_autoptr(GBytes) again = engine_get_index(read, 1000 + f);
        g_assert_true(g_bytes_equal(again, index[f]));
    }
    assert_same_answers(built, read);
    /* The gallery found its people at all (same answers could be the same wrong ones). */
    EngineResult r;
    engine_search(read, scan[6][7], &r);
    g_assert_true(r.match);
    g_assert_cmpint(r.probationer_id, ==, 107);
    for (int f = 0; f < 10; f++)
        g_bytes_unref(index[f]);
}

/* A copy of `b` with byte `at` replaced (or cut short there when `cut`). */
static GBytes *altered(GBytes *b, gsize at, guint8 value, gboolean cut)
{
    GByteArray *copy = g_bytes_unref_to_array(g_bytes_ref(b));
    g_assert_cmpuint(at, <, copy->len);
    if (cut)
        g_byte_array_set_size(copy, (guint)at);
    else
        copy->data[at] = value;
    return g_byte_array_free_to_bytes(copy);
}

static void test_stale_index_is_rebuilt(void)
{
    gboolean indexed[10];
    g_autoptr(Engine) built = load(NULL, indexed);
    GBytes *good[10], *index[10];
    for (int f = 0; f < 10; f++)
        good[f] = index[f] = engine_get_index(built, 1000 + f);
    index[0] = g_bytes_ref(good[1]);                     /* another finger's print */
    index[2] = altered(good[2], g_bytes_get_size(good[2]) - 5, 0, TRUE); /* cut short */
    index[3] = altered(good[3], 17 + 4 * 5 + 1, 0xff, FALSE); /* first pair's cell: none such */
    index[4] = altered(good[4], 7, 0x7f, FALSE);          /* saved by another engine version */
    index[5] = g_bytes_new_static("junk", 4);
    index[6] = altered(good[6], 17 + 3, 0xff, FALSE); /* more pairs between chosen minutiae than pairs */
    g_autoptr(Engine) read = load(index, indexed);
    for (int f = 0; f < 10; f++) {
        gboolean damaged = f == 0 || (f >= 2 && f <= 6);
        g_assert_cmpint(indexed[f], ==, damaged);
    }
    assert_same_answers(built, read);
    for (int f = 0; f < 10; f++) {
        if (index[f] != good[f])
            g_bytes_unref(index[f]);
        g_bytes_unref(good[f]);
    }
}

static guint saved_in(Store *store)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(StoreGalleryReader) reader = store_gallery_reader_new(store, &error);
    g_assert_no_error(error);
    g_autoptr(GArray) rows = store_gallery_reader_next(reader, G_MAXUINT, &error);
    g_assert_no_error(error);
    guint saved = 0;
    for (guint i = 0; i < rows->len; i++)
        saved += g_array_index(rows, StoreGalleryFinger, i).index != NULL;
    return saved;
}

/* A kiosk's database in the test folder with the first `n` bundled fingers enrolled, as the product
 * enrolls them; `path` gets where it is. */
static Store *store_with_fingers(const char *name, int n, char **path)
{
    *path = g_build_filename(tu_tmpdir(), name, NULL);
    g_autoptr(GError) error = NULL;
    Store *store = store_open(*path, &error);
    g_assert_no_error(error);
    for (int f = 0; f < n; f++) {
        gint64 pid = tu_add_probationer(store, 101 + f, "Test Person", "ٹیسٹ");
        g_assert_cmpint(store_add_finger(store, pid, "right-index", enrolled[f], "virtual_image", &error), >, 0);
    }
    return store;
}

/* The kiosk's path: the first start builds and saves every index, sealed; a re-enrolled finger's
 * index goes with its old print; the next start saves only what it had to build. */
static void test_store_keeps_the_index(void)
{
    g_autofree char *db = NULL;
    g_autoptr(Store) store = store_with_fingers("startup.db", 10, &db);
    g_autoptr(GError) error = NULL;
    g_assert_cmpuint(saved_in(store), ==, 0);
    gint64 version = store_get_gallery_version(store);
    {
        g_autoptr(Search) search = search_new("engine", &error);
        g_assert_true(search_load(search, store, NULL, &error));
        g_assert_cmpuint(search_get_size(search), ==, 10);
    }
    g_assert_cmpuint(saved_in(store), ==, 10);
    /* Saving a cache is not a change to who can be found. */
    g_assert_cmpint(store_get_gallery_version(store), ==, version);
    /* Sealed like the print: the file holds no index in the clear (its header is plain text). */
    g_autofree char *bytes = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(db, &bytes, &len, NULL));
    g_assert_null(memmem(bytes, len, "HZIX", 4));

    g_assert_true(store_replace_finger(store, 1, "right-index", enrolled[0], "virtual_image", &error));
    g_assert_no_error(error);
    g_assert_cmpuint(saved_in(store), ==, 9);
    {
        g_autoptr(Search) search = search_new("engine", &error);
        g_assert_true(search_load(search, store, NULL, &error));
        g_assert_cmpuint(search_get_size(search), ==, 10);
    }
    g_assert_cmpuint(saved_in(store), ==, 10);
    /* A new key re-seals the indexes with the prints: the next start still reads them. */
    guint rows = 0;
    g_assert_true(store_rotate_key(store, "test", &rows, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(saved_in(store), ==, 10);
    {
        g_autoptr(Search) search = search_new("engine", &error);
        g_assert_true(search_load(search, store, NULL, &error));
        g_assert_cmpuint(search_get_size(search), ==, 10);
    }
}

/* Eight bytes of finger `finger_id`'s sealed print, past the seal's header, overwritten behind the
 * store's back (a bad sector, a tampered copy). */
static void damage_print(const char *db, gint64 finger_id)
{
    sqlite3 *raw = NULL;
    g_assert_cmpint(sqlite3_open(db, &raw), ==, SQLITE_OK);
    g_autofree char *damage = g_strdup_printf("UPDATE fingers SET print = CAST(substr(print, 1, 40) || zeroblob(8) || "
                                              "substr(print, 49) AS BLOB) WHERE id = %" G_GINT64_FORMAT,
                                              finger_id);
    g_assert_cmpint(sqlite3_exec(raw, damage, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(raw);
}

/* A finger whose sealed print was changed behind the kiosk's back (a bad sector, a tampered copy):
 * that finger alone can't be searched, with a sentence saying why, and everyone else loads — a
 * kiosk that refused to start over one row would take no check-ins at all. */
static void test_tampered_print_is_left_out(void)
{
    g_autofree char *db = NULL;
    store_close(store_with_fingers("tampered.db", 3, &db));
    g_autoptr(GError) error = NULL;
    damage_print(db, 2); /* the middle finger's */
    g_autoptr(Store) store = store_open(db, &error);
    g_assert_no_error(error);
    g_autoptr(Search) search = search_new("engine", &error);
    g_test_expect_message(NULL, G_LOG_LEVEL_WARNING,
                          "search: enrolled finger 2 can't be searched: a sealed print does not open*");
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "search: index of 2 fingers built and saved*");
    guint skipped = 0;
    g_assert_true(search_load(search, store, &skipped, &error));
    g_test_assert_expected_messages();
    g_assert_no_error(error);
    g_assert_cmpuint(skipped, ==, 1);
    g_assert_cmpuint(search_get_size(search), ==, 2);
}

/* A start-up reads the gallery a part at a time (1,000 fingers) while the engine takes in the part
 * before: every finger of every part loads once, a damaged row in the middle part is the only one
 * left out, and the indexes built in every part are saved together for the next start. */
static void test_gallery_loads_in_parts(void)
{
    enum { FINGERS = 2500, DAMAGED = 1501 };
    g_autofree char *db = g_build_filename(tu_tmpdir(), "parts.db", NULL);
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(Store) store = store_open(db, &error);
        g_assert_no_error(error);
        g_assert_true(store_bulk_begin(store, &error));
        for (int f = 0; f < FINGERS; f++) {
            gint64 pid = tu_add_probationer(store, 1001 + f, "Test Person", NULL);
            g_assert_cmpint(store_add_finger(store, pid, "right-index", enrolled[f % 10], "virtual_image", &error), ==,
                            f + 1);
        }
        g_assert_true(store_bulk_commit(store, &error));
    }
    damage_print(db, DAMAGED);
    g_autoptr(Store) store = store_open(db, &error);
    g_assert_no_error(error);
    for (int start = 0; start < 2; start++) {
        g_autoptr(Search) search = search_new("engine", &error);
        g_test_expect_message(NULL, G_LOG_LEVEL_WARNING, "search: enrolled finger 1501 can't be searched: *");
        if (start == 0)
            g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "search: index of 2499 fingers built and saved*");
        guint skipped = 0;
        g_assert_true(search_load(search, store, &skipped, &error));
        g_test_assert_expected_messages();
        g_assert_no_error(error);
        g_assert_cmpuint(skipped, ==, 1);
        g_assert_cmpuint(search_get_size(search), ==, FINGERS - 1);
        g_assert_cmpuint(saved_in(store), ==, FINGERS - 1);
    }
}

/* Whom the gallery finds for each bundled finger's enrollment: the probationer, or 0 for nobody. */
static void who_is_found(Search *search, gint64 found[10])
{
    for (int f = 0; f < 10; f++) {
        SearchResult r;
        g_autoptr(GError) error = NULL;
        g_assert_true(search_find_duplicate(search, enrolled[f], &r, &error));
        found[f] = r.decision == SEARCH_MATCH ? r.probationer_id : 0;
    }
}

/* Another process (haazri-ctl, sync) enrolls someone, deactivates someone and re-enrolls someone's
 * finger while the kiosk runs: the kiosk's gallery poll re-reads those three people only, and then
 * finds exactly whom a fresh start-up would. A change to more people than one poll re-reads (a
 * roster from the centre) is taken in a page at each poll; a kiosk behind the changes the store
 * keeps reads the whole gallery again. */
static void test_changes_are_taken_in(void)
{
    g_autofree char *db = NULL;
    g_autoptr(Store) store = store_with_fingers("changes.db", 6, &db); /* fingers 101-106: people 1-6 */
    g_autoptr(GError) error = NULL;
    g_autoptr(Search) search = search_new("engine", &error);
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "search: index of 6 fingers built and saved*");
    g_assert_true(search_load(search, store, NULL, &error));

    g_autoptr(Store) other = store_open(db, &error);
    g_assert_no_error(error);
    gint64 newcomer = tu_add_probationer(other, 107, "Test Person", NULL);
    g_assert_cmpint(store_add_finger(other, newcomer, "right-index", enrolled[6], "virtual_image", &error), >, 0);
    g_assert_true(store_set_probationer_active(other, 2, FALSE, &error));
    g_assert_true(store_replace_finger(other, 3, "right-index", enrolled[7], "virtual_image", &error));
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "search: index of 2 fingers built and saved*");
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE,
                          "gallery updated: 3 people's fingers changed, 6 enrolled fingers");
    g_assert_true(search_reload_if_changed(search, store, &error));
    g_test_assert_expected_messages();
    g_assert_no_error(error);
    g_assert_false(search_reload_if_changed(search, store, &error)); /* nothing new since */
    gint64 found[10], fresh[10];
    who_is_found(search, found);
    const gint64 expected[10] = {1, 0, 0, 4, 5, 6, newcomer, 3, 0, 0}; /* 108's print is person 3's now */
    for (int f = 0; f < 10; f++)
        g_assert_cmpint(found[f], ==, expected[f]);
    {
        g_autoptr(Search) restarted = search_new("engine", &error);
        g_assert_true(search_load(restarted, store, NULL, &error));
        who_is_found(restarted, fresh);
        g_assert_cmpmem(fresh, sizeof fresh, found, sizeof found);
    }

    enum { MANY = 201 };
    g_assert_true(store_bulk_begin(other, &error));
    for (int i = 0; i < MANY; i++) {
        gint64 pid = tu_add_probationer(other, 1001 + i, "Test Person", NULL);
        g_assert_cmpint(store_add_finger(other, pid, "right-index", enrolled[8 + i % 2], "virtual_image", &error), >, 0);
    }
    g_assert_true(store_bulk_commit(other, &error));
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "search: index of 200 fingers built and saved*");
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "gallery updated: 200 people's fingers changed, 206 enrolled fingers");
    g_assert_true(search_reload_if_changed(search, store, &error));
    g_test_assert_expected_messages();
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "search: index of 1 finger built and saved*");
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "gallery updated: 1 person's fingers changed, 207 enrolled fingers");
    g_assert_true(search_reload_if_changed(search, store, &error)); /* the next poll: the rest */
    g_test_assert_expected_messages();
    g_assert_false(search_reload_if_changed(search, store, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(search_get_size(search), ==, 6 + MANY);

    /* More changes than the store keeps since the kiosk last looked (person 4 deactivated and
     * activated 5,000 times, and left inactive): the whole gallery again. */
    g_assert_true(store_bulk_begin(other, &error));
    for (int i = 0; i < 10001; i++)
        g_assert_true(store_set_probationer_active(other, 4, i % 2 == 1, &error));
    g_assert_true(store_bulk_commit(other, &error));
    g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE, "gallery reloaded: 206 enrolled fingers");
    g_assert_true(search_reload_if_changed(search, store, &error));
    g_test_assert_expected_messages();
    g_assert_cmpuint(search_get_size(search), ==, 6 + MANY - 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine-startup/angles-are-libm-atan2", test_angles_are_libm_atan2);
    g_test_add_func("/engine-startup/lengths-are-libm-sqrt", test_lengths_are_libm_sqrt);
    g_test_add_func("/engine-startup/edge-is-distance-to-the-hull", test_edge_is_distance_to_the_hull);
    if (!g_test_subprocess()) {
        Scanner *scanner = tu_scanner_new(NULL, NULL);
        bench_scan_bundled(scanner, scan, enrolled);
        scanner_free(scanner);
    }
    g_test_add_func("/engine-startup/saved-index-is-used", test_saved_index_is_used);
    g_test_add_func("/engine-startup/stale-index-is-rebuilt", test_stale_index_is_rebuilt);
    g_test_add_func("/engine-startup/store-keeps-the-index", test_store_keeps_the_index);
    g_test_add_func("/engine-startup/tampered-print-is-left-out", test_tampered_print_is_left_out);
    g_test_add_func("/engine-startup/gallery-loads-in-parts", test_gallery_loads_in_parts);
    g_test_add_func("/engine-startup/changes-are-taken-in", test_changes_are_taken_in);
    int rc = g_test_run();
    for (int f = 0; f < 10; f++) {
        g_clear_pointer(&enrolled[f], g_bytes_unref);
        for (int i = 0; i < 8; i++)
            g_clear_pointer(&scan[f][i], engine_template_free);
    }
    return rc;
}
