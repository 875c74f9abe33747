#!/bin/sh
# Runs one UI test under a virtual X server with its own D-Bus session and the
# accessibility bus, as docs/ui-testing.md describes.
#   run-ui-test.sh TEST.py ARTIFACT_DIR DISPLAY_NUMBER
set -e
test_py=$1
export HANDOFF_UI_ARTIFACTS=$2
# UI tests run two at a time. xvfb-run -a takes the first display number
# without a lock file from where it is told to start, so two runs started at
# the same moment from the same number could both pick it: each test starts
# from its own (and moves on past a display that is taken).
display=${3:-99}
rm -rf "$HANDOFF_UI_ARTIFACTS"
mkdir -p "$HANDOFF_UI_ARTIFACTS"
unset NO_AT_BRIDGE
export PYTHONPATH="$(dirname "$test_py")${PYTHONPATH:+:$PYTHONPATH}"
exec xvfb-run -a -n "$display" -s "-screen 0 1600x1000x24" dbus-run-session -- sh -c '
  # dogtail reads this setting from dconf; the apps use the memory backend.
  GSETTINGS_BACKEND=dconf gsettings set org.gnome.desktop.interface toolkit-accessibility true
  export GSETTINGS_BACKEND=dconf
  exec /usr/bin/python3 "$0"
' "$test_py"
