#!/bin/sh
# bench-fuzz — every libFuzzer harness for FUZZ_BENCH_RUNS (1,000,000) executions:
#   bench: fuzz_<target>_execs    executions done (fewer when it stopped at a crash)
#   bench: fuzz_<target>_crashes  0, or 1 when it stopped at a crash (the input is in build/fuzz/artifacts/)
set -u
cd "$(dirname "$0")/.."
command -v clang >/dev/null 2>&1 || { echo "bench-fuzz: clang is not installed"; exit 0; }
make -s fuzzers > build/fuzz-build.log 2>&1 || { tail -n 30 build/fuzz-build.log; exit 1; }
./tests/fuzz/run.sh bench
exit 0
