#!/usr/bin/env bash
# latency.sh — the latency of every endpoint of `mailprofile serve` at a
# fixed request rate, beside bench/fixed (a tiny Go server that answers
# fixed bytes) at the same rate.
#
# bench/serve.sh drives the servers with wrk, which keeps 64 requests in
# flight whatever the server's speed: there the mean latency is 64 divided
# by the requests/s, and its p99 column says as much about throughput as
# about latency. Here requests are sent at a steady rate (vegeta, open
# loop) that the fixed server and the endpoint can both keep up with, so
# the p99 is the time a client waits for an answer at that load. For scale:
# a host with a million mailboxes sees a few hundred lookups a second at
# its busiest.
#
#   bench/latency.sh                          # 3 rounds of 8 s per row and rate
#   RATES="1000 5000" PAGE_RATES="500" ROUNDS=5 DURATION=5s bench/latency.sh
#   PIN=1 bench/latency.sh                    # vegeta on a core of its own
#
# RATES are the requests/s for the discovery endpoints and the Apple
# profile, PAGE_RATES for the setup page (about 6,000 pages/s is all two
# cores make: a rate near that measures a queue, not the page).
#
# serve runs with Go's defaults unless SERVE_ENV says otherwise.
#
# Needs vegeta (go install github.com/tsenart/vegeta/v12@v12.13.0; it is
# run with `go run` when not installed) and python3. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=${RATES:-2000 5000}
page_rates=${PAGE_RATES:-500 2000}
rounds=${ROUNDS:-3}
duration=${DURATION:-8s}
vegeta=(vegeta)
command -v vegeta >/dev/null || vegeta=(go run github.com/tsenart/vegeta/v12@v12.13.0)
"${vegeta[@]}" -version >/dev/null
. bench/servers.sh

# One vegeta target file a row (its http format: method and URL, headers,
# @body file).
target() { printf '%s\n' "$2" > "$work/$1.target"; }
target fixed-bytes "GET http://127.0.0.1:18081/"
target thunderbird "GET http://127.0.0.1:18080/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp"
printf 'POST http://127.0.0.1:18080/autodiscover/autodiscover.xml\nContent-Type: text/xml\n@%s\n' "$work/request.xml" > "$work/autodiscover-xml.target"
target autodiscover-json "GET http://127.0.0.1:18080/autodiscover/autodiscover.json?Email=yamada%40example.co.jp&Protocol=AutodiscoverV1"
target apple "GET http://127.0.0.1:18080/apple/yamada@example.co.jp.mobileconfig"
target setup-page "GET http://127.0.0.1:18080/setup/yamada@example.co.jp"

# run NAME RATE: one attack; appends "NAME RATE p50 p99 max success" (ms).
run() {
  "${pin_load[@]}" "${vegeta[@]}" attack -rate "$2" -duration "$duration" -timeout 10s -targets "$work/$1.target" |
    "${vegeta[@]}" report -type=json |
    python3 -c '
import json, sys
r = json.load(sys.stdin)
l = r["latencies"]
print(sys.argv[1], sys.argv[2], l["50th"] / 1e6, l["99th"] / 1e6, l["max"] / 1e6, r["success"])
' "$1" "$2" >> "$work/results"
}

# The rows, "NAME RATE" each: every endpoint at each rate, the fixed server
# at the same rates (once a rate).
rows=()
add() { [[ " ${rows[*]-} " == *" $1 $2 "* ]] || rows+=("$1 $2"); }
for rate in $rates; do
  for name in fixed-bytes thunderbird autodiscover-xml autodiscover-json apple; do add "$name" "$rate"; done
done
for rate in $page_rates; do
  for name in fixed-bytes setup-page; do add "$name" "$rate"; done
done
for ((round = 1; round <= rounds; round++)); do
  for row in "${rows[@]}"; do run $row; done
  echo "round $round of $rounds done" >&2
done

med() { awk -v n="$1" -v r="$2" -v f="$3" '$1 == n && $2 == r {print $f}' "$work/results" | median; }
echo "medians of $rounds rounds of ${duration} at each rate; x-p99 = p99 / fixed-bytes's p99 at the same rate"
printf '%-20s %7s %9s %9s %9s %8s %7s\n' endpoint req/s p50-ms p99-ms max-ms success x-p99
show() {
  local base
  base=$(med fixed-bytes "$2" 4)
  printf '%-20s %7s %9.3f %9.3f %9.2f %8.4f %7.2f\n' "$1" "$2" "$(med "$1" "$2" 3)" "$(med "$1" "$2" 4)" \
    "$(med "$1" "$2" 5)" "$(med "$1" "$2" 6)" "$(awk -v a="$(med "$1" "$2" 4)" -v b="$base" 'BEGIN {print a / b}')"
}
for row in "${rows[@]}"; do show $row; done
echo "all runs (name req/s p50-ms p99-ms max-ms success):"
sed 's/^/  /' "$work/results"
