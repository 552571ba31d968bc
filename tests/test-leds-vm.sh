#!/bin/sh
# The LED driver on a real kernel GPIO chip: builds tests/gpio-vm/test-leds-vm and runs it in a qemu VM
# with a simulated chip (tests/gpio-vm/run-vm.sh). The first run installs the Debian packages it needs
# and builds the VM kernel (about 5 minutes, cached in ~/.cache/haazri-gpio-vm); later runs take ~10 s.
set -eu
cd "$(dirname "$0")/.."
build=${HAAZRI_BUILD:-build}
make -s BUILD="$build" "$build/tests/gpio-vm/test-leds-vm"
exec ./tests/gpio-vm/run-vm.sh --names led-green,led-red,led-amber,buzzer -- "$build/tests/gpio-vm/test-leds-vm"
