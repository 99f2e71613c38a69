"""The benchmarked networks' convolutions, the one list that the convolution benchmarks time (bench/network_layers.h
includes them as generated C++) and that the schedule experiments compile a variant per shape for (bench/BUILD)."""

load("//generators:conv2d_tiles.bzl", "HAND_TILES", "tile_function")
load("//generators:halide_library.bzl", "halide_autoscheduled_library", "variant_list_library", "write_lines")

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

# Halide 14's autoschedulers: (the table's label, the autoscheduler, for Adams2019 the width of its beam search
# (1: greedy) and its cost model: the one Halide ships, trained on other machines, or that model retrained on
# this one by bench/retrain_adams2019.sh, its result kept in bench/figures).
AUTOSCHEDULERS = [
    ("Mullapudi2016", "Mullapudi2016", 0, None),
    ("Li2018", "Li2018", 0, None),
    ("Adams2019", "Adams2019", 1, None),
    ("Adams2019 beam 4", "Adams2019", 4, None),
    ("Adams2019 retrained", "Adams2019", 1, "//bench:figures/adams2019_retrained.weights"),
]

# Variants Halide 14 cannot compile, by function name, and why: left out of the experiments (the table shows
# them as missing).
AUTOSCHEDULER_FAILURES = {
    # Adams2019 (beam 4) schedules an unroll over a loop whose extent is not constant: "Error: Can only unroll
    # for loops over a constant extent. Loop over repeat_edge.s0._0 ...", the generator exits.
    "conv2d_adams2019beam4_3_64_7_2_32_b64": "unroll of a non-constant loop",
}

def layers_initializers(name, layers):
    """`<name>.inc`: `layers` as C++ initializers of bench/network_layers.h's Layer, one a line."""
    write_lines(name, name + ".inc", ["{%d, %d, %d, %d, %d, %d}," % layer for layer in layers])

def _per_shape(name, stage, generator_name, shapes, comment, variant, array):
    """For every (suffix, generator parameters, row fields) of `shapes` and every autoscheduler, `generator_name`
    scheduled for those parameters (function `<stage>_<autoscheduler>[beam<B>]_<suffix>`; those in
    AUTOSCHEDULER_FAILURES left out); `:<name>`, a library whose header `<name>.h` lists them as the array `array`
    of `variant`s (`bench/<variant library>.h`: rows `{<fields>, "<autoscheduler>", <function>}`). Tagged manual:
    only the schedule experiments build them (one generator run each)."""
    variant_type, variant_library = variant
    deps, includes, rows = [], [], []
    for suffix, params, fields in shapes:
        for label, autoscheduler, beam, weights in AUTOSCHEDULERS:
            function = "%s_%s_%s" % (stage, label.lower().replace(" ", ""), suffix)
            if function in AUTOSCHEDULER_FAILURES:
                continue
            halide_autoscheduled_library(
                name = function,
                generator = "//generators:generators",
                generator_name = generator_name,
                autoscheduler = autoscheduler,
                params = params,
                beam = beam,
                weights = weights,
            )
            deps.append(":" + function)
            includes.append('#include "%s/%s.h"' % (native.package_name(), function))
            rows.append('    {%s, "%s", %s},' % (fields, label, function))
    variant_list_library(
        name = name,
        comment = comment,
        includes = ['#include "bench/%s.h"' % variant_library] + includes,
        declaration = "inline const %s %s[]" % (variant_type, array),
        rows = rows,
        deps = deps + [":" + variant_library],
    )

def conv2d_per_shape(name, layers, batch, array):
    """For every distinct shape of `layers` and every autoscheduler, the forward convolution scheduled for that
    shape alone, with batch `batch` (function `conv2d_<autoscheduler>[beam<B>]_<in>_<out>_<kernel>_<stride>_<px>`,
    `_b<batch>` after it unless 16); and `:<name>`, a library whose header `<name>.h` lists them as the array
    `array`."""
    shapes = []
    for layer in layers:
        if layer[:5] not in shapes:
            shapes.append(layer[:5])
    _per_shape(
        name = name,
        stage = "conv2d",
        generator_name = "conv2d",
        shapes = [(
            "_".join([str(v) for v in shape]) + ("" if batch == 16 else "_b%d" % batch),
            {
                "estimate_in": shape[0],
                "estimate_out": shape[1],
                "estimate_kernel": shape[2],
                "estimate_stride": shape[3],
                "estimate_px": shape[4],
                "estimate_batch": batch,
            },
            ", ".join([str(v) for v in shape]),
        ) for shape in shapes],
        comment = [
            "Generated by conv2d_per_shape (bench/layers.bzl): the forward convolution as each autoscheduler",
            "schedules it for one layer shape, batch %d." % batch,
        ],
        variant = ("Conv2dVariant", "conv2d_variant"),
        array = array,
    )

def blurpool_per_shape(name, blurpools, batch, array):
    """As conv2d_per_shape, for the BlurPool forward stage: a variant per shape of `blurpools` and autoscheduler
    (function `blurpool_<autoscheduler>_<channels>_<px>`), listed in `<name>.h` as the array `array`."""
    _per_shape(
        name = name,
        stage = "blurpool",
        generator_name = "blurpool_forward",
        shapes = [(
            "%d_%d" % (channels, px),
            {"estimate_channels": channels, "estimate_px": px, "estimate_batch": batch},
            "%d, %d" % (channels, px),
        ) for channels, px, _ in blurpools],
        comment = [
            "Generated by blurpool_per_shape (bench/layers.bzl): the BlurPool forward stage as each autoscheduler",
            "schedules it for one shape, batch %d." % batch,
        ],
        variant = ("BlurPoolVariant", "blurpool_variant"),
        array = array,
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
