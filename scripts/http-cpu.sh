#!/usr/bin/env bash
# http-cpu.sh BASE NEW LOAD: CPU per request of two builds of `shopguard serve` beside the
# trivial handler of cmd/shopguard-load (`anchor`), in turn: for each round, the anchor, then
# BASE, then NEW, each under a closed loop of 8 clients for 3 s; a process's CPU is its utime +
# stime from /proc/PID/stat around the run. docs/benchmarks.md holds its output.
#
#   go build -o /tmp/sg-new ./cmd/shopguard && go build -o /tmp/sgload ./cmd/shopguard-load
#   ROUNDS=5 MIX=check_url scripts/http-cpu.sh /tmp/sg-base /tmp/sg-new /tmp/sgload
set -eu
base=$1 new=$2 load=$3 rounds=${ROUNDS:-3} mix=${MIX:-check_url}
work=$(mktemp -d)
mkdir "$work/base" "$work/new"
"$base" serve --addr 127.0.0.1:18441 --data "$work/base" --rate-anon 0 --rate-key 0 2>"$work/base.log" >/dev/null & bp=$!
"$new" serve --addr 127.0.0.1:18442 --data "$work/new" --rate-anon 0 --rate-key 0 2>"$work/new.log" >/dev/null & np=$!
"$load" anchor --addr 127.0.0.1:18497 >/dev/null & ap=$!
trap 'kill $bp $np $ap 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for p in 18441 18442; do
  for _ in $(seq 120); do curl -sf http://127.0.0.1:$p/readyz >/dev/null && break; sleep 0.5; done
done
sleep 1
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
run() { # pid port name
  local b a out n
  b=$(cpu $1)
  out=$("$load" run --target http://127.0.0.1:$2 --concurrency 8 --duration 3s --mix "$mix" --json)
  a=$(cpu $1)
  n=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["latency"]["requests"])')
  awk -v n="$n" -v b="$b" -v a="$a" -v hz="$hz" -v name="$3" \
    'BEGIN {printf "%-7s %8.0f req/s %7.1f us CPU/request\n", name, n / 3, (a - b) / hz * 1e6 / n}'
}
for round in $(seq "$rounds"); do
  echo "round $round $mix, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  run $ap 18497 anchor
  run $bp 18441 base
  run $np 18442 new
done
