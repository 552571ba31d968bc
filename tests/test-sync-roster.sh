#!/bin/sh
# The centre's roster reaches a kiosk and works there, end to end through the real programs over
# TLS on 127.0.0.1: a finger enrolled at one kiosk is published by the centre (haazri-receiver
# roster load) with an Urdu name, a schedule and a message; a freshly provisioned kiosk pulls it
# while provisioning, recognises that finger at its first touch, and the check-in comes back to the
# centre with the case number. Then the centre deactivates the person: the running kiosk stops
# recognising them within seconds. A kiosk provisioned from a file gets everyone from the centre
# with a key of its own (none is delivered). The audit trail reaches the centre too, each row once.
. "$(dirname "$0")/lib.sh"
R="$BUILD/haazri-receiver"
RDB="$T/central.db"

say "a CA and a certificate for 127.0.0.1, made here"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" \
    -days 2 -subj /CN=test-ca 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/server.key" -out "$T/server.csr" \
    -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$T/ext.cnf"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -out "$T/server.pem" \
    -days 2 -extfile "$T/ext.cnf" 2>/dev/null

say "enrollment at kiosk A; the template goes to the centre's roster"
write_config "$T/a.conf" "$T/a"
enroll "$T/a.conf" LHR-301 104
# The template is sealed in kiosk A's database: it leaves as a roster file (haazri-ctl enrollments export).
"$BUILD/haazri-ctl" enrollments export --config "$T/a.conf" --out "$T/a-enrolled.json" > /dev/null \
    || fail "enrollments export at kiosk A"
[ "$(stat -c %a "$T/a-enrolled.json")" = 600 ] || fail "the exported templates are readable by others"
template=$(jq -r '.probationers[0].fingers[0].template' "$T/a-enrolled.json")
[ -n "$template" ] || fail "no template enrolled at kiosk A"
cat > "$T/roster.json" <<JSON
{"probationers": [
  {"case_number": "LHR-301", "name_en": "Imran Siddiqui", "name_ur": "عمران صدیقی", "cnic": null,
   "office": "Lahore", "status": "active",
   "fingers": [{"finger": "right-index", "driver": "virtual_image", "template": "$template"}],
   "schedule": {"rule": "every:1", "starts": "2026-01-01", "ends": null, "due_by": "23:59"}},
  {"case_number": "MUL-9", "name_en": "Someone Else", "office": "Multan", "status": "active"}],
 "messages": [{"id": "m1", "office": "Lahore", "case_number": "LHR-301",
               "text_en": "Bring your court order next time.", "text_ur": null}]}
JSON
"$R" roster load "$T/roster.json" --db "$RDB" > "$T/load.out" || fail "roster load refused a good roster"
# Sealed at the centre too (docs/security.md section 7), with its own key made beside the database.
[ "$(stat -c %a "$T/store.key")" = 600 ] || fail "the centre's store.key is not 0600 beside its database"
if grep -q "Imran Siddiqui" "$RDB" "$RDB-wal" 2>/dev/null; then fail "a name is in the clear in the centre's database"; fi
grep -q "loaded 2 probationers (1 fingers) and 1 messages" "$T/load.out" || { cat "$T/load.out"; fail "load summary"; }

say "a roster with a broken template is refused whole, naming the case and the finger"
sed 's/"template": "[^"]*"/"template": "bm90IGEgZmluZ2VycHJpbnQ="/' "$T/roster.json" > "$T/bad.json"
rc=0; "$R" roster load "$T/bad.json" --db "$RDB" > "$T/bad.out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "a broken template was loaded (exit $rc)"
grep -q "case LHR-301): finger 0: \"template\" is not a fingerprint template" "$T/bad.out" || { cat "$T/bad.out"; fail "unclear message"; }
[ "$(sql "$RDB" "SELECT count(*) FROM fingers")" = 1 ] || fail "the refused load changed the centre's fingers"

say "a real template with two bytes of its framing changed: refused in a sentence, not a GLib abort"
printf '%s' "$template" | base64 -d > "$T/t.bin"
n=$(stat -c %s "$T/t.bin")
bent=$({ head -c $((n - 8)) "$T/t.bin"; printf '\377\377'; tail -c 6 "$T/t.bin"; } | base64 -w0)
sed "s|\"template\": \"[^\"]*\"|\"template\": \"$bent\"|" "$T/roster.json" > "$T/bent.json"
rc=0; "$R" roster load "$T/bent.json" --db "$RDB" > "$T/bent.out" 2>&1 || rc=$?
[ $rc = 1 ] || { cat "$T/bent.out"; fail "a template with a damaged frame: exit $rc (133 is GLib's abort)"; }
grep -q "case LHR-301): finger 0: \"template\" is not a fingerprint template libfprint can read.*the right-index's is refused" "$T/bent.out" \
    || { cat "$T/bent.out"; fail "unclear message for a damaged template"; }
[ "$(sql "$RDB" "SELECT count(*) FROM fingers")" = 1 ] || fail "the refused load changed the centre's fingers"

say "the receiver; kiosk B is provisioned and pulls the roster while provisioning"
"$R" serve --db "$RDB" --listen 127.0.0.1:0 --cert "$T/server.pem" --key "$T/server.key" \
    --port-file "$T/port" > "$T/rx.out" 2>&1 &
RX_PID=$!
trap 'kill -9 $RX_PID 2>/dev/null; cleanup' EXIT
i=0; while [ ! -s "$T/port" ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "receiver did not start"; sleep 0.1; done
URL="https://127.0.0.1:$(cat "$T/port")"
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
CONF
"$BUILD/haazri-ctl" provision --config "$T/b.conf" --server "$URL" --token "$token" > "$T/prov.out" 2>&1 \
    || { cat "$T/prov.out"; fail "provisioning failed"; }
grep -q "roster: 1 probationers on this kiosk" "$T/prov.out" || { cat "$T/prov.out"; fail "provisioning did not pull the roster"; }
B="$T/b/haazri.db"
[ "$("$BUILD/haazri-ctl" show LHR-301 --config "$T/b.conf" --json | jq -r .name_ur)" = "عمران صدیقی" ] || fail "Urdu name"
grep -q "عمران صدیقی\|Imran Siddiqui" "$B" && fail "the name is in the clear in kiosk B's database"
[ "$(sql "$B" "SELECT count(*) FROM probationers WHERE case_number = 'MUL-9'")" = 0 ] || fail "another office's person arrived"
[ "$(sql "$B" "SELECT rule || ' ' || due_by FROM schedules")" = "every:1 23:59" ] || fail "schedule"
# The message arrived, sealed like the names (the screen reads it: tests/test-seal.c, test-store-roster.c).
[ "$(sql "$B" "SELECT count(*) FROM messages WHERE CAST(substr(text_en, 1, 4) AS TEXT) = 'HZS1'")" = 1 ] || fail "message"
grep -q "court order" "$B" && fail "the message is in the clear in kiosk B's database"
"$BUILD/haazri-ctl" today --config "$T/b.conf" > "$T/today.out" || fail "haazri-ctl today"
grep -q "LHR-301" "$T/today.out" || { cat "$T/today.out"; fail "the centre's schedule does not put LHR-301 on today's roster"; }

say "kiosk B recognises the centre's finger at the first touch; the check-in reaches the centre"
start_kiosk "$T/b.conf" "$T/b.out"
wait_for "$T/b.out" "Place your finger"
place "$TESTDATA/fvc2002-db2b/104_7.png"
wait_for "$T/b.out" "CHECKED IN"
grep "CHECKED IN" "$T/b.out" | grep -q "عمران صدیقی" || { cat "$T/b.out"; fail "the Urdu name from the centre is not shown"; }
i=0
until [ "$(sql "$RDB" "SELECT count(*) FROM events WHERE case_number = 'LHR-301' AND result = 'recorded'")" = 1 ]; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "the check-in did not reach the centre"; sleep 0.1
done

say "the centre deactivates LHR-301: the running kiosk stops recognising that finger"
cat > "$T/deactivate.json" <<JSON
{"probationers": [{"case_number": "LHR-301", "name_en": "Imran Siddiqui", "office": "Lahore", "status": "inactive"}]}
JSON
"$R" roster load "$T/deactivate.json" --db "$RDB" > /dev/null || fail "deactivation load"
i=0
until [ "$(sql "$B" "SELECT status FROM probationers WHERE case_number = 'LHR-301'")" = inactive ]; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "the deactivation did not reach the kiosk"; sleep 0.1
done
[ "$(sql "$B" "SELECT count(*) FROM schedules")" = 1 ] || fail "a load without a schedule removed the schedule"
wait_for "$T/b.out.err" "gallery updated: 1 person's fingers changed, 0 enrolled fingers"
place "$TESTDATA/fvc2002-db2b/104_8.png"
wait_for "$T/b.out" "NOT RECOGNISED"

say "kiosk C is provisioned from a file on a \"USB stick\": only the kiosk it names accepts it"
mkdir -p "$T/stick" "$T/c"
"$R" device add kiosk-c --office Lahore --db "$RDB" --provision-file "$T/stick/kiosk-c.json" \
    --server-url "$URL" > /dev/null 2>&1 || fail "device add --provision-file"
[ "$(stat -c %a "$T/stick/kiosk-c.json")" = 600 ] || fail "the provisioning file is readable by others"
sed "s/kiosk-b/kiosk-c/; s|$T/b|$T/c|" "$T/b.conf" > "$T/c.conf"
rc=0; "$BUILD/haazri-ctl" provision --config "$T/b.conf" --file "$T/stick/kiosk-c.json" > "$T/wrong.out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "kiosk B accepted kiosk C's provisioning file"
grep -q "is for kiosk \"kiosk-c\", but this kiosk is \"kiosk-b\"" "$T/wrong.out" || { cat "$T/wrong.out"; fail "unclear refusal"; }
"$BUILD/haazri-ctl" provision --config "$T/c.conf" --file "$T/stick/kiosk-c.json" > "$T/c-prov.out" 2>&1 \
    || { cat "$T/c-prov.out"; fail "provisioning from the file failed"; }
grep -q "registered with $URL" "$T/c-prov.out" || { cat "$T/c-prov.out"; fail "kiosk C not registered"; }
[ -e "$T/c/provisioned" ] || fail "kiosk C not marked provisioned"

say "kiosk C, as a replacement, needs no other kiosk's key (docs/security.md): none travels, its own is made there"
[ "$(jq -r 'keys | join(",")' "$T/stick/kiosk-c.json")" = "device_id,expires,office,server,token" ] \
    || { cat "$T/stick/kiosk-c.json"; fail "the provisioning file carries more than the one-time token"; }
[ "$(stat -c %a "$T/c/store.key")" = 600 ] && [ "$(stat -c %s "$T/c/store.key")" = 32 ] \
    || fail "kiosk C's store.key is not its own 32-byte 0600 file"
if cmp -s "$T/b/store.key" "$T/c/store.key"; then fail "kiosk C has kiosk B's key"; fi
cat > "$T/second.json" <<JSON
{"probationers": [{"case_number": "LHR-302", "name_en": "Imran Siddiqui", "name_ur": "عمران صدیقی",
  "office": "Lahore", "status": "active",
  "fingers": [{"finger": "right-index", "driver": "virtual_image", "template": "$template"}]}]}
JSON
"$R" roster load "$T/second.json" --db "$RDB" > /dev/null || fail "loading LHR-302"
"$BUILD/haazri-ctl" sync now --config "$T/c.conf" > /dev/null 2>&1 || fail "kiosk C's sync"
"$BUILD/haazri-ctl" show LHR-302 --config "$T/c.conf" > "$T/c-show.out" 2>&1 || { cat "$T/c-show.out"; fail "show at C"; }
grep -q "^urdu:    عمران صدیقی$" "$T/c-show.out" && grep -q "^fingers: 1$" "$T/c-show.out" \
    || { cat "$T/c-show.out"; fail "the replacement kiosk did not get the name and finger from the centre"; }

say "kiosk B's audit trail is at the centre, every row once, chained"
# Kiosk B is still running and pulls the roster kiosk C just got (LHR-302): applying it is one more
# audit row, in the same transaction as the roster version. Wait for B to reach C's version before
# counting: under ASan the pull once landed after the counts first agreed, and that row was still
# waiting when B stopped.
latest=$(sql "$T/c/haazri.db" "SELECT value FROM sync_meta WHERE key = 'roster_cursor'")
[ -n "$latest" ] || fail "kiosk C has no roster version"
i=0
until [ "$(sql "$B" "SELECT value FROM sync_meta WHERE key = 'roster_cursor'")" = "$latest" ]; do
    i=$((i + 1)); [ $i -gt 300 ] && fail "kiosk B did not pull the centre's latest roster"; sleep 0.1
done
i=0
until [ "$(sql "$RDB" "SELECT count(*) FROM audit WHERE device_id = 'kiosk-b'")" = "$(sql "$B" "SELECT count(*) FROM audit")" ]; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "the audit trail did not reach the centre"; sleep 0.1
done
[ "$(sql "$RDB" "SELECT count(*) FROM audit WHERE action = 'roster.apply'")" -ge 2 ] || fail "roster applications not audited"
"$R" export --audit --device kiosk-b --db "$RDB" > "$T/audit.csv" || fail "export --audit"
head -n 1 "$T/audit.csv" | grep -q "^device_id,id,at,actor,action,subject,detail,hash,received_at$" || fail "audit CSV header"
grep -q "^kiosk-b,1,.*,provision,https://127.0.0.1" "$T/audit.csv" || { cat "$T/audit.csv"; fail "the provisioning is not the first audit row"; }
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
"$BUILD/haazri-ctl" sync status --config "$T/b.conf" > "$T/status.out"
grep -q "roster:         version [0-9]" "$T/status.out" || { cat "$T/status.out"; fail "sync status shows no roster version"; }
grep -q "audit trail:    0 rows waiting" "$T/status.out" || { cat "$T/status.out"; fail "audit rows still waiting"; }
echo "all roster checks passed"
