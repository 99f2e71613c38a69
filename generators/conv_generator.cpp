// 2-D convolution, PyTorch's Conv2d semantics: any kernel, stride, zero padding, dilation and groups
// (depthwise included), a bias (zeros when the layer has none), and a fused activation. Linear layers are
// 1x1 convolutions of (N, features, 1, 1) maps. Inference batch norm is folded into weights and bias by
// the runtime, so conv + BN + ReLU is one stage.
//
// Buffers, Halide order: input (c, x, y, n); weights in blocks of output channels (weight_blocks.h):
// (co % kWeightBlock, ci, kx, ky, co / kWeightBlock), ci the input channel within the group; bias (co); output
// (co, x, y, n). All mins are 0.
#include "Halide.h"
#include "activation.h"
#include "conv_algorithm.h"
#include "estimates.h"
#include "skip_padding.h"
#include "weight_blocks.h"

namespace antialiased {
namespace {

using namespace Halide;

class Conv2d : public Generator<Conv2d> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> weights{"weights", 5};
    Input<Buffer<float>> bias{"bias", 1};
    Input<int> stride_x{"stride_x", 1, 1, 1024};
    Input<int> stride_y{"stride_y", 1, 1, 1024};
    Input<int> pad_x{"pad_x", 0, 0, 1024};
    Input<int> pad_y{"pad_y", 0, 0, 1024};
    Input<int> dilation_x{"dilation_x", 1, 1, 1024};
    Input<int> dilation_y{"dilation_y", 1, 1, 1024};
    Input<int> groups{"groups", 1, 1, 1 << 20};
    Input<int> activation{"activation", int(Activation::kNone), int(Activation::kNone), int(Activation::kRelu6)};
    Output<Buffer<float>> output{"output", 4};
    // The layer an autoscheduler plans for (bench/layers.bzl compiles a variant per layer shape).
    ConvEstimates estimates;
    // The hand schedule's register tile (0: the defaults below, chosen for the zoo at 224 px), for the schedule
    // experiments' search per layer shape (generators/conv2d_tiles.bzl HAND_TILES) and the variants tuned for a
    // shape that the runtime dispatches to: vectors of output channels (1, 2 or 4: within or across whole weight
    // blocks), columns of a wide map's tile, images of a narrow map's.
    GeneratorParam<int> tile_vectors{"tile_vectors", 0, 0, 4};
    GeneratorParam<int> tile_columns{"tile_columns", 0, 0, 32};
    GeneratorParam<int> tile_images{"tile_images", 0, 0, 32};

    void generate() {
        Var co("co"), x("x"), y("y"), n("n");
        const Expr in_group = weights.dim(1).extent(), out_group = bias.dim(0).extent() / groups;
        const ConvGeometry geometry{weights.dim(2).extent(), weights.dim(3).extent(), stride_x, stride_y, pad_x, pad_y,
                                    dilation_x, dilation_y, groups, in_group, out_group};

        // The hand schedule's CPU register tile (THE SCHEDULE says why), needed by the algorithm for `narrow`.
        const int vector = natural_vector_size<float>();
        const bool avx512 = get_target().has_feature(Target::AVX512);
        const bool hand_cpu = !auto_schedule && !get_target().has_gpu_feature();
        const int tile_c = (tile_vectors ? int(tile_vectors) : 2) * vector;
        const int tile_x = tile_columns ? int(tile_columns) : avx512 ? 7 : 6;
        const int tile_n = tile_images ? int(tile_images) : avx512 ? 8 : 6;
        // Narrow maps (fewer output columns than the tile), where the tile runs along images at one pixel; in the
        // input's terms, as the algorithm needs it before the output is defined.
        const Expr out_width = (input.dim(1).extent() + 2 * pad_x - dilation_x * (weights.dim(2).extent() - 1) - 1) / stride_x + 1;
        const Expr narrow = out_width < tile_x && input.dim(3).extent() >= tile_n;

        /* THE ALGORITHM */
        Func padded = zero_padded(input, input.dim(1).extent(), input.dim(2).extent());
        Func dense_weights("dense_weights");
        Var ci("ci"), kx("kx"), ky("ky");
        dense_weights(co, ci, kx, ky) = weights(co % kWeightBlock, ci, kx, ky, co / kWeightBlock);
        Func conv = conv2d(padded, dense_weights, bias, geometry);
        output(co, x, y, n) = activate(conv(co, x, y, n), activation);
        // On narrow maps the hand schedule skips the taps that read zero padding (skip_padding.h): there the tile
        // is at one pixel. (Wide maps' rows alone were tried: no gain beyond this VM's noise on the 32 px stem.)
        if (hand_cpu) {
            const std::vector<Var> cv = conv.args();  // (co, x, y, n)
            const RDom cr = update_domain(conv);      // (ci, kx, ky)
            restrict_update(conv, !narrow || (reads_inside(cv[1], stride_x, cr.y, dilation_x, pad_x, input.dim(1).extent()) &&
                                              reads_inside(cv[2], stride_y, cr.z, dilation_y, pad_y, input.dim(2).extent())));
        }

        /* THE SCHEDULE */
        for (int d = 0; d < 4; d++) {
            input.dim(d).set_min(0);
            output.dim(d).set_min(0);
        }
        for (int d = 0; d < 5; d++) weights.dim(d).set_min(0);
        weights.dim(0).set_extent(kWeightBlock);
        bias.dim(0).set_min(0);
        estimates.estimate_input(input);
        estimates.estimate_output(output);
        weights.dim(1).set_estimate(0, estimates.in);
        weights.dim(2).set_estimate(0, estimates.kernel).dim(3).set_estimate(0, estimates.kernel);
        weights.dim(4).set_estimate(0, weight_blocks(estimates.out));
        bias.dim(0).set_estimate(0, estimates.out);
        estimates.estimate_geometry(stride_x, stride_y, pad_x, pad_y, dilation_x, dilation_y, groups);
        activation.set_estimate(int(Activation::kRelu));
        if (auto_schedule) return;  // bench/autoschedule_bench: an autoscheduler's schedule instead of this one

        if (get_target().has_gpu_feature()) {
            schedule_gpu_register_tile(output, conv, 1);  // conv (co, x, y, n)
            return;
        }
        // Register tile (the default): 2 vectors of output channels x tile_x columns of accumulators, the 2
        // weight vectors and one broadcast input: 2 x 7 + 2 + 1 = 17 of AVX-512's 32 registers, 2 x 6 + 2 + 1 = 15
        // of AVX2's 16. 7 columns divide every map of the zoo at 224 px (112, 56, 28, 14, 7). Measured before
        // the weights were stored in blocks, 2 x 7 beat 4 x 4 by 1.2x on ResNet-50's 3x3 layers; with the blocks,
        // the tile search (bench/autoschedule_bench --hand_only, 2026-12-03) finds 4 x 4 or 2 x 4 faster on 22
        // of resnet50_lpf4's 24 layers (1.1-1.3x): those shapes run their tuned variants (conv2d_tuned.bzl), and
        // the default stays for the shapes not searched (grouped, depthwise, other networks' layers).
        Var coo("coo"), xo("xo"), yn("yn"), cv("cv"), no("no");
        // Narrow maps (fewer columns than the tile: the 4, 2 and 1 px maps of 32 px images) would leave most of
        // the tile's accumulators idle: there the tile runs along tile_n images at one pixel instead, 2 x 8 + 2 +
        // 1 = 19 of AVX-512's 32 registers (2 x 6 + 3 = 15 of AVX2's 16), the loops keeping the names the other
        // stages are placed at. The batch must fill one tile, as the last tile shifts inwards to keep the
        // unrolled extent constant. bench/conv_bench --small: 2 px layers 1.4x faster, 1 px 2.7x.
        output.specialize(narrow)
            .split(co, coo, co, tile_c, TailStrategy::GuardWithIf)
            .split(x, xo, x, 1)
            .split(n, no, n, tile_n, TailStrategy::ShiftInwards)
            .reorder(co, x, n, xo, coo, y, no)
            .fuse(y, no, yn)
            .parallel(yn)
            .vectorize(co, vector, TailStrategy::GuardWithIf)
            .unroll(n);
        output.split(co, coo, co, tile_c, TailStrategy::GuardWithIf)
            .split(x, xo, x, tile_x, TailStrategy::GuardWithIf)
            .reorder(co, x, xo, coo, y, n)
            .fuse(y, n, yn)
            .parallel(yn)
            .vectorize(co, vector, TailStrategy::GuardWithIf);
        // The zero-padded input rows of each output row, copied once, so that the inner loop reads them without
        // a bounds test per value.
        padded.compute_at(output, yn).vectorize(padded.args()[0], vector, TailStrategy::GuardWithIf);
        // The accumulators' storage is the constant tile, so that LLVM keeps them in registers: with the
        // tile's guarded extent as the stride, every FMA loaded and stored its accumulator (3x slower).
        conv.compute_at(output, xo)
            .bound_storage(co, tile_c)
            .bound_storage(x, tile_x)
            .bound_storage(n, tile_n)
            .split(co, cv, co, vector, TailStrategy::GuardWithIf)
            .vectorize(co)
            .unroll(cv)
            .unroll(x)
            .unroll(n);
        const std::vector<RVar> r = conv.rvars();  // (ci, kx, ky)
        Stage narrow_update = conv.update().specialize(narrow);
        // (x, one pixel, outside the input channels: the padding test runs once per tap.)
        narrow_update.split(co, cv, co, vector, TailStrategy::GuardWithIf)
            .reorder(co, cv, n, r[0], x, r[1], r[2])
            .vectorize(co)
            .unroll(cv)
            .unroll(n)
            .unroll(x);
        conv.update()
            .split(co, cv, co, vector, TailStrategy::GuardWithIf)
            .reorder(co, cv, x, r[0], r[1], r[2])
            .vectorize(co)
            .unroll(cv)
            .unroll(x);
        // Dense and depthwise layers address their inputs without the group arithmetic: a broadcast of one
        // input channel (dense) or a vector of consecutive channels (depthwise).
        for (Stage stage : {narrow_update, conv.update()}) {
            stage.specialize(groups == 1);
            stage.specialize(in_group == 1 && out_group == 1);
        }
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::Conv2d, conv2d)
