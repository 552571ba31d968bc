#!/bin/sh
# The Debian package installs on a clean Debian 12: debootstrap a minimal bookworm root (cached in
# ~/.cache/haazri-pkgroot after the first run), apt-get install the .deb inside it, and check what an
# installer would: the service user, its folders and permissions, the unit enabled but conditioned
# on provisioning (nothing starts unprovisioned), the programs run with the libraries apt brought.
# Needs root and Debian's package mirror (the one apt uses here).
set -eu
cd "$(dirname "$0")/../.."
deb=$(ls build/haazri_*_amd64.deb | tail -n 1)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for debootstrap/chroot"; exit 77; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
mirror=$(grep -h -m1 '^URIs:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | awk '{print $2}')
mirror=${mirror:-http://deb.debian.org/debian}
cache=${HAAZRI_PKGROOT_CACHE:-$HOME/.cache/haazri-pkgroot}
if [ ! -f "$cache/base.tar" ]; then
    echo "debootstrap bookworm (minbase) from $mirror, once"
    rm -rf "$cache/base"; mkdir -p "$cache"
    debootstrap --variant=minbase bookworm "$cache/base" "$mirror" > "$cache/debootstrap.log" 2>&1 ||
        { tail -n 20 "$cache/debootstrap.log"; exit 1; }
    tar -C "$cache/base" -cf "$cache/base.tar" . && rm -rf "$cache/base"
fi
R=$(mktemp -d /tmp/haazri-pkgroot-XXXXXX)
cleanup() { umount "$R/proc" 2>/dev/null || true; rm -rf "$R"; }
trap cleanup EXIT
tar -C "$R" -xf "$cache/base.tar"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$R/proc"
cp "$deb" "$R/tmp/"
fail() { echo "FAIL: $*" >&2; exit 1; }
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

echo "--- apt-get install ./$(basename "$deb") in a clean bookworm root"
in_root apt-get update -qq > "$R/tmp/apt.log" 2>&1 || { cat "$R/tmp/apt.log"; fail "apt-get update"; }
in_root sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/$(basename "$deb")" \
    >> "$R/tmp/apt.log" 2>&1 || { tail -n 30 "$R/tmp/apt.log"; fail "apt-get install of the package"; }

echo "--- what an installer finds"
in_root dpkg -s haazri | grep -q '^Status: install ok installed' || fail "not installed"
in_root id haazri | grep -q 'groups=.*gpio' || fail "service user or its gpio group missing: $(in_root id haazri)"
[ "$(in_root stat -c "%U %a" /var/lib/haazri)" = "haazri 750" ] || fail "/var/lib/haazri: $(in_root stat -c "%U %a" /var/lib/haazri)"
[ "$(in_root stat -c "%G %a" /etc/haazri/haazri.conf)" = "haazri 640" ] || fail "haazri.conf permissions"
[ "$(in_root systemctl is-enabled haazri.service 2>&1)" = enabled ] || fail "haazri.service not enabled"
grep -q '^ConditionPathExists=/var/lib/haazri/provisioned' "$R/lib/systemd/system/haazri.service" || fail "unit not conditioned on provisioning"
[ ! -e "$R/var/lib/haazri/provisioned" ] || fail "a fresh install claims to be provisioned"
in_root haazri --version | grep -q '^haazri ' || fail "haazri does not run"
# As docs/appliance.md has the installer do it: haazri-ctl as root. Whatever it creates in the data
# folder must be the service user's, or the kiosk (User=haazri) opens a database it cannot write.
in_root haazri-ctl list --config /etc/haazri/haazri.conf > "$R/tmp/list.out" 2>&1 ||
    { cat "$R/tmp/list.out"; fail "haazri-ctl as root"; }
echo 482915 | in_root haazri-ctl officer add asma --name "Asma Khan" --role admin --config /etc/haazri/haazri.conf \
    > "$R/tmp/officer.out" 2>&1 || { cat "$R/tmp/officer.out"; fail "haazri-ctl officer add as root"; }
[ -f "$R/var/lib/haazri/haazri.db" ] || fail "haazri-ctl as root created no database"
foreign=$(in_root find /var/lib/haazri ! -user haazri -printf '%u:%g %p\n')
[ -z "$foreign" ] || fail "root's haazri-ctl left files the service user does not own: $foreign"
echo 739146 | in_root runuser -u haazri -- haazri-ctl officer add omar --name Omar --config /etc/haazri/haazri.conf \
    > "$R/tmp/omar.out" 2>&1 || { cat "$R/tmp/omar.out"; fail "the service user cannot write the database root made"; }
in_root man -w haazri > /dev/null 2>&1 || [ -f "$R/usr/share/man/man1/haazri.1.gz" ] || fail "man page"
echo "package checks passed"
echo "1 passed, 0 failed"
