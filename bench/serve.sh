#!/usr/bin/env bash
# serve.sh — requests per second and p99 latency of every endpoint of
# `mailprofile serve`, side by side in the same run with bench/fixed, a tiny
# Go server that answers fixed bytes: the most net/http does on this machine.
# Then a soak on the Apple endpoint (the costliest) that samples the server's
# memory.
#
# Target (issue 3): each endpoint at least 0.9x the fixed server's
# requests/s, p99 at most 1.2x its p99, memory flat over the soak.
#
#   bench/serve.sh                 # 10 s per endpoint, 60 s soak
#   DURATION=5s SOAK=20 bench/serve.sh
#
# Needs wrk (apt-get install wrk). Only loopback addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
duration=${DURATION:-10s}
soak=${SOAK:-60}
threads=${THREADS:-2}
conns=${CONNS:-64}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/mailprofile" ./cmd/mailprofile
go build -o "$work/fixed" ./bench/fixed
for port in 18080 18081; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is already in use: stop what listens there first" >&2; exit 1
  fi
done
"$work/mailprofile" serve -c examples/migration.yaml --addr 127.0.0.1:18080 2>/dev/null &
pids+=($!)
"$work/fixed" -addr 127.0.0.1:18081 -size 1000 &
pids+=($!)
for port in 18080 18081; do
  for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done
for p in "${pids[@]}"; do
  kill -0 "$p" 2>/dev/null || { echo "a server did not start" >&2; exit 1; }
done

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml"
wrk.body = [[<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>yamada@example.co.jp</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>]]
LUA

# run NAME URL [LUA]: prints requests/s and p99 (ms).
run() {
  local script=()
  [ -n "${3:-}" ] && script=(-s "$3")
  wrk -t"$threads" -c"$conns" -d"$duration" --latency "${script[@]}" "$2" > "$work/out"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$work/out")
  if grep -q "Non-2xx" "$work/out"; then echo "$1: non-2xx answers!" >&2; grep Non-2xx "$work/out" >&2; fi
  echo "$rps $p99"
}

printf '%-22s %10s %9s %8s %8s\n' endpoint req/s p99-ms "x-rps" "x-p99"
read -r base_rps base_p99 < <(run fixed http://127.0.0.1:18081/)
printf '%-22s %10.0f %9.2f %8s %8s\n' fixed-bytes "$base_rps" "$base_p99" 1.00 1.00
row() {
  read -r rps p99 < <(run "$@")
  printf '%-22s %10.0f %9.2f %8.2f %8.2f\n' "$1" "$rps" "$p99" \
    "$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {print a/b}')" \
    "$(awk -v a="$p99" -v b="$base_p99" 'BEGIN {print a/b}')"
}
row thunderbird "http://127.0.0.1:18080/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp"
row autodiscover-xml "http://127.0.0.1:18080/autodiscover/autodiscover.xml" "$work/post.lua"
row autodiscover-json "http://127.0.0.1:18080/autodiscover/autodiscover.json?Email=yamada%40example.co.jp&Protocol=AutodiscoverV1"
row apple "http://127.0.0.1:18080/apple/yamada@example.co.jp.mobileconfig"
row healthz "http://127.0.0.1:18080/healthz"
read -r base2 _ < <(run fixed http://127.0.0.1:18081/)
printf '%-22s %10.0f   (fixed-bytes again, to see drift)\n' fixed-bytes "$base2"

# Soak: memory of the server while the Apple endpoint is driven.
echo
echo "soak: apple endpoint for ${soak}s, server RSS every 10s (MiB)"
server=${pids[0]}
wrk -t"$threads" -c"$conns" -d"${soak}s" "http://127.0.0.1:18080/apple/yamada@example.co.jp.mobileconfig" > /dev/null &
wrkpid=$!
samples=()
for ((s = 0; s < soak; s += 10)); do
  sleep 10
  samples+=("$(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 ))")
done
wait "$wrkpid"
echo "rss: ${samples[*]}"
