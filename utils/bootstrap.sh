#!/usr/bin/env bash
# Installs everything onnc-fault needs on a Debian bookworm machine.
# Idempotent and quiet: packages already present are not reinstalled.
# Run as root (CI and developer machines are root); uses sudo otherwise.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Build and test toolchain, libraries fixed by the design, data sets and the
# Python stack used only to train the reference models.
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  llvm-14-dev llvm-14-tools clang-14 libclang-rt-14-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  libflatbuffers-dev flatbuffers-compiler
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev
  libonnx-testdata dataset-fashion-mnist
  python3-onnx python3-numpy
  hyperfine gnuplot-nox
)
if [ "${ONNCF_BOOTSTRAP_TRAINING:-0}" = 1 ]; then
  packages+=(python3-torch python3-torchvision python3-sklearn)
fi

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

# The machine image ships Node.js with its own npm; only fall back to
# Debian's when neither is there.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime for Node: the reference runtime that our float interpreter is
# checked against. Its install script fetches GPU files, which cannot work
# here, so it is skipped; the CPU binding ships inside the npm package.
ort_dir="$top/utils/ort"
if [ ! -d "$ort_dir/node_modules/onnxruntime-node" ]; then
  echo "bootstrap: installing onnxruntime-node into utils/ort"
  (cd "$ort_dir" && npm install --ignore-scripts --no-audit --no-fund --silent >/dev/null)
fi
echo "bootstrap: done"
