#!/bin/sh
# The tests' npm tools (tests/contract/package.json, pinned whole by its package-lock.json): Redocly
# CLI lints docs/sync-openapi.yaml, ajv checks requests and replies against it. Installed once with
# `npm ci` into a cache folder named after the lock file (shared by every build folder, replaced
# when the lock changes); prints that folder. Needs node and npm (scripts/deps.sh installs Debian's).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
lock="$TOP/tests/contract/package-lock.json"
key=$(sha256sum "$lock" | cut -c1-16)
dir="${HAAZRI_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/haazri}/npm-$key"
if [ ! -f "$dir/.installed" ]; then
    command -v npm >/dev/null 2>&1 || { echo "node-tools: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
    echo "node-tools: installing the pinned npm tools into $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$TOP/tests/contract/package.json" "$lock" "$dir/"
    # No install scripts: none of these tools needs one (core-js's only prints a banner).
    (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
    touch "$dir/.installed"
fi
echo "$dir"
