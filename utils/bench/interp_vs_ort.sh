#!/usr/bin/env bash
# Benchmark: float interpreter (onnc-run) vs onnxruntime-node, images/s at
# batch 1 and batch 64 on each reference model, printed with the ratio.
# Not part of the test suite.
# Usage: utils/bench/interp_vs_ort.sh [BUILD_DIR] [REPEAT]
# REPEAT (default 1) runs each side that many times and keeps its best
# images/s, which makes the ratio meaningful on a machine shared with other
# jobs (a transient load only ever slows a run down).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$top/build}
repeat=${2:-1}
data=/usr/share/datasets/fashion-mnist
images=$data/t10k-images-idx3-ubyte.gz
labels=$data/t10k-labels-idx1-ubyte.gz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

json_field() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
max() { /usr/bin/python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }

printf '%-14s %6s %14s %14s %8s\n' model batch onnc-run/s ort/s ratio
for m in lenet5 vgg_bn resnet_small; do
  model=$top/docs/examples/models/$m.onnx
  for b in 1 64; do
    limit=$(( b == 1 ? 2000 : 10000 ))
    ours=0 ort=0
    for ((i = 0; i < repeat; ++i)); do
      # Batch 1 measures latency-bound throughput: one image at a time on
      # all cores (intra-op), like ort's default session.
      "$build/bin/onnc-run" "$model" --images="$images" --labels="$labels" \
        --limit="$limit" --batch="$b" --report="$tmp/r.json" >/dev/null
      ours=$(max "$ours" "$(json_field "$tmp/r.json" images_per_second)")
      o=$(node "$top/utils/ort/ort_run.js" --model "$model" --images "$images" \
            --batch "$b" --bench 3 | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['images_per_second'])")
      ort=$(max "$ort" "$o")
    done
    /usr/bin/python3 -c "import sys; o,r=float(sys.argv[2]),float(sys.argv[3]); print('%-14s %6s %14.1f %14.1f %8.2f' % (sys.argv[1], sys.argv[4], o, r, o/r))" "$m" "$ours" "$ort" "$b"
  done
done
echo "ratio = onnc-run images/s / onnxruntime-node images/s (goal: >= 0.5)"
