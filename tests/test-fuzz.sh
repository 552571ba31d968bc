#!/bin/sh
# test-fuzz — a short smoke of every libFuzzer harness (tests/fuzz/): the regression inputs of past
# crashes and the seed corpus run clean, then SMOKE_SECONDS (3) of fuzzing each finds nothing. The
# harnesses are built with Debian's clang in build/fuzz (make fuzzers; incremental after the first).
set -eu
cd "$(dirname "$0")/.."
if ! command -v clang >/dev/null 2>&1; then
    echo "SKIP: clang is not installed (scripts/deps.sh installs it)"
    exit 77
fi
make -s fuzzers > build/fuzz-build.log 2>&1 || { tail -n 30 build/fuzz-build.log; exit 1; }
./tests/fuzz/run.sh smoke
