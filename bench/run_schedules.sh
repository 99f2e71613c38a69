#!/usr/bin/env bash
# The schedule experiment in one command, for NETWORK (resnet50_lpf4 or resnet18_lpf3_32, the demo's workload):
#   bash bench/run_schedules.sh [NETWORK] [OUT_DIR] [--stages LIST] [--retrain MINUTES] [--hand_only] [--rounds N]
# --stages: comma separated, of conv2d (the forward convolution: every autoscheduler's per-shape variant and the
#   hand schedule's register tiles, bench/autoschedule_bench), conv2d_grad_weights, conv2d_grad_input,
#   blurpool_forward, blurpool_backward (resnet50_lpf4 only), batch_norm_train_sum, ..._squared_deviations,
#   ..._normalize, ..._backward_sums, ..._backward_input (bench/stage_schedules; bench/layers.bzl
#   stage_experiments lists them); default: all. The search budget: --retrain MINUTES first retrains Adams2019's
#   cost model for that long (bench/retrain_adams2019.sh, into bench/figures/adams2019_retrained.weights, which the
#   "Adams2019 retrained" variants then use; default: the kept model), --rounds N measurements per contender (a
#   variant within 1.5x of the shape's best), taking turns (default 3; the forward convolution measures once);
#   --hand_only: the forward convolution's tile search alone. A line per shape as it goes; writes OUT_DIR/schedules.csv and .png (the forward convolution) and
#   OUT_DIR/stages.csv and .png (the other stages). Budget on 2 cores (measured 2026-12-03): resnet50_lpf4,
#   everything, ~32 min to build the first time (~690 generator runs) and ~25 to time; resnet18_lpf3_32, 756 s end
#   to end with its other stages already built.
# Then, to keep the winners (the runtime dispatches to them; rebuild after):
#   /usr/bin/python3 bench/tuned_table.py conv2d generators/conv2d_tuned.bzl OUT_DIR/schedules.csv [OTHER/schedules.csv]
#   /usr/bin/python3 bench/tuned_table.py map_stages generators/map_stages_tuned.bzl OUT_DIR/stages.csv OUT2/stages.csv
set -euo pipefail
cd "$(dirname "$0")/.."
network=${1:-resnet50_lpf4} out=${2:-schedules_$network}
shift $(( $# < 2 ? $# : 2 ))
stages=all retrain=0 rounds=3 forward_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --stages) stages=$2; shift 2 ;;
        --retrain) retrain=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --hand_only) forward_args+=(--hand_only); stages=conv2d; shift ;;
        *) echo "run_schedules.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
bash tools/setup.sh
start=$(date +%s)
mkdir -p "$out"
if [ "$retrain" != 0 ]; then
    bash bench/retrain_adams2019.sh "$retrain" "$out/retrain"
    cp "$out/retrain/updated.weights" bench/figures/adams2019_retrained.weights
fi
# The other stages' programs, one per stage (tagged stage_schedules).
available=$(bazel query "attr(tags, stage_schedules, kind(cc_binary, //bench:all))" 2>/dev/null |
    sed -n "s|^//bench:stage_schedules_${network}_||p")
[ "$stages" = all ] && stages=conv2d,$(echo $available | tr ' ' ',')
targets=() stage_list=()
for stage in ${stages//,/ }; do
    if [ "$stage" = conv2d ]; then
        targets+=(//bench:autoschedule_bench)
    elif [[ " $(echo $available) " == *" $stage "* ]]; then
        targets+=("//bench:stage_schedules_${network}_$stage") stage_list+=("$stage")
    else
        echo "run_schedules.sh: no stage $stage in $network's experiments (conv2d $(echo $available))" >&2; exit 2
    fi
done
bazel build -c opt "${targets[@]}"
echo "built in $(( $(date +%s) - start )) s"
bin=bazel-out/k8-opt/bin/bench
if [[ ",$stages," == *",conv2d,"* ]]; then
    "$bin/autoschedule_bench" --network "$network" --csv "$out/schedules.csv" "${forward_args[@]}"
    /usr/bin/python3 bench/plot_schedules.py "$out/schedules.csv" "$out/schedules.png" "$network"
fi
if [ ${#stage_list[@]} -gt 0 ]; then
    echo "stage,shape,variant,ms,gbps,gflops,peak_share" > "$out/stages.csv"  # bench/stage_schedules.cc's columns
    for stage in "${stage_list[@]}"; do
        "$bin/stage_schedules_${network}_$stage" --rounds "$rounds" --csv "$out/$stage.csv"
        tail -n +2 "$out/$stage.csv" >> "$out/stages.csv"
        rm "$out/$stage.csv"
    done
    /usr/bin/python3 bench/plot_stages.py "$out/stages.csv" "$out/stages.png" "$network"
fi
echo "schedule experiment: $(( $(date +%s) - start )) s"
