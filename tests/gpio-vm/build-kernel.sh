#!/usr/bin/env bash
# Builds (once) a small x86-64 kernel that has the gpio-sim driver, so the LED driver can be tested against
# a real GPIO character device inside qemu. Debian's stock kernel lacks gpio-sim, and build machines have no
# GPIO chip, hence the custom kernel. Source: Debian's linux-source-6.1 package (no network besides apt).
# Prints the bzImage path on its last line. Cache: $HAAZRI_GPIO_VM_CACHE or ~/.cache/haazri-gpio-vm.
# HAAZRI_VM_VIVID=1 builds (and caches separately) the same kernel with the vivid virtual camera too, for
# the camera capture test (tests/camera-vm/): a second kernel, so the LED test's stays as small as it was.
set -euo pipefail

cache=${HAAZRI_GPIO_VM_CACHE:-$HOME/.cache/haazri-gpio-vm}
vivid=${HAAZRI_VM_VIVID:-0}
image=$cache/bzImage-6.1-gpiosim
[[ $vivid == 1 ]] && image=$cache/bzImage-6.1-gpiosim-vivid
if [[ -s $image ]]; then echo "$image"; exit 0; fi

"$(dirname "$0")/deps.sh"

mkdir -p "$cache"
src_tar=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
tmp=$(mktemp -d "$cache/kbuild.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "gpio-vm: building a gpio-sim kernel from $src_tar (once, several minutes)" >&2
tar -C "$tmp" -xf "$src_tar"
cd "$tmp"/linux-source-6.1

# Start from the smallest config and switch on only what the test needs: a serial console to read the
# result, an initramfs to carry the test program, configfs to create the simulated chip, and the GPIO
# character device with its v1 uAPI (libgpiod 1.6 speaks v1).
make -s tinyconfig >config.log 2>&1 || { cat config.log >&2; exit 1; }
cat >>.config <<'CFG'
CONFIG_64BIT=y
CONFIG_PRINTK=y
CONFIG_TTY=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_DEVTMPFS=y
CONFIG_CONFIGFS_FS=y
CONFIG_SHMEM=y
CONFIG_TMPFS=y
CONFIG_FUTEX=y
CONFIG_EPOLL=y
CONFIG_EVENTFD=y
CONFIG_SIGNALFD=y
CONFIG_TIMERFD=y
CONFIG_POSIX_TIMERS=y
CONFIG_MULTIUSER=y
CONFIG_UNIX=y
CONFIG_NET=y
CONFIG_GPIOLIB=y
CONFIG_GPIO_CDEV=y
CONFIG_GPIO_CDEV_V1=y
CONFIG_GPIO_SIM=y
CFG
# vivid: a V4L2 webcam in the kernel itself (test pattern frames); it needs the frame-buffer core.
checks="GPIO_SIM GPIO_CDEV_V1 CONFIGFS_FS BLK_DEV_INITRD"
if [[ $vivid == 1 ]]; then
  cat >>.config <<'CFG'
CONFIG_FB=y
CONFIG_MEDIA_SUPPORT=y
CONFIG_MEDIA_SUPPORT_FILTER=y
CONFIG_MEDIA_CAMERA_SUPPORT=y
CONFIG_MEDIA_TEST_SUPPORT=y
CONFIG_VIDEO_DEV=y
CONFIG_V4L_TEST_DRIVERS=y
CONFIG_VIDEO_VIVID=y
CFG
  checks="$checks VIDEO_DEV VIDEO_VIVID"
fi
make -s olddefconfig >>config.log 2>&1 || { cat config.log >&2; exit 1; }
for opt in $checks; do
  grep -q "^CONFIG_$opt=y" .config || { echo "gpio-vm: kernel config lost CONFIG_$opt" >&2; exit 1; }
done
if ! make -j"$(nproc)" bzImage >build.log 2>&1; then tail -n 40 build.log >&2; exit 1; fi
cp arch/x86/boot/bzImage "$image.tmp" && mv "$image.tmp" "$image"
echo "$image"
