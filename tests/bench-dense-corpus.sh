#!/bin/sh
# bench-dense-corpus — search at 10,000 and 20,000 in a gallery where every print is dense: every
# default set made dry and noisy (tests/bench-dry.h), each measured among the dry real fingers of the
# others and copies of them (bench-gallery with HAAZRI_BENCH_DRY=all; keys <set>_among_dry). Lost
# probes are not swept against the whole gallery here (~4 min instead of ~25), so recall's
# denominator is the probes whose own finger beats the real fingers and every finger scored.
set -u
HAAZRI_BENCH_DRY=all HAAZRI_BENCH_EXHAUSTIVE=0 exec "${HAAZRI_BUILD:-build}/tests/bench-gallery"
