#!/bin/sh
# check-layers — the folder is the layer (README, "Layout"); this keeps the picture true. Fails, naming
# the file and the include, when a file includes across a forbidden line:
#   drivers/  → ui/, sync/              the hardware knows nothing of screens or the network
#   ui/       → drivers/, sync/, libfprint   the screen draws the app's events and forwards touches
#   sync/     → ui/
#   receiver/ → ui/, drivers/           the central server is no kiosk
#   app/      → ui/                     except app/main.c, the program's table of contents
# and a ui/ file that writes the audit trail (store_audit): deciding and auditing is app/'s
# (app/officer-session.c for the officer screens).
# Usage: scripts/check-layers.sh [ROOT]   (ROOT: the source tree, default the current folder)
set -u
ROOT=${1:-.}

# Known exceptions, each "file include" exactly; every one is a debt to pay, not a rule switched off.
# None today: add one only with a comment saying why and until when.
EXCEPTIONS="
"

check() { # folder, forbidden-include regex (extended), what the line is
    dir=$1; pattern=$2; why=$3
    [ -d "$ROOT/$dir" ] || return 0
    for f in $(cd "$ROOT" && find "$dir" -name '*.[ch]' | sort); do
        [ "$dir" = app ] && [ "$f" = app/main.c ] && continue
        grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]($pattern)" "$ROOT/$f" |
        while IFS= read -r hit; do
            line=${hit%%:*}
            inc=$(printf '%s\n' "${hit#*:}" | sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*//')
            case "$EXCEPTIONS" in *"
$f $inc
"*) continue;; esac
            echo "$f:$line: includes $inc — $why"
        done
    done
}

out=$(
    check drivers 'ui/|sync/' "drivers/ may not include ui/ or sync/ (hardware knows no screen or network)"
    check ui 'drivers/|sync/|libfprint|fprint\.h' \
        "ui/ may not include drivers/, sync/ or libfprint (the screen draws the app's events; app/ drives the hardware)"
    check sync 'ui/' "sync/ may not include ui/"
    check receiver 'ui/|drivers/' "receiver/ may not include ui/ or drivers/ (the central server is no kiosk)"
    check app 'ui/' "app/ may not include ui/ (only app/main.c wires the screen in)"
    if [ -d "$ROOT/ui" ]; then
        (cd "$ROOT" && grep -rnE '\bstore_audit[[:space:]]*\(' ui --include='*.[ch]') | sed -E 's/^([^:]*:[0-9]*):.*/\1: calls store_audit — ui\/ may not write the audit trail (the app decides and audits)/'
    fi
)
if [ -n "$out" ]; then
    printf '%s\n' "$out"
    echo "check-layers: $(printf '%s\n' "$out" | wc -l) file(s) across a forbidden line (README, \"Layout\")"
    exit 1
fi
echo "check-layers: every include stays within its layer"
n=$(printf '%s' "$EXCEPTIONS" | grep -c .)
[ "$n" -eq 0 ] || { echo "check-layers: $n known exception(s) still allowed (listed in $0):"; printf '%s' "$EXCEPTIONS" | grep . | sed 's/^/    /'; }
