#!/bin/sh
# Runs every libFuzzer harness built in build/fuzz/ (make fuzzers).
#   run.sh smoke   each harness over its regression inputs and seed corpus, then SMOKE_SECONDS (3) of
#                  fuzzing: what `make test` runs (tests/test-fuzz.sh)
#   run.sh long    the same for FUZZ_SECONDS (60) each: `make fuzz`
#   run.sh bench   FUZZ_BENCH_RUNS (1,000,000) executions each, printing
#                  `bench: fuzz_<target>_execs N` and `bench: fuzz_<target>_crashes N`
# A crash leaves its input in build/fuzz/artifacts/<target>/ and fails the run: copy it into
# tests/fuzz/regressions/<target>/ with the fix, so it is run again every time.
set -u
cd "$(dirname "$0")/../.."
mode=${1:-smoke}
DIR=build/fuzz
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
case $mode in
    smoke) limit="-max_total_time=${SMOKE_SECONDS:-3}" ;;
    long) limit="-max_total_time=${FUZZ_SECONDS:-60}" ;;
    bench) limit="-runs=${FUZZ_BENCH_RUNS:-1000000}" ;;
    *) echo "usage: $0 smoke|long|bench" >&2; exit 2 ;;
esac
failed=0
for f in "$DIR"/fuzz-*; do
    [ -x "$f" ] || continue
    t=${f##*/fuzz-}
    why=$(sed -n "s/^$t //p" tests/fuzz/pending)
    if [ "$mode" = smoke ] && [ -n "$why" ]; then
        echo "SKIP fuzz_$t (pending: $why)"; continue
    fi
    art="$DIR/artifacts/$t"; scratch="$DIR/corpus/$t"
    mkdir -p "$art" "$scratch"
    log="$DIR/$t.log"
    # Past crashes first: each must now run clean (a pending one is known to crash still).
    if [ -z "$why" ] && [ -d "tests/fuzz/regressions/$t" ] && [ -n "$(ls -A "tests/fuzz/regressions/$t")" ]; then
        if ! "$f" -runs=0 "tests/fuzz/regressions/$t"/* > "$log" 2>&1; then
            echo "FAIL fuzz_$t: a regression input crashes again (log: $log)"; failed=$((failed + 1)); continue
        fi
    fi
    # New inputs go to the scratch corpus (first folder); the seeds in tests/fuzz/corpus stay as made.
    rc=0
    "$f" $limit -max_len=262144 -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 -artifact_prefix="$art/" \
        "$scratch" "tests/fuzz/corpus/$t" > "$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    crashes=0
    [ $rc = 0 ] || crashes=1
    if [ "$mode" = bench ]; then
        echo "bench: fuzz_${t}_execs ${execs:-0} runs"
        echo "bench: fuzz_${t}_crashes $crashes count"
    else
        echo "fuzz_$t: ${execs:-0} executions, $crashes crashes"
    fi
    if [ $rc != 0 ]; then
        echo "FAIL fuzz_$t (exit $rc) — the input is in $art/; last lines of $log:"
        grep -E "ERROR|SUMMARY|==[0-9]+==|#[0-9]+ " "$log" | head -n 12 | sed 's/^/    /'
        failed=$((failed + 1))
    fi
done
[ $failed -eq 0 ]
