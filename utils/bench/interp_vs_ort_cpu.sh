#!/usr/bin/env bash
# Single-thread CPU time per image (perf's task-clock), float interpreter
# (onnc-run) vs onnxruntime-node, on each reference model. Unlike the
# wall-clock interp_vs_ort.sh this stays meaningful on a machine shared
# with other jobs: only the time each process actually ran counts. Start-up
# (model and dataset loading) is measured separately and subtracted.
# Not part of the test suite. Needs `perf`.
# Usage: utils/bench/interp_vs_ort_cpu.sh [BUILD_DIR] [BATCH]
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$top/build}
batch=${2:-64}
data=/usr/share/datasets/fashion-mnist
images=$data/t10k-images-idx3-ubyte.gz
labels=$data/t10k-labels-idx1-ubyte.gz
count=5000 # Images per onnc-run measurement.
secs=4     # Seconds of ort's benchmark loop.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Milliseconds of CPU the command used; its stdout goes to $tmp/out.
cpu_ms() {
  perf stat -x, -e task-clock -o "$tmp/stat" "$@" >"$tmp/out" 2>/dev/null
  awk -F, '/task-clock/ { print $1 }' "$tmp/stat"
}

printf '%-14s %6s %16s %16s %8s\n' model batch onnc-run-us/img ort-us/img ratio
for m in lenet5 vgg_bn resnet_small; do
  model=$top/docs/examples/models/$m.onnx
  ours() { cpu_ms "$build/bin/onnc-run" "$model" --images="$images" \
             --labels="$labels" --limit="$1" --batch="$batch" --threads=1; }
  o_full=$(ours "$count")
  o_base=$(ours "$batch")
  ort() { cpu_ms node "$top/utils/ort/ort_run.js" --model "$model" \
            --images "$images" --batch "$batch" --threads 1 --bench "$1"; }
  r_full=$(ort "$secs")
  ips=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['images_per_second'])" "$tmp/out")
  r_base=$(ort 0.01)
  /usr/bin/python3 -c "
import sys
o_full, o_base, r_full, r_base, ips = map(float, sys.argv[3:8])
count, batch, secs = int(sys.argv[8]), int(sys.argv[2]), float(sys.argv[9])
ours = (o_full - o_base) / (count - batch) * 1e3
ort = (r_full - r_base) / (ips * secs) * 1e3
print('%-14s %6d %16.1f %16.1f %8.2f' % (sys.argv[1], batch, ours, ort, ort / ours))
" "$m" "$batch" "$o_full" "$o_base" "$r_full" "$r_base" "$ips" "$count" "$secs"
done
echo "ratio = ort CPU time / onnc-run CPU time per image (= images/s ratio on one core)"
