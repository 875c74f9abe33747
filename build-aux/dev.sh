#!/usr/bin/env bash
# The two commands of the README.
#   build-aux/dev.sh run    set up, build, and start the main job
#   build-aux/dev.sh test   set up, build, and run every test suite
#                           (once plainly, once with ASan + UBSan)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
cd "$top"

export HANDOFF_TOOLS=${HANDOFF_TOOLS:-/opt/handoff}
export PATH="$HANDOFF_TOOLS/bin:$PATH"
export NODE_PATH="$HANDOFF_TOOLS/npm/node_modules${NODE_PATH:+:$NODE_PATH}"

configure() {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
  meson compile -C "$dir"
}

# Prints the plain closing line "N passed, N failed" from meson's test log so
# any reader of the output sees the count.
summarize() {
  local dir=$1 label=$2
  python3 - "$dir/meson-logs/testlog.json" "$label" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    res = r.get("result")
    if res in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif res == "SKIP":
        skipped += 1
    else:
        failed += 1
print(f"{sys.argv[2]}: {passed} passed, {failed} failed, {skipped} skipped")
PY
}

# CI shows only the end of the output, and the plain run's failures scroll away
# under the sanitized run and the fuzzer: name every failed test once more at
# the very end, with the last lines it printed.
report_failures() {
  local dir
  for dir in "$@"; do
    [ -f "$dir/meson-logs/testlog.json" ] || continue
    python3 - "$dir/meson-logs/testlog.json" "$dir" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"):
        continue
    print(f"=== {sys.argv[2]}: {r.get('name')} {r.get('result')} "
          f"after {r.get('duration', 0):.0f}s")
    text = (r.get("stdout") or "") + "\n" + (r.get("stderr") or "")
    for tail in text.splitlines()[-25:]:
        print("  " + tail[:300])
PY
  done
}

run_suites() {
  local dir=$1 label=$2; shift 2
  local rc=0
  meson test -C "$dir" --print-errorlogs --num-processes "${HANDOFF_TEST_JOBS:-2}" "$@" || rc=$?
  summarize "$dir" "$label" || true
  return $rc
}

# libFuzzer on handoff-server's request parsing and webhook verification, for a
# bounded time (HANDOFF_FUZZ_SECONDS, default 30). Only the fuzz target is built.
fuzz_server() {
  if ! command -v clang >/dev/null; then
    echo "clang not found: server fuzzing skipped"
    return 0
  fi
  if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Dfuzzing=true -Dapp=disabled -Dtests=false \
      -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
  fi
  meson compile -C build-fuzz src/server/fuzz-server-request >/dev/null
  mkdir -p build-fuzz/corpus
  cp -n tests/server/fuzz-corpus/* build-fuzz/corpus/ 2>/dev/null || true
  ./build-fuzz/src/server/fuzz-server-request -max_total_time="${HANDOFF_FUZZ_SECONDS:-30}" \
    -max_len=4096 -print_final_stats=1 build-fuzz/corpus 2>&1 | tail -n 12
  return "${PIPESTATUS[0]}"
}

cmd_test() {
  "$here/setup.sh"
  export HANDOFF_REQUIRE_LIVEKIT=1
  configure build
  local rc=0
  run_suites build "tests" || rc=$?
  # Same suites under AddressSanitizer + UndefinedBehaviorSanitizer. Suites that
  # drive a browser or windows are excluded there: they test the same code as
  # the plain run, and a sanitized build is several times slower.
  configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dapp=disabled
  run_suites build-asan "sanitized" --no-suite interop --no-suite ui --no-suite bench || rc=$?
  fuzz_server || { echo "server fuzzing found a problem"; rc=1; }
  report_failures build build-asan || true
  return $rc
}

cmd_run() {
  "$here/setup.sh"
  configure build
  exec "$here/demo.sh" "$top/build"
}

case "${1:-}" in
  test) shift; cmd_test "$@" ;;
  run) shift; cmd_run "$@" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
