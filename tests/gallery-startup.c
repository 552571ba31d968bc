/* gallery-startup — bench-gallery's start-up lines (gallery-startup.h). */
#include "tests/gallery-startup.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/search.h"

/* This process's `field` of /proc/self/status (VmRSS, VmHWM) in MB. */
static double own_memory_mb(const char *field)
{
    g_autofree char *status = NULL;
    g_assert_true(g_file_get_contents("/proc/self/status", &status, NULL, NULL));
    const char *p = strstr(status, field);
    long kb = 0;
    g_assert_true(p && sscanf(p + strlen(field) + 1, "%ld", &kb) == 1);
    return kb / 1024.0;
}

/* A file's size in MB (0 when there is none). */
static double file_mb(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size / (1024.0 * 1024.0) : 0;
}

/* A kiosk's start after a power cut reads its database from the disk: the database and its -wal
 * written out and dropped from the kernel's page cache (posix_fadvise; no root needed), so that the
 * next start reads them from the disk again. */
static void evict_from_page_cache(const char *path)
{
    const char *suffixes[] = {"", "-wal"};
    for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *file = g_strconcat(path, suffixes[i], NULL);
        int fd = open(file, O_RDONLY);
        if (fd < 0)
            continue;
        g_assert_cmpint(fdatasync(fd), ==, 0);
        g_assert_cmpint(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), ==, 0);
        close(fd);
    }
}

/* Freed memory handed back and the peak (VmHWM) set back to now (Linux: clear_refs 5), so that
 * what follows can be measured on its own: returns the memory held now (VmRSS, MB). */
static double peak_reset_mb(void)
{
    malloc_trim(0);
    FILE *peak = fopen("/proc/self/clear_refs", "w");
    g_assert_nonnull(peak);
    g_assert_true(fputs("5", peak) >= 0 && fclose(peak) == 0);
    return own_memory_mb("VmRSS:");
}

/* The running kiosk takes in a change made by another process (haazri-ctl, sync): one person
 * enrolled and one deactivated, among 20,000 fingers, picked up by the gallery poll. Timed as the
 * kiosk's main loop waits for it, with the most memory it held on top of the gallery. */
static void measure_update(EngineTemplate *const fingers[BENCH_FINGERS], GalleryPad pad, const char *path,
                           Store *store, Search *search, guint dense, const char *key)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) other = store_open(path, &error);
    g_assert_no_error(error);
    GRand *rng = g_rand_new_with_seed(22);
    EngineTemplate *t = pad(rng, fingers[0]);
    if (dense) {
        EngineTemplate *d = bench_template_densified(rng, t, dense);
        engine_template_free(t);
        t = d;
    }
    g_rand_free(rng);
    g_autoptr(GBytes) blob = bench_blob_of_template(t);
    engine_template_free(t);
    gint64 id = tu_add_probationer(other, 20001, "Bench Person", NULL);
    g_assert_cmpint(store_add_finger(other, id, "right-index", blob, "virtual_image", &error), >, 0);
    g_assert_true(store_set_probationer_active(other, 2, FALSE, &error));
    double before = peak_reset_mb();
    gint64 t0 = g_get_monotonic_time();
    g_assert_true(search_reload_if_changed(search, store, &error));
    printf("bench: update_20000_%s_ms %.1f ms (another process enrolled one person and deactivated one; the "
           "kiosk's gallery poll takes it in)\n",
           key, (g_get_monotonic_time() - t0) / 1000.0);
    printf("bench: update_20000_%s_peak_mb %.0f MB (the most that held on top of the gallery)\n", key,
           own_memory_mb("VmHWM:") - before);
    g_assert_cmpuint(search_get_size(search), ==, 20000);

    /* A roster from the centre ends 1,000 people's supervision at once: a page of them a poll. */
    enum { ENDED = 1000 };
    g_assert_true(store_bulk_begin(other, &error));
    for (gint64 p = 3; p < 3 + ENDED; p++)
        g_assert_true(store_set_probationer_active(other, p, FALSE, &error));
    g_assert_true(store_bulk_commit(other, &error));
    before = peak_reset_mb();
    guint polls = 0;
    double longest = 0;
    for (;; polls++) {
        t0 = g_get_monotonic_time();
        if (!search_reload_if_changed(search, store, &error))
            break;
        longest = MAX(longest, (g_get_monotonic_time() - t0) / 1000.0);
    }
    g_assert_no_error(error);
    printf("bench: update_roster_%u_%s_polls %u count (another process deactivated %u people; polls of the kiosk, 3 s "
           "apart, until taken in)\n", ENDED, key, polls, ENDED);
    printf("bench: update_roster_%u_%s_longest_poll_ms %.1f ms\n", ENDED, key, longest);
    printf("bench: update_roster_%u_%s_peak_mb %.0f MB (the most that held on top of the gallery)\n", ENDED, key,
           own_memory_mb("VmHWM:") - before);
    g_assert_cmpuint(search_get_size(search), ==, 20000 - ENDED);
    /* and back, so that the next start reads 20,000 again */
    g_assert_true(store_bulk_begin(other, &error));
    for (gint64 p = 3; p < 3 + ENDED; p++)
        g_assert_true(store_set_probationer_active(other, p, TRUE, &error));
    g_assert_true(store_bulk_commit(other, &error));
    while (search_reload_if_changed(search, store, &error))
        ;
    g_assert_no_error(error);
    g_assert_cmpuint(search_get_size(search), ==, 20000);
}

/* Start-up with 20,000 dense fingers (issue 21: dense prints cost more to index and to read): the
 * densest set's 10 fingers and transformed copies of them (only the time is measured here, so
 * copies of the same fingers are fine) — as they are, and with spurious minutiae added up to
 * `dense` per impression when it is not 0 (the synthetic dense set, measure_dense) — sealed in a
 * real haazri.db and loaded as the kiosk loads it: the first start builds and saves every finger's
 * index, later starts read it back. */
void gallery_startup_measure(EngineTemplate *const fingers[BENCH_FINGERS], const char *set_key, guint dense,
                             GalleryPad pad)
{
    g_autofree char *path = g_strdup_printf("%s/bench-gallery-startup-%u.db", tu_tmpdir(), dense);
    g_autofree char *wal = g_strconcat(path, "-wal", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(Store) store = store_open(path, &error);
    g_assert_no_error(error);
    GRand *rng = g_rand_new_with_seed(21);
    g_assert_true(store_bulk_begin(store, &error));
    guint minutiae = 0;
    for (guint i = 0; i < 20000; i++) {
        EngineTemplate *t = i < BENCH_FINGERS ? engine_template_copy(fingers[i]) : pad(rng, fingers[i % BENCH_FINGERS]);
        if (dense) {
            EngineTemplate *d = bench_template_densified(rng, t, dense);
            engine_template_free(t);
            t = d;
        }
        for (guint k = 0; k < engine_template_get_impressions(t); k++)
            minutiae += engine_template_get_minutiae(t, k);
        g_autoptr(GBytes) blob = bench_blob_of_template(t);
        engine_template_free(t);
        gint64 id = tu_add_probationer(store, (int)i + 1, "Bench Person", NULL);
        g_assert_cmpint(store_add_finger(store, id, "right-index", blob, "virtual_image", &error), >, 0);
    }
    g_assert_true(store_bulk_commit(store, &error));
    g_rand_free(rng);
    const char *label[] = {"first_start_ms", "ms", "cold_ms"}, *key = dense ? "synthetic_dense" : set_key;
    for (int run = 0; run < 3; run++) {
        if (run == 2)
            evict_from_page_cache(path);
        double before = peak_reset_mb(); /* the most a start-up holds on top of what was held before */
        g_autoptr(Search) search = search_new("engine", &error);
        gint64 t0 = g_get_monotonic_time();
        g_assert_true(search_load(search, store, NULL, &error));
        const char *what[] = {"indexes built and saved", "the kiosk's start-up: sealed prints and saved indexes",
                              "the same, the database read from this machine's disk, not the page cache"};
        printf("bench: load_20000_%s_%s %.0f ms (%.0f minutiae per impression; %s)\n", key, label[run],
               (g_get_monotonic_time() - t0) / 1000.0, minutiae / (20000.0 * 5), what[run]);
        if (run == 2)
            printf("bench: load_20000_%s_database_mb %.0f MB (the database and its -wal, which a start reads)\n", key,
                   file_mb(path) + file_mb(wal));
        if (run == 1)
            printf("bench: load_20000_%s_peak_mb %.0f MB (the most it held during that start-up; the gallery "
                   "it keeps: %.0f MB)\n",
                   key, own_memory_mb("VmHWM:") - before, own_memory_mb("VmRSS:") - before);
        g_assert_cmpuint(search_get_size(search), ==, 20000);
        if (run == 1)
            measure_update(fingers, pad, path, store, search, dense, key);
    }
}
