#!/usr/bin/env bash
# Runs one test program inside a throwaway qemu VM whose kernel has gpio-sim, after creating a simulated
# GPIO chip with named lines, so libgpiod calls reach a real kernel GPIO character device.
#
# usage: tests/gpio-vm/run-vm.sh [--names n0,n1,..] [--lines N] [--timeout S] -- PROGRAM [ARGS...]
#
# The program sees, inside the VM:
#   GPIO_SIM_CHIP   chip name for libgpiod (gpiochipN)      GPIO_SIM_LABEL  chip label (haazri-sim)
#   GPIO_SIM_SYSFS  folder with sim_gpioN/value: the level line N is driven to (what a LED would see)
# Only busybox is there besides the program and the shared libraries ldd lists for it.
# Exit status: the program's own; 125 if the VM never reported one (crash, timeout).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
names="" lines=8 timeout_s=180
while (($#)); do
  case $1 in
    --names) names=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "run-vm.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
(($#)) || { echo "usage: run-vm.sh [--names a,b] [--lines N] [--timeout S] -- PROGRAM [ARGS...]" >&2; exit 2; }

"$here/deps.sh"
kernel=$("$here/build-kernel.sh" | tail -n 1)
prog=$(readlink -f "$(command -v "$1")"); shift

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$root"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$root/bin/busybox"
for applet in sh mount mkdir cat echo sed reboot; do ln -s busybox "$root/bin/$applet"; done

# The program goes to /opt/test (its host path may lie under /tmp, which the VM mounts a tmpfs over);
# each library ldd names keeps its host path (the dynamic loader included).
add_file() {
  [[ -e $root$1 ]] && return 0
  mkdir -p "$root$(dirname "$1")"
  cp -L "$1" "$root$1"
}
mkdir -p "$root/opt/test"
cp -L "$prog" "$root/opt/test/"
vm_prog=/opt/test/$(basename "$prog")
while read -r lib; do add_file "$lib"; done < <(ldd "$prog" | grep -o '/[^ ]*' || true)

quoted=""
for arg in "$@"; do quoted+=" $(printf '%q' "$arg")"; done

cat >"$root/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t configfs configfs /sys/kernel/config
mount -t tmpfs tmpfs /tmp
sim=/sys/kernel/config/gpio-sim/haazri
mkdir \$sim \$sim/bank0
echo $lines >\$sim/bank0/num_lines
echo haazri-sim >\$sim/bank0/label
n=0
for name in \$(echo "$names" | sed 's/,/ /g'); do
  mkdir \$sim/bank0/line\$n && echo \$name >\$sim/bank0/line\$n/name
  n=\$((n + 1))
done
echo 1 >\$sim/live
export GPIO_SIM_CHIP=\$(cat \$sim/bank0/chip_name) GPIO_SIM_LABEL=haazri-sim
export GPIO_SIM_SYSFS=/sys/devices/platform/\$(cat \$sim/dev_name)/\$GPIO_SIM_CHIP
export PATH=/bin HOME=/tmp
cd /tmp
echo "@@vm-start@@"
$vm_prog$quoted
echo "@@vm-exit=\$?@@"
reboot -f  # the tiny kernel has no ACPI power-off; with qemu's -no-reboot a reboot ends the VM
EOF
chmod +x "$root/init"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$stage/initrd.gz"

# Plain emulation by default: the kernel is tiny and boots in seconds that way, while KVM inside a
# virtual build machine (nested) has been seen to hang before the kernel starts. Opt in with
# HAAZRI_GPIO_VM_KVM=1 on a machine where KVM is known to work.
accel=(-accel tcg)
[[ ${HAAZRI_GPIO_VM_KVM:-0} == 1 ]] && accel=(-accel kvm -cpu host)
set +e
timeout "$timeout_s" qemu-system-x86_64 "${accel[@]}" -m 512 -smp 1 -nographic -no-reboot \
  -kernel "$kernel" -initrd "$stage/initrd.gz" -append "console=ttyS0 quiet panic=-1" \
  </dev/null >"$stage/console" 2>&1
qemu_status=$?
set -e
tr -d '\r' <"$stage/console" >"$stage/console.txt"
sed -n '/@@vm-start@@/,/@@vm-exit=/{/@@vm-/d;p}' "$stage/console.txt"
status=$(sed -n 's/.*@@vm-exit=\([0-9]*\)@@.*/\1/p' "$stage/console.txt" | tail -n 1)
if [[ -z $status ]]; then
  echo "run-vm.sh: the VM reported no exit status (qemu status $qemu_status, timeout ${timeout_s}s); console:" >&2
  tail -n 30 "$stage/console.txt" >&2
  exit 125
fi
exit "$status"
