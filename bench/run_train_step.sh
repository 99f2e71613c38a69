#!/usr/bin/env bash
# SGD steps (batch statistics) of any network here and in PyTorch, same weights and batch: each step's time and
# the peak resident memory of each process (bench/run_all.sh tabulates resnet50_lpf4's). From the repository root:
#   bash bench/run_train_step.sh [ARCH] [SIZE] [BATCH] [STEPS]      (default resnet50_lpf4 224 16 3)
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-resnet50_lpf4} size=${2:-224} batch=${3:-16} steps=${4:-3}
bash tools/setup.sh
bazel build -c opt //tools:train_step
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/train_step_torch.py "$arch" "$work" "$size" "$batch" "$steps"
bazel-out/k8-opt/bin/tools/train_step -a "$arch" --weights "$work/weights.pth" \
    --input "$work/input.npy" --labels "$work/labels.npy" --steps "$steps" --lr 0.1 --momentum 0.9 --wd 1e-4 \
    --save "$work/after.pth"
