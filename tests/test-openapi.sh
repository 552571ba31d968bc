#!/bin/sh
# test-openapi — docs/sync-openapi.yaml is a valid OpenAPI 3 document under a standard linter,
# Redocly CLI (pinned in tests/contract/package-lock.json, installed by scripts/node-tools.sh): its
# recommended rules as a newcomer would run them, and ours (tests/contract/redocly.yaml: every
# example validates against its own schema, an operationId per operation, a licence). Three broken
# copies must be refused — an example of the wrong type, a flow mapping whose commas split a
# description into extra keys, an operation without an operationId — so a pass means the lint looked.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
tools=$(./scripts/node-tools.sh)
# The tests send nothing anywhere: no usage report, no version check.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
redocly="$tools/node_modules/.bin/redocly"
doc=docs/sync-openapi.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAILED: $1"; failed=$((failed + 1)); }

lint() { "$redocly" lint --config tests/contract/redocly.yaml "$1" > "$tmp/out" 2>&1; }

if lint "$doc"; then ok "$doc passes the lint (our rules)"; else cat "$tmp/out"; fail "$doc fails the lint"; fi
# As a newcomer runs it: no configuration of ours, the recommended rules; not even a warning.
if (cd "$tmp" && "$redocly" lint "$TOP/$doc" > out.default 2>&1) && ! grep -q "warning" "$tmp/out.default"; then
    ok "$doc passes the default recommended lint with no warning"
else cat "$tmp/out.default"; fail "$doc: the default lint complains"; fi

# The broken copies.
sed 's/^                  score: 48$/                  score: high/' "$doc" > "$tmp/example.yaml"
sed '0,/^        boot_id: {type: string, maxLength: 64}$/s//        boot_id: {type: string, description: the boot, as the kernel names it, maxLength: 64}/' \
    "$doc" > "$tmp/comma.yaml"
sed '0,/^      operationId: pushEvents$/{/^      operationId: pushEvents$/d}' "$doc" > "$tmp/operationid.yaml"
for bad in example:no-invalid-media-type-examples comma:"as the kernel names it" operationid:operation-operationId; do
    name=${bad%%:*}; why=${bad#*:}
    if cmp -s "$doc" "$tmp/$name.yaml"; then fail "the $name copy is not broken (the document changed: update this test)"
    elif lint "$tmp/$name.yaml"; then fail "a document with a broken $name passes the lint"
    elif grep -q "$why" "$tmp/out"; then ok "a broken $name is refused ($why)"
    else cat "$tmp/out"; fail "a broken $name is refused, but not for \"$why\""; fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
