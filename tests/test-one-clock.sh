#!/bin/sh
# test-one-clock — every wall time in the product comes from app/clock.h (issue: a test that passed
# only on the day its fixture was written). Fails, naming file and line, when product code asks the
# system for the time or date by itself, uses SQLite's own 'now', or includes the tests' way of
# setting the clock (app/clock-testing.h). Monotonic time (g_get_monotonic_time) is fine: intervals.
set -u
cd "$(dirname "$0")/.."
product="app ui sync ctl receiver drivers"
bad=0
report() { echo "$1"; echo "$2" | sed 's/^/    /'; bad=1; }

hits=$(grep -rnE 'g_date_time_new_now(_local|_utc)?\(|g_get_real_time\(|\btime\(NULL\)|gettimeofday\(|CLOCK_REALTIME|localtime(_r)?\(|g_date_set_time_t\(|g_date_time_new_local\(|new_from_unix_local\(|g_time_zone_new_local\(' \
       --include='*.c' --include='*.h' $product | grep -v '^app/clock\.c:')
[ -z "$hits" ] || report "these ask the system for the time instead of app/clock.h:" "$hits"

hits=$(grep -rnE "'now'|'localtime'|CURRENT_(DATE|TIME|TIMESTAMP)" --include='*.c' $product)
[ -z "$hits" ] || report "these use SQLite's (or PostgreSQL's) own clock instead of binding app/clock.h's:" "$hits"

hits=$(grep -rn 'clock-testing\.h' --include='*.c' --include='*.h' $product | grep -v '^app/clock\.[ch]:')
[ -z "$hits" ] || report "product code must not include app/clock-testing.h (only tests may set the clock):" "$hits"

if [ $bad = 0 ]; then echo "one clock: no product file reads the time but app/clock.c"; fi
exit $bad
