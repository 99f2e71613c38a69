#!/usr/bin/env bash
# The tuned table's effect in one run (issue 20): a network's inference (images/s) and SGD steps (s) with the
# stages of the tuned tables' shapes on their tuned variants, and with the hand schedules
# everywhere (--notuned), alternating ROUNDS times (this VM's speed drifts within minutes: never compare two runs
# minutes apart). Same weights and batch; the results are bit-identical (tests/tuned_dispatch_test).
#   bash bench/run_tuned.sh [ARCH] [SIZE] [BATCH]     (default resnet50_lpf4 224 16, ROUNDS=2: ~6 min)
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-resnet50_lpf4} size=${2:-224} batch=${3:-16} rounds=${ROUNDS:-2}
bash tools/setup.sh
bazel build -c opt //bench:models_bench //tools:train_step
bin=bazel-out/k8-opt/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 bench/models_torch.py --weights_dir "$work" --archs "$arch" --batches "$batch" --size "$size" \
    --seconds 1 > /dev/null
/usr/bin/python3 bench/train_step_torch.py "$arch" "$work" "$size" "$batch" 1 > /dev/null
classes=(); [ "$size" -le 64 ] && classes=(--classes 10)  # the small-image workload trains 10 classes
for round in $(seq "$rounds"); do
    for tuned in true false; do
        images=$("$bin/bench/models_bench" --weights_dir "$work" --archs "$arch" --batches "$batch" --size "$size" \
            --tuned="$tuned" | awk 'END { print $4 }')
        # The median of the steps after the first (page faults, allocation).
        step=$("$bin/tools/train_step" -a "$arch" "${classes[@]}" --weights "$work/weights.pth" \
            --input "$work/input.npy" --labels "$work/labels.npy" --steps 5 --lr 0.1 --save "$work/after.pth" \
            --tuned="$tuned" 2>&1 | sed -n 's/.*(\([0-9.]*\) s)$/\1/p' | tail -4 | sort -n | awk 'NR == 2 { a = $1 } NR == 3 { print (a + $1) / 2 }')
        echo "$round $tuned $images $step"
    done
done | tee "$work/runs.txt" | awk '{ printf "round %s, %-7s inference %6.2f img/s, training step %.3f s\n", $1, $2 == "true" ? "tuned" : "default", $3, $4 }'
awk -v arch="$arch" -v size="$size" -v batch="$batch" '
    { images[$2] += $3; step[$2] += $4; n[$2]++ }
    END {
        printf "%s, %d px, batch %d, mean of %d rounds: inference %.2f vs %.2f img/s (%.2fx), training step %.3f vs %.3f s (%.2fx): tuned vs default\n",
            arch, size, batch, n["true"], images["true"] / n["true"], images["false"] / n["false"],
            images["true"] / images["false"], step["true"] / n["true"], step["false"] / n["false"], step["false"] / step["true"]
    }' "$work/runs.txt"
