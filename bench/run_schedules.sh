#!/usr/bin/env bash
# The schedule experiment in one command: builds the per-shape variants (bench/layers.bzl) and the hand schedule's
# other tiles (generators/conv2d_tiles.bzl), times every variant on every layer of NETWORK (a line per layer as it
# goes) and writes OUT_DIR/schedules.csv and OUT_DIR/schedules.png; for resnet50_lpf4 then the BlurPool stage's
# variants per shape too (OUT_DIR/blurpool.csv, ~1 min). Other arguments go to bench/autoschedule_bench
# (--hand_only: the hand schedule's tile search alone, ~4 min for resnet50_lpf4).
#   bash bench/run_schedules.sh [NETWORK] [OUT_DIR] [--hand_only]  (resnet50_lpf4: ~9 min to build the first time,
#                                                   ~15 to run; resnet18_lpf3_32, the demo's workload: ~3 + ~3)
# Then, to keep the winners (the runtime dispatches to them; rebuild after):
#   /usr/bin/python3 bench/tuned_table.py generators/conv2d_tuned.bzl OUT_DIR/schedules.csv [OTHER_OUT/schedules.csv]
set -euo pipefail
cd "$(dirname "$0")/.."
network=${1:-resnet50_lpf4} out=${2:-schedules_$network}
shift $(( $# < 2 ? $# : 2 ))
bash tools/setup.sh
start=$(date +%s)
bazel build -c opt //bench:autoschedule_bench
if [ "$network" = resnet50_lpf4 ]; then bazel build -c opt //bench:blurpool_schedules; fi
echo "built in $(( $(date +%s) - start )) s"
mkdir -p "$out"
bazel-out/k8-opt/bin/bench/autoschedule_bench --network "$network" --csv "$out/schedules.csv" "$@"
/usr/bin/python3 bench/plot_schedules.py "$out/schedules.csv" "$out/schedules.png" "$network"
if [ "$network" = resnet50_lpf4 ] && [[ " $* " != *" --hand_only "* ]]; then
    bazel-out/k8-opt/bin/bench/blurpool_schedules --csv "$out/blurpool.csv"
fi
echo "schedule experiment: $(( $(date +%s) - start )) s"
