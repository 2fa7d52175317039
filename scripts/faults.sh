#!/usr/bin/env bash
# faults: the scripted fault runs at full length (CI runs fewer): 20 kill -9 runs on each engine
# (SQLite; PostgreSQL with S3 when SHOPGUARD_TEST_POSTGRES and MinIO are there, see README).
set -euo pipefail
cd "$(dirname "$0")/.."
SHOPGUARD_CRASH_RUNS=${SHOPGUARD_CRASH_RUNS:-20} go test -count=1 -v -run 'TestKillNineLosesNoAcknowledgedWrite' -timeout 60m ./cmd/shopguard
