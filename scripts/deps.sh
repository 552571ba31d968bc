#!/bin/sh
# Installs the Debian 12 packages Haazri builds, runs and tests with — only those missing.
# Called by the make targets, so `make run` and `make test` work on a bare machine as root.
set -eu

PKGS="gcc make pkg-config ca-certificates
libfprint-2-dev libglib2.0-dev libsqlite3-dev sqlite3 libpng-dev libjpeg-dev
libsdl2-dev libsdl2-ttf-dev libasound2-dev fonts-noto-core espeak-ng
libgpiod-dev libcurl4-openssl-dev libjson-glib-dev libsodium-dev
libmicrohttpd-dev libpq-dev postgresql openssl libsystemd-dev
libfuse3-dev fuse3 jq util-linux systemd groff-base xvfb x11-utils imagemagick faketime chromium
clang libclang-rt-14-dev"
TOP=$(cd "$(dirname "$0")/.." && pwd)

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# node and npm run the tests' npm tools (scripts/node-tools.sh); any node >= 18 does, so one from
# elsewhere than Debian is kept.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -z "$missing" ]; then
    "$TOP/scripts/node-tools.sh" > /dev/null
    exit 0
fi

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "deps: these packages are missing and this is not root: $missing" >&2
        echo "deps: install them with: apt-get install$missing" >&2
        exit 1
    fi
else
    SUDO=
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
"$TOP/scripts/node-tools.sh" > /dev/null
