#!/usr/bin/env bash
# The benchmark table in one command: resnet50_lpf4 inference (batch 16 and 1) and training (batch 16, 224 px),
# and the demo's small-image workload (resnet18_lpf3 at 32 px, batch 64), here and in PyTorch 1.13 in the same
# run, same weights and inputs, 2 threads each; the cost of anti-aliasing; peak memory; the convolutions' share
# of the FMA peak. From the repository root (about 7 minutes):
#   bash bench/run_all.sh
# The same with another batch: BATCH=8 bash bench/run_all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
batch=${BATCH:-16}
steps=4  # the first is warm-up (page faults, allocation); the table uses the median of the others
bash tools/setup.sh
bazel build -c opt //bench:models_bench //bench:conv_bench //tools:train_step
bin=bazel-out/k8-opt/bin
work=${BENCH_DIR:-$(mktemp -d)}  # BENCH_DIR=DIR keeps every program's output there
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
echo "$batch" > "$work/batch.txt"
reuse="MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824"
echo "inference ..." >&2
/usr/bin/python3 bench/models_torch.py --weights_dir "$work" --archs resnet50_lpf4,resnet50 --batches "1,$batch" \
    > "$work/torch.txt"
env $reuse /usr/bin/python3 bench/models_torch.py --weights_dir "$work" --archs resnet50_lpf4,resnet50 \
    --batches "1,$batch" > "$work/torch_reuse.txt"
"$bin/bench/models_bench" --weights_dir "$work" --archs resnet50_lpf4,resnet50 --batches "1,$batch" \
    > "$work/ours_inference.txt"
echo "training ..." >&2
env $reuse /usr/bin/python3 bench/train_step_torch.py resnet50_lpf4 "$work" 224 "$batch" "$steps" \
    > "$work/torch_train_reuse.txt"
/usr/bin/python3 bench/train_step_torch.py resnet50_lpf4 "$work" 224 "$batch" "$steps" > "$work/torch_train.txt"
# train_step reports its peak resident memory through the steps (before it writes the checkpoint), as the
# PyTorch script does (its process's peak, read after the steps).
"$bin/tools/train_step" -a resnet50_lpf4 --weights "$work/weights.pth" \
    --input "$work/input.npy" --labels "$work/labels.npy" --steps "$steps" --lr 0.1 --momentum 0.9 --wd 1e-4 \
    --save "$work/after.pth" --losses "$work/losses.npy" > "$work/ours_train.txt" 2>&1
# The demo's workload: resnet18_lpf3 on 32 px images (10 classes for training), batch 64.
echo "small images ..." >&2
small=$work/small
mkdir -p "$small"
for mode in "" reuse; do
    prefix=(); [ -n "$mode" ] && prefix=(env $reuse)
    "${prefix[@]}" /usr/bin/python3 bench/models_torch.py --weights_dir "$small" --archs resnet18_lpf3 --batches 64 \
        --size 32 > "$work/torch_small${mode:+_$mode}.txt"
    "${prefix[@]}" /usr/bin/python3 bench/train_step_torch.py resnet18_lpf3 "$small" 32 64 8 10 \
        > "$work/torch_small_train${mode:+_$mode}.txt"
done
"$bin/bench/models_bench" --weights_dir "$small" --archs resnet18_lpf3 --batches 64 --size 32 \
    > "$work/ours_small.txt"
"$bin/tools/train_step" -a resnet18_lpf3 --classes 10 --weights "$small/weights.pth" --input "$small/input.npy" \
    --labels "$small/labels.npy" --steps 8 --lr 0.1 --momentum 0.9 --wd 1e-4 --save "$small/after.pth" \
    > "$work/ours_small_train.txt" 2>&1
echo "convolutions ..." >&2
"$bin/bench/conv_bench" --batch "$batch" > "$work/conv.txt"
/usr/bin/python3 bench/sgemm_torch.py > "$work/sgemm.txt"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
/usr/bin/python3 bench/summary.py "$work"
