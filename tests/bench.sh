#!/bin/sh
# make bench: runs every benchmark program (build/tests/bench-*) and script (tests/bench-*.sh) and
# prints their `bench: KEY VALUE UNIT` lines, exactly four fields (notes after the unit, and everything
# else they say, stay in build/bench-logs/).
set -u
BUILD=${1:-build}
export HAAZRI_BUILD="$BUILD"
export HAAZRI_TESTDATA="$(cd "$(dirname "$0")" && pwd)/data"
logdir="$BUILD/bench-logs"; mkdir -p "$logdir"
rc=0
for b in "$BUILD"/tests/bench-* tests/bench-*.sh; do
    [ -x "$b" ] || continue
    case "$b" in *.o|*.d) continue;; esac
    name=$(basename "$b")
    if "$b" > "$logdir/$name.log" 2>&1; then
        grep '^bench: ' "$logdir/$name.log" | awk '{print $1, $2, $3, $4}'
    else
        rc=1; echo "bench: $name failed — see $logdir/$name.log" >&2
        grep '^bench: ' "$logdir/$name.log" | awk '{print $1, $2, $3, $4}'
    fi
done
exit $rc
