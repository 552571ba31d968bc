/* bench-dry — a dense set of real fingers for the bench: a clean set's images made dry and noisy
 * (header-only, like bench-common.h).
 *
 * Issue 21's densest sensor gives ~138 minutiae a scan, and on it the pre-filter lost half the own
 * fingers. None of the development sensors is that dense. bench-gallery's synthetic dense set adds
 * minutiae at random places to the templates: right for speed, but nothing like what a real
 * extraction adds, so its recall says little. This one degrades the IMAGES and lets libfprint's own
 * extraction (NBIS) find what it finds, as a worn or dry optical sensor makes it: patches where
 * ridges fade toward the background (broken ridges: false ridge endings, lost real minutiae),
 * sensor noise on every pixel, and dark specks of dust. Each impression gets its own patches, as two
 * touches do. The recipe is this file's, not a model of any one sensor; on FVC2004 DB1 it brings
 * the median scan from 56 minutiae to 93 (docs/search.md). */
#pragma once

#include <errno.h>
#include <math.h>
#include <png.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

/* Patches ~8 px across, fading ~35 % of the print; noise of 22 grey levels; 0.2 % of pixels a speck. */
#define BENCH_DRY_PATCH_PX 8.0
#define BENCH_DRY_FADED 0.35
#define BENCH_DRY_NOISE 22.0
#define BENCH_DRY_SPECKS 0.002

static double bench_dry_gauss(GRand *rng)
{
    double u = 1.0 - g_rand_double(rng), v = g_rand_double(rng); /* u in (0, 1] */
    return sqrt(-2 * log(u)) * cos(2 * G_PI * v);
}

/* Writes the dry copy of the 8-bit grey PNG `in` to `out`; `seed` chooses its patches and noise.
 * Returns FALSE (with a message on stderr) where a file can't be read or written. */
static gboolean bench_dry_image(const char *in, const char *out, guint32 seed)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, in)) {
        g_printerr("%s: %s\n", in, im.message);
        return FALSE;
    }
    im.format = PNG_FORMAT_GRAY;
    int w = (int)im.width, h = (int)im.height;
    g_autofree guint8 *px = g_malloc((gsize)w * h);
    if (!png_image_finish_read(&im, NULL, px, 0, NULL)) {
        g_printerr("%s: %s\n", in, im.message);
        return FALSE;
    }
    GRand *rng = g_rand_new_with_seed(seed);
    /* where the patches are: random values on a coarse grid, interpolated between its points */
    int gw = (int)(w / BENCH_DRY_PATCH_PX) + 2, gh = (int)(h / BENCH_DRY_PATCH_PX) + 2;
    g_autofree double *grid = g_new(double, (gsize)gw * gh);
    for (int i = 0; i < gw * gh; i++)
        grid[i] = g_rand_double(rng);
    g_autofree double *v = g_new(double, (gsize)w * h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double fx = x / BENCH_DRY_PATCH_PX, fy = y / BENCH_DRY_PATCH_PX;
            int ix = (int)fx, iy = (int)fy;
            fx -= ix, fy -= iy;
            const double *g = &grid[iy * gw + ix];
            double field = g[0] * (1 - fx) * (1 - fy) + g[1] * fx * (1 - fy) + g[gw] * (1 - fx) * fy +
                           g[gw + 1] * fx * fy;
            /* below BENCH_DRY_FADED the ridges fade toward a light background, over a soft border */
            double fade = CLAMP((BENCH_DRY_FADED - field) / 0.08, 0.0, 1.0);
            double p = px[y * w + x];
            v[y * w + x] = p + (230 - p) * fade * 0.85 + BENCH_DRY_NOISE * bench_dry_gauss(rng);
        }
    for (int k = 0, n = (int)(BENCH_DRY_SPECKS * w * h); k < n; k++) {
        int cx = g_rand_int_range(rng, 0, w), cy = g_rand_int_range(rng, 0, h), r = g_rand_int_range(rng, 1, 3);
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
                if (cx + dx >= 0 && cy + dy >= 0 && cx + dx < w && cy + dy < h && dx * dx + dy * dy <= r * r)
                    v[(cy + dy) * w + cx + dx] = 40;
    }
    g_rand_free(rng);
    for (int i = 0; i < w * h; i++)
        px[i] = (guint8)lround(CLAMP(v[i], 0.0, 255.0));
    /* Written beside and renamed over: a second bench run making the same folder at the same time
     * (they write the same bytes) must never read a half-written image, or it scans a print nobody
     * made and caches the scans under the torn images' hash (seen with two runs at once: two sets
     * lost their bozorth3 scores that way). */
    g_autofree char *part = g_strdup_printf("%s.%d.part", out, (int)getpid());
    const char *failed = !png_image_write_to_file(&im, part, 0, px, 0, NULL) ? im.message
                         : g_rename(part, out) != 0                          ? g_strerror(errno)
                                                                             : NULL;
    if (failed) {
        g_printerr("%s: %s\n", out, failed);
        g_unlink(part);
    }
    return !failed;
}

/* The dry copy of a set folder (F_I.png, fingers 101-110, impressions 1-8) in `dir`, named
 * <source's name>-dry; returns that folder (free it), or NULL where an image failed. */
static char *bench_dry_set(const char *source, const char *dir)
{
    g_autofree char *name = g_path_get_basename(source);
    g_autofree char *leaf = g_strdup_printf("%s-dry", name);
    char *out = g_build_filename(dir, leaf, NULL);
    g_mkdir_with_parents(out, 0755);
    /* Each set its own patterns: two sets' images of one size given the same noise would share
     * spurious minutiae, and their strangers would look alike. FVC2004 DB1's dry copy, the first one
     * made, keeps the seeds it was measured with (docs/search.md). */
    guint32 salt = strcmp(name, "fvc2004-db1b") == 0 ? 0 : g_str_hash(name) & 0xffffff00u;
    for (int f = 101; f <= 110; f++)
        for (int i = 1; i <= 8; i++) {
            g_autofree char *png = g_strdup_printf("%d_%d.png", f, i);
            g_autofree char *in = g_build_filename(source, png, NULL), *to = g_build_filename(out, png, NULL);
            if (!bench_dry_image(in, to, salt + (guint32)(f * 10 + i))) {
                g_free(out);
                return NULL;
            }
        }
    return out;
}
