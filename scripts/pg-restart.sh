#!/usr/bin/env bash
# pg-restart: restarts the local PostgreSQL cluster while one node serves a mix of writes and
# checks, and prints what the load generator saw: meanwhile the node answers 503 with
# Retry-After (never 500), checks keep answering from memory, and it recovers without a
# restart. Needs root (pg_ctlcluster) and a scratch database; not run in CI, where other
# suites share the server:
#
#   SHOPGUARD_BENCH_DB='postgres://postgres@127.0.0.1:5432/bench?sslmode=disable' scripts/pg-restart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
db=${SHOPGUARD_BENCH_DB:?set SHOPGUARD_BENCH_DB to the postgres:// URL of a scratch database}
work=$(mktemp -d)
pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/shopguard" ./cmd/shopguard
go build -o "$work/shopguard-load" ./cmd/shopguard-load
SHOPGUARD_DB=$db "$work/shopguard" serve --addr 127.0.0.1:18090 --data "$work/data" --rate-anon 0 \
  --trusted-proxies 127.0.0.1/32 --log-level warn 2>"$work/node.log" &
pid=$!
for _ in $(seq 120); do curl -sf http://127.0.0.1:18090/readyz >/dev/null && break; sleep 0.5; done
"$work/shopguard-load" run --target http://127.0.0.1:18090 --concurrency 8 --duration "${DUR:-20s}" \
  --mix check_url=2,lookup=1,report=1 --networks 4096 --json >"$work/report.json" &
load=$!
sleep 5
ver=$(ls /etc/postgresql | sort -n | tail -1)
echo "== restarting PostgreSQL $ver at $(date -u +%T)"
pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
echo "== PostgreSQL back at $(date -u +%T)"
wait $load
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("answers by status:", r["status"], "transport errors:", r.get("errors", {}))
for op, s in sorted(r.get("by_op", {}).items()):
    print(f"  {op}: {s['requests']} requests, p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms")
PY
echo "readyz after: $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18090/readyz)"
echo "500s in the node's log: $(grep -c 'internal error' "$work/node.log" || true)"
