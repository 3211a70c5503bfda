#!/usr/bin/env bash
# gen.sh — how fast `mailprofile gen` writes a whole company's files, and how
# much memory it needs, for 1,000, 10,000 and 100,000 accounts.
#
# Target (issue 2): at least 10,000 output files per second for 10,000
# accounts, and peak memory that does not grow with the number of accounts.
#
#   bench/gen.sh                         # all sizes, output on the disk under /tmp
#   bench/gen.sh 10000                   # one size
#   OUT_DIR=/dev/shm bench/gen.sh 10000  # output in memory: the tool, not the disk
#
# Writing is bound by the file system's metadata operations (one create and
# one rename per file); `go test -bench . ./export/` measures making the
# files without writing them.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
outbase=$(mktemp -d "${OUT_DIR:-/tmp}/mailprofile-bench.XXXXXX")
trap 'rm -rf "$work" "$outbase"' EXIT
go build -o "$work/mailprofile" ./cmd/mailprofile
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
printf '%-9s %-7s %-9s %-12s %s\n' accounts files seconds files/s peak-RSS
for n in "${sizes[@]}"; do
  go run ./bench/mkcsv -n "$n" -o "$work/in-$n"
  out="$outbase/out-$n"
  /usr/bin/time -f '%e %M' -o "$work/time" "$work/mailprofile" gen -q -c "$work/in-$n/site.yaml" -o "$out"
  read -r secs rss < "$work/time"
  files=$(find "$out" -type f | wc -l)
  printf '%-9s %-7s %-9s %-12s %s\n' "$n" "$files" "$secs" \
    "$(awk -v f="$files" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", f / s; else print "inf" }')" \
    "$((rss / 1024)) MiB"
  rm -rf "$out"
done
