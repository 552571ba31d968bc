/* bench-photos-pg — what photos cost the centre's PostgreSQL database: 2,800 probationers, each with
 * a photo, loaded through the real `haazri-receiver roster load` (the photo inline as base64, as
 * docs/sync.md describes) into a throwaway cluster on 127.0.0.1 (tests/central.c: initdb, pg_ctl).
 * The centre keeps a photo as base64 text (receiver/roster.c), which PostgreSQL TOASTs.
 *   photo_pg_mb_2800_synthetic   the test portrait (tests/data/photos/portrait.jpg, 5 KB)
 *   photo_pg_mb_2800_textured    a 360x450 JPEG (quality 85) of ImageMagick's plasma fractal, about
 *                                as detailed as a face photographed at a desk (bench-photos.c's)
 *   photo_pg_mb_2800_limit       the ceiling: 2,800 x 200 KB as base64 (computed, not stored)
 * Each figure is the photos table's whole size (pg_total_relation_size: heap, TOAST and index) in
 * MB (2^20 bytes), after VACUUM; the companion photo_pg_db_mb_2800_* is the database's growth over
 * the same 2,800 people loaded without photos. File sizes, not timings: they don't depend on load. */
#include <stdio.h>

#include "app/photo.h"
#include "tests/central.h"
#include "tests/helpers.h"

enum { PEOPLE = 2800, PER_FILE = 700 };

static double query_mb(const char *db, const char *sql)
{
    g_autofree char *out = tu_central_query(db, sql);
    return g_ascii_strtod(out, NULL) / 1048576.0;
}

/* Loads PEOPLE people (with `photo`, or without when NULL) through `roster load`, PER_FILE a file. */
static void load(const char *db, GBytes *photo)
{
    g_autofree char *b64 = photo ? g_base64_encode(g_bytes_get_data(photo, NULL), g_bytes_get_size(photo)) : NULL;
    g_autofree char *path = g_build_filename(tu_tmpdir(), "roster.json", NULL);
    for (int first = 0; first < PEOPLE; first += PER_FILE) {
        GString *json = g_string_new("{\"probationers\": [");
        for (int i = first; i < first + PER_FILE && i < PEOPLE; i++) {
            g_string_append_printf(json, "%s{\"case_number\": \"BEN-%05d\", \"name_en\": \"Person %d\", "
                                         "\"office\": \"Bench Office\", \"status\": \"active\"",
                                   i > first ? "," : "", i, i);
            if (b64)
                g_string_append_printf(json, ", \"photo\": \"%s\"", b64);
            g_string_append(json, "}");
        }
        g_string_append(json, "], \"messages\": []}");
        g_assert_true(g_file_set_contents(path, json->str, (gssize)json->len, NULL));
        g_string_free(json, TRUE);
        g_free(tu_receiver_run(db, "roster", "load", path, NULL));
    }
}

static void measure(const char *name, GBytes *photo)
{
    g_autofree char *db = tu_postgres_new_db(name);
    load(db, NULL);
    g_free(tu_central_query(db, "VACUUM"));
    double before = query_mb(db, "SELECT pg_database_size(current_database())");
    load(db, photo);
    g_free(tu_central_query(db, "VACUUM"));
    g_autofree char *count = tu_central_query(db, "SELECT count(*) FROM photos");
    g_assert_cmpstr(count, ==, "2800");
    printf("bench: photo_pg_mb_2800_%s %.1f MB\n", name, query_mb(db, "SELECT pg_total_relation_size('photos')"));
    printf("bench: photo_pg_db_mb_2800_%s %.1f MB\n", name,
           query_mb(db, "SELECT pg_database_size(current_database())") - before);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_autofree char *why = NULL;
    if (!tu_postgres(&why)) {
        fprintf(stderr, "bench-photos-pg: %s\n", why);
        return 1;
    }
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
    measure("synthetic", flat);
    measure("textured", textured);
    printf("bench: photo_pg_mb_2800_limit %.0f MB (computed: 2800 x 200 KB as base64)\n",
           PEOPLE * (PHOTO_MAX_BYTES + 2.0) / 3 * 4 / 1048576.0);
    return 0;
}
