#!/usr/bin/env bash
# Benchmark: the interpreter's quant.conv (8- and 16-bit) and quant.fc
# kernels vs the float onnx.Conv kernel on VGG16-sized layers, one image per
# call on one thread, in GOPS (2 ops per multiply-accumulate). Not part of
# the test suite. Needs libbenchmark-dev.
# Usage: utils/bench/quant_conv.sh [BUILD_DIR] [google-benchmark flags...]
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$top/build}
shift || true
ninja -C "$build" OnncfInterp >/dev/null
bin=$build/bin/quant_conv_bench
llvm_config=$(command -v llvm-config-14 || command -v llvm-config)
c++ -std=c++17 -O2 -DNDEBUG -I"$top/include" -I"$build/include" \
  $("$llvm_config" --cxxflags | sed 's/-fno-exceptions//; s/-std=c++[0-9]*//') \
  "$top/utils/bench/quant_conv_bench.cpp" -o "$bin" \
  "$build/lib/Interp/libOnncfInterp.a" "$build/lib/Data/libOnncfData.a" \
  "$build/lib/IR/libOnncfIR.a" "$build/lib/Support/libOnncfSupport.a" \
  $("$llvm_config" --ldflags --libs support) -lbenchmark -lpthread
"$bin" "$@"
