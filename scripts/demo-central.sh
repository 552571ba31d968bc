#!/bin/sh
# make run-central: a kiosk and the reference central server side by side, on this machine only.
#   - a CA and a certificate for 127.0.0.1 (openssl), under ./data/central
#   - the receiver (SQLite) on https://127.0.0.1:8443, publishing a roster of ten sample
#     probationers (fictional names, FVC2002 fingers enrolled once at a scratch "enrollment desk")
#   - a kiosk provisioned with a one-time token; provisioning pulls the roster, so it recognises
#     the ten at once; its check-ins go to the receiver over verified TLS.
# Type 1-10 to place a finger (as in make run). In another terminal:
#   build/haazri-receiver export --db data/central/receiver.db        what the centre received
#   build/haazri-ctl sync status --config data/central/kiosk/haazri.conf
# Stop the receiver (kill it) and watch the kiosk go OFFLINE and catch up after a restart.
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B="$TOP/$BUILD"
C="$TOP/data/central"
PORT=${HAAZRI_DEMO_PORT:-8443}
mkdir -p "$C/kiosk" "$C/desk"
export FP_VIRTUAL_IMAGE="$C/scanner.sock"

if [ ! -f "$C/server.pem" ]; then
    echo "Making a demo CA and a certificate for 127.0.0.1..."
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/ca.key" -out "$C/ca.pem" \
        -days 365 -subj /CN=haazri-demo-ca 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/server.key" -out "$C/server.csr" \
        -subj /CN=127.0.0.1 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' > "$C/ext.cnf"
    openssl x509 -req -in "$C/server.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial \
        -out "$C/server.pem" -days 365 -extfile "$C/ext.cnf" 2>/dev/null
fi

if [ ! -f "$C/roster.json" ]; then
    echo "Enrolling ten sample probationers at the centre's enrollment desk (virtual scanner)..."
    printf '[kiosk]\ndevice_id = desk\noffice = Lahore\ndata_dir = %s\n[leds]\nenabled = false\n' "$C/desk" \
        > "$C/desk/haazri.conf"
    {
        printf '{"probationers": ['
        sep=""
        while IFS='|' read -r n name name_ur; do
            case "$n" in \#*) continue ;; esac
            imgs=""
            for i in 1 2 3 4 5; do imgs="$imgs $TOP/tests/data/fvc2002-db2b/${n}_$i.png"; done
            # shellcheck disable=SC2086
            "$TOP/scripts/enroll-virtual.sh" "$B" "$C/desk/haazri.conf" "LHR-2026-0$n" "$name" "$name_ur" \
                right-index $imgs > /dev/null
            "$B/haazri-ctl" enrollments export --config "$C/desk/haazri.conf" --out "$C/desk/enrolled.json" > /dev/null
            t=$(jq -r --arg c "LHR-2026-0$n" '.probationers[] | select(.case_number == $c) | .fingers[0].template' \
                "$C/desk/enrolled.json")
            printf '%s{"case_number": "LHR-2026-0%s", "name_en": "%s", "name_ur": "%s", "office": "Lahore",
                "status": "active", "fingers": [{"finger": "right-index", "driver": "virtual_image", "template": "%s"}],
                "schedule": {"rule": "weekly:mon,tue,wed,thu,fri,sat,sun", "starts": "2026-01-01", "due_by": "13:00"}}' \
                "$sep" "$n" "$name" "$name_ur" "$t"
            sep=","
        done < "$TOP/scripts/demo-people.txt"
        printf '], "messages": [{"id": "welcome", "office": "Lahore", "case_number": "LHR-2026-0101",
            "text_en": "Please bring your court order next time.", "text_ur": null}]}\n'
    } > "$C/roster.json.part"
    mv "$C/roster.json.part" "$C/roster.json"
    "$B/haazri-receiver" roster load "$C/roster.json" --db "$C/receiver.db"
fi

"$B/haazri-receiver" serve --db "$C/receiver.db" --listen "127.0.0.1:$PORT" --cert "$C/server.pem" \
    --key "$C/server.key" --port-file "$C/port" > "$C/receiver.log" 2>&1 &
RX=$!
trap 'kill $RX 2>/dev/null || true' EXIT INT TERM
i=0; until [ -s "$C/port" ] || ! kill -0 $RX 2>/dev/null; do i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.1; done
kill -0 $RX 2>/dev/null || { cat "$C/receiver.log" >&2; echo "demo-central: the receiver did not start (port $PORT busy? set HAAZRI_DEMO_PORT)" >&2; exit 1; }
rm -f "$C/port"

if [ ! -f "$C/kiosk/provisioned" ]; then
    cat > "$C/kiosk/haazri.conf" <<CONF
# Demo kiosk written by scripts/demo-central.sh; see config/haazri.conf for every key.
[kiosk]
device_id = demo-kiosk
office = Lahore
data_dir = .
[scanner]
driver = virtual_image
[checkin]
result_seconds = 4
[leds]
enabled = false
[sync]
ca_file = $C/ca.pem
interval_seconds = 10
CONF
    token=$("$B/haazri-receiver" device add demo-kiosk --office Lahore --db "$C/receiver.db" 2>/dev/null)
    "$B/haazri-ctl" provision --config "$C/kiosk/haazri.conf" --server "https://127.0.0.1:$PORT" --token "$token"
fi

cat <<HELP

Haazri kiosk + central receiver (https://127.0.0.1:$PORT, log: data/central/receiver.log).
  1 .. 10   place sample finger 101..110 (the centre's probationers LHR-2026-0101..0110)
  n / u / t / c CASE   as in make run
  Elsewhere: $BUILD/haazri-receiver export --db data/central/receiver.db
             $BUILD/haazri-ctl sync status --config data/central/kiosk/haazri.conf
  Ctrl+C    quit (stops the receiver too).

HELP
"$B/haazri" --config "$C/kiosk/haazri.conf" --demo-images "$TOP/tests/data"
