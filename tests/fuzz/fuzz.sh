#!/usr/bin/env bash
# Builds the libFuzzer targets (checkpoint, npy, image) with Debian's clang-14 (tools/setup.sh installs it)
# under AddressSanitizer and UndefinedBehaviorSanitizer and runs each for SECONDS from its seed corpus
# (tests/fuzz/corpus/), on as many cores as there are targets. From the repository root, after
# `bazel build //generators:halide_runtime.a`:
#   bash tests/fuzz/fuzz.sh [SECONDS] [TARGET...]          (default 600 s, every target)
# Prints each target's executions and exits non-zero on the first finding, whose input libFuzzer writes to
# $FUZZ_OUT (default: a temporary folder, kept on a finding). CI runs a short smoke run
# (tests:fuzz_smoke_test); the 10-minute runs are for a person.
set -euo pipefail
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(checkpoint npy image)
root=${FUZZ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
runtime=${HALIDE_RUNTIME:-$root/bazel-bin/generators/halide_runtime.a}
out=${FUZZ_OUT:-$(mktemp -d)}
mkdir -p "$out/obj"
[ -f "$runtime" ] || { echo "fuzz.sh: $runtime missing: run 'bazel build //generators:halide_runtime.a'" >&2; exit 2; }

flags=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -I"$root" -I/usr/include/halide14)
sources=(error file_io tensor memory_pool device checkpoint pickle zip_archive npy image_io)
pids=()
for s in "${sources[@]}"; do
    clang++-14 "${flags[@]}" -fsanitize=fuzzer-no-link -c "$root/runtime/$s.cc" -o "$out/obj/$s.o" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
for t in "${targets[@]}"; do
    clang++-14 "${flags[@]}" -fsanitize=fuzzer "$root/tests/fuzz/${t}_fuzzer.cc" "$out"/obj/*.o "$runtime" \
        -lpng -ljpeg -lz -lpthread -ldl -o "$out/${t}_fuzzer"
done

# Each target mutates a copy of its seeds (the repository's corpus stays as committed), one process each.
status=0
pids=()
for t in "${targets[@]}"; do
    mkdir -p "$out/corpus_$t" "$out/findings_$t"
    cp "$root/tests/fuzz/corpus/$t/"* "$out/corpus_$t/"
    ASAN_OPTIONS=allocator_may_return_null=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$out/${t}_fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=25 \
        -artifact_prefix="$out/findings_$t/" "$out/corpus_$t" > "$out/$t.log" 2>&1 & pids+=($!)
done
for i in "${!targets[@]}"; do
    t=${targets[$i]}
    if wait "${pids[$i]}"; then
        echo "$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$out/$t.log" | tail -1), no finding," \
             "corpus $(ls "$out/corpus_$t" | wc -l) inputs"
    else
        status=1
        echo "$t: FINDING (log $out/$t.log, input in $out/findings_$t/):"
        grep -m 3 -E 'ERROR|runtime error|==[0-9]+==|terminate' "$out/$t.log" || tail -20 "$out/$t.log"
    fi
done
[ "$status" -ne 0 ] || [ -n "${FUZZ_OUT:-}" ] || rm -rf "$out"
exit "$status"
