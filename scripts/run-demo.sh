#!/usr/bin/env bash
# `make demo`: the web server and the background worker together; Ctrl-C stops both.
# Usage: scripts/run-demo.sh [HOST] [PORT]   (the Makefile has already migrated and loaded the demo data)
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="$root/.venv/bin/boligsocial"
logs="${BOLIGSOCIAL_HOME:-$root}/demo-logs"
mkdir -p "$logs"
url="http://$host:$port/"

# Each process gets its own session (setsid), so Ctrl-C reaches only this script, which then stops the whole
# process group of each: nothing is left running, whatever the process forked.
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
}
trap 'echo; echo "Stopping the demo."; stop; exit 0' INT TERM
trap stop EXIT

setsid "$bin" db_worker --queue-name '*' --no-reload >"$logs/worker.log" 2>&1 &
worker=$!
pids+=("$worker")
# The periodic round: worker heartbeat for /health/, stale outbox rows, late escalations.
setsid "$bin" tick --every 60 >"$logs/tick.log" 2>&1 &
pids+=("$!")
setsid "$bin" runserver --noreload "$host:$port" >"$logs/server.log" 2>&1 &
server=$!
pids+=("$server")

# Wait until the login page answers, or give up if the server died (port in use, bad settings...).
for _ in $(seq 100); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "The web server did not start; its log ($logs/server.log) ends with:" >&2
    tail -n 5 "$logs/server.log" >&2
    exit 1
  fi
  if "$root/.venv/bin/python" - "$url" <<'EOF' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "accounts/login/", timeout=1)
EOF
  sleep 0.2
done

echo
echo "boligsocial demo: $url"
"$bin" load_demo --logins
echo "Web server log: $logs/server.log, worker log: $logs/worker.log"
echo "Press Ctrl-C to stop the web server and the worker."

# Runs until Ctrl-C, or until either process stops by itself (then the other is stopped too).
set +e
wait -n "$server" "$worker"
status=$?
echo "A demo process stopped (exit status $status); stopping the other." >&2
exit "$status"
