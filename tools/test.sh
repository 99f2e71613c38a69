#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, builds everything, runs every test, and
# closes with one line 'N passed, N failed, N skipped' counted over the GoogleTest cases.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 1
bazel test //... "$@"
status=$?
# GoogleTest's XML: one <testcase> per case, holding one <failure> per failed assertion; skips say
# result="skipped". (A test binary that crashed gets Bazel's own XML with one case and a failure.)
find -L bazel-testlogs/ -name test.xml -exec cat {} + | awk '
    /<testcase / { cases++; failed = 0; if ($0 ~ /result="skipped"/) skipped++ }
    /<failure/ { if (!failed) failures++; failed = 1 }
    END { printf "%d passed, %d failed, %d skipped\n", cases - skipped - failures, failures, skipped }'
exit $status
