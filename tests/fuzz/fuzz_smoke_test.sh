#!/usr/bin/env bash
# CI's fuzz smoke run: every target, 20 seconds each from its seed corpus, under ASan and UBSan; a finding
# fails the test and its log says what and where.
set -euo pipefail
FUZZ_ROOT=$PWD HALIDE_RUNTIME=$PWD/generators/halide_runtime.a FUZZ_OUT=$TEST_TMPDIR/fuzz \
    exec bash tests/fuzz/fuzz.sh 20
