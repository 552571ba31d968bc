/* bench-photos — what photos add to the kiosk's database (its size budget): 2,800 probationers,
 * each with a photo stored as the centre sends it.
 *   photo_db_mb_2800_synthetic   the test portrait (tests/data/photos/portrait.jpg, 240x300, flat
 *                                shapes: compresses far better than a camera's photo)
 *   photo_db_mb_2800_textured    a 360x450 JPEG (quality 85) of ImageMagick's plasma fractal, whose
 *                                detail compresses about like a face photographed at a desk
 *   photo_db_mb_2800_limit       the ceiling the check allows: 2,800 x 200 KB (computed, not stored)
 * Sizes are the database file's growth in MB (1 MB = 2^20 bytes); they don't depend on load. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/photo.h"
#include "app/store/store.h"
#include "tests/helpers.h"

enum { PEOPLE = 2800 };

static double db_mb(const char *path)
{
    struct stat st;
    g_assert_cmpint(stat(path, &st), ==, 0);
    return st.st_size / 1048576.0;
}

/* The database's growth once every one of PEOPLE has `photo`. */
static double growth(const char *name, GBytes *photo)
{
    g_autofree char *path = g_strdup_printf("%s/%s.db", tu_tmpdir(), name);
    g_autoptr(GError) error = NULL;
    Store *s = store_open(path, &error);
    g_assert_no_error(error);
    gint64 *ids = g_new(gint64, PEOPLE);
    for (int i = 0; i < PEOPLE; i++)
        ids[i] = tu_add_probationer(s, i, "Person", NULL);
    store_close(s);
    double before = db_mb(path);
    s = store_open(path, &error);
    for (int i = 0; i < PEOPLE; i++)
        g_assert_true(store_set_photo(s, ids[i], photo, NULL));
    store_close(s); /* checkpoints the WAL into the file */
    g_free(ids);
    return db_mb(path) - before;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *portrait = tu_data("photos/portrait.jpg");
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) flat = photo_load_file(portrait, &error);
    g_assert_no_error(error);
    g_autofree char *textured_path = g_build_filename(tu_tmpdir(), "plasma.jpg", NULL);
    char *argv_convert[] = {"convert", "-seed", "7", "-size", "360x450", "plasma:fractal", "-blur", "0x1",
                            "-quality", "85", textured_path, NULL};
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, argv_convert, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    g_autoptr(GBytes) textured = photo_load_file(textured_path, &error);
    g_assert_no_error(error);
    printf("bench: photo_bytes_synthetic %zu bytes\n", g_bytes_get_size(flat));
    printf("bench: photo_bytes_textured %zu bytes\n", g_bytes_get_size(textured));
    printf("bench: photo_db_mb_2800_synthetic %.1f MB\n", growth("flat", flat));
    printf("bench: photo_db_mb_2800_textured %.1f MB\n", growth("textured", textured));
    printf("bench: photo_db_mb_2800_limit %.0f MB (computed: 2800 x 200 KB)\n", PEOPLE * (double)PHOTO_MAX_BYTES / 1048576.0);
    return 0;
}
