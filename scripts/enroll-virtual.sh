#!/bin/sh
# Enrolls one finger through haazri-ctl on libfprint's virtual_image scanner, placing each of the
# five images when haazri-ctl says the sensor wants the next touch, and the first of them for the
# duplicate check touch (used by the demo and the tests).
#   enroll-virtual.sh BUILD CONFIG CASE NAME NAME_UR FINGER IMG1 IMG2 IMG3 IMG4 IMG5
# FP_VIRTUAL_IMAGE must name the scanner's socket.
set -eu
build=$1 conf=$2 case_number=$3 name=$4 name_ur=$5 finger=$6
shift 6
: "${FP_VIRTUAL_IMAGE:?set FP_VIRTUAL_IMAGE to the virtual scanner socket}"
check_img=$1
status=$(mktemp)
{ "$build/haazri-ctl" enroll --config "$conf" --case "$case_number" --name "$name" --name-ur "$name_ur" \
      --finger "$finger"; echo $? > "$status"; } |
while IFS= read -r line; do
    case "$line" in
    Check:*) "$build/haazri-finger" --socket "$FP_VIRTUAL_IMAGE" "$check_img" ;;
    Touch*) [ $# -gt 0 ] || { echo "enroll-virtual: out of images" >&2; exit 1; }
            "$build/haazri-finger" --socket "$FP_VIRTUAL_IMAGE" "$1"; shift ;;
    Enrolled*|*"touch not usable"*) echo "$line" ;;
    esac
done
rc=$(cat "$status"); rm -f "$status"
exit "$rc"
