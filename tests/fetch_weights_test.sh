#!/usr/bin/env bash
# tools/fetch_weights.py on local files (no network here): a good file is saved once its SHA-256 prefix
# matches, a tampered one is refused and leaves nothing behind, an unreachable URL is a clear error.
set -u
fetch="/usr/bin/python3 tools/fetch_weights.py"
work="$TEST_TMPDIR/fetch"
mkdir -p "$work/mirror"
passes=0 failures=0
check() {  # check DESCRIPTION CONDITION...
    local what=$1; shift
    if "$@"; then echo "ok: $what"; passes=$((passes + 1)); else echo "FAILED: $what"; failures=$((failures + 1)); fi
}

printf 'pretend checkpoint' > "$work/payload"
hash=$(sha256sum "$work/payload" | cut -c1-8)
cp "$work/payload" "$work/mirror/good-$hash.pth"
cp "$work/payload" "$work/mirror/tampered-00000000.pth"
cat > "$work/list.txt" <<LIST
good file://$work/mirror/good-$hash.pth
tampered file://$work/mirror/tampered-00000000.pth
unreachable http://127.0.0.1:9/unreachable-12345678.pth
LIST

out=$($fetch good --list "$work/list.txt" --dir "$work/weights" 2>&1)
check "a file whose hash matches its name is saved" test -f "$work/weights/good-$hash.pth"
check "and reported" grep -q "downloaded, hash ok" <<<"$out"
out=$($fetch good --list "$work/list.txt" --dir "$work/weights" 2>&1)
check "a second fetch finds it in place" grep -q "already there, hash ok" <<<"$out"

out=$($fetch tampered --list "$work/list.txt" --dir "$work/weights" 2>&1); status=$?
check "a hash mismatch fails" test $status -eq 1
check "with the reason" grep -q "its name says 00000000: refused" <<<"$out"
check "and leaves no file" test -z "$(ls -A "$work/weights" | grep -v "good-$hash.pth")"

out=$($fetch unreachable --list "$work/list.txt" --dir "$work/weights" 2>&1); status=$?
check "an unreachable URL fails" test $status -eq 1
check "saying so" grep -q "is the network reachable" <<<"$out"

out=$($fetch resnet50_lpf5 resnet51_lpf4 --dir "$work/weights" 2>&1 < /dev/null); status=$?
check "an unknown name fails and lists the valid ones" grep -q "resnet51_lpf4: no released checkpoint (valid: alexnet_lpf2" <<<"$out"
check "the reference's list has its 59 checkpoints" test "$($fetch --names | wc -l)" -eq 59

echo "$passes passed, $failures failed"
exit $((failures > 0))
