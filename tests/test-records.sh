#!/bin/sh
# haazri-ctl's records and officers, as an officer at a shell uses them: the paged log with filters,
# CSV export with a SHA-256 manifest (a folder, no stick, a read-only stick, a full stick), officer
# accounts with PINs from standard input.
. "$(dirname "$0")/lib.sh"
CTL="$BUILD/haazri-ctl"
write_config "$T/k.conf" "$T/data"
enroll "$T/k.conf" LHR-0106 106
"$TOP/scripts/enroll-virtual.sh" "$BUILD" "$T/k.conf" LHR-0107 "Bilal Ahmed" "بلال احمد" right-index \
    $(for i in 1 2 3 4 5; do printf '%s ' "$TESTDATA/fvc2002-db2b/107_$i.png"; done) > /dev/null
start_kiosk "$T/k.conf" "$T/kiosk.out"
# The n-th "Place your finger" is the sensor waiting for the n-th touch.
n=0
for img in fvc2002-db2b/106_7.png fvc2002-db2b/107_7.png nist/whorl.png fvc2002-db2b/107_8.png; do
    n=$((n + 1))
    wait_count "$T/kiosk.out" "Place your finger" $n
    place "$TESTDATA/$img"
done
wait_count "$T/kiosk.out" "Place your finger" $((n + 1))
kill "$KIOSK_PID"; wait "$KIOSK_PID" 2>/dev/null || true; KIOSK_PID=
today=$(office_date +%Y-%m-%d)

say "the log: newest first, filters, search, pages"
[ "$("$CTL" log --config "$T/k.conf" --json | jq -r 'map(.result) | join(",")')" = "duplicate,not_recognised,recorded,recorded" ] || fail "log order: $("$CTL" log --config "$T/k.conf" --json | jq -c 'map(.result)')"
[ "$("$CTL" log --config "$T/k.conf" --search Bilal --json | jq -r 'map(.case_number) | unique | join(",")')" = "LHR-0107" ] || fail "search by name"
[ "$("$CTL" log --config "$T/k.conf" --search بلال --json | jq length)" = 2 ] || fail "search by Urdu name"
[ "$("$CTL" log --config "$T/k.conf" --search LHR-0106 --json | jq length)" = 1 ] || fail "search by case number"
[ "$("$CTL" log --config "$T/k.conf" --result not_recognised --json | jq -r '.[0].case_number')" = null ] || fail "filter by result"
"$CTL" log --config "$T/k.conf" --limit 3 > "$T/page1"
next=$(sed -n 's/^more: --before //p' "$T/page1")
[ -n "$next" ] || fail "no next page offered: $(cat "$T/page1")"
[ "$("$CTL" log --config "$T/k.conf" --limit 3 --before "$next" --json | jq -r '.[0].result')" = recorded ] || fail "second page"
[ "$("$CTL" log --config "$T/k.conf" --from 2001-01-01 --to 2001-12-31 --json | jq length)" = 0 ] || fail "date range"
"$CTL" log --config "$T/k.conf" --result maybe 2> "$T/err" && fail "bad --result accepted"
grep -q "expected recorded, duplicate or not_recognised" "$T/err" || fail "bad --result message"

say "export to a folder: CSV + manifest that sha256sum -c accepts, audited"
mkdir -p "$T/usb"
"$CTL" export --config "$T/k.conf" --from "$today" --dir "$T/usb" > "$T/export.out" || fail "export: $(cat "$T/export.out")"
csv="$T/usb/haazri-test-kiosk-${today}_${today}.csv"
[ -f "$csv" ] && [ -f "$csv.sha256" ] || fail "export files missing: $(ls -a "$T/usb")"
(cd "$T/usb" && sha256sum -c "$(basename "$csv").sha256" > /dev/null) || fail "manifest does not match the CSV"
[ "$(head -n 1 "$csv" | tr -d '\r')" = "uuid,time,date,case_number,name_en,name_ur,result,method,score,device_id" ] || fail "CSV header"
[ "$(wc -l < "$csv")" = 5 ] || fail "CSV rows: $(wc -l < "$csv")"
grep -q "LHR-0107,Bilal Ahmed,بلال احمد,recorded,finger" "$csv" || fail "Urdu name or fields in the CSV"
[ -z "$(ls -a "$T/usb" | grep partial)" ] || fail "a partial file was left behind"
[ "$(sql "$T/data/haazri.db" "SELECT count(*) FROM audit WHERE action = 'checkins.export'")" = 1 ] || fail "export not audited"

say "no stick, a missing folder"
"$CTL" export --config "$T/k.conf" --from "$today" --dir "$T/nope" 2> "$T/err" && fail "export into a missing folder"
grep -q "does not exist (is the USB stick inserted?)" "$T/err" || fail "missing folder message: $(cat "$T/err")"
if ! grep -q " /media/\| /run/media/" /proc/self/mounts; then
    "$CTL" export --config "$T/k.conf" --from "$today" 2> "$T/err" && fail "export with no stick"
    grep -q "no USB stick found" "$T/err" || fail "no stick message"
fi

say "officers: PIN from standard input, never on the command line"
echo 482915 | "$CTL" officer add asma --name "Asma Khan" --role admin --config "$T/k.conf" > /dev/null || fail "officer add"
echo 12ab | "$CTL" officer add omar --name "Omar" --config "$T/k.conf" 2> "$T/err" && fail "bad PIN accepted"
grep -q "6 to 12 digits" "$T/err" || fail "bad PIN message"
[ "$("$CTL" officer list --config "$T/k.conf" --json | jq -r '.[0].username + "|" + .[0].role + "|" + .[0].status')" = "asma|admin|active" ] || fail "officer list"
echo 777777 | "$CTL" officer passwd asma --config "$T/k.conf" > /dev/null || fail "officer passwd"
say "an officer's own finger, from the (virtual) scanner, asked for after the PIN on the screen"
"$CTL" officer finger asma --finger left-pinky --config "$T/k.conf" 2> "$T/err" && fail "a bad finger name was taken"
grep -q "finger is required, e.g. right-index" "$T/err" || fail "bad finger message: $(cat "$T/err")"
"$CTL" officer finger nobody --finger right-index --config "$T/k.conf" 2> "$T/err" && fail "a finger for nobody"
grep -q "no officer nobody" "$T/err" || fail "unknown officer message: $(cat "$T/err")"
set -- 1 2 3 4 5
"$CTL" officer finger asma --finger right-thumb --config "$T/k.conf" 2> "$T/finger.err" | while IFS= read -r line; do
    case "$line" in
    Touch*) place "$TESTDATA/fvc2002-db2b/109_$1.png"; shift ;;
    Enrolled*) echo "$line" > "$T/officer-finger.out" ;;
    esac
done
grep -q "Enrolled right-thumb for officer asma" "$T/officer-finger.out" || fail "officer finger enrollment"
[ "$(sql "$T/data/haazri.db" "SELECT count(*) FROM officer_fingers")" = 1 ] || fail "officer finger not stored"
[ "$(sql "$T/data/haazri.db" "SELECT detail FROM audit WHERE action = 'officer.finger-enroll' AND subject = 'asma'")" = right-thumb ] || fail "officer finger not audited"
"$CTL" officer deactivate asma --config "$T/k.conf" > /dev/null || fail "officer deactivate"
"$CTL" officer list --config "$T/k.conf" | grep -q "asma *admin *inactive" || fail "deactivated officer listed as active"
"$CTL" audit verify --config "$T/k.conf" > /dev/null || fail "audit trail broken"

say "export to a read-only stick and to a full one: a clear sentence, nothing left behind"
find_unshare || { echo "SKIP: no mount namespace for read-only and full sticks"; exit 77; }
$UNSHARE sh -eu -c '
    . "$0"
    private_tmp
    mkdir -p "$T/ro" "$T/full"
    mount -t tmpfs -o size=1m,ro tmpfs "$T/ro"
    "$BUILD/haazri-ctl" export --config "$T/k.conf" --from "$1" --dir "$T/ro" 2> "$T/err" && fail "export to a read-only stick"
    grep -q "read-only (check its write-protect switch)" "$T/err" || fail "read-only message: $(cat "$T/err")"
    mount -t tmpfs -o size=64k tmpfs "$T/full"
    dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null || true
    "$BUILD/haazri-ctl" export --config "$T/k.conf" --from "$1" --dir "$T/full" 2> "$T/err" && fail "export to a full stick"
    grep -q "is full" "$T/err" || fail "full message: $(cat "$T/err")"
    [ "$(ls -a "$T/full" | grep -c -v "^\.\{1,2\}$\|filler")" = 0 ] || fail "files left on the full stick: $(ls -a "$T/full")"
' "$TOP/tests/lib.sh" "$today"
echo "records checks passed"
