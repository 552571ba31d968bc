#!/bin/sh
# make run: the demo kiosk. A virtual fingerprint scanner (libfprint's virtual_image), ten sample
# probationers enrolled from the bundled FVC2002 images, the database under ./data/demo.
# Type 1-10 and Enter to place sample finger 101-110 (an impression that was not enrolled),
# n for an unknown finger, u to unplug the scanner, c CASE for the case-number fallback.
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
DEMO="$TOP/data/demo"
mkdir -p "$DEMO"
export FP_VIRTUAL_IMAGE="$DEMO/scanner.sock"
CONF="$DEMO/haazri.conf"
if [ ! -f "$CONF" ]; then
    cat > "$CONF" <<CONF
# Demo configuration written by scripts/demo.sh; see config/haazri.conf for every key.
[kiosk]
device_id = demo-kiosk
office = Lahore District Probation Office (demo)
data_dir = .
[scanner]
driver = virtual_image
[checkin]
result_seconds = 4
[leds]
# a development machine has no status lights
enabled = false
CONF
fi

# Sample probationers: fictional names, real fingerprints from FVC2002 DB2_B (impressions 1-5).
if [ "$("$TOP/$BUILD/haazri-ctl" list --config "$CONF" --json | jq length)" = 0 ]; then
    echo "Enrolling ten sample probationers through the virtual scanner..."
    while IFS='|' read -r n name name_ur; do
        case "$n" in \#*) continue ;; esac
        imgs=""
        for i in 1 2 3 4 5; do imgs="$imgs $TOP/tests/data/fvc2002-db2b/${n}_$i.png"; done
        # shellcheck disable=SC2086
        "$TOP/scripts/enroll-virtual.sh" "$TOP/$BUILD" "$CONF" "LHR-2026-0$n" "$name" "$name_ur" right-index $imgs
    done < "$TOP/scripts/demo-people.txt"
fi

# A demo administrator, so officer mode can be tried (F12 in the window, or hold a top corner).
if [ "$("$TOP/$BUILD/haazri-ctl" officer list --config "$CONF" --json | jq length)" = 0 ]; then
    echo 135790 | "$TOP/$BUILD/haazri-ctl" officer add demo --name "Demo Officer" --role admin --config "$CONF" > /dev/null
fi

cat <<HELP

Haazri demo kiosk. Type a line and press Enter:
  1 .. 10   place sample finger 101..110 on the scanner (probationers LHR-2026-0101..0110)
  n         place a finger nobody enrolled
  u         unplug the scanner (it is found again within seconds)
  t         touch the screen (wakes a resting scanner)
  c CASE    case-number fallback, e.g. "c LHR-2026-0103", then place that person's finger
  Ctrl+C    quit.  Check-ins so far: $BUILD/haazri-ctl checkins --config data/demo/haazri.conf
Officer mode, in the window: F12 (or hold a top corner 3 s), tap "Demo Officer", PIN 135790.

HELP
exec "$TOP/$BUILD/haazri" --config "$CONF" --demo-images "$TOP/tests/data"
