#!/usr/bin/env bash
# BlurPool against PyTorch, side by side in one run. From the repository root: bash bench/run_blurpool.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build -c opt //bench:blurpool_bench
torch_times=$(mktemp)
trap 'rm -f "$torch_times"' EXIT
/usr/bin/python3 bench/blurpool_torch.py "$@" > "$torch_times"
bazel-bin/bench/blurpool_bench --torch "$torch_times" "$@"
