#!/usr/bin/env bash
# Runs onnc-fault's whole test suite: bootstraps the machine if needed,
# configures and builds (Release, and an ASan+UBSan build for the malformed-
# input tests), then runs ctest. Ends with ctest's summary line.
#
#   utils/test.sh            # everything
#   ONNCF_SKIP_SANITIZERS=1 utils/test.sh   # skip the sanitizer build
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

bash utils/bootstrap.sh

jobs=$(nproc)
build=${ONNCF_BUILD_DIR:-build}
san=${ONNCF_SAN_BUILD_DIR:-build-san}
san_flag=-DONNCF_SANITIZER_BUILD_DIR=
if [ "${ONNCF_SKIP_SANITIZERS:-0}" != 1 ]; then
  san_flag=-DONNCF_SANITIZER_BUILD_DIR=$top/$san
fi

echo "== building (Release) in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$san_flag" >/dev/null
cmake --build "$build" -j "$jobs"

if [ "${ONNCF_SKIP_SANITIZERS:-0}" != 1 ]; then
  # The sanitized tools and units rerun the malformed-input tests: no input
  # may crash a tool (ASan + UBSan, any report fails the test).
  echo "== building (ASan+UBSan) in $san"
  cmake -S . -B "$san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DONNCF_ENABLE_ASAN=ON -DONNCF_ENABLE_UBSAN=ON >/dev/null
  cmake --build "$san" -j "$jobs"
fi

echo "== running the suite"
exec ctest --test-dir "$build" -j "$jobs" --output-on-failure
