#!/bin/sh
# Real power cuts (docs/powercut.md): the kiosk's data folder on lazyfs (tests/powercut/lazyfs.c),
# a FUSE file system that loses at a cut whatever was not fsync'd.
#   1. lazyfs itself: un-fsync'd data and names are lost, fsync'd ones kept, a torn cut keeps some
#      sectors of a write and not others;
#   2. the real kiosk binary on the virtual scanner: the power goes right after the screen says
#      CHECKED IN, and during a boot;
#   3. a short storm (tests/powercut/storm.c: check-ins, enrollments, roster pages, audit rows and
#      the sync to the real receiver, cut at random moments): nothing confirmed lost, integrity_check
#      and haazri-ctl audit verify after every cut, every check-in at the centre exactly once;
#   4. the storm catches a store that confirms before the disk has it (synchronous = NORMAL).
# The full storm (1,000 cuts) is in make bench: tests/bench-powercut.sh.
. "$(dirname "$0")/lib.sh"

[ -c /dev/fuse ] || { echo "SKIP: /dev/fuse is not available here: the power-cut tests need FUSE"; exit 77; }

LAZY_PID=
# lazy_mount DISK MOUNTPOINT [--tear SEED]: "the power comes on"
lazy_mount() {
    mkdir -p "$1" "$1.trash" "$2"
    _dev=$(stat -c %d "$2")
    # shellcheck disable=SC2086
    "$BUILD/tests/lazyfs" ${3:-} ${4:-} "$1" "$1.trash" "$2" 2> "$T/lazyfs.log" &
    LAZY_PID=$!
    _n=0
    while [ "$(stat -c %d "$2")" = "$_dev" ]; do
        _n=$((_n + 1)); [ $_n -gt 500 ] && { cat "$T/lazyfs.log"; fail "lazyfs did not mount $2"; }
        kill -0 "$LAZY_PID" 2>/dev/null || {
            cat "$T/lazyfs.log"
            echo "SKIP: cannot mount a FUSE file system here (/dev/fuse refused)"; exit 77; }
        sleep 0.01
    done
}
# lazy_cut: the power goes (everything writing to it must be dead first)
lazy_cut() {
    [ -n "$LAZY_PID" ] || return 0
    kill -TERM "$LAZY_PID"; wait "$LAZY_PID" 2>/dev/null || true; LAZY_PID=
}
trap 'lazy_cut; cleanup' EXIT

say "lazyfs: what was not fsync'd is gone after a cut, what was is kept"
lazy_mount "$T/disk" "$T/m"
printf 'kept' | dd of="$T/m/synced" conv=fsync status=none
printf ' and lost' >> "$T/m/synced"
printf 'lost' > "$T/m/unsynced"
mv "$T/m/synced" "$T/m/renamed"            # a name change nothing committed
[ "$(cat "$T/m/renamed")" = "kept and lost" ] || fail "lazyfs does not read back what was written"
lazy_cut
[ "$(cat "$T/disk/synced")" = kept ] || fail "fsync'd data lost or un-fsync'd data kept: '$(cat "$T/disk/synced")'"
[ ! -e "$T/disk/renamed" ] || fail "a rename nobody committed survived the cut"
[ ! -e "$T/disk/unsynced" ] || fail "a file created after the last fsync survived the cut"
lazy_mount "$T/disk" "$T/m"
mv "$T/m/synced" "$T/m/renamed"
printf 'x' | dd of="$T/m/other" conv=fsync status=none   # any fsync commits the journal, as on ext4
lazy_cut
[ "$(cat "$T/disk/renamed")" = kept ] || fail "a rename committed by a later fsync was lost"

say "lazyfs --tear: a cut keeps some sectors of an un-fsync'd write and loses others"
lazy_mount "$T/disk" "$T/m"
: | dd of="$T/m/torn" conv=fsync status=none
head -c 65536 /dev/zero | tr '\0' 'A' > "$T/m/torn"
[ "$(tr -d A < "$T/m/torn" | wc -c)" = 0 ] || fail "lazyfs changed a write"
lazy_cut
lazy_mount "$T/disk" "$T/m" --tear 7
head -c 65536 /dev/zero | tr '\0' 'A' > "$T/m/torn"
lazy_cut
kept=$(tr -cd A < "$T/disk/torn" | wc -c)
[ "$kept" -gt 0 ] && [ "$kept" -lt 65536 ] && [ $((kept % 512)) = 0 ] ||
    fail "a torn cut kept $kept of 65536 bytes (expected whole sectors, some but not all)"
grep -q "written torn" "$T/lazyfs.log" || fail "lazyfs did not report its torn cut"

say "the real kiosk: the power goes right after the screen says CHECKED IN"
lazy_mount "$T/kdisk" "$T/kdata"
write_config "$T/k.conf" "$T/kdata"
for f in 101 102 103; do enroll "$T/k.conf" "LHR-$f" "$f"; done
n=0
for f in 101 102 103; do
    n=$((n + 1))
    start_kiosk "$T/k.conf" "$T/k$n.out"
    wait_for "$T/k$n.out" "Place your finger"
    place "$TESTDATA/fvc2002-db2b/${f}_7.png"
    wait_for "$T/k$n.out" "CHECKED IN at"
    kill -9 "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
    lazy_cut
    lazy_mount "$T/kdisk" "$T/kdata"
    [ "$(sql "$T/kdata/haazri.db" "SELECT count(*) FROM checkins c JOIN probationers p ON p.id = c.probationer_id
        WHERE p.case_number = 'LHR-$f' AND c.result = 'recorded'")" = 1 ] || fail "LHR-$f's confirmed check-in was lost"
    [ "$(sql "$T/kdata/haazri.db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after the cut"
    "$BUILD/haazri-ctl" audit verify --config "$T/k.conf" > /dev/null || fail "audit verify after the cut"
done
say "the real kiosk: the power goes while it boots, then it boots and still knows"
start_kiosk "$T/k.conf" "$T/k4.out"
sleep 0.3
kill -9 "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
lazy_cut
lazy_mount "$T/kdisk" "$T/kdata"
start_kiosk "$T/k.conf" "$T/k5.out"
wait_for "$T/k5.out" "Place your finger"
place "$TESTDATA/fvc2002-db2b/101_8.png"
wait_for "$T/k5.out" "ALREADY CHECKED IN"
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
lazy_cut

say "a short storm: 40 cuts at random moments"
"$BUILD/tests/powercut-storm" --cuts 40 > "$T/storm.out" 2>&1 || { tail -n 30 "$T/storm.out"; fail "the storm failed"; }
grep '^bench: powercut_\|^powercut:' "$T/storm.out"
grep -q '^bench: powercut_lost 0 count' "$T/storm.out" || fail "the storm lost confirmed check-ins"
confirmed=$(sed -n 's/^bench: powercut_confirmed \([0-9]*\) count/\1/p' "$T/storm.out")
[ "${confirmed:-0}" -gt 0 ] || fail "the storm confirmed no check-in: it tested nothing"

say "the storm catches a store that confirms before the disk has it"
rc=0; "$BUILD/tests/powercut-storm" --cuts 20 --unsafe-sync > "$T/unsafe.out" 2>&1 || rc=$?
[ $rc = 1 ] || { tail -n 20 "$T/unsafe.out"; fail "synchronous = NORMAL was not caught (exit $rc)"; }
grep -q '^bench: powercut_lost [1-9]' "$T/unsafe.out" || fail "synchronous = NORMAL lost nothing?"
grep -m 1 'FAIL: cut' "$T/unsafe.out"
echo "all power-cut checks passed"
