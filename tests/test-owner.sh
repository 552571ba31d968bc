#!/bin/sh
# Files in the data folder belong to the service user whoever makes them (issue 22.1): haazri-ctl run
# as root, as docs/appliance.md tells the installer, leaves nothing root's; and a kiosk that cannot
# write its database never says it is ready — one sentence, systemd's status, the amber light —
# and starts by itself once the owner is put right. Meanwhile it still sends heartbeats to its real
# centre (haazri-receiver over TLS on 127.0.0.1), saying why it saves nothing; the centre shows that
# (device list, the day page) until the owner is put right. Once running, it measures its scanner on
# its enrolled fingers and the centre shows that too. The service user here is `nobody`.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (to run commands as root and the kiosk as another user)"; exit 77; }
CTL="$BUILD/haazri-ctl"
chmod 755 "$T"
mkdir -p "$T/data"
chown nobody:nogroup "$T/data"
chmod 750 "$T/data"
write_config "$T/k.conf" "$T/data"
chmod 644 "$T/k.conf"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
foreign() { find "$T/data" ! -user nobody -printf '%u:%g %p\n'; }

say "haazri-ctl as root on a fresh data folder: the database it creates is the service user's"
"$CTL" list --config "$T/k.conf" > /dev/null || fail "haazri-ctl list as root"
[ -f "$T/data/haazri.db" ] || fail "no database created"
[ -z "$(foreign)" ] || fail "root left files the service user does not own: $(foreign)"
[ "$(stat -c %a "$T/data/haazri.db")" = 640 ] || fail "database mode $(stat -c %a "$T/data/haazri.db"), expected 640"
echo 482915 | "$CTL" officer add asma --name "Asma Khan" --role admin --config "$T/k.conf" > /dev/null || fail "officer add as root"
enroll "$T/k.conf" LHR-0106 106
[ -z "$(foreign)" ] || fail "root's commands left files the service user does not own: $(foreign)"
as_nobody "$CTL" officer list --config "$T/k.conf" > /dev/null || fail "the service user cannot read what root made"
echo 739146 | as_nobody "$CTL" officer add omar --name "Omar" --config "$T/k.conf" > "$T/add.out" 2>&1 \
    || fail "the service user cannot write what root made: $(cat "$T/add.out")"

say "the centre (over TLS on 127.0.0.1); the kiosk provisioned by root, as docs/appliance.md says"
R="$BUILD/haazri-receiver"
RDB="$T/central.db"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" \
    -days 2 -subj /CN=test-ca 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/server.key" -out "$T/server.csr" \
    -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$T/ext.cnf"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -out "$T/server.pem" \
    -days 2 -extfile "$T/ext.cnf" 2>/dev/null
chmod 644 "$T/ca.pem"
"$R" serve --db "$RDB" --listen 127.0.0.1:0 --cert "$T/server.pem" --key "$T/server.key" \
    --port-file "$T/port" > "$T/rx.out" 2>&1 &
RX_PID=$!
trap 'kill -9 $RX_PID 2>/dev/null; cleanup' EXIT
i=0; while [ ! -s "$T/port" ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "receiver did not start"; sleep 0.1; done
token=$("$R" device add test-kiosk --office "Test Office" --db "$RDB" 2>/dev/null)
printf '[sync]\nca_file = %s\ninterval_seconds = 1\nretry_min_seconds = 0.2\nretry_max_seconds = 1\n' "$T/ca.pem" >> "$T/k.conf"
"$CTL" provision --server "https://127.0.0.1:$(cat "$T/port")" --token "$token" --config "$T/k.conf" > /dev/null \
    || fail "provision as root"
[ -z "$(foreign)" ] || fail "provisioning as root left files the service user does not own: $(foreign)"
unwritable() { "$R" device list --db "$RDB" | grep "NOT SAVING CHECK-INS" || true; }
[ -z "$(unwritable)" ] || fail "the centre reports an unwritable database before any heartbeat: $(unwritable)"
printf 'district-officer-pw\n' | "$R" viewer add district --db "$RDB" > /dev/null || fail "viewer add"
day_page() { curl -sf --cacert "$T/ca.pem" -u district:district-officer-pw "https://127.0.0.1:$(cat "$T/port")/day"; }

say "a database left root's by an older version: the kiosk refuses to be ready, says why, lights amber"
chown root:root "$T/data/haazri.db"
chmod 644 "$T/data/haazri.db"
as_nobody "$CTL" status --config "$T/k.conf" > "$T/status.out" 2>&1 || true
grep -q "^ownership: .*haazri.db.* belongs to root, not to nobody" "$T/status.out" || fail "status says nothing of it: $(cat "$T/status.out")"
# setpriv itself in the background (not the shell function): $! is then the kiosk, for cleanup's kill.
setpriv --reuid=nobody --regid=nogroup --clear-groups "$BUILD/haazri" --config "$T/k.conf" \
    < /dev/null > "$T/kiosk.out" 2> "$T/kiosk.out.err" &
KIOSK_PID=$!
wait_for "$T/kiosk.out.err" "not ready: .*haazri.db cannot be written by this user" 10
sleep 3
grep -q "gallery:" "$T/kiosk.out" "$T/kiosk.out.err" && fail "the kiosk went on to start on a database it cannot write"
kill -0 "$KIOSK_PID" || fail "the kiosk gave up instead of waiting for the owner to be put right"

say "while it waits, its heartbeats tell the centre why it saves nothing; nothing is pretended saved"
i=0; while [ -z "$(unwritable)" ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "the centre was never told: $("$R" device list --db "$RDB")"; sleep 0.1; done
unwritable | grep -q "NOT SAVING CHECK-INS: .*haazri.db cannot be written by this user" \
    || fail "device list: $(unwritable)"
[ "$(sqlite3 "$RDB" "SELECT json_extract(heartbeat, '$.queue_length') FROM devices")" = 0 ] || fail "heartbeat queue"
day_page | grep -q "not saving check-ins</span> .*haazri.db cannot be written by this user" \
    || fail "the day page does not show it: $(day_page | tail -c 800)"
! grep -q "readonly" "$T/kiosk.out" "$T/kiosk.out.err" || fail "the waiting kiosk tried to write: $(grep readonly "$T/kiosk.out.err")"

say "the owner put right: the kiosk starts by itself (its check committed a write)"
chown nobody:nogroup "$T/data/haazri.db"
wait_for "$T/kiosk.out.err" "the database can be written now" 10
wait_for "$T/kiosk.out.err" "gallery: 1 enrolled fingers" 10

say "the centre hears it is fixed: the field clears"
i=0; while [ -n "$(unwritable)" ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "still reported unwritable: $(unwritable)"; sleep 0.1; done
[ "$(sqlite3 "$RDB" "SELECT json_type(heartbeat, '$.database_unwritable') FROM devices")" = null ] \
    || fail "heartbeat: $(sqlite3 "$RDB" "SELECT heartbeat FROM devices")"
day_page | grep -q "not saving check-ins" && fail "the day page still shows the kiosk not saving"

say "the running kiosk measured its scanner on its enrolled finger (off its main loop): the centre shows it"
scanner_line() { "$R" device list --db "$RDB" | grep "^    scanner: " || true; }
i=0; while [ -z "$(scanner_line)" ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "no scanner report at the centre: $("$R" device list --db "$RDB")"; sleep 0.1; done
scanner_line | grep -q "scanner: 1 fingers compared (0 poor); a finger's own touches score " \
    || fail "device list: $(scanner_line)"
[ "$(sqlite3 "$RDB" "SELECT json_extract(heartbeat, '$.match.genuine') FROM devices")" -gt 0 ] \
    || fail "heartbeat: $(sqlite3 "$RDB" "SELECT heartbeat FROM devices")"
day_page | grep -q "data-kiosk-scanner=\"test-kiosk\"><td colspan=4>scanner check: 1 fingers compared" \
    || fail "the day page does not show the scanner check: $(day_page | tail -c 800)"
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
[ -z "$(foreign)" ] || fail "files the service user does not own: $(foreign)"
echo "owner checks passed"
