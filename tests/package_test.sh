#!/usr/bin/env bash
# The package for applications outside Bazel (//api:package), unpacked where Bazel never was: g++ with
# pkg-config's flags alone builds examples/classify.cc and an app that prints logits; the logits are PyTorch's
# (tests/golden/antialiased_models.py); CMake's find_package finds the same library; a bad checkpoint is one
# line and exit 1.
set -euo pipefail
prefix="$TEST_TMPDIR/somewhere else/antialiased"  # relocatable, spaces included
work="$TEST_TMPDIR/work"
mkdir -p "$prefix" "$work"
tar xzf api/antialiased.tar.gz -C "$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs antialiased)
echo "pkg-config: $flags"

/usr/bin/python3 tests/golden/antialiased_models.py resnet18_lpf2 "$work" 2 zip 64
/usr/bin/python3 - "$work" <<'PY'
import sys, numpy as np
from PIL import Image
d = sys.argv[1]
np.load(d + '/input.npy').astype(np.float32).tofile(d + '/input.raw')
Image.fromarray((np.arange(200 * 300 * 3) * 7 % 256).astype(np.uint8).reshape(200, 300, 3)).save(d + '/image.png')
PY

cat > "$work/logits.cc" <<'CC'
#include <antialiased.h>

#include <cstdio>
#include <fstream>
#include <vector>

// logits ARCH WEIGHTS RAW: the logits of two 64 x 64 images stored as float32 NCHW.
int main(int, char **argv) {
    std::vector<float> images(2 * 3 * 64 * 64);
    std::ifstream(argv[3], std::ios::binary).read(reinterpret_cast<char *>(images.data()), images.size() * 4);
    const antialiased::Classifier net(argv[1], argv[2], 10);
    for (float logit : net.logits(images.data(), 2, 64, 64)) std::printf("%.7g\n", logit);
}
CC
# $flags unquoted on purpose: it is a list of arguments (paths with spaces come quoted by pkg-config).
eval "g++ -std=c++17 -O2 examples/classify.cc $flags -o '$work/classify'"
eval "g++ -std=c++17 -O2 '$work/logits.cc' $flags -o '$work/logits'"

"$work/logits" resnet18_lpf2 "$work/weights.pth" "$work/input.raw" > "$work/logits.txt"
/usr/bin/python3 - "$work" <<'PY'
import sys, numpy as np
d = sys.argv[1]
ours, torch = np.loadtxt(d + '/logits.txt'), np.load(d + '/logits.npy').ravel()
scale = max(1.0, np.abs(torch).max())
assert ours.shape == torch.shape, (ours.shape, torch.shape)
assert np.abs(ours - torch).max() <= 1e-4 * scale, f'logits differ from PyTorch by {np.abs(ours - torch).max()}'
print(f'app logits equal PyTorch within {np.abs(ours - torch).max():.2g}')
PY

"$work/classify" resnet18_lpf2 "$work/weights.pth" "$work/image.png" 10 | tee "$work/top5.txt"
[ "$(wc -l < "$work/top5.txt")" -eq 5 ]
awk '{ if ($1 < 0 || $1 > 9) exit 1; total += $2 } END { if (total <= 0.2 || total > 1.0001) exit 1 }' "$work/top5.txt"

if "$work/classify" resnet18_lpf2 "$work/input.raw" "$work/image.png" 10 > "$work/error.txt" 2>&1; then
  echo "a file that is not a checkpoint was accepted"; exit 1
fi
[ "$(wc -l < "$work/error.txt")" -eq 1 ] && grep -q "input.raw" "$work/error.txt"

# CMake: find_package from the same folder.
mkdir -p "$work/cmake"
cat > "$work/cmake/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.13)
project(classify CXX)
find_package(antialiased REQUIRED)
add_executable(classify "$PWD/examples/classify.cc")
target_link_libraries(classify antialiased::antialiased)
CMAKE
cmake -S "$work/cmake" -B "$work/cmake/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$work/cmake/build" > /dev/null
"$work/cmake/build/classify" resnet18_lpf2 "$work/weights.pth" "$work/image.png" 10 | cmp - "$work/top5.txt"
echo "PASS: the package builds applications with g++ + pkg-config and with CMake"
