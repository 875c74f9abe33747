#!/usr/bin/env bash
# The main job (`build-aux/dev.sh run`): a local livekit-server --dev,
# handoff-server --dev with the demo agents alice and bob, and three windows
# on this desktop: a caller (whose voice is a scripted complaint spoken by
# espeak-ng) and the two agents, signed in. Ctrl+C stops everything.
#
#   HANDOFF_DEMO_VOICE=0     the caller uses the real microphone instead
#   HANDOFF_DEMO_TONES=1     every party is a test tone (caller 440 Hz, Alice
#                            550 Hz, Bob 660 Hz) instead of microphones
#   HANDOFF_DEMO_PORT=8080   handoff-server's port
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
demo="$build/demo"
port=${HANDOFF_DEMO_PORT:-8080}
server_url="http://127.0.0.1:$port"
pids=()
cleanup() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
mkdir -p "$demo"

wait_http() {   # url what
  for _ in $(seq 1 150); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "[demo] $2 did not come up; see $demo/*.log" >&2
  exit 1
}

echo "[demo] livekit-server --dev on ws://127.0.0.1:7880"
livekit-server --dev --bind 127.0.0.1 >"$demo/livekit.log" 2>&1 &
pids+=($!)
wait_http http://127.0.0.1:7880/ livekit-server

echo "[demo] handoff-server --dev on $server_url (agents alice and bob)"
# A fresh store each run: the demo starts with no history.
rm -f "$demo/handoff-server.db" "$demo/handoff-server.db-wal" "$demo/handoff-server.db-shm"
"$build/src/server/handoff-server" --dev --port "$port" --database "$demo/handoff-server.db" \
  >"$demo/handoff-server.log" 2>&1 &
pids+=($!)
wait_http "$server_url/healthz" handoff-server

if [ ! -x "$build/src/app/handoff" ] || [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "[demo] no display (or no app built): servers only. Agents: alice / alice-demo-password,"
  echo "       bob / bob-demo-password at $server_url. Ctrl+C stops."
  wait -n "${pids[@]}"
  exit 0
fi

# The caller's voice: a scripted complaint. It starts 12 s after the caller
# presses Call (time to accept in Alice's window; a transcript line said
# before an agent joined reaches no one), then 10 minutes of silence keep the
# microphone live. clocksync plays the file at the pace of the clock.
voice_src=""
if [ "${HANDOFF_DEMO_VOICE:-1}" != 0 ] && command -v espeak-ng >/dev/null && command -v sox >/dev/null; then
  espeak-ng -v en-us -s 140 -g 8 -w "$demo/caller-raw.wav" \
    "Hello? Hi, my name is Carol Jones. I am calling because I was charged twice for my order,
     order number O R D 4 4 1 1. The two charges were on the twentieth of November, forty nine
     dollars ninety each. My email is carol dot jones at example dot com.
     I already tried the refund form on your website but it said my order could not be found.
     Can you please refund the second charge? I would also like to know why this happened." 2>/dev/null
  sox -R "$demo/caller-raw.wav" -r 16000 -c 1 -b 16 "$demo/caller.wav" pad 12 600
  voice_src="filesrc location=$demo/caller.wav ! wavparse ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1 ! clocksync"
fi
tone() { echo "audiotestsrc is-live=true wave=sine freq=$1 volume=0.3 ! audio/x-raw,rate=48000,channels=1"; }

caller_env=(HANDOFF_PRGNAME=handoff-caller)
alice_env=(HANDOFF_PRGNAME=handoff-alice HANDOFF_PASSWORD=alice-demo-password)
bob_env=(HANDOFF_PRGNAME=handoff-bob HANDOFF_PASSWORD=bob-demo-password)
if [ "${HANDOFF_DEMO_TONES:-0}" = 1 ]; then
  caller_env+=("HANDOFF_AUDIO_SRC=$(tone 440)")
  alice_env+=("HANDOFF_AUDIO_SRC=$(tone 550)")
  bob_env+=("HANDOFF_AUDIO_SRC=$(tone 660)")
elif [ -n "$voice_src" ]; then
  caller_env+=("HANDOFF_AUDIO_SRC=$voice_src")
fi
# Demo sessions are not written to the keyring.
common_env=(HANDOFF_SECRETS=memory GSETTINGS_SCHEMA_DIR="$build/data")

# handoff-server offers a call to the agent who has been available longest.
# So that the steps below hold (Alice takes the call, Bob is the colleague),
# Bob's window starts only once the server reports Alice available. The
# check signs in to the API as bob (his window is not open yet, so his
# presence stays away) and signs that session out again.
alice_available() {
  local token
  token=$(curl -fsS -H 'Content-Type: application/json' \
            -d '{"username":"bob","password":"bob-demo-password"}' "$server_url/api/v1/sessions" |
          python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || return 1
  curl -fsS -H "Authorization: Bearer $token" "$server_url/api/v1/agents" |
    python3 -c 'import json, sys
agents = json.load(sys.stdin)["agents"]
sys.exit(0 if any(a["username"] == "alice" and a["status"] == "available" for a in agents) else 1)'
  local rc=$?
  curl -fsS -X DELETE -H "Authorization: Bearer $token" "$server_url/api/v1/sessions" \
    >/dev/null 2>&1 || true
  return $rc
}

# Two workstations on one desktop: an agent workstation is unique per desktop
# unless started with --new-instance (both are, so a Handoff already open on
# this desktop does not swallow the demo's Alice).
env "${common_env[@]}" "${alice_env[@]}" "$build/src/app/handoff" --server "$server_url" --sign-in alice \
  --new-instance \
  >"$demo/alice.log" 2>&1 &
pids+=($!)
alice_first=0
for _ in $(seq 1 60); do
  if alice_available; then alice_first=1; break; fi
  sleep 0.5
done
env "${common_env[@]}" "${bob_env[@]}" "$build/src/app/handoff" --server "$server_url" --sign-in bob \
  --new-instance \
  >"$demo/bob.log" 2>&1 &
pids+=($!)
env "${common_env[@]}" "${caller_env[@]}" "$build/src/app/handoff" --caller --server "$server_url" \
  --name "Carol Jones" --reason "I was charged twice for order ORD-4411" >"$demo/caller.log" 2>&1 &
pids+=($!)

if [ "$alice_first" = 1 ]; then
  cat <<TXT
[demo] three windows are open:
  "Call Support"            the caller (Carol). Press Call.
  "Handoff — Alice Example"  agent A: Accept Call, then Transfer… (Ctrl+T) to Bob
  "Handoff — Bob Example"    agent B: Accept Transfer, Ready; Alice: Connect, Leave Call
[demo] Alice gets the call: she has been available longest.
[demo] logs in $demo; Ctrl+C stops everything
TXT
else
  # Alice's window did not report available in time: either agent may be
  # offered the call, so the steps name neither.
  cat <<TXT
[demo] three windows are open:
  "Call Support"            the caller (Carol). Press Call.
  "Handoff — Alice Example" and "Handoff — Bob Example": the call is offered to the agent
                            available longest. That agent (A): Accept Call, then Transfer…
                            (Ctrl+T) to the other (B). B: Accept Transfer, Ready;
                            A: Connect, then Leave Call.
[demo] logs in $demo; Ctrl+C stops everything
TXT
fi
wait -n "${pids[@]}"
