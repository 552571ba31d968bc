#!/bin/sh
# Synthesises the kiosk's spoken prompts with espeak-ng (Debian package espeak-ng) from the screen's
# translation table (haazri-ctl prompts) into BUILD/prompts/NAME-LANG.wav (22050 Hz mono).
#   make-prompts.sh BUILD
set -eu
build=$1
out="$build/prompts"
mkdir -p "$out"
tab=$(printf '\t')
"$build/haazri-ctl" prompts | while IFS="$tab" read -r name lang text; do
    # Slower than espeak's default 175 words a minute: heard in a busy office, by people who may
    # not read; the Urdu voice in particular runs words together at full speed.
    case "$lang" in
    ur) voice=ur; speed=125 ;;
    *) voice=en-gb; speed=140 ;;
    esac
    espeak-ng -v "$voice" -s "$speed" -w "$out/$name-$lang.wav" -- "$text"
done
echo "prompts: $(ls "$out"/*.wav | wc -l) spoken prompts in $out"
