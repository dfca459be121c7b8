#!/usr/bin/env bash
# Runs every test: unit tests beside the code, then the whole-system tests
# that start the real processes. One SecantusDB serves the run (each test
# uses a database of its own); tests that stop a database start their own.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --workspace --bins

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
store=$(mktemp -d)
.venv/bin/secantusd-py --host 127.0.0.1 --port "$port" --storage-path "$store" --log-level WARNING >"$store.log" 2>&1 &
db_pid=$!
cleanup() { kill "$db_pid" 2>/dev/null || true; wait "$db_pid" 2>/dev/null || true; rm -rf "$store" "$store.log"; }
trap cleanup EXIT
for _ in $(seq 1 150); do
  (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
  sleep 0.1
done
export VC_TEST_MONGO_URI="mongodb://127.0.0.1:$port/?directConnection=true"

cargo test --locked --workspace --no-fail-fast
