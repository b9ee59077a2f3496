#!/usr/bin/env bash
# The main job: bootstrap the machine, build onnc-fault, run the bundled
# LeNet-5 reference model over the whole Fashion-MNIST test set in float,
# then compile it to INT8 for the host target (KL calibration on 500
# training images) and run the integer model on the same images, printing
# both accuracies. (When the NVDLA backend lands this compiles for a chip
# with a defect map and runs the virtual platform.)
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

bash utils/bootstrap.sh
build=${ONNCF_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target onnc-run onnc-opt onnc-fault

data=/usr/share/datasets/fashion-mnist
model=${1:-docs/examples/models/lenet5.onnx}
stem=$(basename "$model" .onnx)
echo "== float: onnc-run $model on the Fashion-MNIST test set (10000 images)"
"$build/bin/onnc-run" "$model" \
  --images="$data/t10k-images-idx3-ubyte.gz" \
  --labels="$data/t10k-labels-idx1-ubyte.gz" \
  --report="$build/quickstart-float.json"

echo "== int8: onnc-fault -march=host (KL calibration, 500 training images)"
"$build/bin/onnc-fault" -march=host "$model" \
  --calibration-data="$data/train-images-idx3-ubyte.gz" \
  --calibration-samples=500 \
  --write-calibration-table="$build/$stem.calib.json" \
  -o "$build/$stem.int8.ir"
echo "== int8: onnc-run $build/$stem.int8.ir (integer interpreter)"
"$build/bin/onnc-run" "$build/$stem.int8.ir" \
  --images="$data/t10k-images-idx3-ubyte.gz" \
  --labels="$data/t10k-labels-idx1-ubyte.gz" \
  --report="$build/quickstart-int8.json"
echo "reports: $build/quickstart-float.json $build/quickstart-int8.json"
