#!/usr/bin/env bash
# The README's main job, train/compare.sh, on a reduced configuration (64 training and 32 test images of
# Fashion-MNIST, one epoch): it trains both networks, evaluates them and prints the table with a row of
# numbers for each.
set -euo pipefail
out=$TEST_TMPDIR/compare
log=$(bash train/compare.sh train/main "$out" resnet18 resnet18_lpf2 -- --train-subset 64 --val-subset 32 \
    --epochs 1 -b 32 --epochs-shift 1 -j 2 -p 10 --lr 0.01)
echo "$log"
number='[0-9]+\.[0-9]+'
for arch in resnet18 resnet18_lpf2; do
    echo "$log" | grep -Eq "^$arch +$number +$number +$number +$number +[0-9]+s$" || { echo "no table row for $arch"; exit 1; }
    [ -f "$out/$arch/diag_probs.png" ] || { echo "no plot for $arch"; exit 1; }
done
echo "$log" | grep -q "^arch  *top-1  *top-5  *consistency  *diag-prob  *train$" || { echo "no table header"; exit 1; }
rm -rf "$out"
