#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need, only when missing.
# Idempotent: a second run installs nothing and takes about a second. Needs root (or sudo) on Debian 12.
set -euo pipefail

PACKAGES=(
  # build
  bazel-bootstrap bazel-rules-cc bazel-rules-java bazel-skylib bazel-platforms
  g++ libhalide14-0-dev libgflags-dev libgtest-dev libpng-dev libjpeg-dev zlib1g-dev
  # the GPU schedules, executed in CI (tests/gpu_opencl_test.cc): pocl, OpenCL on the CPU, and the ICD loader's
  # unversioned libOpenCL.so that Halide's runtime opens
  pocl-opencl-icd ocl-icd-opencl-dev
  # applications outside Bazel (tests/package_test.sh): pkg-config and CMake find the package
  pkgconf cmake
  # multi-process training (mpirun)
  libopenmpi-dev openmpi-bin
  # fuzzing (tests/fuzz): clang with libFuzzer and the sanitizers' runtimes; Pillow for the seed images
  clang-14 libclang-rt-14-dev python3-pil
  # golden data and benchmarks: the PyTorch reference (/usr/bin/python3, torchvision for the baselines)
  # and a fast BLAS for it
  python3-torch python3-torchvision python3-numpy libopenblas0-pthread
  # the demo's plots (train/plot_shifts.py)
  python3-matplotlib
  # the built-in data set (Fashion-MNIST, /usr/share/datasets/fashion-mnist)
  dataset-fashion-mnist
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
