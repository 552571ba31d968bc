#!/bin/sh
# Nothing the kiosk confirms is ever lost, and bad input stops it with a clear sentence:
#   kill -9 right after a reported check-in; a full disk during a check-in; a corrupt database;
#   a bad configuration value. Runs the real kiosk binary on the virtual scanner.
. "$(dirname "$0")/lib.sh"

say "kill -9 right after the screen confirms a check-in"
write_config "$T/a.conf" "$T/a"
enroll "$T/a.conf" LHR-101 101
start_kiosk "$T/a.conf" "$T/a.out"
wait_for "$T/a.out" "Place your finger"
place "$TESTDATA/fvc2002-db2b/101_7.png"
wait_for "$T/a.out" "CHECKED IN"
kill -9 "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
[ "$(sql "$T/a/haazri.db" "SELECT count(*) FROM checkins WHERE result = 'recorded'")" = 1 ] || fail "the confirmed check-in is not in the database"
[ "$(sql "$T/a/haazri.db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after kill -9"
start_kiosk "$T/a.conf" "$T/a2.out"
wait_for "$T/a2.out" "Place your finger"
place "$TESTDATA/fvc2002-db2b/101_8.png"
wait_for "$T/a2.out" "ALREADY CHECKED IN"   # the row survived: the restarted kiosk knows
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=

say "corrupt database: a clear error and the file left untouched"
mkdir -p "$T/c"; head -c 20000 /dev/urandom > "$T/c/haazri.db"
before=$(sha256sum < "$T/c/haazri.db")
write_config "$T/c.conf" "$T/c"
rc=0; "$BUILD/haazri" --config "$T/c.conf" < /dev/null > "$T/c.out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "kiosk exit status $rc on a corrupt database"
grep -q "not a database" "$T/c.out" && grep -q "left untouched" "$T/c.out" || { cat "$T/c.out"; fail "unclear message"; }
[ "$(sha256sum < "$T/c/haazri.db")" = "$before" ] || fail "the corrupt file was changed"
[ ! -e "$T/c/haazri.db-wal" ] || fail "a WAL was created beside the corrupt file"

say "bad configuration value: file, group, key, value and what was expected"
printf '[checkin]\nduplicate_window = sometimes\n' > "$T/bad.conf"
rc=0; "$BUILD/haazri" --config "$T/bad.conf" < /dev/null > "$T/bad.out" 2>&1 || rc=$?
[ $rc = 2 ] || fail "exit status $rc on a bad config"
grep -q "$T/bad.conf: \[checkin\] duplicate_window = \"sometimes\" is not valid: expected \"day\" or a number of minutes" "$T/bad.out" || { cat "$T/bad.out"; fail "unclear config message"; }

say "disk full during a check-in: the person is told, nothing half-written, works again once freed"
find_unshare || { echo "SKIP: cannot make a mount namespace here (unshare) for a tiny tmpfs"; exit 77; }
# A private mount namespace with a 3 MB tmpfs as the data folder; everything else as before.
$UNSHARE sh -eu -c '
    . "$0"
    private_tmp
    mkdir -p "$T/full"; mount -t tmpfs -o size=3m tmpfs "$T/full"
    write_config "$T/f.conf" "$T/full"
    enroll "$T/f.conf" LHR-102 102
    enroll "$T/f.conf" LHR-103 103
    start_kiosk "$T/f.conf" "$T/f.out"
    wait_for "$T/f.out" "Place your finger"
    grep -q "DISK ALMOST FULL" "$T/f.out" || fail "no warning on a 3 MB disk (disk_warn_mb = 200)"
    dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null || true   # until the disk is full
    places=$(count "$T/f.out" "Place your finger")  # not "n": wait_for counts its tries in n
    place "$TESTDATA/fvc2002-db2b/102_7.png"
    wait_for "$T/f.out" "NOT SAVED"
    grep -q "storage is full" "$T/f.out" || fail "the person was not told the storage is full"
    grep -q "CHECKED IN" "$T/f.out" && fail "a check-in was confirmed on a full disk"
    rm "$T/full/filler"
    wait_count "$T/f.out" "Place your finger" $((places + 1))
    place "$TESTDATA/fvc2002-db2b/103_7.png"
    wait_for "$T/f.out" "CHECKED IN"
    kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
    [ "$(sql "$T/full/haazri.db" "PRAGMA integrity_check")" = ok ] || fail "integrity after disk full"
    [ "$(sql "$T/full/haazri.db" "SELECT count(*) FROM checkins")" = 1 ] || fail "half-written or missing rows"
    [ "$(sql "$T/full/haazri.db" "SELECT p.case_number FROM checkins c JOIN probationers p ON p.id = c.probationer_id")" = LHR-103 ] || fail "wrong row kept"
    umount "$T/full"
' "$TOP/tests/lib.sh"
echo "all nothing-lost checks passed"
