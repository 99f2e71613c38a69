#!/usr/bin/env bash
# Adams2019's cost model retrained on this machine within a time budget, by the loop of Halide 14's
# autotune_loop.sh (/usr/src/halide14): batch after batch, random schedules of the forward convolution (beam 1,
# 1% random dropout, guided by the current model) of the forward convolution for one of resnet50_lpf4's layer
# shapes a batch, in turn (the model learns from the ranking of schedules of one pipeline: a batch gives it
# SAMPLES_PER_BATCH of them), each compiled, benchmarked (RunGen, 2 threads) and featurized; then
# retrain_cost_model on every sample so far. It starts from
# the model Adams2019 ships (bench/adams2019_weights.py), so the result is that model adapted to this machine.
#   bash bench/retrain_adams2019.sh [MINUTES=20] [OUT_DIR=adams2019_retrained] [SAMPLES_PER_BATCH=8]
# Writes OUT_DIR/updated.weights (HL_WEIGHTS_DIR for Adams2019), OUT_DIR/samples.csv (batch, shape, seed, ms) and
# the samples; a line per sample as it goes. Stops starting batches once MINUTES have passed.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-20} out=${2:-adams2019_retrained} per_batch=${3:-8}
halide=/usr/lib/x86_64-linux-gnu/halide14
bash tools/setup.sh > /dev/null
bazel build -c opt //generators:generators
generator=$PWD/bazel-out/k8-opt/bin/generators/generators
mkdir -p "$out"
out=$(cd "$out" && pwd)
weights=$out/updated.weights
[ -f "$weights" ] || /usr/bin/python3 bench/adams2019_weights.py "$weights"
# RunGen's driver once; each sample links its pipeline to it.
[ -f "$out/rungen.o" ] || c++ -O2 -std=c++17 -I/usr/include/halide14 -I/usr/src/halide14 -DHALIDE_NO_PNG \
    -DHALIDE_NO_JPEG -c /usr/src/halide14/RunGenMain.cpp -o "$out/rungen.o"
# resnet50_lpf4's distinct (in, out, kernel, stride, px) from bench/layers.bzl, the one list.
mapfile -t shapes < <(sed -n '/^RESNET50_LPF4 = \[/,/^\]/p' bench/layers.bzl |
                      sed -n 's/^ *(\([0-9]*\), \([0-9]*\), \([0-9]*\), \([0-9]*\), \([0-9]*\), [0-9]*),.*/\1 \2 \3 \4 \5/p' | awk '!seen[$0]++')
[ -f "$out/samples.csv" ] || echo "batch,in,out,kernel,stride,px,seed,ms" > "$out/samples.csv"
deadline=$(( $(date +%s) + 60 * minutes ))
shopt -s nullglob
earlier=("$out"/batch_*)  # a rerun continues after them
batch=${#earlier[@]}
while [ "$(date +%s)" -lt "$deadline" ]; do
    batch=$((batch + 1))
    for ((s = 0; s < per_batch; s++)); do
        shape_id=$(( (batch - 1) % ${#shapes[@]} ))
        read -r ci co k stride px <<< "${shapes[$shape_id]}"
        dir=$out/batch_$batch/$s seed=$((batch * 1000 + s))
        mkdir -p "$dir"
        if ! HL_SEED=$seed HL_RANDOM_DROPOUT=1 HL_BEAM_SIZE=1 HL_WEIGHTS_DIR=$weights timeout 300 \
            "$generator" -g conv2d -f sample -o "$dir" -e static_library,c_header,registration,featurization \
            target=host auto_schedule=true machine_params=2,1048576,40 -p "$halide/libautoschedule_adams2019.so" \
            -s Adams2019 estimate_in="$ci" estimate_out="$co" estimate_kernel="$k" estimate_stride="$stride" \
            estimate_px="$px" estimate_batch=16 > "$dir/compile_log.txt" 2>&1 ||
           ! c++ "$out/rungen.o" "$dir"/sample.registration.cpp "$dir"/sample.a -I/usr/include/halide14 \
            -o "$dir/bench" -ldl -lpthread 2>> "$dir/compile_log.txt"; then
            echo "batch $batch sample $s ($ci -> $co, ${k}x$k, $px px): did not compile"
            continue
        fi
        # RunGen makes the inputs from the estimates; its best time per run, in seconds, is the line's 8th field.
        seconds=$(HL_NUM_THREADS=2 timeout 120 "$dir/bench" --estimate_all --benchmarks=all 2> /dev/null |
                  grep -m1 "Benchmark for" | cut -d' ' -f8) || true
        if [ -z "$seconds" ]; then
            echo "batch $batch sample $s ($ci -> $co, ${k}x$k, $px px): did not run"
            continue
        fi
        # pipeline id: the shape; schedule id: the seed.
        "$halide/featurization_to_sample" "$dir/sample.featurization" "$seconds" "$shape_id" "$seed" "$dir/sample.sample"
        ms=$(awk -v s="$seconds" 'BEGIN { printf "%.3f", s * 1000 }')
        echo "$batch,$ci,$co,$k,$stride,$px,$seed,$ms" >> "$out/samples.csv"
        echo "batch $batch sample $s ($ci -> $co, ${k}x$k, $px px): $ms ms"
    done
    find "$out" -name "*.sample" | "$halide/retrain_cost_model" --epochs="$per_batch" --rates=0.0001 --num_cores=2 \
        --initial_weights="$weights" --weights_out="$weights" --best_benchmark="$out/best.benchmark.txt" \
        --best_schedule="$out/best.schedule.h" > "$out/retrain_$batch.log" 2>&1
    echo "batch $batch retrained: $(( $(grep -c . "$out/samples.csv") - 1 )) samples so far, $(tail -1 "$out/retrain_$batch.log")"
done
