#!/usr/bin/env bash
# Runs every GoogleTest binary in a folder (the sanitizer build's units) and
# fails if any fails. Usage: run_units.sh DIR
set -u
dir=$1
status=0
found=0
for t in "$dir"/*; do
  [ -x "$t" ] || continue
  found=1
  if ! "$t" --gtest_brief=1 >"$t.log" 2>&1; then
    echo "FAILED: $t"; tail -n 40 "$t.log"; status=1
  fi
done
[ "$found" = 1 ] || { echo "no unit test binaries in $dir"; exit 1; }
exit $status
