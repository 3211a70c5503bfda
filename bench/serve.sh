#!/usr/bin/env bash
# serve.sh — requests per second, p99 latency and the server's CPU time per
# request of every endpoint of `mailprofile serve`, side by side in the same
# run with bench/fixed, a tiny Go server that answers fixed bytes: the most
# net/http does on this machine. Then the latency of a normal request while
# IDLE connections (default 2,000) are open and send nothing, and a soak on
# the Apple endpoint that samples the server's memory.
#
# Floor (issue 12): every discovery endpoint and the Apple profile at least
# 0.2x the fixed server's requests/s and p99 at most 3x its p99; the setup
# page at least 0.1x; with the idle connections open, p99 under 100 ms;
# memory flat over the soak. A floor, not a score: above it, plain code wins.
#
# Reading the p99 column: wrk keeps CONNS requests in flight, each
# connection sending its next request when the answer arrives, so the mean
# latency is CONNS / requests-per-second (Little's law) and the p99 ratio is
# about 1 / x-rps times the ratio of the tails' shapes. An endpoint at 0.33x
# the fixed server's requests/s has about 3x its p99 even with the same tail;
# one at 0.2x, about 5x. On two cores shared with wrk the tail is the Go
# collector's cycles and the kernel's scheduling: a higher GOGC serves more
# requests/s but with a longer tail (autodiscover-xml with GOGC=400: 0.41x
# the requests/s, but 6.6x the p99, against 0.34x and 4.2x with GOGC=100).
#
#   bench/serve.sh                 # 3 rounds of 10 s per row, 60 s soak
#   ROUNDS=5 DURATION=5s SOAK=20 IDLE=2000 bench/serve.sh
#   SERVE_ENV="GOGC=400" bench/serve.sh   # serve with that environment
#   ROWS="setup-page apple" SOAK=0 IDLE=0 bench/serve.sh   # only these rows
#   PIN=1 bench/serve.sh           # wrk on a core of its own (servers.sh)
#
# serve runs with Go's defaults unless SERVE_ENV says otherwise.
#
# Needs wrk (apt-get install wrk). Only loopback addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
duration=${DURATION:-10s}
rounds=${ROUNDS:-3}
soak=${SOAK:-60}
idle=${IDLE:-2000}
rows=${ROWS:-}   # endpoints to measure (names as in the table); empty: all
threads=${THREADS:-2}
conns=${CONNS:-64}
. bench/servers.sh
{
  echo 'wrk.method = "POST"'
  echo 'wrk.headers["Content-Type"] = "text/xml"'
  printf 'wrk.body = [[%s]]\n' "$(cat "$work/request.xml")"
} > "$work/post.lua"

# cputime PID: the CPU time the process has used, in clock ticks.
cputime() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run PID URL [LUA]: prints requests/s, p99 (ms) and the server's CPU time
# per request (µs) of one wrk run against the server PID.
run() {
  local script=()
  [ -n "${3:-}" ] && script=(-s "$3")
  local before after
  before=$(cputime "$1")
  "${pin_load[@]}" wrk -t"$threads" -c"$conns" -d"$duration" --latency "${script[@]}" "$2" > "$work/out"
  after=$(cputime "$1")
  local rps p99 cpu
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/out")
  cpu=$(awk -v t="$(( after - before ))" -v hz="$(getconf CLK_TCK)" '/requests in/ {print t / hz * 1e6 / $1}' "$work/out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$work/out")
  if grep -q "Non-2xx" "$work/out"; then echo "$2: non-2xx answers!" >&2; grep Non-2xx "$work/out" >&2; fi
  echo "$rps $p99 $cpu"
}

# Each round runs every row once, the fixed server first; rows are compared
# by their medians over the rounds, which the machine's drift and wrk's
# noise (several per cent between runs) move less than single runs.
names=(fixed-bytes thunderbird autodiscover-xml autodiscover-json apple setup-page healthz fixed-bytes-post)
urls=(
  http://127.0.0.1:18081/
  "http://127.0.0.1:18080/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp"
  http://127.0.0.1:18080/autodiscover/autodiscover.xml
  "http://127.0.0.1:18080/autodiscover/autodiscover.json?Email=yamada%40example.co.jp&Protocol=AutodiscoverV1"
  http://127.0.0.1:18080/apple/yamada@example.co.jp.mobileconfig
  http://127.0.0.1:18080/setup/yamada@example.co.jp
  http://127.0.0.1:18080/healthz
  http://127.0.0.1:18081/
)
scripts=("" "" "$work/post.lua" "" "" "" "" "$work/post.lua")
servers=("${pids[1]}" "${pids[0]}" "${pids[0]}" "${pids[0]}" "${pids[0]}" "${pids[0]}" "${pids[0]}" "${pids[1]}")
# wanted NAME: whether the row is measured; the fixed server always is.
wanted() { [ -z "$rows" ] || [[ $1 == fixed-bytes* ]] || [[ " $rows " == *" $1 "* ]]; }
for ((round = 1; round <= rounds; round++)); do
  for i in "${!names[@]}"; do
    wanted "${names[$i]}" || continue
    read -r rps p99 cpu < <(run "${servers[$i]}" "${urls[$i]}" "${scripts[$i]}")
    echo "${names[$i]} $rps $p99 $cpu" >> "$work/results"
  done
  echo "round $round of $rounds done" >&2
done

med() { awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$work/results" | median; }
base_rps=$(med fixed-bytes 2); base_p99=$(med fixed-bytes 3)
post_rps=$(med fixed-bytes-post 2); post_p99=$(med fixed-bytes-post 3)
echo "medians of $rounds rounds, wrk -t$threads -c$conns -d$duration; x = ratio to fixed-bytes"
echo "(autodiscover-xml is also compared with fixed-bytes answering the same POST: x-post)"
echo "(cpu-us: the server's CPU time per request, the steadiest figure: wrk's share of the cores is not in it)"
printf '%-22s %10s %9s %8s %8s %8s\n' endpoint req/s p99-ms cpu-us "x-rps" "x-p99"
for name in "${names[@]}"; do
  wanted "$name" || continue
  rps=$(med "$name" 2); p99=$(med "$name" 3); cpu=$(med "$name" 4)
  printf '%-22s %10.0f %9.2f %8.2f %8.3f %8.2f' "$name" "$rps" "$p99" "$cpu" \
    "$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {print a/b}')" \
    "$(awk -v a="$p99" -v b="$base_p99" 'BEGIN {print a/b}')"
  if [ "$name" = autodiscover-xml ]; then
    printf '   x-post %.2f / %.2f' \
      "$(awk -v a="$rps" -v b="$post_rps" 'BEGIN {print a/b}')" \
      "$(awk -v a="$p99" -v b="$post_p99" 'BEGIN {print a/b}')"
  fi
  echo
done
echo "all runs (name req/s p99-ms cpu-us):"
sed 's/^/  /' "$work/results"

# Idle connections: IDLE clients connect and send nothing (as a slow or
# hostile client would); a normal client must still be answered at once.
if [ "$idle" -gt 0 ]; then
  echo
  echo "idle: $idle connections that send nothing, then wrk -t1 -c4 on thunderbird"
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  python3 - "$idle" <<'PY' &
import socket, sys, time
conns = []
for _ in range(int(sys.argv[1])):
    s = socket.create_connection(("127.0.0.1", 18080))
    conns.append(s)
time.sleep(12)
PY
  idlepid=$!
  sleep 3
  open=$(ls /proc/${pids[0]}/fd | wc -l)
  "${pin_load[@]}" wrk -t1 -c4 -d5s --latency "http://127.0.0.1:18080/mail/config-v1.1.xml?emailaddress=yamada%40example.co.jp" > "$work/out"
  echo "server file descriptors open: $open"
  awk '/^Requests\/sec/ {print "req/s: " $2} $1 == "99%" {print "p99: " $2} /errors/ {print}' "$work/out"
  kill "$idlepid" 2>/dev/null || true
  wait "$idlepid" 2>/dev/null || true
fi

# Soak: memory of the server while the Apple endpoint is driven.
if [ "$soak" -gt 0 ]; then
  echo
  echo "soak: apple endpoint for ${soak}s, server RSS every 10s (MiB)"
  server=${pids[0]}
  "${pin_load[@]}" wrk -t"$threads" -c"$conns" -d"${soak}s" "http://127.0.0.1:18080/apple/yamada@example.co.jp.mobileconfig" > /dev/null &
  wrkpid=$!
  samples=()
  for ((s = 0; s < soak; s += 10)); do
    sleep 10
    samples+=("$(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 ))")
  done
  wait "$wrkpid"
  echo "rss: ${samples[*]}"
fi
