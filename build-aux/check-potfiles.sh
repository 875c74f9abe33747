#!/usr/bin/env bash
# Every file named in po/POTFILES.in exists, and every source file that marks
# strings for translation is named there.
set -euo pipefail
top=$1
rc=0
while read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  [ -e "$top/$f" ] || { echo "POTFILES.in names a missing file: $f"; rc=1; }
done < "$top/po/POTFILES.in"
while read -r f; do
  rel=${f#"$top/"}
  grep -qxF "$rel" "$top/po/POTFILES.in" || { echo "translatable strings in $rel, not in po/POTFILES.in"; rc=1; }
done < <(grep -rlE '\b(_|N_|C_)\s*\("' "$top/src" --include='*.c' || true; grep -rl 'translatable="yes"' "$top/resources" --include="*.ui" || true)
[ -f "$top/po/LINGUAS" ] || { echo "po/LINGUAS is missing"; rc=1; }
exit $rc
