#!/usr/bin/env bash
# Whole-network inference against PyTorch, same weights, side by side in one run. From the repository root:
#   bash bench/run_models.sh [--archs resnet50_lpf4,...] [--batches 1,16] [--seconds 5]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build -c opt //bench:models_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Debian's PyTorch would use the slow reference BLAS without OpenBLAS (installed by setup.sh).
/usr/bin/python3 bench/models_torch.py --weights_dir "$work" "$@" > "$work/torch.txt"
bazel-bin/bench/models_bench --weights_dir "$work" --torch "$work/torch.txt" "$@"
