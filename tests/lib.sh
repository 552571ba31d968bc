# Shared by the shell tests (sourced; POSIX sh has no local variables, so helpers use _-names): a temp folder, a config, the virtual scanner, and a kiosk
# running in the background whose terminal view we read.
set -eu
BUILD=${HAAZRI_BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$(pwd)/$BUILD" ;; esac
TESTDATA=${HAAZRI_TESTDATA:-$(pwd)/tests/data}
TOP=$(cd "$(dirname "$0")/.." && pwd)
# A nested shell (e.g. inside unshare) shares the outer test's folder.
if [ -z "${HAAZRI_SH_T:-}" ]; then
    T=$(mktemp -d /tmp/haazri-sh-XXXXXX); OWN_T=1
    export HAAZRI_SH_T="$T" HAAZRI_BUILD="$BUILD" HAAZRI_TESTDATA="$TESTDATA"
else
    T=$HAAZRI_SH_T; OWN_T=
fi
KIOSK_PID=
cleanup() {
    [ -n "$KIOSK_PID" ] && kill -9 "$KIOSK_PID" 2>/dev/null || true
    [ -n "$OWN_T" ] && rm -rf "$T"
    return 0
}
trap cleanup EXIT
export FP_VIRTUAL_IMAGE="$T/scanner.sock"

# The office's date and weekday as the kiosk sees them (app/clock.h: +05:00 unless [kiosk] timezone
# says otherwise; the test configs leave the default), not the machine's TZ: `office_date +%Y-%m-%d`.
office_date() { TZ=UTC-5 date "$@"; }

fail() { echo "FAIL: $*" >&2; [ -n "${HAAZRI_TEST_DEBUG:-}" ] && tail -n 60 "$T"/*.err >&2; exit 1; }
say() { echo "--- $*"; }

# write_config FILE DATA_DIR
write_config() {
    cat > "$1" <<CONF
[kiosk]
device_id = test-kiosk
office = Test Office
data_dir = $2
[checkin]
result_seconds = 1
CONF
}

# enroll CONF CASE FINGER_NO  (FVC finger 101..110, impressions 1-5, as right-index)
enroll() {
    imgs=""
    for i in 1 2 3 4 5; do imgs="$imgs $TESTDATA/fvc2002-db2b/${3}_$i.png"; done
    # shellcheck disable=SC2086
    "$TOP/scripts/enroll-virtual.sh" "$BUILD" "$1" "$2" "Person $3" "شخص" right-index $imgs > /dev/null
}

# start_kiosk CONF OUT
start_kiosk() {
    "$BUILD/haazri" --config "$1" < /dev/null > "$2" 2> "$2.err" &
    KIOSK_PID=$!
}

# wait_for FILE PATTERN [SECONDS]: waits until a line matching PATTERN appears after what was seen.
wait_for() {
    _wf=0
    while ! grep -q -- "$2" "$1" 2>/dev/null; do
        _wf=$((_wf + 1))
        [ $_wf -gt $(( ${3:-20} * 10 )) ] && { cat "$1" "$1.err" >&2 2>/dev/null || true; fail "no '$2' in $1"; }
        sleep 0.1
    done
}

# wait_count FILE PATTERN N: waits until PATTERN has appeared N times.
wait_count() {
    _wc=0
    while [ "$(count "$1" "$2")" -lt "$3" ]; do
        _wc=$((_wc + 1)); [ $_wc -gt 200 ] && { cat "$1" >&2; fail "'$2' not seen $3 times in $1"; }
        sleep 0.1
    done
}

# count FILE PATTERN
count() { grep -c -- "$2" "$1" 2>/dev/null || true; }

place() { "$BUILD/haazri-finger" --socket "$FP_VIRTUAL_IMAGE" "$1" || fail "could not place $1"; }

sql() { sqlite3 "$1" "$2"; }

# Sets UNSHARE to a command that runs a shell in a private mount namespace (for tiny or read-only
# tmpfs "disks"), or returns 1. Unprivileged user namespaces first; as root also plain mount
# namespaces, and inside a chroot (where / is no mount point) one that leaves propagation alone —
# the inner script then bind-mounts $T onto itself as private before mounting anything under it.
find_unshare() {
    for _u in "unshare -rm" "unshare -m" "unshare -m --propagation unchanged"; do
        if $_u true 2>/dev/null; then UNSHARE=$_u; return 0; fi
    done
    return 1
}
# Inside the namespace: nothing mounted under $T leaks out.
private_tmp() { mount --bind "$T" "$T" && mount --make-rprivate "$T"; }
