/* gallery-startup — bench-gallery's start-up lines: the kiosk's start-up with 20,000 fingers sealed in
 * a real haazri.db (the first start building and saving every index, later starts reading them
 * back, one from the disk rather than the page cache), and its gallery poll taking in what another
 * process changed (one person, then a roster of 1,000). Prints `bench: load_20000_*` and
 * `bench: update_*` lines. */
#pragma once

#include "tests/bench-common.h"

/* bench-gallery's padding: a transformed copy of a finger */
typedef EngineTemplate *(*GalleryPad)(GRand *rng, const EngineTemplate *src);

/* With `fingers` (a set's 10, keyed `set_key`) and copies of them made by `pad`; each impression
 * brought up to `dense` minutiae when that is not 0 (keyed synthetic_dense then). */
void gallery_startup_measure(EngineTemplate *const fingers[BENCH_FINGERS], const char *set_key, guint dense,
                             GalleryPad pad);
