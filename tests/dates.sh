#!/bin/sh
# make test-dates: the whole suite (tests/run.sh) again on calendar days that break date code, under
# Debian's faketime (libfaketime: every process of the run shares one shifted clock that keeps
# ticking), each in a different machine time zone to show the kiosk keeps the office's:
#   2028-02-29 23:59:50  leap day; midnight passes during the run's first test
#   2026-12-31 23:59:55  year end; the new year begins during the first test
#   2030-06-15 10:00:00  a date years ahead of any fixture
#   the real date        (REAL=0 skips it: .ci/run has just run `make test` on it)
# Closes with one line `dates: N passed, N failed` counting the runs.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "dates: faketime is missing (scripts/deps.sh installs it)" >&2; exit 1; }
passed=0; failed=0; failures=""
run_at() { # LABEL TZ [FAKETIME-DATE]
    label=$1; zone=$2; shift 2
    echo "=== $label (machine TZ=$zone)"
    if [ $# -gt 0 ]; then TZ=$zone faketime "$1" ./tests/run.sh "$BUILD"; else TZ=$zone ./tests/run.sh "$BUILD"; fi
    if [ $? = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures="$failures [$label]"; fi
}
run_at "leap day, crossing midnight" America/New_York "2028-02-29 23:59:50"
run_at "year end" UTC "2026-12-31 23:59:55"
run_at "2030" Asia/Tokyo "2030-06-15 10:00:00"
[ "${REAL:-1}" = 0 ] || run_at "today" Asia/Karachi
echo "dates: $passed passed, $failed failed${failures:+ —$failures}"
[ "$failed" -eq 0 ]
