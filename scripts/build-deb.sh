#!/bin/sh
# Builds the Debian package from the tree into build/ (dpkg-buildpackage writes beside the source).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
command -v dpkg-buildpackage >/dev/null && dpkg -s debhelper >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev debhelper; }
dpkg-buildpackage -us -uc -b > build/deb-build.log 2>&1 || { tail -n 30 build/deb-build.log; exit 1; }
version=$(dpkg-parsechangelog -S Version)
mkdir -p build
mv ../haazri_"$version"_*.deb ../haazri_"$version"_*.buildinfo ../haazri_"$version"_*.changes build/ 2>/dev/null || true
mv ../haazri-dbgsym_"$version"_*.deb build/ 2>/dev/null || true
ls build/haazri_"$version"_*.deb
