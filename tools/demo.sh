#!/usr/bin/env bash
# The main command (README): installs what is missing, builds, and shows anti-aliased downsampling next to
# naive subsampling on a zone plate. Outputs go to ${OUT_DIR:-./demo_out}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bazel build -c opt //tools:blurpool
out=${OUT_DIR:-demo_out}
mkdir -p "$out"
/usr/bin/python3 tools/zone_plate.py "$out/zone_plate.png" 256
bazel-bin/tools/blurpool --input "$out/zone_plate.png" --output "$out/zone_plate_blurpool.png" \
    --naive_output "$out/zone_plate_naive.png" --filt_size 4 --stride 2 "$@"
echo "compare $out/zone_plate_naive.png (x[::2, ::2]: false rings from aliasing)"
echo "   with $out/zone_plate_blurpool.png (BlurPool: the rings beyond the new Nyquist limit fade to gray)"
