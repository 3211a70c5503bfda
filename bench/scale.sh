#!/usr/bin/env bash
# scale.sh — mailprofile serve for a host of many domains and mailboxes:
# for folders of 1k, 10k and 100k domain descriptions (bench/mkdomains),
# the time to start (until it listens) and to reload (SIGHUP, until
# "reloaded"), the memory (RSS now, and the peak), and requests/s of
# Thunderbird lookups for random domains (wrk), with a reload in the middle
# whose failed requests are counted; then one domain with 1M accounts in a
# CSV file, 1% of them with a login of their own (bench/mkcsv).
#
# Targets (issue 14, this 2-core machine): 100k domains start and reload in
# under 10 s each, RSS under 1 GB, no failed request during a reload; 1M
# accounts in under 200 MB.
#
# serve runs with the environment the systemd unit gives it (its
# Environment= line: the Go heap's GOGC and GOMEMLIMIT); SERVE_ENV
# replaces it, e.g. SERVE_ENV= for Go's defaults.
#
#   bench/scale.sh                    # 1000 10000 100000, 10 s of requests
#   SIZES="1000 10000" DURATION=5s STARTS=1 bench/scale.sh
#   SERVE_ENV= SIZES=100000 bench/scale.sh
#
# Needs wrk (apt-get install wrk). Only loopback addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
sizes=${SIZES:-1000 10000 100000}
duration=${DURATION:-10s}
accounts=${ACCOUNTS:-1000000}
starts=${STARTS:-3}
port=${PORT:-18090}
unit_env=$(sed -n 's/^Environment=//p' deploy/mailprofile.service)
serve_env=${SERVE_ENV-$unit_env}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/mailprofile" ./cmd/mailprofile
echo "environment of serve: ${serve_env:-none, the defaults of Go}"

now() { date +%s.%N; }
mem() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2/1024}' "/proc/$1/status"; }
wait_log() { # wait until the log has its pattern $2 times
  until [ "$(grep -c -- "$1" "$work/serve.log" || true)" -ge "$2" ]; do
    kill -0 "$pid" 2>/dev/null || { tail -5 "$work/serve.log"; exit 1; }
    sleep 0.05
  done
}
start_serve() {
  : > "$work/serve.log"
  env $serve_env "$work/mailprofile" serve -c "$1" --addr "127.0.0.1:$port" 2> "$work/serve.log" &
  pid=$!
  local t0; t0=$(now)
  wait_log "msg=listening" 1
  printf "  start   %6.2f s   %s\n" "$(echo "$(now) - $t0" | bc)" "$(mem "$pid")"
}
reload_serve() {
  local t0; t0=$(now)
  kill -HUP "$pid"
  wait_log "msg=reloaded" "$1"
  printf "  reload  %6.2f s   %s\n" "$(echo "$(now) - $t0" | bc)" "$(mem "$pid")"
}
stop_serve() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }

for n in $sizes; do
  echo "== $n domains"
  go run ./bench/mkdomains -n "$n" -o "$work/d$n"
  sync # the start is measured, not the disk taking the files just written
  sleep 2.1 # past the window in which a file just written is read again
  # The start is timed STARTS times (it varies by some 10% here); the
  # last one goes on.
  for ((s = 1; s < starts; s++)); do
    start_serve "$work/d$n"
    stop_serve
  done
  start_serve "$work/d$n"
  reload_serve 1
  # A tenth of a percent of the files change; then requests for random
  # domains, with a reload in their middle.
  for i in $(seq 0 $((n / 1000)) $((n - 1))); do
    f=$(printf "%s/d%06d.yaml" "$work/d$n" "$i")
    sed -i 's/organization: 顧客/organization: お客様/' "$f"
  done
  cat > "$work/random.lua" <<LUA
math.randomseed(os.time())
request = function()
  local d = string.format("d%06d.example", math.random(0, $n - 1))
  return wrk.format("GET", "/mail/config-v1.1.xml?emailaddress=info%40" .. d, {Host = "autoconfig." .. d})
end
LUA
  secs=${duration%s}
  ( sleep "$((secs / 2))"; kill -HUP "$pid" ) &
  hup=$!
  wrk -t2 -c64 -d"$duration" -s "$work/random.lua" "http://127.0.0.1:$port/" > "$work/wrk.txt"
  wait "$hup"
  wait_log "msg=reloaded" 2
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt"); bad=${bad:-0}
  errs=$(awk '/Socket errors/ {print}' "$work/wrk.txt"); errs=${errs:-"no socket errors"}
  printf "  requests %s/s for random domains; during the reload: %s non-2xx, %s\n" "$rps" "$bad" "$errs"
  printf "  after   %s\n" "$(mem "$pid")"
  stop_serve
  rm -rf "$work/d$n"
done

echo "== one domain, $accounts accounts in a CSV file, 1% with a login of their own"
go run ./bench/mkcsv -n "$accounts" -personal 1 -o "$work/csv"
sleep 2.1
start_serve "$work/csv/site.yaml"
touch "$work/csv/accounts.csv"
sleep 2.1 # past the window in which a file is not trusted to be unchanged
touch "$work/csv/accounts.csv"
reload_serve 1
stop_serve
