#!/usr/bin/env bash
# The main command (README): installs what is missing, builds, then
#  1. trains a baseline and an anti-aliased ResNet-18 with the same flags on the built-in Fashion-MNIST and
#     prints their accuracy and shift-consistency side by side (train/compare.sh), and
#  2. shows anti-aliased downsampling next to naive subsampling on a zone plate.
# Outputs go to ${OUT_DIR:-./demo_out}; extra arguments are passed to every run of train/main.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build -c opt //train:main //tools:blurpool
out=${OUT_DIR:-demo_out}
mkdir -p "$out"

/usr/bin/python3 tools/zone_plate.py "$out/zone_plate.png" 256
bazel-bin/tools/blurpool --input "$out/zone_plate.png" --output "$out/zone_plate_blurpool.png" \
    --naive_output "$out/zone_plate_naive.png" --filt_size 4 --stride 2
echo "zone plate: compare $out/zone_plate_naive.png (x[::2, ::2]: false rings from aliasing)"
echo "               with $out/zone_plate_blurpool.png (BlurPool: the rings beyond the new Nyquist limit fade to gray)"

# 6000 training images (evenly spaced), 3 epochs (lr 0.05, then 0.005 for the last), 2000 test images:
# about 7 minutes on 2 cores.
bash train/compare.sh bazel-bin/train/main "$out" resnet18 resnet18_lpf3 -- \
    --train-subset 6000 --epochs 3 --lr 0.05 --lr_step 2 -b 64 --val-subset 2000 -p 50 -j 2 "$@"
