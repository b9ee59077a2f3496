#!/usr/bin/env bash
# The main job: bootstrap the machine, build onnc-fault, and run the bundled
# LeNet-5 reference model over the whole Fashion-MNIST test set, printing its
# accuracy. (Until the NVDLA backend lands this runs the float interpreter;
# later it compiles for a chip with a defect map and runs the virtual
# platform.)
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

bash utils/bootstrap.sh
build=${ONNCF_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target onnc-run onnc-opt

data=/usr/share/datasets/fashion-mnist
model=${1:-docs/examples/models/lenet5.onnx}
echo "== onnc-run $model on the Fashion-MNIST test set (10000 images)"
"$build/bin/onnc-run" "$model" \
  --images="$data/t10k-images-idx3-ubyte.gz" \
  --labels="$data/t10k-labels-idx1-ubyte.gz" \
  --report="$build/quickstart-report.json"
echo "report: $build/quickstart-report.json"
