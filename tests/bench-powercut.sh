#!/bin/sh
# The full power-cut storm for make bench (docs/powercut.md): 1,000 cuts at random moments across
# check-ins, enrollments, roster pages, sync acknowledgements and audit writes, on lazyfs.
# POWERCUT_CUTS=N for another count. Prints bench: powercut_cuts / _confirmed / _lost (must be 0)
# and the time a cut costs; exits 1 on any loss.
set -eu
BUILD=${HAAZRI_BUILD:-${1:-build}}
if [ ! -c /dev/fuse ]; then echo "SKIP: /dev/fuse is not available here: no power-cut storm"; exit 0; fi
HAAZRI_BUILD="$BUILD" exec "$BUILD/tests/powercut-storm" --cuts "${POWERCUT_CUTS:-1000}"
