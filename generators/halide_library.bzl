"""Ahead-of-time compilation of Halide generators into static libraries, one per target.

The pattern of Halide's former halide.bzl: a genrule runs the generator binary, a cc_library wraps the
.a and .h it writes. Every library is compiled with `-no_runtime`; the single `:halide_runtime` library
(built by `halide_runtime`) provides the Halide runtime for all targets, so linking several pipelines and
several targets never duplicates `halide_*` symbols.
"""

# CPU: the machine that builds is the machine that runs (AVX2+FMA on this project's machines).
CPU_TARGET = "host"

# CUDA: compute capability 7.0 (Volta). Halide embeds PTX, which the driver JIT-compiles for the GPU at hand,
# so sm_70 code runs on every GPU from V100 and T4 through A100 and H100. Nothing here needs a newer feature
# (no float16 or tensor-core stages), so a higher floor would only shut out older GPUs.
CUDA_TARGET = "host-cuda-cuda_capability_70"

# Suffix of each variant's function name: `<name>_cpu`, `<name>_cuda`.
TARGETS = {
    "cpu": CPU_TARGET,
    "cuda": CUDA_TARGET,
}

def halide_library(name, generator, generator_name, visibility = None):
    """Defines `:<name>` (all variants) and `:<name>_<variant>` for each entry of TARGETS.

    Each variant's header declares `int <name>_<variant>(...)` with the generator's inputs and outputs.
    """
    variants = []
    for suffix, target in TARGETS.items():
        function = "%s_%s" % (name, suffix)
        native.genrule(
            name = function + "_aot",
            outs = [function + ".a", function + ".h"],
            tools = [generator],
            cmd = ("$(location %s) -g %s -f %s -o $(@D) -e static_library,c_header target=%s-no_runtime" %
                   (generator, generator_name, function, target)),
        )
        native.cc_library(
            name = function,
            srcs = [function + ".a"],
            hdrs = [function + ".h"],
            linkstatic = True,
            deps = [
                "//generators:halide_runtime",
                "@halide//:runtime_headers",
            ],
            visibility = visibility,
        )
        variants.append(":" + function)
    native.cc_library(name = name, deps = variants, visibility = visibility)

def halide_runtime(name, generator, visibility = None):
    """The one Halide runtime for every target in TARGETS (the CUDA target's runtime includes the host's)."""
    native.genrule(
        name = name + "_aot",
        outs = [name + ".a"],
        tools = [generator],
        cmd = "$(location %s) -r %s -o $(@D) -e static_library target=%s" % (generator, name, CUDA_TARGET),
    )
    native.cc_library(
        name = name,
        srcs = [name + ".a"],
        linkopts = [
            "-lpthread",
            "-ldl",
        ],
        linkstatic = True,
        visibility = visibility,
    )
