#!/usr/bin/env bash
# The schedule experiment in one command: builds the per-shape variants (bench/layers.bzl), times every variant on
# every layer of NETWORK (a line per layer as it goes) and writes OUT_DIR/schedules.csv and OUT_DIR/schedules.png.
#   bash bench/run_schedules.sh [NETWORK] [OUT_DIR]    (resnet50_lpf4: ~5 min to build the first time, ~12 to run;
#                                                       resnet18_lpf3_32, the demo's workload: ~3 + ~3)
set -euo pipefail
cd "$(dirname "$0")/.."
network=${1:-resnet50_lpf4} out=${2:-schedules_$network}
bash tools/setup.sh
start=$(date +%s)
bazel build -c opt //bench:autoschedule_bench
echo "built in $(( $(date +%s) - start )) s"
mkdir -p "$out"
bazel-out/k8-opt/bin/bench/autoschedule_bench --network "$network" --csv "$out/schedules.csv"
/usr/bin/python3 bench/plot_schedules.py "$out/schedules.csv" "$out/schedules.png" "$network"
echo "schedule experiment: $(( $(date +%s) - start )) s"
