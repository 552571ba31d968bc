#!/bin/sh
# test-quiet-start.sh — the real kiosk's first run on a machine with no sound card and no display,
# as `make run` starts it, under LC_ALL=C: it says "no sound card" once and nothing comes from
# libasound ("ALSA lib ...", nine lines a tone before) or libwayland ("XDG_RUNTIME_DIR is invalid"),
# however many check-ins beep; and its log lines keep their "—".
. "$(dirname "$0")/lib.sh"
write_config "$T/k.conf" "$T/k"
cat >> "$T/k.conf" <<CONF
[scanner]
driver = virtual_image
[leds]
enabled = false
CONF
mkdir -p "$T/k"
enroll "$T/k.conf" LHR-103 103
say "the kiosk with no sound card (libasound pointed at one that doesn't exist) and no display"
env -u DISPLAY -u WAYLAND_DISPLAY -u XDG_RUNTIME_DIR -u SDL_VIDEODRIVER -u SDL_AUDIODRIVER \
    LC_ALL=C LANG=C ALSA_CARD=haazri-test-no-such-card \
    "$BUILD/haazri" --config "$T/k.conf" < /dev/null > "$T/k.out" 2> "$T/k.out.err" &
KIOSK_PID=$!
wait_for "$T/k.out" "Place your finger"
for i in 1 2 3; do
    place "$TESTDATA/fvc2002-db2b/103_6.png"
    wait_count "$T/k.out" "Place your finger" $((i + 1))
done
grep -q "CHECKED IN" "$T/k.out" || fail "no check-in was recorded"
kill -TERM "$KIOSK_PID"; wait "$KIOSK_PID" || true; KIOSK_PID=
cat "$T/k.out.err"
[ "$(count "$T/k.out.err" "no sound card: prompts and tones are off")" = 1 ] || fail "not one 'no sound card' line"
[ "$(count "$T/k.out.err" "ALSA lib")" = 0 ] || fail "libasound's lines on stderr"
[ "$(count "$T/k.out.err" "XDG_RUNTIME_DIR")" = 0 ] || fail "libwayland's line on stderr"
grep -q "sync: off — " "$T/k.out.err" || fail "the log's '—' did not come out as UTF-8 under LC_ALL=C"
echo "1 passed, 0 failed"
