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

# OpenCL: the same GPU schedules (Halide picks them for any GPU feature) for AMD and Intel GPUs, and for pocl,
# the OpenCL implementation on the CPU that runs them in CI (tests/*opencl*). cl_doubles: the batch-norm sums
# accumulate in double.
OPENCL_TARGET = "host-opencl-cl_doubles"

# Suffix of each variant's function name: `<name>_cpu`, `<name>_cuda`, `<name>_opencl`.
TARGETS = {
    "cpu": CPU_TARGET,
    "cuda": CUDA_TARGET,
    "opencl": OPENCL_TARGET,
}

# The one runtime: the host's, CUDA's and OpenCL's modules.
RUNTIME_TARGET = "host-cuda-opencl-cl_doubles"

# Halide 14's autoscheduler plugins as Debian's libhalide14-0-dev installs them, and the machine they schedule
# for: 2 cores, 1 MB of L2 per core, the default balance of 40.
AUTOSCHEDULER_PLUGIN = "/usr/lib/x86_64-linux-gnu/halide14/libautoschedule_%s.so"
MACHINE_PARAMS = "2,1048576,40"

def _aot_library(function, generator, generator_name, target, flags = "", env = "", data = [], tags = None,
                 visibility = None):
    """A genrule compiling `generator_name` into `<function>.a/.h` (reading the files `data`), and the cc_library
    `:<function>` around it."""
    native.genrule(
        name = function + "_aot",
        outs = [function + ".a", function + ".h"],
        tools = [generator] + data,
        cmd = ("%s$(location %s) -g %s -f %s -o $(@D) -e static_library,c_header %s target=%s-no_runtime" %
               (env, generator, generator_name, function, flags, target)),
        tags = tags,
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
        tags = tags,
        visibility = visibility,
    )

def halide_library(name, generator, generator_name, visibility = None):
    """Defines `:<name>` (all variants) and `:<name>_<variant>` for each entry of TARGETS.

    Each variant's header declares `int <name>_<variant>(...)` with the generator's inputs and outputs.
    """
    variants = []
    for suffix, target in TARGETS.items():
        function = "%s_%s" % (name, suffix)
        _aot_library(function, generator, generator_name, target, visibility = visibility)
        variants.append(":" + function)
    native.cc_library(name = name, deps = variants, visibility = visibility)

def _params(params):
    return " ".join(["%s=%s" % (key, params[key]) for key in sorted(params)])

def halide_cpu_variant(name, generator, generator_name, params, manual = True, visibility = None):
    """`:<name>`, function `<name>`: the generator for the CPU alone, with the generator parameters `params` (a
    hand schedule's tile sizes). Tagged manual unless `manual` is False (a variant the runtime uses)."""
    _aot_library(name, generator, generator_name, CPU_TARGET, flags = _params(params),
                 tags = ["manual"] if manual else None, visibility = visibility)

def halide_autoscheduled_library(name, generator, generator_name, autoscheduler, params = {}, beam = 1,
                                 weights = None, visibility = None):
    """`:<name>`, function `<name>`: the generator for the CPU, scheduled by Halide's `autoscheduler`
    (Mullapudi2016, Li2018 or Adams2019, the last with a beam search of `beam` states, 1: greedy, and the cost
    model `weights`, a .weights file, instead of the one it ships) instead of by hand, with the generator
    parameters `params` (e.g. the estimates it plans for). For the schedule experiments (bench/layers.bzl) and the
    tuned tables (tuned_map_stages.bzl); tagged manual, so `//...` builds only those a built target depends on.
    """
    env = ""
    if autoscheduler == "Adams2019":
        env = "HL_BEAM_SIZE=%d " % beam + ("HL_WEIGHTS_DIR=$(location %s) " % weights if weights else "")
    _aot_library(
        name,
        generator,
        generator_name,
        CPU_TARGET,
        flags = "-p %s -s %s auto_schedule=true machine_params=%s %s" %
                (AUTOSCHEDULER_PLUGIN % autoscheduler.lower(), autoscheduler, MACHINE_PARAMS, _params(params)),
        env = env,
        data = [weights] if weights else [],
        tags = ["manual"],
        visibility = visibility,
    )

# Halide 14's autoschedulers as the schedule experiments run them (bench/layers.bzl): (the tables' label, the
# autoscheduler, for Adams2019 the width of its beam search (1: greedy) and its cost model: the one Halide ships,
# trained on other machines, or that model retrained on this one by bench/retrain_adams2019.sh, its result kept in
# bench/figures).
AUTOSCHEDULERS = [
    ("Mullapudi2016", "Mullapudi2016", 0, None),
    ("Li2018", "Li2018", 0, None),
    ("Adams2019", "Adams2019", 1, None),
    ("Adams2019 beam 4", "Adams2019", 4, None),
    ("Adams2019 retrained", "Adams2019", 1, "//bench:figures/adams2019_retrained.weights"),
]

def autoscheduled_function(stage, label, suffix):
    """The function (and library) name of `stage` scheduled by the AUTOSCHEDULERS row labelled `label` for the
    shape whose estimates' suffix is `suffix` (estimates.bzl): `<stage>_<label, lower case, no spaces>_<suffix>`."""
    return "%s_%s_%s" % (stage, label.lower().replace(" ", ""), suffix)

def autoscheduled_variant(name, generator, generator_name, label, params):
    """halide_autoscheduled_library as the AUTOSCHEDULERS row labelled `label` configures it."""
    for row_label, autoscheduler, beam, weights in AUTOSCHEDULERS:
        if row_label == label:
            halide_autoscheduled_library(name, generator, generator_name, autoscheduler, params, beam, weights)
            return
    fail("no autoscheduler labelled '%s' in AUTOSCHEDULERS" % label)

def halide_runtime(name, generator, visibility = None):
    """The one Halide runtime for every target in TARGETS."""
    native.genrule(
        name = name + "_aot",
        outs = [name + ".a"],
        tools = [generator],
        cmd = "$(location %s) -r %s -o $(@D) -e static_library target=%s" % (generator, name, RUNTIME_TARGET),
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

def write_lines(name, out, lines, tags = None):
    """A genrule writing `lines` into `out`."""
    native.genrule(
        name = name,
        outs = [out],
        cmd = "cat > $@ <<'END_OF_LINES'\n" + "\n".join(lines) + "\nEND_OF_LINES",
        tags = tags,
    )

def variant_list_library(name, comment, includes, declaration, rows, deps, manual = True):
    """`:<name>`, a header-only library whose generated header `<name>.h` (`comment` lines first, then
    `includes`) defines, in namespace antialiased, `<declaration> = {` `rows` `};`: a list of compiled variants
    for a program to choose from. Tagged manual unless `manual` is False."""
    tags = ["manual"] if manual else None
    write_lines(name + "_header", name + ".h", ["// " + line for line in comment] + ["#pragma once"] + includes + [
        "namespace antialiased {",
        declaration + " = {",
    ] + rows + [
        "};",
        "}  // namespace antialiased",
    ], tags = tags)
    native.cc_library(
        name = name,
        hdrs = [name + ".h"],
        deps = deps,
        tags = tags,
        visibility = ["//visibility:public"],
    )
