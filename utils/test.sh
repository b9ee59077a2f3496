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
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$jobs"

ctest_args=(--test-dir "$build" -j "$jobs" --output-on-failure)
if [ "${ONNCF_SKIP_SANITIZERS:-0}" != 1 ]; then
  # Sanitized tools run the malformed-input lit tests: no input may crash.
  san=${ONNCF_SAN_BUILD_DIR:-build-san}
  cmake -S . -B "$san" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DONNCF_ENABLE_ASAN=ON -DONNCF_ENABLE_UBSAN=ON >/dev/null
  cmake --build "$san" -j "$jobs"
fi
exec ctest "${ctest_args[@]}"
