# servers.sh — what bench/serve.sh and bench/latency.sh share, sourced by
# both from the repository's top: builds mailprofile and bench/fixed, starts
# `mailprofile serve` on the bundled example at 127.0.0.1:18080 (with
# SERVE_ENV's environment, Go's defaults without it) and the fixed-bytes
# server at 127.0.0.1:18081, and stops both and removes $work on exit.
# Leaves pids (serve's first), pin_load (the command prefix for the load
# generator), $work/request.xml (the Autodiscover request both scripts send)
# and median.
# PIN=1 puts the load generator (wrk, vegeta) on the last core and the
# servers on the others, so that they never share a core: the latency is
# then the server's own. Without it (the default, and issue 12's measure)
# all of them share every core.
pin_servers=()
pin_load=()
if [ "${PIN:-0}" = 1 ]; then
  last=$(( $(nproc) - 1 ))
  [ "$last" -ge 1 ] || { echo "PIN=1 needs at least two cores" >&2; exit 1; }
  pin_servers=(taskset -c "0-$(( last - 1 ))")
  pin_load=(taskset -c "$last")
fi
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
# The access log is on, as in production, and goes to /dev/null: its lines
# are made and written, and no disk is measured.
"${pin_servers[@]}" env ${SERVE_ENV:-} "$work/mailprofile" serve -c examples/migration.yaml --addr 127.0.0.1:18080 2>/dev/null &
pids+=($!)
"${pin_servers[@]}" "$work/fixed" -addr 127.0.0.1:18081 -size 1000 &
pids+=($!)
for port in 18080 18081; do
  for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done
for p in "${pids[@]}"; do
  kill -0 "$p" 2>/dev/null || { echo "a server did not start" >&2; exit 1; }
done

printf '%s' '<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>yamada@example.co.jp</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>' > "$work/request.xml"

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
