#!/usr/bin/env bash
# Benchmark: onnc-campaign vs the same seed-001 LeNet-5 sweep written plainly
# in PyTorch (campaign_pytorch.py), one after the other, on 2 threads each.
#   utils/bench/campaign_pytorch.sh [BUILD_DIR]
# Prints both outputs and "ratio pytorch/onnc-campaign = X" (wall time).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$top/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== onnc-campaign (host executor, -j 2)"
"$top/utils/bench/campaign_lenet.sh" "$build" 2 | tee "$tmp/onnc.txt"
echo "== PyTorch (torch.set_num_threads(2))"
/usr/bin/python3 "$top/utils/bench/campaign_pytorch.py" --threads=2 | tee "$tmp/torch.txt"

onnc=$(sed -n 's/^onnc_wall_s=//p' "$tmp/onnc.txt")
torch=$(sed -n 's/^pytorch_wall_s=//p' "$tmp/torch.txt")
/usr/bin/python3 -c "import sys; o,t=map(float,sys.argv[1:]); print('onnc-campaign %.1f s, pytorch %.1f s: ratio pytorch/onnc-campaign = %.2f' % (o, t, t/o))" "$onnc" "$torch"
