#!/usr/bin/env bash
# One training step (SGD, batch statistics) of a network here and in PyTorch, same weights and batch: time
# and peak resident memory of each process. From the repository root:
#   bash bench/run_train_step.sh [ARCH] [SIZE] [BATCH]      (default resnet50_lpf4 224 16)
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-resnet50_lpf4} size=${2:-224} batch=${3:-16}
bash tools/setup.sh
bazel build -c opt //tools:train_step
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/train_step_torch.py "$arch" "$work" "$size" "$batch"
/usr/bin/time -f "ours: peak RSS %M KB, %e s in all (loading and saving the checkpoint included)" \
    bazel-bin/tools/train_step -a "$arch" --weights "$work/weights.pth" --input "$work/input.npy" \
    --labels "$work/labels.npy" --steps 1 --lr 0.1 --save "$work/after.pth"
