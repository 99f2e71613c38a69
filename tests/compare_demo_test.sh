#!/usr/bin/env bash
# The README's main job, train/compare.sh and train/plot_shifts.py, on a reduced configuration (64 training and
# 32 test images of Fashion-MNIST (64 for -e), one epoch, no shift augmentation, the demo's shift ranges): it trains the
# networks, evaluates them, prints the table with a row of numbers for each, writes results.tsv, and the plots
# are written as PNG images of their stated size.
set -euo pipefail
out=$TEST_TMPDIR/compare
archs=(resnet18 resnet18_lpf2 resnet18_lpf3)
log=$(E_FLAGS="--val-subset 64" ES_FLAGS="--max-shift 8" ED_FLAGS="--max-shift 32" bash train/compare.sh train/main "$out" "${archs[@]}" -- \
    --no-data-aug --train-subset 64 --val-subset 32 --epochs 1 -b 32 --epochs-shift 1 -j 2 -p 10 --lr 0.01)
echo "$log"
number='[0-9]+\.[0-9]+'
for arch in "${archs[@]}"; do
    echo "$log" | grep -Eq "^$arch +$number +$number +$number +$number +[0-9]+s$" || { echo "no table row for $arch"; exit 1; }
    grep -Eq "^$arch	$number	$number	$number	$number	[0-9]+$" "$out/results.tsv" || { echo "no results.tsv row for $arch"; exit 1; }
    [ -f "$out/$arch/diag_probs.png" ] || { echo "no plot for $arch"; exit 1; }
done
echo "$log" | grep -q "^arch  *top-1  *top-5  *consistency  *diag-prob  *train$" || { echo "no table header"; exit 1; }
# The evaluations state their shifts, as set for each.
echo "$log" | grep -q "drawn from \[0, 8)^2 of the central 40 px view" || { echo "-es: not the 8 px shifts"; exit 1; }
echo "$log" | grep -q "o = 0..32, of the central 64 px view" || { echo "-ed: not the 32 px shifts"; exit 1; }
# -e took its own subset: 64 images, two batches of 32.
grep -q "^Test: \[0/2\]" "$out/resnet18/eval_e.log" || { echo "-e: not the 64 images of E_FLAGS"; exit 1; }

/usr/bin/python3 train/plot_shifts.py "$out" "${archs[@]}"
# PNG signature, then the IHDR chunk's width and height (big-endian, bytes 16..23).
for plot in diagonal_shifts:800x480 accuracy_consistency:640x480; do
    file=$out/${plot%%:*}.png
    [ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || { echo "$file: not a PNG"; exit 1; }
    size=$(od -An -tu1 -j16 -N8 "$file" | awk '{ printf "%dx%d", $3 * 256 + $4, $7 * 256 + $8 }')
    [ "$size" = "${plot#*:}" ] || { echo "$file: $size, not ${plot#*:}"; exit 1; }
done
# A row missing from results.tsv is an error naming it.
if /usr/bin/python3 train/plot_shifts.py "$out" resnet18 resnet50 2> "$out/err"; then echo "plotted a missing row"; exit 1; fi
grep -q "has no row for resnet50" "$out/err" || { cat "$out/err"; exit 1; }
rm -rf "$out"
