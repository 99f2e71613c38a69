#!/usr/bin/env bash
# BlurPool against PyTorch, side by side in one run. From the repository root: bash bench/run_blurpool.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build -c opt //bench:blurpool_bench
torch_times=$(mktemp) torch_reuse_times=$(mktemp)
trap 'rm -f "$torch_times" "$torch_reuse_times"' EXIT
/usr/bin/python3 bench/blurpool_torch.py "$@" > "$torch_times"
# The same with glibc keeping freed memory (mmap threshold and trim threshold at 1 GB): no page faults.
MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 \
    /usr/bin/python3 bench/blurpool_torch.py "$@" > "$torch_reuse_times"
bazel-bin/bench/blurpool_bench --torch "$torch_times" --torch_reuse "$torch_reuse_times" "$@"
