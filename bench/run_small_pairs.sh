#!/usr/bin/env bash
# The demo's training step (resnet18_lpf3, 32 px, batch 64, same weights and batch) here and in PyTorch with
# glibc keeping freed memory (run_all.sh's torch'), alternating ROUNDS times: each round's median step of each
# and their ratio, then the median ratio. On a VM whose speed drifts within minutes (this one's by 20-100%), a
# ratio from pairs run back to back is the figure to trust; run_all.sh runs each side once. From the repository
# root:
#   bash bench/run_small_pairs.sh [ROUNDS]      (default 6, about 1-2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-6}
bash tools/setup.sh
bazel build -c opt //tools:train_step
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
ratios=()
for round in $(seq "$rounds"); do
    # Steps after the first two (warm-up: page faults, allocation), medians of each side.
    torch=$(MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 \
        /usr/bin/python3 bench/train_step_torch.py resnet18_lpf3 "$work" 32 64 12 |
        sed -n 's/^torch: steps \(.*\) s,.*/\1/p' | tr ' ' '\n' | tail -n +3 | median)
    ours=$(bazel-out/k8-opt/bin/tools/train_step -a resnet18_lpf3 --weights "$work/weights.pth" \
        --input "$work/input.npy" --labels "$work/labels.npy" --steps 12 --lr 0.02 --momentum 0.9 --wd 1e-4 \
        --save "$work/after.pth" 2>&1 | sed -n 's/^step .*(\(.*\) s)$/\1/p' | tail -n +3 | median)
    ratio=$(awk -v t="$torch" -v o="$ours" 'BEGIN {printf "%.2f", t / o}')
    ratios+=("$ratio")
    echo "round $round: ours $ours s, torch' $torch s a step: ${ratio}x"
done
echo "median over $rounds rounds: $(printf '%s\n' "${ratios[@]}" | median)x torch'"
