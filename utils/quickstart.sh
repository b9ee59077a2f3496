#!/usr/bin/env bash
# The main job: bootstrap the machine, build onnc-fault, then on the bundled
# LeNet-5 reference model and the whole Fashion-MNIST test set (10000
# images):
#  1. run the float model (reference interpreter);
#  2. compile it to INT8 for NVDLA nv_small (KL calibration on 500 training
#     images) and run the loadable on the bit-true virtual platform;
#  3. compile it for nv_small for the chip described by the bundled defect
#     map docs/examples/maps/chip42.map (1 % stuck-at cells in the weight
#     memory), without and with the Count-One mitigation, and run both
#     loadables on the virtual platform with the chip's faults injected.
# Prints each accuracy; JSON reports land in the build folder.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

bash utils/bootstrap.sh
build=${ONNCF_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target onnc-run onnc-opt onnc-fault onnc-dump onnc-defect

data=/usr/share/datasets/fashion-mnist
model=${1:-docs/examples/models/lenet5.onnx}
map=${2:-docs/examples/maps/chip42.map}
stem=$(basename "$model" .onnx)
bin=$build/bin
test_set=(--images="$data/t10k-images-idx3-ubyte.gz" --labels="$data/t10k-labels-idx1-ubyte.gz")

echo "== float: onnc-run $model"
"$bin/onnc-run" "$model" "${test_set[@]}" --report="$build/quickstart-float.json"

echo "== nvdla-small: onnc-fault -march=nvdla-small (KL calibration, 500 training images)"
"$bin/onnc-fault" -march=nvdla-small "$model" \
  --calibration-data="$data/train-images-idx3-ubyte.gz" \
  --calibration-samples=500 \
  --write-calibration-table="$build/$stem.calib.json" \
  -o "$build/$stem.nvdla"
echo "== nvdla-small: onnc-run $build/$stem.nvdla (virtual platform)"
"$bin/onnc-run" "$build/$stem.nvdla" "${test_set[@]}" --stats \
  --report="$build/quickstart-nvdla.json"

for policy in none c1; do
  echo "== chip $(basename "$map" .map), mitigation $policy: onnc-fault -march=nvdla-small --defect-map=$map"
  "$bin/onnc-fault" -march=nvdla-small "$model" \
    --calibration-table="$build/$stem.calib.json" \
    --defect-map="$map" --mitigation="$policy" \
    --report="$build/quickstart-$policy.mitigation.json" \
    -o "$build/$stem.$policy.nvdla"
  echo "== chip $(basename "$map" .map), mitigation $policy: onnc-run $build/$stem.$policy.nvdla --defect-map=$map (virtual platform)"
  "$bin/onnc-run" "$build/$stem.$policy.nvdla" --defect-map="$map" "${test_set[@]}" \
    --report="$build/quickstart-chip-$policy.json"
done
echo "reports: $build/quickstart-*.json"
