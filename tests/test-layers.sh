#!/bin/sh
# The folder is the layer (README, "Layout"): scripts/check-layers.sh passes on this tree, and fails,
# naming the file and the include, on a tree where a file reaches across a forbidden line.
. "$(dirname "$0")/lib.sh"
CHECK="$TOP/scripts/check-layers.sh"

say "this tree: every include stays within its layer"
"$CHECK" "$TOP" > "$T/tree.out" 2>&1 || { cat "$T/tree.out" >&2; fail "check-layers fails on this tree"; }

planted() { # file, include line: a one-file tree that breaks one rule must fail, naming both
    rm -rf "$T/tree"; mkdir -p "$T/tree/$(dirname "$1")"
    printf '/* planted */\n%s\n' "$2" > "$T/tree/$1"
    if "$CHECK" "$T/tree" > "$T/planted.out" 2>&1; then fail "check-layers accepts $1 with: $2"; fi
    grep -qF "$1:2: " "$T/planted.out" || fail "check-layers does not name $1: $(cat "$T/planted.out")"
}
say "a file across a forbidden line fails, named with its include"
planted ui/x.c '#include "drivers/scanner.h"'
planted ui/x.h '#include "sync/sync.h"'
planted ui/x.c '#include <libfprint-2/fprint.h>'
planted drivers/x.c '#include "ui/screen.h"'
planted drivers/x.c '#include "sync/http.h"'
planted sync/x.c '#include "ui/strings.h"'
planted receiver/x.c '#include "drivers/leds.h"'
planted receiver/x.c '#include "ui/screen.h"'
planted app/x.c '#include "ui/screen.h"'
planted app/store/x.c '#include "ui/screen.h"'
planted ui/x.c '    store_audit(store, "kiosk", "device.led-test", NULL, NULL, NULL);'

say "app/main.c, the table of contents, may wire the screen in; ui/ may use app/"
rm -rf "$T/tree"; mkdir -p "$T/tree/app" "$T/tree/ui"
printf '#include "ui/screen.h"\n' > "$T/tree/app/main.c"
printf '#include "app/checkin.h"\n' > "$T/tree/ui/x.c"
"$CHECK" "$T/tree" > "$T/ok.out" 2>&1 || fail "check-layers refuses allowed includes: $(cat "$T/ok.out")"
echo "PASS"
