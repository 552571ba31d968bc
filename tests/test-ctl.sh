#!/bin/sh
# haazri-ctl as an officer uses it from a shell: enroll from the (virtual) scanner, list, show,
# deactivate, a day's check-ins, --json everywhere, --help on every command, device settings, the
# audit trail.
. "$(dirname "$0")/lib.sh"
CTL="$BUILD/haazri-ctl"
write_config "$T/k.conf" "$T/data"

say "enroll two probationers from the scanner, one with an Urdu name"
FP_IMGS=""; for i in 1 2 3 4 5; do FP_IMGS="$FP_IMGS $TESTDATA/fvc2002-db2b/104_$i.png"; done
# shellcheck disable=SC2086
"$TOP/scripts/enroll-virtual.sh" "$BUILD" "$T/k.conf" LHR-0104 "Bilal Ahmed" "بلال احمد" right-index $FP_IMGS > "$T/e.out"
grep -q "Enrolled right-index for case LHR-0104" "$T/e.out" || fail "enroll output: $(cat "$T/e.out")"
enroll "$T/k.conf" LHR-0105 105

say "a finger already enrolled for someone else is refused"
FP_IMGS=""; for i in 1 2 3 4 5; do FP_IMGS="$FP_IMGS $TESTDATA/fvc2002-db2b/104_$i.png"; done
# shellcheck disable=SC2086
"$TOP/scripts/enroll-virtual.sh" "$BUILD" "$T/k.conf" LHR-0999 "Someone Else" "کوئی اور" right-index $FP_IMGS \
    > "$T/dup.out" 2> "$T/dup.err" && fail "a duplicate finger was enrolled"
grep -q "this finger is already enrolled for case LHR-0104 (Bilal Ahmed)" "$T/dup.err" || fail "duplicate message: $(cat "$T/dup.err")"
"$CTL" show LHR-0999 --config "$T/k.conf" 2> /dev/null && fail "the refused probationer was stored"

say "match report: the enrolled fingers' scores on this scanner"
"$CTL" match report --config "$T/k.conf" > "$T/m.out" || fail "match report failed: $(cat "$T/m.out")"
# 2 fingers x 5 touches: 2 x 10 genuine comparisons, 1 impostor (the two probationers' fingers)
grep -q "^genuine .*: 20 comparisons" "$T/m.out" || fail "match report genuine: $(cat "$T/m.out")"
grep -q "^a search of all 10 enrolled touches is judged at 6.0$" "$T/m.out" || fail "match report search threshold: $(cat "$T/m.out")"
grep -q "false matches 0.00 % (0 of 1)" "$T/m.out" || fail "match report impostor: $(cat "$T/m.out")"
grep -q "^warning" "$T/m.out" && fail "good prints warned about: $(cat "$T/m.out")"
[ "$("$CTL" match report --json --config "$T/k.conf" | jq -r '.genuine_comparisons')" = 20 ] || fail "match report --json"

say "list / show, as a table and as JSON"
"$CTL" list --config "$T/k.conf" > "$T/list.out"
grep -q "LHR-0104 *active *1 *Bilal Ahmed / بلال احمد" "$T/list.out" || { cat "$T/list.out"; fail "list table"; }
[ "$("$CTL" list --config "$T/k.conf" --json | jq -r 'map(.case_number) | join(",")')" = "LHR-0104,LHR-0105" ] || fail "list --json"
[ "$("$CTL" show LHR-0104 --config "$T/k.conf" --json | jq -r '.name_ur + "|" + (.fingers|tostring) + "|" + .status')" = "بلال احمد|1|active" ] || fail "show --json"
"$CTL" show LHR-0104 --config "$T/k.conf" | grep -q "^name: *Bilal Ahmed" || fail "show table"
"$CTL" list --config "$T/k.conf" --json | grep -q print && fail "a template leaked into the listing"

say "bad input is named"
"$CTL" show NOPE --config "$T/k.conf" 2> "$T/err" && fail "show of an unknown case succeeded"
grep -q "no probationer with case number NOPE" "$T/err" || fail "unknown case message: $(cat "$T/err")"
"$CTL" enroll --config "$T/k.conf" --case X --finger left-pinky 2> "$T/err" && fail "bad finger accepted"
grep -q "left-pinky is not a finger" "$T/err" || fail "bad finger message"
"$CTL" checkins --config "$T/k.conf" --date 22/11/2026 2> "$T/err" && fail "bad date accepted"
grep -q "expected YYYY-MM-DD" "$T/err" || fail "bad date message"
"$CTL" frobnicate 2> "$T/err" && fail "unknown command accepted"
grep -q 'unknown command "frobnicate"' "$T/err" || fail "unknown command message"

say "--help on every command"
for c in enroll list show deactivate activate checkins audit status leds schedule today log export officer settings match; do
    "$CTL" $c --help > "$T/help" || fail "$c --help failed"
    grep -q "haazri-ctl $c" "$T/help" || fail "$c --help does not name the command"
done
"$CTL" --help | grep -q "Commands:" || fail "top-level --help"

say "a day's check-ins, then deactivation stops a person checking in"
start_kiosk "$T/k.conf" "$T/kiosk.out"
wait_for "$T/kiosk.out" "Place your finger"
place "$TESTDATA/fvc2002-db2b/104_7.png"
wait_for "$T/kiosk.out" "CHECKED IN"
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
today=$(office_date +%Y-%m-%d)
[ "$("$CTL" checkins --config "$T/k.conf" --json | jq -r '.[0].case_number + "|" + .[0].result + "|" + .[0].sync_state')" = "LHR-0104|recorded|pending" ] || fail "checkins --json"
"$CTL" checkins --config "$T/k.conf" --date "$today" | grep -q "recorded *LHR-0104" || fail "checkins table"
[ "$("$CTL" checkins --config "$T/k.conf" --date 2001-01-01 --json | jq length)" = 0 ] || fail "another day's list is not empty"

"$CTL" deactivate LHR-0104 --config "$T/k.conf" > /dev/null
"$CTL" list --config "$T/k.conf" | grep -q LHR-0104 && fail "deactivated person still listed"
"$CTL" list --all --config "$T/k.conf" | grep -q "LHR-0104 *inactive" || fail "list --all"
start_kiosk "$T/k.conf" "$T/kiosk2.out"
wait_for "$T/kiosk2.out" "Place your finger"
place "$TESTDATA/fvc2002-db2b/104_8.png"
wait_for "$T/kiosk2.out" "NOT RECOGNISED"
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=

say "schedules and the day's roster"
"$CTL" activate LHR-0104 --config "$T/k.conf" > /dev/null || fail "activate"
"$CTL" schedule LHR-0104 --rule "weekly:$(office_date +%a | tr A-Z a-z)" --from 2026-01-01 --by 23:59 --config "$T/k.conf" > /dev/null || fail "schedule"
"$CTL" schedule LHR-0105 --rule "every:1" --from 2026-01-01 --config "$T/k.conf" > /dev/null || fail "schedule every day"
"$CTL" schedule LHR-0105 --rule "fortnightly" --config "$T/k.conf" 2> "$T/err" && fail "bad rule accepted"
grep -q 'reporting rule "fortnightly" is not valid' "$T/err" || fail "bad rule message"
[ "$("$CTL" today --config "$T/k.conf" --json | jq -r '[.due, .present] | map(tostring) | join(",")')" = "2,1" ] || fail "today: $("$CTL" today --config "$T/k.conf" --json)"
"$CTL" today --config "$T/k.conf" | grep -q "^present *LHR-0104" || fail "today table"

say "status: identity, database, queue, disk"
"$CTL" status --config "$T/k.conf" --json > "$T/status.json"
[ "$(jq -r '.device_id + "|" + (.probationers_active|tostring) + "|" + (.checkins_today|tostring) + "|" + (.queue_length|tostring)' "$T/status.json")" = "test-kiosk|2|1|2" ] || fail "status --json: $(cat "$T/status.json")"
[ "$(jq -r '.disk_free_mb > 0' "$T/status.json")" = true ] || fail "status disk"
"$CTL" status --config "$T/k.conf" | grep -q "^queue: *2 check-ins not yet at the central server" || fail "status table"

say "the audit trail records every change and detects tampering"
[ "$(sql "$T/data/haazri.db" "SELECT group_concat(action, ',') FROM audit")" = "probationer.add,finger.enroll,probationer.add,finger.enroll,finger.enroll-refused,probationer.deactivate,probationer.activate,schedule.set,schedule.set" ] || fail "audit rows: $(sql "$T/data/haazri.db" "SELECT group_concat(action) FROM audit")"
say "device settings: a bad one is named; a stored one outlives the file's value at the kiosk's start"
"$CTL" settings set scanner.capture sometimes --config "$T/k.conf" 2> "$T/err" && fail "a bad setting was stored"
grep -q 'scanner.capture cannot be "sometimes": it must be one of continuous, tap' "$T/err" || fail "bad setting message: $(cat "$T/err")"
"$CTL" settings set scanner.capture tap --config "$T/k.conf" > /dev/null
"$CTL" settings --config "$T/k.conf" | grep -q "^scanner.capture *tap *set on this kiosk by ctl:" || fail "settings list"
[ "$("$CTL" settings --json --config "$T/k.conf" | jq -r '.[] | select(.name == "scanner.capture") | .value + "|" + .file_value')" = "tap|continuous" ] || fail "settings --json"
start_kiosk "$T/k.conf" "$T/kiosk.out"
wait_for "$T/kiosk.out" "touch to check in" 20   # tap mode: waits for a touch, not listening
sleep 1
grep -q "Place your finger" "$T/kiosk.out" && fail "the kiosk listened although the device setting says tap"
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
"$CTL" settings reset scanner.capture --config "$T/k.conf" > /dev/null
[ "$(sql "$T/data/haazri.db" "SELECT group_concat(detail, ',') FROM audit WHERE action = 'setting.change'")" = "(file) -> tap,tap -> (file)" ] || fail "settings audit"

"$CTL" audit verify --config "$T/k.conf" | grep -q "intact" || fail "audit verify on a clean trail"
sql "$T/data/haazri.db" "DROP TRIGGER audit_append_only_u; UPDATE audit SET subject = 'LHR-9999' WHERE id = 3"
"$CTL" audit verify --config "$T/k.conf" 2> "$T/err" && fail "tampering not detected"
grep -q "broken at row 3" "$T/err" || fail "tamper message: $(cat "$T/err")"
echo "all ctl checks passed"
