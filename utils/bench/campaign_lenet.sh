#!/usr/bin/env bash
# Benchmark: the seed-001 LeNet-5 campaign on the host executor.
#   utils/bench/campaign_lenet.sh [BUILD_DIR] [JOBS]
# 6 rates x 20 maps x 5 mitigations = 600 runs, each on all 10000
# Fashion-MNIST test images (6 million inferences), 4-bit weights (seed 001's
# LeNet setup), -j JOBS (default 2). Prints wall time, CPU time (all
# threads), runs/s and images/s, and "onnc_wall_s=..." for
# campaign_pytorch.sh. The standard: under 5 minutes on 2 cores.
# The calibration (KL, 500 training images) is done first and not timed.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$top/build}
jobs=${2:-2}
data=${DATA:-/usr/share/datasets/fashion-mnist}
model=$top/docs/examples/models/lenet5.onnx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/bin/onnc-fault" "$model" --weight-bits=4 \
  --calibration-data="$data/train-images-idx3-ubyte.gz" --calibration-samples=500 \
  --write-calibration-table="$tmp/calib.json" -o "$tmp/lenet5.ir"

start=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$tmp/time" \
  "$build/bin/onnc-campaign" "$model" --march=host --weight-bits=4 \
  --calibration-table="$tmp/calib.json" \
  --images="$data/t10k-images-idx3-ubyte.gz" --labels="$data/t10k-labels-idx1-ubyte.gz" \
  --memory=wmem --rates=0.1%,0.2%,0.5%,1%,2%,5% --sa1-share=0.8 --maps=20 \
  --mitigations=none,add-sub,lsb,c1,optimal:c1 --seed=1 \
  -o "$tmp/runs.csv" --summary="$tmp/summary.json" -j "$jobs"
end=$(date +%s.%N)
read -r usr sys < "$tmp/time"

/usr/bin/python3 - "$tmp/summary.json" "$start" "$end" "$usr" "$sys" "$jobs" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
start, end, usr, sys_ = map(float, sys.argv[2:6])
wall, cpu = end - start, usr + sys_
runs = s["runs"]
images = sum(p["images"] for p in s["points"])
for r in s["provenance"]["rates"]:
    print("  rate %-6s " % ("%g%%" % (100 * r)) + " ".join(
        "%s=%.4f" % (p["mitigation"], p["top1_mean"])
        for p in s["points"] if p["rate"] == r))
print("campaign_lenet: %d runs, %d images: wall %.1f s (%s), CPU %.1f s, "
      "%.2f runs/s, %.0f images/s, -j %s; standard: wall < 300 s: %s"
      % (runs, images, wall, "%d min %02d s" % divmod(round(wall), 60), cpu,
         runs / wall, images / wall, sys.argv[6], "met" if wall < 300 else "NOT met"))
print("onnc_wall_s=%.2f" % wall)
PY
