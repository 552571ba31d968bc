#!/bin/sh
# Installs the Debian packages the GPIO VM test needs, only those missing (apt-get update first; needs root).
set -eu
need="linux-source-6.1 bc flex bison libelf-dev libssl-dev gcc make cpio xz-utils
qemu-system-x86 busybox-static libgpiod-dev libglib2.0-dev pkg-config"
missing=""
for p in $need; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "gpio-vm: installing missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "gpio-vm: not root; install them with: apt-get install$missing" >&2
  exit 1
fi
apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
