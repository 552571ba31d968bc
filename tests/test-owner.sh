#!/bin/sh
# Files in the data folder belong to the service user whoever makes them (issue 22.1): haazri-ctl run
# as root, as docs/appliance.md tells the installer, leaves nothing root's; and a kiosk that cannot
# write its database never says it is ready — one sentence, systemd's status, the amber light —
# and starts by itself once the owner is put right. The service user here is `nobody`.
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

say "the owner put right: the kiosk starts by itself (its check committed a write)"
chown nobody:nogroup "$T/data/haazri.db"
wait_for "$T/kiosk.out.err" "the database can be written now" 10
wait_for "$T/kiosk.out.err" "gallery: 1 enrolled fingers" 10
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
[ -z "$(foreign)" ] || fail "files the service user does not own: $(foreign)"
echo "owner checks passed"
