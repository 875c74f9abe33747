#!/bin/sh
# Time from launching `handoff` to its first painted window (agent and
# caller windows), under Xvfb, N runs each; prints p50/p95 in ms. The app
# measures from its own process start (/proc) to the first frame clock tick
# after the window is shown (HANDOFF_BENCH_STARTUP=1), so the figure includes
# dynamic linking, GTK/libadwaita init, resources and the templates.
#   bench-app-startup.sh BUILD_DIR [RUNS]
set -eu
build=$1
runs=${2:-10}
export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory HANDOFF_SECRETS=memory
export HANDOFF_BENCH_STARTUP=1 NO_AT_BRIDGE=1 GDK_BACKEND=x11
exec xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
  for mode in agent caller; do
    args="--server http://127.0.0.1:9"
    [ $mode = caller ] && args="$args --caller"
    i=0; : > /tmp/handoff-startup-$$.txt
    while [ $i -lt '"$runs"' ]; do
      '"$build"'/src/app/handoff $args 2>/dev/null | sed -n "s/^first-frame-ms //p" >> /tmp/handoff-startup-$$.txt
      i=$((i+1))
    done
    sort -n /tmp/handoff-startup-$$.txt | awk -v m=$mode "{a[NR]=\$1} END {
      p50=a[int((NR+1)/2)]; p95=a[int(NR*0.95+0.999)];
      printf \"%s window: launch to first frame p50 %d ms, p95 %d ms (n=%d)\\n\", m, p50, p95, NR }"
    rm -f /tmp/handoff-startup-$$.txt
  done'
