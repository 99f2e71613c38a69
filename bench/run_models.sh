#!/usr/bin/env bash
# Whole-network inference against PyTorch, same weights, side by side in one run. From the repository root:
#   bash bench/run_models.sh [--archs resnet50_lpf4,...] [--batches 1,16] [--seconds 5]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build -c opt //bench:models_bench
work=$(mktemp -d)
mkdir -p "$work/reuse"
trap 'rm -rf "$work"' EXIT
# Debian's PyTorch would use the slow reference BLAS without OpenBLAS (installed by setup.sh).
/usr/bin/python3 bench/models_torch.py --weights_dir "$work" "$@" > "$work/torch.txt"
# The same with glibc keeping freed memory: no page faults (~10 us each on these machines) per batch.
MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 \
    /usr/bin/python3 bench/models_torch.py --weights_dir "$work/reuse" "$@" > "$work/torch_reuse.txt"
bazel-bin/bench/models_bench --weights_dir "$work" --torch "$work/torch.txt" --torch_reuse "$work/torch_reuse.txt" "$@"
