#!/usr/bin/env bash
# The main job: a local livekit-server --dev and the programs built so far.
# Stops everything it started on Ctrl+C.
set -euo pipefail
build=${1:-build}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo "[demo] starting livekit-server --dev on ws://127.0.0.1:7880 (keys devkey: secret)"
livekit-server --dev --bind 127.0.0.1 >"$build/livekit-dev.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:7880/ >/dev/null 2>&1 && break; sleep 0.1; done

if [ -x "$build/src/server/handoff-server" ]; then
  echo "[demo] starting handoff-server --dev on http://127.0.0.1:8080"
  "$build/src/server/handoff-server" --dev >"$build/handoff-server-dev.log" 2>&1 &
  pids+=($!)
fi
if [ -x "$build/src/app/handoff" ] && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$build/src/app/handoff" &
  pids+=($!)
fi
echo "[demo] running; logs in $build/*.log; Ctrl+C stops everything"
wait -n "${pids[@]}"
