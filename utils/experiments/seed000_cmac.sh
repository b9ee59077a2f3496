#!/usr/bin/env bash
# seed000_cmac.sh - reproduce seed 000's study (b): one stuck-at bit on a MAC
# operand lane of the NVDLA nv_small array, injected bit by bit into the
# weight and the activation (data) operand, with the read-path mitigations
# sign-bit and inverse-sign-bit substitution and our sign-bit-clamp
# extension, measured with onnc-campaign --memory=cmac on the host integer
# interpreter (docs/CmacFaults.md).
#
#   utils/experiments/seed000_cmac.sh [BUILD_DIR] [OUT_DIR]
#
# BUILD_DIR defaults to build, OUT_DIR to docs/results/seed000 (relative to
# the repository root; the script cd's there so the provenance in the CSVs
# names the models by their repository paths).
#
# Protocol (seed 000, section III): the same faulty bit in CMAC_A and CMAC_B,
# i.e. 2 of the 64 MACs of the 8x8 array (cells 0 and 32, 3.1 %), bits 0-7,
# stuck at 0 and at 1, weight and data operand, mitigations none, sign-bit,
# inverse-sign-bit, sign-bit-clamp (our extension) and optimal:sign-bit (the
# nearest value the substitution reproduces); int8 weights and activations, KL
# calibration on the first 500 training images (one table per model).
#   lenet5   all 10000 Fashion-MNIST test images
#   vgg_bn   first $BIG_LIMIT test images
#
# Environment: JOBS (default 2), BIG_LIMIT (default 2000), DATA (default
# /usr/share/datasets/fashion-mnist), MODELS_TO_RUN (default "lenet5 vgg_bn"),
# CELLS (default 0,32), PYTHON (default /usr/bin/python3).
# Each model writes <model>_cmac.csv/.json/.svg/.png (+ .gp/.dat) and a line
# "<model> <wall s> <cpu s> <runs> <images>" to times.tsv; finally
# seed000_summarize.py writes tables.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
OUT=${2:-docs/results/seed000}
JOBS=${JOBS:-2}
BIG_LIMIT=${BIG_LIMIT:-2000}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
PYTHON=${PYTHON:-/usr/bin/python3}
MODELS_TO_RUN=${MODELS_TO_RUN:-"lenet5 vgg_bn"}
CELLS=${CELLS:-0,32}
MODELS=docs/examples/models
MITIGATIONS=none,sign-bit,inverse-sign-bit,sign-bit-clamp,optimal:sign-bit

for t in onnc-campaign onnc-fault; do
  [ -x "$BUILD/bin/$t" ] || { echo "seed000_cmac.sh: $BUILD/bin/$t not found (build it first)" >&2; exit 1; }
done
mkdir -p "$OUT"
TIMES="$OUT/times.tsv"
[ -f "$TIMES" ] || printf 'model\twall_s\tcpu_s\truns\timages_per_run\tjobs\n' > "$TIMES"

for m in $MODELS_TO_RUN; do
  table="$OUT/$m.calib.json"
  if [ ! -f "$table" ]; then
    echo "== calibrating $m (KL, 500 training images) -> $table"
    "$BUILD/bin/onnc-fault" "$MODELS/$m.onnx" \
      --calibration-data="$DATA/train-images-idx3-ubyte.gz" \
      --calibration-samples=500 --calibration-method=kl \
      --write-calibration-table="$table" -o "$OUT/.$m.calib.ir"
    rm -f "$OUT/.$m.calib.ir"
  fi
  limit=0; [ "$m" = lenet5 ] || limit=$BIG_LIMIT
  base="$OUT/${m}_cmac"
  echo "== $m, MAC lanes of cells $CELLS, limit=$limit ($(date -u +%H:%M:%S))"
  cmd=("$BUILD/bin/onnc-campaign" "$MODELS/$m.onnx" --march=host --quantize=int8
       --weight-bits=8 --calibration-table="$table"
       --images="$DATA/t10k-images-idx3-ubyte.gz"
       --labels="$DATA/t10k-labels-idx1-ubyte.gz" --limit="$limit"
       --memory=cmac --mac-geometry=8x8 --cells="$CELLS"
       --operands=weight,data --bits=0-7 --stuck=0,1
       --mitigations="$MITIGATIONS"
       -o "$base.csv" --summary="$base.json" --plot="$base.svg" -j "$JOBS")
  echo "${cmd[*]}"
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$base.time" "${cmd[@]}"
  end=$(date +%s.%N)
  read -r usr sys < "$base.time"; rm -f "$base.time"
  runs=$(grep -vc -e '^#' -e '^run,' "$base.csv")
  imgs=$limit; [ "$imgs" = 0 ] && imgs=10000
  printf '%s\t%.1f\t%.1f\t%s\t%s\t%s\n' "$m" \
    "$(echo "$end - $start" | bc)" "$(echo "$usr + $sys" | bc)" "$runs" "$imgs" "$JOBS" | tee -a "$TIMES"
done

"$PYTHON" utils/experiments/seed000_summarize.py "$OUT"/*_cmac.json -o "$OUT/tables.md"
echo "== tables: $OUT/tables.md"
