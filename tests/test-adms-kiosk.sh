#!/bin/sh
# The real kiosk as an ADMS push terminal: [adms] server = http://127.0.0.1:PORT (the reference
# server, tests/adms-server.c), a PIN given with haazri-ctl adms-pin, a finger on the virtual
# scanner — and one ATTLOG line with all seven fields at the server, held while the serial waits for
# approval; haazri-ctl sync status shows the ADMS state and queue.
. "$(dirname "$0")/lib.sh"
CTL="$BUILD/haazri-ctl"
mkdir -p "$T/adms"
"$BUILD/tests/adms-server" --dir "$T/adms" --port 0 --delay 1 --error-delay 1 &
ADMS_PID=$!
trap 'kill $ADMS_PID 2>/dev/null; cleanup' EXIT
for _i in $(seq 50); do [ -s "$T/adms/port" ] && break; sleep 0.1; done
PORT=$(cat "$T/adms/port")
write_config "$T/k.conf" "$T/data"
cat >> "$T/k.conf" <<CONF
[adms]
server = http://127.0.0.1:$PORT
delay_seconds = 1
error_delay_seconds = 1
CONF

say "a PIN at the ADMS server, set and shown by haazri-ctl; bad PINs named"
enroll "$T/k.conf" LHR-101 101
"$CTL" adms-pin LHR-101 2001 --config "$T/k.conf" > /dev/null || fail "adms-pin"
[ "$("$CTL" adms-pin LHR-101 --config "$T/k.conf")" = "LHR-101: 2001" ] || fail "adms-pin show"
"$CTL" adms-pin LHR-101 "20 01" --config "$T/k.conf" 2> "$T/err" && fail "a PIN with a space was accepted"
grep -q 'the ADMS PIN "20 01" is not valid: expected 1 to 24 letters or digits' "$T/err" || fail "bad PIN message: $(cat "$T/err")"
"$CTL" sync status --config "$T/k.conf" | grep -q "^ADMS server: *http://127.0.0.1:$PORT, serial HZTESTKIOSK: not started" \
    || fail "sync status before the kiosk ran: $("$CTL" sync status --config "$T/k.conf")"

say "unapproved serial: the kiosk keeps the check-in and says so"
start_kiosk "$T/k.conf" "$T/kiosk.out"
wait_for "$T/kiosk.out" "Place your finger"
place "$TESTDATA/fvc2002-db2b/101_7.png"
wait_for "$T/kiosk.out" "CHECKED IN"
wait_for "$T/adms/seen" "HZTESTKIOSK"
sleep 1.5
[ ! -s "$T/adms/attlog" ] || fail "the server stored check-ins from an unapproved serial"
"$CTL" sync status --config "$T/k.conf" > "$T/st.out"
grep -q "^ADMS server: .*: waiting approval" "$T/st.out" || fail "status while unapproved: $(cat "$T/st.out")"
grep -q "^ADMS queue: *1 check-ins waiting" "$T/st.out" || fail "queue while unapproved: $(cat "$T/st.out")"

say "approved at the server: the line arrives, seven fields, the kiosk's local time"
echo HZTESTKIOSK > "$T/adms/approved"
wait_for "$T/adms/attlog" "^2001	" 15
[ "$(wc -l < "$T/adms/attlog")" = 1 ] || fail "not exactly one line: $(cat "$T/adms/attlog")"
wall=$(sql "$T/data/haazri.db" "SELECT substr(replace(wall_time, 'T', ' '), 1, 19) FROM checkins")
[ "$(cat "$T/adms/attlog")" = "2001	$wall	0	1	0	0	0" ] || fail "ATTLOG line: $(cat "$T/adms/attlog") (stored $wall)"
sleep 1.5
"$CTL" sync status --json --config "$T/k.conf" > "$T/st.json"
[ "$(jq -r '.adms.state + "|" + (.adms.queue_length|tostring)' "$T/st.json")" = "approved|0" ] || fail "status json: $(cat "$T/st.json")"
# The central server (not configured here) still has it queued: each target its own position.
[ "$(sql "$T/data/haazri.db" "SELECT count(*) FROM checkins WHERE sync_state = 'pending'")" = 1 ] || fail "the /v1 queue lost it"
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
echo "all adms kiosk checks passed"
