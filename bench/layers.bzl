"""The benchmarked networks' convolutions, the one list that the convolution benchmarks time (bench/network_layers.h
includes them as generated C++) and that the schedule experiments compile a variant per shape for (bench/BUILD)."""

load("//generators:conv2d_tiles.bzl", "HAND_TILES", "tile_function")
load("//generators:estimates.bzl", "conv_estimates", "map_estimates")
load(
    "//generators:halide_library.bzl",
    "AUTOSCHEDULERS",
    "autoscheduled_function",
    "autoscheduled_variant",
    "variant_list_library",
    "write_lines",
)

# (in, out, kernel, stride, px, count): in -> out channels, kernel x kernel, on a px x px input, `count` times in
# the network, at 224 px. A downsampling block's 3x3 runs at stride 1 at the block's input resolution, then a
# BlurPool subsamples before its last 1x1 (the reference's Bottleneck); the shortcut's 1x1 follows a BlurPool.
RESNET50_LPF4 = [
    (3, 64, 7, 2, 224, 1),  # stem
    (64, 64, 1, 1, 56, 1),  # layer1
    (64, 64, 3, 1, 56, 3),
    (64, 256, 1, 1, 56, 4),
    (256, 64, 1, 1, 56, 2),
    (256, 128, 1, 1, 56, 1),  # layer2
    (128, 128, 3, 1, 56, 1),
    (128, 128, 3, 1, 28, 3),
    (128, 512, 1, 1, 28, 4),
    (256, 512, 1, 1, 28, 1),
    (512, 128, 1, 1, 28, 3),
    (512, 256, 1, 1, 28, 1),  # layer3
    (256, 256, 3, 1, 28, 1),
    (256, 256, 3, 1, 14, 5),
    (256, 1024, 1, 1, 14, 6),
    (512, 1024, 1, 1, 14, 1),
    (1024, 256, 1, 1, 14, 5),
    (1024, 512, 1, 1, 14, 1),  # layer4
    (512, 512, 3, 1, 14, 1),
    (512, 512, 3, 1, 7, 2),
    (512, 2048, 1, 1, 7, 3),
    (1024, 2048, 1, 1, 7, 1),
    (2048, 512, 1, 1, 7, 2),
    (2048, 1000, 1, 1, 1, 1),  # fc
]

# resnet18_lpf3 at 32 px (the demo's Fashion-MNIST workload, 10 classes): a downsampling block's first 3x3 runs at
# stride 1 on the block's input, then a BlurPool subsamples before its second 3x3; the shortcut's 1x1 follows a
# BlurPool. Maps of 8, 4, 2 and 1 px.
RESNET18_LPF3_32 = [
    (3, 64, 7, 2, 32, 1),  # stem
    (64, 64, 3, 1, 8, 4),  # layer1
    (64, 128, 3, 1, 8, 1),  # layer2
    (128, 128, 3, 1, 4, 3),
    (64, 128, 1, 1, 4, 1),
    (128, 256, 3, 1, 4, 1),  # layer3
    (256, 256, 3, 1, 2, 3),
    (128, 256, 1, 1, 2, 1),
    (256, 512, 3, 1, 2, 1),  # layer4
    (512, 512, 3, 1, 1, 3),
    (256, 512, 1, 1, 1, 1),
    (512, 10, 1, 1, 1, 1),  # fc
]

# resnet50_lpf4's BlurPools (filter 4, stride 2, reflect padding) but the stem's (max-pool fused): (channels, px,
# count) at 224 px. A downsampling Bottleneck blurs its 3x3's output and, on the shortcut, its input.
RESNET50_LPF4_BLURPOOLS = [
    (128, 56, 1),  # layer2.0
    (256, 56, 1),
    (256, 28, 1),  # layer3.0
    (512, 28, 1),
    (512, 14, 1),  # layer4.0
    (1024, 14, 1),
]

# Those without Adams2019's beam search of 4, for the convolution's gradients: there it took over 2 minutes and
# 4 to 9 GB per variant (conv2d_grad_weights planned for 2048>512 1x1 at 7 px and for 64>64 3x3 at 56 px, both
# still searching when stopped, 2026-12-03), for ~50 shapes a network.
GREEDY_AUTOSCHEDULERS = [a for a in AUTOSCHEDULERS if a[2] <= 1]

# Variants Halide 14 cannot compile, by function name, and why (2026-12-03): left out of the builds; the tables
# show them as not compiled.
_UNROLL = "not compiled: Adams2019 unrolls a loop of non-constant extent (Halide: Can only unroll for loops over a constant extent)"
_OOM = "not compiled: Adams2019 ran out of memory (killed at 20-22 GB of 24)"
AUTOSCHEDULER_FAILURES = dict(
    [(function, _UNROLL) for function in [
        "conv2d_adams2019beam4_3_64_7_2_32_b64",
        "batch_norm_train_squared_deviations_adams2019_128_8_b64",
        "batch_norm_train_squared_deviations_adams2019_2048_7",
        "batch_norm_train_squared_deviations_adams2019_256_4_b64",
        "batch_norm_train_squared_deviations_adams2019_512_2_b64",
        "batch_norm_train_squared_deviations_adams2019_512_7",
        "batch_norm_train_squared_deviations_adams2019beam4_2048_7",
        "batch_norm_train_squared_deviations_adams2019beam4_256_4_b64",
        "batch_norm_train_squared_deviations_adams2019retrained_128_8_b64",
        "batch_norm_train_squared_deviations_adams2019retrained_2048_7",
        "batch_norm_train_squared_deviations_adams2019retrained_256_4_b64",
        "batch_norm_train_squared_deviations_adams2019retrained_512_2_b64",
        "batch_norm_train_squared_deviations_adams2019retrained_512_7",
        "conv2d_grad_input_adams2019_128_128_3_1_28",
        "conv2d_grad_input_adams2019_128_128_3_1_56",
        "conv2d_grad_input_adams2019_64_64_3_1_56",
        "conv2d_grad_input_adams2019_64_64_3_1_8_b64",
        "conv2d_grad_input_adams2019retrained_128_128_3_1_56",
        "conv2d_grad_input_adams2019retrained_64_64_3_1_56",
        "conv2d_grad_input_adams2019retrained_64_64_3_1_8_b64",
        "conv2d_grad_weights_adams2019retrained_128_256_1_1_2_b64",
        "conv2d_grad_weights_adams2019retrained_256_256_3_1_2_b64",
    ]] +
    [(function, _OOM) for function in [
        "conv2d_grad_weights_adams2019_128_128_3_1_28",
        "conv2d_grad_weights_adams2019_128_128_3_1_56",
        "conv2d_grad_weights_adams2019_256_256_3_1_28",
    ]],
)

def layers_initializers(name, layers):
    """`<name>.inc`: `layers` as C++ initializers of bench/network_layers.h's Layer, one a line."""
    write_lines(name, name + ".inc", ["{%d, %d, %d, %d, %d, %d}," % layer for layer in layers])

def _autoscheduled_variants(stage, generator_name, suffix, params, autoschedulers = AUTOSCHEDULERS):
    """For every autoscheduler of `autoschedulers` (AUTOSCHEDULERS' rows), `generator_name` scheduled for the
    generator parameters `params` (function autoscheduled_function(stage, label, suffix), defined once in the
    package however many experiments list it; but those in AUTOSCHEDULER_FAILURES): their (label, function, why it
    was not compiled or None)s. Tagged manual: only the schedule experiments build them (one generator run
    each)."""
    variants = []
    for label, _, _, _ in autoschedulers:
        function = autoscheduled_function(stage, label, suffix)
        if function not in AUTOSCHEDULER_FAILURES and not native.existing_rule(function):
            autoscheduled_variant(function, "//generators:generators", generator_name, label, params)
        variants.append((label, function, AUTOSCHEDULER_FAILURES.get(function)))
    return variants

def conv2d_per_shape(name, layers, batch, array):
    """For every distinct shape of `layers` and every autoscheduler, the forward convolution scheduled for that
    shape alone, with batch `batch` (function `conv2d_<autoscheduler>[beam<B>]_<in>_<out>_<kernel>_<stride>_<px>`,
    `_b<batch>` after it unless 16); and `:<name>`, a library whose header `<name>.h` lists them as the array
    `array`."""
    shapes = _distinct([layer[:5] for layer in layers])
    deps, includes, rows = [], [], []
    for shape, (suffix, params, _) in zip(shapes, _conv_shapes(shapes, batch)):
        for label, function, failure in _autoscheduled_variants("conv2d", "conv2d", suffix, params):
            if failure:
                continue
            deps.append(":" + function)
            includes.append('#include "%s/%s.h"' % (native.package_name(), function))
            rows.append('    {%s, "%s", %s},' % (", ".join([str(v) for v in shape]), label, function))
    variant_list_library(
        name = name,
        comment = [
            "Generated by conv2d_per_shape (bench/layers.bzl): the forward convolution as each autoscheduler",
            "schedules it for one layer shape, batch %d." % batch,
        ],
        includes = ['#include "bench/conv2d_variant.h"'] + includes,
        declaration = "inline const Conv2dVariant %s[]" % array,
        rows = rows,
        deps = deps + [":conv2d_variant"],
    )

def conv2d_hand_tiles(name, array):
    """`:<name>`, a library whose header `<name>.h` lists the hand schedule with each register tile of
    generators/conv2d_tiles.bzl's HAND_TILES but the default's (`//generators:conv2d_tile_*`) as the array `array`."""
    tiles = HAND_TILES[1:]
    variant_list_library(
        name = name,
        comment = [
            "Generated by conv2d_hand_tiles (bench/layers.bzl): the forward convolution's hand schedule with each",
            "register tile of HAND_TILES (vectors x columns x images) but the default's.",
        ],
        includes = ['#include "bench/conv2d_variant.h"'] +
                   ['#include "generators/%s.h"' % tile_function(tile) for tile in tiles],
        declaration = "inline const HandTile %s[]" % array,
        rows = ['    {"hand %dx%dx%d", %s},' % (tile + (tile_function(tile),)) for tile in tiles],
        deps = ["//generators:" + tile_function(tile) for tile in tiles] + [":conv2d_variant"],
    )

def _distinct(items):
    result = []
    for item in items:
        if item not in result:
            result.append(item)
    return result

def _conv_shapes(shapes, batch):
    """(function suffix, generator parameters, the table's label) of each layer shape (in, out, kernel, stride,
    px)."""
    return [conv_estimates(shape, batch) + ("%d>%d k%d s%d %dpx" % shape,) for shape in shapes]

def _map_shapes(maps, batch):
    """The same for each map (channels, px)."""
    return [map_estimates(channels, px, batch) + ("%dch %dpx" % (channels, px),) for channels, px in maps]

# The batch-norm stages of training, in the order a step runs them.
BATCH_NORM_STAGES = [
    "batch_norm_train_sum",
    "batch_norm_train_squared_deviations",
    "batch_norm_train_normalize",
    "batch_norm_train_backward_sums",
    "batch_norm_train_backward_input",
]

def stage_experiments(network, layers, blurpools, batch):
    """The schedule experiments of `network`'s stages other than the forward convolution, with batch `batch`: for
    each stage, every distinct shape it runs at in the network (the convolution's gradients at each layer of
    `layers`, but the first layer's input gradient, which the runtime skips; batch norm on each layer's output
    but the classifier's; BlurPool at each of `blurpools`, (channels, px, count)), every autoscheduler's variant
    planned for that shape (_autoscheduled_variants; the convolution's gradients GREEDY_AUTOSCHEDULERS') next to
    the hand schedule (`//generators:<stage>`).
    Per stage, `:stage_schedules_<network>_<stage>`, bench/stage_schedules.cc with that list
    (`stage_variants_<network>_<stage>.cc`); bench/run_schedules.sh runs them. Tagged manual.

    To add a stage to the experiments: give its generator estimate parameters (generators/estimates.h, set on
    every input and output) and an `if (auto_schedule) return;` before its hand schedule, then list it below with
    its shapes."""
    convs = _distinct([layer[:5] for layer in layers])
    maps = _distinct([(l[1], (l[4] + 2 * (l[2] // 2) - l[2]) // l[3] + 1) for l in layers[:-1]])
    blurpool_maps = _distinct([(channels, px) for channels, px, _ in blurpools])
    stages = [
        ("conv2d_grad_weights", _conv_shapes(convs, batch), GREEDY_AUTOSCHEDULERS),
        ("conv2d_grad_input", _conv_shapes(convs[1:], batch), GREEDY_AUTOSCHEDULERS),
        ("blurpool_forward", _map_shapes(blurpool_maps, batch), AUTOSCHEDULERS),
        ("blurpool_backward", _map_shapes(blurpool_maps, batch), AUTOSCHEDULERS),
    ] + [(stage, _map_shapes(maps, batch), AUTOSCHEDULERS) for stage in BATCH_NORM_STAGES]
    for stage, shapes, autoschedulers in stages:
        if not shapes:
            continue
        name = "stage_schedules_%s_%s" % (network, stage)
        deps, includes, rows = ["//generators:" + stage], ['#include "generators/%s_cpu.h"' % stage], []
        for suffix, params, label in shapes:
            variants = _autoscheduled_variants(stage, stage, suffix, params, autoschedulers)
            compiled = [function for _, function, failure in variants if not failure]
            metadata = compiled[0] + "_metadata"  # the shape's arguments, for the hand schedule too
            rows.append('        {"%s", "%s", "manual", %s_cpu_argv, %s},' % (stage, label, stage, metadata))
            for autoscheduler, function, failure in variants:
                if failure:
                    rows.append('        {"%s", "%s", "%s", nullptr, nullptr, "%s"},' %
                                (stage, label, autoscheduler, failure))
                    continue
                deps.append(":" + function)
                includes.append('#include "%s/%s.h"' % (native.package_name(), function))
                rows.append('        {"%s", "%s", "%s", %s_argv, %s_metadata},' %
                            (stage, label, autoscheduler, function, function))
        write_lines(name + "_list", name + "_variants.cc", [
            "// Generated by stage_experiments (bench/layers.bzl): %s's %s, per shape the hand schedule, then each" %
            (network, stage),
            "// autoscheduler's variant planned for that shape (batch %d)." % batch,
            '#include "bench/stage_variant.h"',
        ] + includes + [
            "namespace antialiased {",
            "const std::vector<StageVariant> &stage_variants() {",
            "    static const std::vector<StageVariant> variants = {",
        ] + rows + [
            "    };",
            "    return variants;",
            "}",
            "}  // namespace antialiased",
        ], tags = ["manual"])
        native.cc_binary(
            name = name,
            srcs = ["stage_schedules.cc", name + "_variants.cc"],
            tags = ["manual", "stage_schedules"],
            deps = deps + [
                ":best_time",
                ":csv_output",
                ":peak_bandwidth",
                ":peak_flops",
                ":stage_variant",
                "@gflags",
                "@halide//:runtime_headers",
            ],
        )
