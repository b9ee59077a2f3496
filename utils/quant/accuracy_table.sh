#!/usr/bin/env bash
# Measures the Fashion-MNIST test accuracy (all 10000 images) of every
# reference model in float and quantized with onnc-fault -march=host:
# int8 with KL calibration, int8 with min-max calibration and int16, each
# calibrated on the first N training images (default 500). Prints a Markdown
# table (the one recorded in docs/Quantization.md) and the largest int8-KL
# drop. Not part of the test suite: it runs 4 x 3 full evaluations.
# Usage: utils/quant/accuracy_table.sh [BUILD_DIR] [SAMPLES]
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$top/build}
samples=${2:-500}
data=/usr/share/datasets/fashion-mnist
train=$data/train-images-idx3-ubyte.gz
images=$data/t10k-images-idx3-ubyte.gz
labels=$data/t10k-labels-idx1-ubyte.gz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

top1() { # MODEL -> top-1 in percent with two decimals
  "$build/bin/onnc-run" "$1" --images="$images" --labels="$labels" \
    --report="$tmp/r.json" >/dev/null
  /usr/bin/python3 -c "import json,sys; print('%.2f' % (100 * json.load(open(sys.argv[1]))['top1']))" "$tmp/r.json"
}

compile() { # MODEL OUT FLAGS...
  local model=$1 out=$2
  shift 2
  "$build/bin/onnc-fault" -march=host "$model" --calibration-data="$train" \
    --calibration-samples="$samples" "$@" -o "$out"
}

echo "| model | float | int8 kl | int8 minmax | int16 | int8 kl - float |"
echo "|---|---|---|---|---|---|"
worst=0
for m in lenet5 vgg_bn resnet_small; do
  model=$top/docs/examples/models/$m.onnx
  f=$(top1 "$model")
  compile "$model" "$tmp/kl.ir" --calibration-method=kl
  kl=$(top1 "$tmp/kl.ir")
  compile "$model" "$tmp/mm.ir" --calibration-method=minmax
  mm=$(top1 "$tmp/mm.ir")
  compile "$model" "$tmp/i16.ir" --quantize=int16
  i16=$(top1 "$tmp/i16.ir")
  d=$(/usr/bin/python3 -c "import sys; print('%+.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$f" "$kl")
  echo "| $m | $f | $kl | $mm | $i16 | $d |"
  worst=$(/usr/bin/python3 -c "import sys; print(max(float(sys.argv[1]), abs(min(0.0, float(sys.argv[2])))))" "$worst" "$d")
done
echo
echo "largest int8-kl drop: $worst points (goal: <= 1.00)"
