#!/usr/bin/env bash
# Trains networks with the same flags on the same data, evaluates each (top-1/top-5 accuracy, consistency
# under random shifts, the true class's mean probability along diagonal shifts) and prints a table of them
# side by side, also written as OUT_DIR/results.tsv. Each network's logs, checkpoints, diagonal-shift arrays
# and plot go to OUT_DIR/<arch>/.
#
# usage: [E_FLAGS=...] [ES_FLAGS=...] [ED_FLAGS=...] train/compare.sh MAIN OUT_DIR ARCH[:FLAG,...]... -- FLAGS
#   MAIN: the built train/main; FLAGS: main's flags for every run (data, epochs, learning rate, subsets, ...);
#   ARCH:FLAG,...: flags for that network's runs only (e.g. resnet18_lpf5:--pad-type=replicate);
#   E_FLAGS, ES_FLAGS, ED_FLAGS: flags for the -e, -es and -ed runs only (e.g. ED_FLAGS="--max-shift 32")
set -euo pipefail
main=$1 out=$2
shift 2
archs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do archs+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#archs[@]} -gt 0 ] || { echo "usage: $0 MAIN OUT_DIR ARCH[:FLAG,...]... -- FLAGS" >&2; exit 2; }

# The number after `key` on main's summary line " * key N ..." in file $2.
summary() { sed -n "s/^ \* .*$1 \([0-9.]*\).*/\1/p" "$2" | tail -1; }

mkdir -p "$out"
printf 'arch\ttop-1\ttop-5\tconsistency\tdiag-prob\tseconds\n' > "$out/results.tsv"
rows=() notes=()
for entry in "${archs[@]}"; do
    arch=${entry%%:*} arch_flags=()
    if [ "$entry" != "$arch" ]; then
        IFS=, read -ra arch_flags <<< "${entry#*:}"
        notes+=("$arch: ${arch_flags[*]}")
    fi
    dir=$out/$arch
    mkdir -p "$dir"
    echo "=== $arch: training ($dir/train.log)"
    start=$(date +%s)
    "$main" -a "$arch" --out-dir "$dir" "$@" "${arch_flags[@]}" | tee "$dir/train.log" | grep -E "^ \* Acc|img/s.*ETA 0:00:00$" || true
    seconds=$(( $(date +%s) - start ))
    weights=$dir/checkpoint.pth.tar
    [ -f "$weights" ] || { echo "$arch: training wrote no checkpoint (see $dir/train.log)" >&2; exit 1; }
    for mode in e es ed; do
        echo "=== $arch: -$mode"
        flags_of_mode=${mode^^}_FLAGS  # E_FLAGS, ES_FLAGS, ED_FLAGS
        read -ra extra <<< "${!flags_of_mode:-}"
        "$main" -a "$arch" --weights "$weights" --out-dir "$dir" "$@" "${arch_flags[@]}" "${extra[@]}" -$mode > "$dir/eval_$mode.log"
        grep -E "^=> (consistency|diagonal)|^ \* " "$dir/eval_$mode.log"
    done
    values=("$(summary Acc@1 "$dir/eval_e.log")" "$(summary Acc@5 "$dir/eval_e.log")"
            "$(summary Consistency "$dir/eval_es.log")" "$(summary Prob "$dir/eval_ed.log")")
    rows+=("$(printf '%-20s %8s %8s %12s %10s %8s' "$arch" "${values[@]}" "${seconds}s")")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$arch" "${values[@]}" "$seconds" >> "$out/results.tsv"
done
echo
printf '%-20s %8s %8s %12s %10s %8s\n' arch top-1 top-5 consistency diag-prob train
for row in "${rows[@]}"; do echo "$row"; done
for note in "${notes[@]}"; do echo "$note"; done
echo "(top-1/top-5: % of central crops classified right; consistency: % of images whose class is the same at two"
echo " random shifts; diag-prob: mean % probability of the true class over the diagonal shifts (the shifts: the"
echo " '=>' lines above); each network's plot: $out/<arch>/diag_probs.png)"
