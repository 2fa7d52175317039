#!/usr/bin/env bash
# bench-nodes: one node and then three on this machine, sharing one PostgreSQL database, under
# cmd/shopguard-load's mix; prints the load generator's report and the servers' CPU time per
# request (user+system from /proc, summed over the nodes), the load generator's CPU time and how
# busy the machine's cores were meanwhile (/proc/stat, every process). docs/benchmarks.md holds
# its output.
#
#   SHOPGUARD_BENCH_DB='postgres://postgres@127.0.0.1:5432/bench?sslmode=disable' scripts/bench-nodes.sh
#
# Knobs: NODES (default "1 3"), CONC (32), DUR (20s), MIX, RATE (open loop instead of CONC),
# WARM (a duration: the same load that long first, not measured, so that the nodes are past
# their cold start: a node's first seconds under load stall writes for seconds),
# NETWORKS (4096 made-up client networks, so that the per-network report limit does not decide
# the run), NODE_PROCS (GOMAXPROCS of each node; 0, the default, is every core; "share" gives
# each node its share of the machine's cores, at least one: one node all, three on two cores
# one each, as an operator co-locating nodes would), WAITS (1: also sample what the
# database's busy backends wait for, every 0.1 s through the run, with psql's \watch, and print
# the shares: idle in transaction (waiting for a node's next statement), a lock, the WAL, ...).
# Every run prints the nodes' waits for a pooled connection (go_sql_* on /metrics), the WAL
# flushes the run made (pg_stat_wal; their time only with track_wal_io_timing on), and what one
# round trip to the database took through the run (psql's "SELECT 1", timed by psql, every
# 20 ms: how long a process on this machine waits for a core to send a statement and read its
# answer, which every statement of a write pays; RTT=0 turns it off).
set -euo pipefail
cd "$(dirname "$0")/.."
db=${SHOPGUARD_BENCH_DB:?set SHOPGUARD_BENCH_DB to the postgres:// URL of a scratch database}
# A run's reports stay in the database, and a bigger database makes slower writes: runs compare
# only on a fresh database each (DROP DATABASE …; CREATE DATABASE …).
held=$(psql -X -q -At "$db" -c 'SELECT count(*) FROM reports' 2>/dev/null || echo 0)
if [ "${held:-0}" -gt 0 ]; then
  echo "bench-nodes: the database already holds $held reports from earlier runs; use a fresh one to compare runs" >&2
fi
work=$(mktemp -d)
trap 'kill ${pids[*]:-} ${sampler:-} ${rtt:-} 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/shopguard" ./cmd/shopguard
go build -o "$work/shopguard-load" ./cmd/shopguard-load
mix=${MIX:-check_url=5,scan=3,lookup=2,report=1,case=1}
hz=$(getconf CLK_TCK)

cpu_ticks() { # user+system ticks of the given pids
  local t=0 p
  for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$t"
}
busy_ticks() { # ticks the machine's cores spent busy (not idle, not waiting for I/O), every process
  awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat
}
pg_ticks() { # user+system ticks of a local PostgreSQL's processes, and of those that ended (the postmaster's children)
  local t=0 p main
  main=$(pgrep -o -u postgres -x postgres) || { echo 0; return; }
  t=$(awk '{print $16 + $17}' "/proc/$main/stat")
  for p in $(pgrep -u postgres -x postgres); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
wal_flushes() { # the database cluster's WAL flushes so far, and their milliseconds: "n|ms"
  psql -X -q -At "$db" -c 'SELECT wal_sync, wal_sync_time FROM pg_stat_wal' 2>/dev/null | tr -d ' ' || echo "0|0"
}
ms_of_times() { # milliseconds of user+system time of the children in the output of bash's times
  awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", ((u[1] * 60 + u[2]) + (s[1] * 60 + s[2])) * 1000}' "$1"
}

for n in ${NODES:-1 3}; do
  pids=() targets=()
  procs=${NODE_PROCS:-0}
  [ "$procs" = share ] && procs=$(( $(nproc) / n > 0 ? $(nproc) / n : 1 ))
  for i in $(seq "$n"); do
    port=$((18080 + i))
    GOMAXPROCS=$procs SHOPGUARD_DB=$db "$work/shopguard" serve --addr "127.0.0.1:$port" --data "$work/data$i" \
      --rate-anon 0 --rate-key 0 --trusted-proxies 127.0.0.1/32 --log-level warn 2>"$work/node$i.log" &
    pids+=($!)
    targets+=("http://127.0.0.1:$port")
    for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
  done
  list=$(IFS=,; echo "${targets[*]}")
  mode=(--concurrency "${CONC:-32}")
  [ -n "${RATE:-}" ] && mode=(--rate "$RATE")
  if [ -n "${WARM:-}" ]; then # a run first, not measured: the nodes' first seconds are a cold start
    "$work/shopguard-load" run --target "$list" "${mode[@]}" --duration "$WARM" --mix "$mix" --networks "${NETWORKS:-4096}" --json >/dev/null
  fi
  wal0=$(wal_flushes)
  if [ "${WAITS:-0}" = 1 ]; then
    echo "SELECT state, coalesce(wait_event_type, '-'), coalesce(wait_event, '-') FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid() \\watch 0.1" |
      psql -X -q -At "$db" >"$work/waits" 2>/dev/null &
    sampler=$!
  fi
  if [ "${RTT:-1}" = 1 ]; then
    printf '\\timing on\nSELECT 1 \\watch 0.02\n' | psql -X -q -At "$db" >"$work/rtt" 2>/dev/null &
    rtt=$!
  fi
  before=$(cpu_ticks "${pids[@]}") busy0=$(busy_ticks) pg0=$(pg_ticks)
  # in a shell of its own, whose times then are the load generator's
  bash -c '"$@" >"$0" || exit; times >"$0.times"' "$work/report.json" \
    "$work/shopguard-load" run --target "$list" "${mode[@]}" --duration "${DUR:-20s}" --mix "$mix" --networks "${NETWORKS:-4096}" --json
  after=$(cpu_ticks "${pids[@]}") busy1=$(busy_ticks) pg1=$(pg_ticks)
  reqs=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["latency"]["requests"])' "$work/report.json")
  echo "== $n node(s), GOMAXPROCS ${procs/#0/every core}, ${mode[*]}, $mix"
  cat "$work/report.json"
  echo "server CPU: $(( (after - before) * 1000 / hz )) ms for $reqs requests: $(python3 -c "print(round(($after-$before)/$hz*1e6/max(1,$reqs),1))") µs per request"
  echo "load generator CPU: $(ms_of_times "$work/report.json.times") ms; PostgreSQL (local, every database): $(( (pg1 - pg0) * 1000 / hz )) ms; the machine's cores busy: $(( (busy1 - busy0) * 1000 / hz )) ms (every process: nodes, load generator, PostgreSQL, anyone else's) over $(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["seconds"], 1))' "$work/report.json") s on $(nproc) cores"
  echo "database: WAL flushes and their ms: $(wal_flushes | awk -v a="$wal0" 'BEGIN {split(a, x, "|")} {split($0, y, "|"); print y[1] - x[1], y[2] - x[2]}');" \
    "waits for a pooled connection (count, s), summed over the nodes: $(for t in "${targets[@]}"; do curl -s "$t/metrics"; done |
      awk '/^go_sql_wait_count_total/ {n += $2} /^go_sql_wait_duration_seconds_total/ {s += $2} END {printf "%d %.1f", n, s}')"
  if [ -n "${rtt:-}" ]; then
    kill -INT "$rtt" 2>/dev/null || true; wait "$rtt" 2>/dev/null || true; rtt=
    echo "one round trip to the database (SELECT 1, ms): $(awk '/^Time:/ {print $2}' "$work/rtt" | sort -n |
      awk '{a[NR] = $1} END {if (NR) printf "%d samples, p50 %s, p90 %s, p99 %s, max %s", NR, a[int(NR * .5) + 1], a[int(NR * .9) + 1], a[int(NR * .99) + 1], a[NR]}')"
  fi
  if [ -n "${sampler:-}" ]; then
    kill -INT "$sampler"; wait "$sampler" 2>/dev/null || true; sampler=
    echo "what the busy backends waited for (share of $(grep -c '|' "$work/waits") busy backends seen, one row each per sample):"
    awk -F'|' 'NF == 3 {k = $1 == "idle in transaction" ? "idle in transaction (the node)" : $2 == "-" ? "running" : $2 "/" $3; n[k]++; t++}
      END {for (k in n) printf "  %5.1f%% %s\n", 100 * n[k] / t, k}' "$work/waits" | sort -rn
  fi
  kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
done
