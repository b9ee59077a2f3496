#!/usr/bin/env bash
# seed001_weights.sh - reproduce seed 001's weight-memory defect study
# (retraining-free weight approximation: Add/Sub, LSB, C-1) with onnc-campaign
# on the committed reference models.
#
#   utils/experiments/seed001_weights.sh [BUILD_DIR] [OUT_DIR]
#
# BUILD_DIR defaults to build, OUT_DIR to docs/results/seed001 (both relative
# to the repository root; the script cd's there so the provenance recorded in
# the CSVs names the models by their repository paths).
#
# Protocol (seed 001, section 4.1.2): rates 0.1, 0.2, 0.5, 1, 2, 5 % per cell
# plus the fault-free run, sa1 : sa0 = 4 : 1 (--sa1-share=0.8), 20 maps per
# point, mitigations none, add-sub, lsb, c1 and our exact optimum for the C-1
# decoder; KL calibration on the first 500 training images, written once per
# model as a table and reused for every width.
#   lenet5        4, 8 and 16-bit weights, all 10000 test images
#   vgg_bn        8 and 16-bit weights, first $BIG_LIMIT test images
#   resnet_small  8 and 16-bit weights, first $BIG_LIMIT test images
#
# Environment: JOBS (default 2), BIG_LIMIT (default 1000), DATA (default
# /usr/share/datasets/fashion-mnist), CONFIGS (default: all seven, e.g.
# CONFIGS="lenet5:4 vgg_bn:8" to rerun some), PYTHON (default /usr/bin/python3).
# Each configuration writes <model>_w<bits>.csv/.json/.svg/.png (+ the gnuplot
# .gp/.dat), and a line "<config> <wall s> <cpu s> <runs> <images>" to
# times.tsv. Finally summarize.py writes tables.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
OUT=${2:-docs/results/seed001}
JOBS=${JOBS:-2}
BIG_LIMIT=${BIG_LIMIT:-1000}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
PYTHON=${PYTHON:-/usr/bin/python3}
CONFIGS=${CONFIGS:-"lenet5:4 lenet5:8 lenet5:16 vgg_bn:8 vgg_bn:16 resnet_small:8 resnet_small:16"}
MODELS=docs/examples/models
RATES=0,0.1%,0.2%,0.5%,1%,2%,5%
MITIGATIONS=none,add-sub,lsb,c1,optimal:c1

for t in onnc-campaign onnc-fault; do
  [ -x "$BUILD/bin/$t" ] || { echo "seed001_weights.sh: $BUILD/bin/$t not found (build it first)" >&2; exit 1; }
done
mkdir -p "$OUT"
TIMES="$OUT/times.tsv"
[ -f "$TIMES" ] || printf 'config\twall_s\tcpu_s\truns\timages_per_run\tjobs\n' > "$TIMES"

# One calibration table per model (activation scales do not depend on the
# weight width), so every width of a model sees the same activation scales.
calib() {
  local m=$1 table="$OUT/$1.calib.json"
  if [ ! -f "$table" ]; then
    echo "== calibrating $m (KL, 500 training images) -> $table"
    "$BUILD/bin/onnc-fault" "$MODELS/$m.onnx" \
      --calibration-data="$DATA/train-images-idx3-ubyte.gz" \
      --calibration-samples=500 --calibration-method=kl \
      --write-calibration-table="$table" -o "$OUT/.$m.calib.ir"
    rm -f "$OUT/.$m.calib.ir"
  fi
}

for cfg in $CONFIGS; do
  m=${cfg%%:*}; q=${cfg##*:}
  calib "$m"
  limit=0; [ "$m" = lenet5 ] || limit=$BIG_LIMIT
  base="$OUT/${m}_w${q}"
  echo "== $m, ${q}-bit weights, limit=$limit ($(date -u +%H:%M:%S))"
  cmd=("$BUILD/bin/onnc-campaign" "$MODELS/$m.onnx" --march=host --quantize=int8
       --weight-bits="$q" --calibration-table="$OUT/$m.calib.json"
       --images="$DATA/t10k-images-idx3-ubyte.gz"
       --labels="$DATA/t10k-labels-idx1-ubyte.gz" --limit="$limit"
       --memory=wmem --rates="$RATES" --sa1-share=0.8 --maps=20
       --mitigations="$MITIGATIONS" --seed=1
       -o "$base.csv" --summary="$base.json" --plot="$base.svg" -j "$JOBS")
  echo "${cmd[*]}"
  start=$(date +%s.%N)
  # /usr/bin/time's %U+%S counts the CPU time of all threads.
  /usr/bin/time -f '%U %S' -o "$base.time" "${cmd[@]}"
  end=$(date +%s.%N)
  read -r usr sys < "$base.time"; rm -f "$base.time"
  runs=$(grep -vc -e '^#' -e '^run,' "$base.csv")
  imgs=$limit; [ "$imgs" = 0 ] && imgs=10000
  printf '%s\t%.1f\t%.1f\t%s\t%s\t%s\n' "${m}_w${q}" \
    "$(echo "$end - $start" | bc)" "$(echo "$usr + $sys" | bc)" "$runs" "$imgs" "$JOBS" | tee -a "$TIMES"
done

"$PYTHON" utils/experiments/summarize.py "$OUT"/*_w*.json --times="$TIMES" -o "$OUT/tables.md"
echo "== tables: $OUT/tables.md"
