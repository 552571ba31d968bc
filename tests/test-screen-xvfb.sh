#!/bin/sh
# The kiosk with its screen on a real X server (Xvfb): the window opens, and a sample finger on the
# virtual scanner produces the checked-in screen (read back from the X display with ImageMagick's
# import and kept as build/screenshots/xvfb-recorded.png). The kiosk starts no desktop session bus:
# a dbus-launch first on PATH records it if libdbus ever autolaunches one.
. "$(dirname "$0")/lib.sh"
for tool in Xvfb import convert; do
    command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed (Debian: xvfb, imagemagick)"; exit 77; }
done

say "an X server of 800x480, the size of the smallest panel"
Xvfb -displayfd 5 -screen 0 800x480x24 -nolisten tcp 5>"$T/display" 2>"$T/xvfb.err" &
XVFB_PID=$!
trap 'kill $XVFB_PID 2>/dev/null; cleanup' EXIT
n=0; while [ ! -s "$T/display" ]; do n=$((n + 1)); [ $n -gt 100 ] && fail "Xvfb did not start"; sleep 0.1; done
export DISPLAY=":$(cat "$T/display")"

conf="$T/haazri.conf"
cat > "$conf" <<CONF
[kiosk]
device_id = test-kiosk
office = Test Office
data_dir = $T/data
[checkin]
result_seconds = 30
[screen]
backend = x11
width = 800
height = 480
fullscreen = true
questions =
[sound]
enabled = false
CONF
enroll "$conf" TEST-101 101

say "the kiosk opens its window"
mkdir -p "$T/bin"
printf '#!/bin/sh\necho "$*" >> "%s"\nexit 1\n' "$T/dbus-launched" > "$T/bin/dbus-launch"
chmod +x "$T/bin/dbus-launch"
export PATH="$T/bin:$PATH"
start_kiosk "$conf" "$T/out"
wait_for "$T/out.err" "screen: x11" 20
wait_for "$T/out" "Place your finger" 20
xwininfo -root -children | grep -q '"Haazri"' || fail "no Haazri window on $DISPLAY"

say "a sample finger: the checked-in screen"
place "$TESTDATA/fvc2002-db2b/101_7.png"
wait_for "$T/out" "CHECKED IN" 20
sleep 0.5 # the redraw runs on the next main-loop turn after the event
import -display "$DISPLAY" -window root "$T/shot.png"
mkdir -p "$BUILD/screenshots"; cp "$T/shot.png" "$BUILD/screenshots/xvfb-recorded.png"

# The checked-in screen is mostly its green (#1b6e2e); the waiting screen is dark blue.
rgb=$(convert "$T/shot.png" -resize 1x1\! -format '%[fx:int(255*r)] %[fx:int(255*g)] %[fx:int(255*b)]' info:)
set -- $rgb
echo "mean colour of the screen: $rgb"
[ "$2" -gt $(( $1 + 30 )) ] && [ "$2" -gt $(( $3 + 30 )) ] || fail "the screen is not the checked-in screen (mean colour $rgb)"
[ ! -e "$T/dbus-launched" ] || fail "the kiosk tried to start a session bus: dbus-launch $(cat "$T/dbus-launched")"
echo "PASS: window opened, checked-in screen shown, no session bus started"
