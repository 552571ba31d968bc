#!/bin/sh
# An office with a Haazri centre AND an ADMS attendance server (tests/adms-server.c), end to end
# through the real programs on 127.0.0.1: the probationer's ADMS PIN is loaded at the centre
# (haazri-receiver roster load), reaches the kiosk with a roster page, and the ATTLOG line of their
# check-in at the ADMS server carries it. `haazri-ctl sync now` drives ADMS too: while the server
# is down it keeps everything and says so; once it is back it delivers the backlog, each in one line.
. "$(dirname "$0")/lib.sh"
R="$BUILD/haazri-receiver"
CTL="$BUILD/haazri-ctl"
RDB="$T/central.db"

say "a CA and a certificate for 127.0.0.1; the centre; the ADMS server, not started yet"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" \
    -days 2 -subj /CN=test-ca 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/server.key" -out "$T/server.csr" \
    -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$T/ext.cnf"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -out "$T/server.pem" \
    -days 2 -extfile "$T/ext.cnf" 2>/dev/null
"$R" serve --db "$RDB" --listen 127.0.0.1:0 --cert "$T/server.pem" --key "$T/server.key" \
    --port-file "$T/port" > "$T/rx.out" 2>&1 &
RX_PID=$!
ADMS_PID=
trap 'kill -9 $RX_PID $ADMS_PID 2>/dev/null; cleanup' EXIT
i=0; while [ ! -s "$T/port" ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "receiver did not start"; sleep 0.1; done
URL="https://127.0.0.1:$(cat "$T/port")"
# A free port for the ADMS server, which is down at first: one the kernel gave and took back.
mkdir -p "$T/adms"
"$BUILD/tests/adms-server" --dir "$T/adms" --port 0 &
ADMS_PID=$!
for _i in $(seq 50); do [ -s "$T/adms/port" ] && break; sleep 0.1; done
APORT=$(cat "$T/adms/port")
kill "$ADMS_PID"; wait "$ADMS_PID" 2>/dev/null || true; ADMS_PID=
rm -f "$T/adms/port" "$T/adms/seen"

say "the centre holds LHR-301 with a finger and ADMS PIN 7301"
write_config "$T/a.conf" "$T/a"
enroll "$T/a.conf" LHR-301 104
"$CTL" enrollments export --config "$T/a.conf" --out "$T/a-enrolled.json" > /dev/null || fail "enrollments export"
template=$(jq -r '.probationers[0].fingers[0].template' "$T/a-enrolled.json")
cat > "$T/roster.json" <<JSON
{"probationers": [
  {"case_number": "LHR-301", "name_en": "Imran Siddiqui", "office": "Lahore", "status": "active", "adms_pin": "7301",
   "fingers": [{"finger": "right-index", "driver": "virtual_image", "template": "$template"}]}]}
JSON
"$R" roster load "$T/roster.json" --db "$RDB" > /dev/null || fail "roster load with an ADMS PIN"
[ "$(sql "$RDB" "SELECT pin FROM adms_pins WHERE case_number = 'LHR-301'")" = 7301 ] || fail "the centre did not keep the PIN"

say "the kiosk is provisioned; the roster page brings the PIN, replacing one set here before"
token=$("$R" device add kiosk-b --office Lahore --db "$RDB" 2>/dev/null)
mkdir -p "$T/b"
cat > "$T/b.conf" <<CONF
[kiosk]
device_id = kiosk-b
office = Lahore
data_dir = $T/b
[checkin]
result_seconds = 1
[sync]
ca_file = $T/ca.pem
interval_seconds = 1
retry_min_seconds = 0.2
retry_max_seconds = 1
[adms]
server = http://127.0.0.1:$APORT
delay_seconds = 1
error_delay_seconds = 1
timeout_seconds = 2
CONF
"$CTL" provision --config "$T/b.conf" --server "$URL" --token "$token" > "$T/prov.out" 2>&1 \
    || { cat "$T/prov.out"; fail "provisioning failed"; }
[ "$("$CTL" adms-pin LHR-301 --config "$T/b.conf")" = "LHR-301: 7301" ] || fail "the PIN did not arrive: $("$CTL" adms-pin LHR-301 --config "$T/b.conf")"
"$CTL" adms-pin LHR-301 9999 --config "$T/b.conf" > /dev/null || fail "adms-pin here"
"$R" roster load "$T/roster.json" --db "$RDB" > /dev/null || fail "roster load again"
"$CTL" sync now --config "$T/b.conf" > "$T/now0.out" 2> "$T/now0.err" && fail "sync now said all was well with the ADMS server down"
[ "$("$CTL" adms-pin LHR-301 --config "$T/b.conf")" = "LHR-301: 7301" ] || fail "the centre's PIN did not win over the one set here"

say "a check-in at the kiosk while the ADMS server is down; sync now keeps it and says so"
start_kiosk "$T/b.conf" "$T/b.out"
wait_for "$T/b.out" "Place your finger"
place "$TESTDATA/fvc2002-db2b/104_7.png"
wait_for "$T/b.out" "CHECKED IN"
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
rc=0; "$CTL" sync now --config "$T/b.conf" > "$T/now1.out" 2> "$T/now1.err" || rc=$?
[ $rc = 1 ] || fail "sync now with the ADMS server down: exit $rc"
grep -q "^[01] check-ins sent; 0 waiting" "$T/now1.out" || fail "the central server's line: $(cat "$T/now1.out")"
grep -q "^ADMS: 0 check-ins delivered to http://127.0.0.1:$APORT; 1 waiting; serial HZKIOSKB down$" "$T/now1.out" \
    || fail "the ADMS line: $(cat "$T/now1.out")"
grep -q "could not reach the ADMS server .*nothing is lost" "$T/now1.err" || fail "no reason given: $(cat "$T/now1.err")"

say "the server is back (and approves the serial): sync now delivers the backlog, under the centre's PIN"
"$BUILD/tests/adms-server" --dir "$T/adms" --port "$APORT" &
ADMS_PID=$!
for _i in $(seq 50); do [ -s "$T/adms/port" ] && break; sleep 0.1; done
echo HZKIOSKB > "$T/adms/approved"
"$CTL" sync now --config "$T/b.conf" > "$T/now2.out" 2> "$T/now2.err" || fail "sync now: $(cat "$T/now2.out" "$T/now2.err")"
grep -q "^ADMS: 1 check-ins delivered to http://127.0.0.1:$APORT; 0 waiting; serial HZKIOSKB approved$" "$T/now2.out" \
    || fail "the ADMS line: $(cat "$T/now2.out")"
wall=$(sql "$T/b/haazri.db" "SELECT substr(replace(wall_time, 'T', ' '), 1, 19) FROM checkins WHERE result = 'recorded'")
[ "$(cat "$T/adms/attlog")" = "7301	$wall	0	1	0	0	0" ] || fail "ATTLOG: $(cat "$T/adms/attlog") (stored $wall)"
grep -q "^USER PIN=7301	Name=Imran Siddiqui	" "$T/adms/operlog" || fail "the server was not told whose PIN it is: $(cat "$T/adms/operlog")"

say "nothing twice: sync now again, and the kiosk started again, send no line"
"$CTL" sync now --config "$T/b.conf" > "$T/now3.out" 2>&1 || fail "sync now again: $(cat "$T/now3.out")"
grep -q "^ADMS: 0 check-ins delivered to .*; 0 waiting; serial HZKIOSKB approved$" "$T/now3.out" || fail "$(cat "$T/now3.out")"
start_kiosk "$T/b.conf" "$T/b2.out"
wait_for "$T/b2.out" "Place your finger"
sleep 2
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
[ "$(wc -l < "$T/adms/attlog")" = 1 ] || fail "the check-in went twice: $(cat "$T/adms/attlog")"
echo "all adms centre checks passed"
