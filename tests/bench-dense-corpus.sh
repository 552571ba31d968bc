#!/bin/sh
# bench-dense-corpus — search at 10,000 and 20,000 in a gallery where every print is dense: every
# default set made dry and noisy (tests/bench-dry.h), each measured among the dry real fingers of the
# others and copies of them (bench-gallery with HAAZRI_BENCH_DRY=all; keys <set>_among_dry). Only the
# lost probes whose own finger clears the threshold are swept against the whole gallery (minutes, where
# sweeping every lost probe takes ~42), so prefilter_recall_<set>_<N>'s denominator is the probes whose
# own finger beats the real fingers and every finger scored, and prefilter_recall_nameable_ is exact
# for the lost probes: of those a search of the whole gallery would name, how many the matcher saw.
# The second-touch lines need bozorth3's scores for the made-dry sets: after a first run has made
# them, `build/tests/bench-accuracy build/bench-dry/*-dry` caches those (~5 minutes), and every run
# after prints them.
set -u
HAAZRI_BENCH_DRY=all HAAZRI_BENCH_EXHAUSTIVE=nameable exec "${HAAZRI_BUILD:-build}/tests/bench-gallery"
