#!/usr/bin/env bash
# Issue 4's accuracy standard: for every reference model and NVDLA
# configuration, the virtual platform's top-1 on all 10000 Fashion-MNIST
# test images equals the host integer interpreter's, prediction by
# prediction. Prints one row per model x config.
#
#   utils/nvdla/vp_accuracy.sh [BUILD_DIR] [CALIBRATION_SAMPLES]
#
# resnet_small needs --allow-cpu-fallback on the configs without SDP EW.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
samples=${2:-500}
data=/usr/share/datasets/fashion-mnist
images=$data/t10k-images-idx3-ubyte.gz
labels=$data/t10k-labels-idx1-ubyte.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=$build/bin
py=/usr/bin/python3

printf '%-13s %-16s %9s %9s %s\n' model config host-top1 vp-top1 predictions
for model in lenet5 vgg_bn resnet_small; do
  onnx=$top/docs/examples/models/$model.onnx
  "$bin/onnc-fault" -march=host "$onnx" --calibration-data="$data/train-images-idx3-ubyte.gz" \
    --calibration-samples="$samples" --write-calibration-table="$work/$model.json" \
    -o "$work/$model.ir"
  "$bin/onnc-run" "$work/$model.ir" --images="$images" --labels="$labels" \
    --report="$work/$model.host.json" --predictions="$work/$model.host.npy" >/dev/null
  host=$($py -c "import json,sys; print(json.load(open(sys.argv[1]))['top1'])" "$work/$model.host.json")
  for cfg in nvdla-small nvdla-small-256 nvdla-large nvdla-full; do
    extra=()
    if [ "$model" = resnet_small ] && [[ "$cfg" == nvdla-small* ]]; then
      extra=(--allow-cpu-fallback)
    fi
    "$bin/onnc-fault" -march="$cfg" "$onnx" --calibration-table="$work/$model.json" \
      "${extra[@]}" -o "$work/$model.$cfg.nvdla"
    "$bin/onnc-run" "$work/$model.$cfg.nvdla" --images="$images" --labels="$labels" \
      --report="$work/$model.$cfg.json" --predictions="$work/$model.$cfg.npy" >/dev/null
    vp=$($py -c "import json,sys; print(json.load(open(sys.argv[1]))['top1'])" "$work/$model.$cfg.json")
    same=$($py "$top/utils/lit/compare_npy.py" "$work/$model.$cfg.npy" "$work/$model.host.npy" --exact || true)
    printf '%-13s %-16s %9s %9s %s\n' "$model" "$cfg" "$host" "$vp" "$same"
  done
done
