#!/usr/bin/env bash
# For the day a real NVIDIA GPU is lent (the device tool's machine): one unattended script, under 5 minutes, that
# runs the GPU checks on CUDA and the GPU benchmark lines, and writes its report to a folder:
#   bash tools/gpu_check.sh [REPORT_DIR]          (default gpu_report/)
# Binaries: those under ${BIN:-bazel-bin} when present (carried from a build machine, e.g. the device tool's
# `carry`), else built here with Bazel (needs tools/setup.sh's packages). Each step's output goes to its own file
# and its status to REPORT_DIR/summary.txt; a failing step does not stop the others.
set -uo pipefail
cd "$(dirname "$0")/.."
report=${1:-gpu_report}
bin=${BIN:-bazel-bin}
mkdir -p "$report"
summary="$report/summary.txt"
: > "$summary"

step() {  # step NAME SECONDS COMMAND...: runs COMMAND with a time limit, output to REPORT_DIR/NAME.txt
    local name=$1 limit=$2
    shift 2
    local start=$SECONDS
    timeout "$limit" "$@" > "$report/$name.txt" 2>&1
    local status=$?
    printf '%-28s exit %3d  %4ds\n' "$name" "$status" "$((SECONDS - start))" | tee -a "$summary"
}

step nvidia-smi 20 nvidia-smi
if [ ! -x "$bin/tests/gpu_opencl_test" ] || [ ! -x "$bin/bench/models_bench" ] || [ ! -x "$bin/tools/train_step" ]; then
    step build 240 bazel build -c opt //tests:gpu_opencl_test //tests:blurpool_test //bench:models_bench //tools:train_step
fi
# Every layer forward and backward, whole networks' logits and SGD steps: CUDA against the CPU.
step gpu_tests_cuda 120 env ANTIALIASED_TEST_GPU=cuda "$bin/tests/gpu_opencl_test"
step blurpool_cuda 30 "$bin/tests/blurpool_test" --gtest_filter='*Gpu*:*GPU*:*Cuda*:*CUDA*'
# Inference, resnet50_lpf4 at 224 px, batch 1 and 16, random weights (the speed does not depend on them).
step inference_cuda 60 "$bin/bench/models_bench" --archs resnet50_lpf4,resnet50 --batches 1,16 --seconds 3 --gpu 0
step inference_cpu 60 "$bin/bench/models_bench" --archs resnet50_lpf4 --batches 16 --seconds 3
# Training: SGD steps of resnet50_lpf4 at 224 px, batch 16, against PyTorch's on CUDA where a CUDA PyTorch exists.
if /usr/bin/python3 -c "import torch, sys; sys.exit(not torch.cuda.is_available())" 2> /dev/null; then
    work="$report/train"
    mkdir -p "$work"
    step train_torch_cuda 90 /usr/bin/python3 bench/train_step_torch.py resnet50_lpf4 "$work" 224 16 4 1000 cuda
    step train_cuda 90 "$bin/tools/train_step" -a resnet50_lpf4 --weights "$work/weights.pth" \
        --input "$work/input.npy" --labels "$work/labels.npy" --steps 4 --lr 0.1 --momentum 0.9 --wd 1e-4 \
        --save "$work/after.pth" --gpu 0
else
    echo "train_torch_cuda             no CUDA PyTorch here: our steps only" | tee -a "$summary"
    work="$report/train"
    mkdir -p "$work"
    step train_weights 90 /usr/bin/python3 bench/train_step_torch.py resnet50_lpf4 "$work" 224 16 1
    step train_cuda 90 "$bin/tools/train_step" -a resnet50_lpf4 --weights "$work/weights.pth" \
        --input "$work/input.npy" --labels "$work/labels.npy" --steps 4 --lr 0.1 --momentum 0.9 --wd 1e-4 \
        --save "$work/after.pth" --gpu 0
fi
echo "report: $report (summary.txt, one file per step)"
