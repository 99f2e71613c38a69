// 3x3 convolutions with stride 1 by Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms
// for Convolutional Neural Networks", CVPR 2016): each 4x4 tile of the output comes from the 6x6 tile of the
// input around it with 36 multiplications per (input, output) channel pair where the direct convolution
// (conv_generator.cpp) needs 144. The input tiles are transformed (B^T d B), each of the 36 components is a
// matrix product over the input channels, and the products are transformed back (A^T m A). The weights are
// transformed (G g G^T) by the first generator here, once per weight update, not per call.
//
// PyTorch's Conv2d semantics for kernel 3, stride 1, dilation 1, groups 1, zero padding 0 to 2; the input
// gradient of such a layer is the same convolution of the output gradient with the flipped, transposed filter
// and padding 2 - pad, which the weights generator writes when `transposed` is set.
//
// Buffers, Halide order, mins 0: input (c, x, y, n); weights (kx, ky, ci, co), i.e. PyTorch's (co, ci, ky, kx)
// in memory; the transformed weights (ki, c, i, j, kb) for output channel k = kb * kWeightBlock + ki, component
// (i, j) (i along x), the last block's channels past the layer's zero; bias (k); output (k, x, y, n).
#include "Halide.h"
#include "activation.h"
#include "conv_algorithm.h"
#include "weight_blocks.h"

namespace antialiased {
namespace {

using namespace Halide;

// The three transforms, along one axis. Interpolation points 0, 1, -1, 2, -2 and infinity (Lavin and Gray's
// matrices).
// G g: 3 filter taps to 6 components.
std::vector<Expr> weight_transform(const std::vector<Expr> &g) {
    return {g[0] / 4.0f,
            -(g[0] + g[1] + g[2]) / 6.0f,
            -(g[0] - g[1] + g[2]) / 6.0f,
            g[0] / 24.0f + g[1] / 12.0f + g[2] / 6.0f,
            g[0] / 24.0f - g[1] / 12.0f + g[2] / 6.0f,
            g[2]};
}
// B^T d: 6 input values to 6 components.
std::vector<Expr> input_transform(const std::vector<Expr> &d) {
    return {4.0f * d[0] - 5.0f * d[2] + d[4],
            d[3] + d[4] - 4.0f * (d[1] + d[2]),
            d[4] - d[3] + 4.0f * (d[1] - d[2]),
            d[4] - d[2] + 2.0f * (d[3] - d[1]),
            d[4] - d[2] + 2.0f * (d[1] - d[3]),
            4.0f * d[1] - 5.0f * d[3] + d[5]};
}
// A^T m: 6 components to 4 outputs.
std::vector<Expr> output_transform(const std::vector<Expr> &m) {
    return {m[0] + m[1] + m[2] + m[3] + m[4],
            m[1] - m[2] + 2.0f * (m[3] - m[4]),
            m[1] + m[2] + 4.0f * (m[3] + m[4]),
            m[1] - m[2] + 8.0f * (m[3] - m[4]) + m[5]};
}

// f(0..count-1) along the axis that `make` fills in.
std::vector<Expr> along(int count, const std::function<Expr(int)> &make) {
    std::vector<Expr> values;
    for (int a = 0; a < count; a++) values.push_back(make(a));
    return values;
}

// U = G g G^T for every (output, input) channel pair, in blocks of output channels, each scaled by `scale` of its
// output channel (a batch norm folded in for inference; ones in training).
class Conv2dWinogradWeights : public Generator<Conv2dWinogradWeights> {
  public:
    Input<Buffer<float>> weights{"weights", 4};
    Input<Buffer<float>> scale{"scale", 1};
    Input<bool> transposed{"transposed", false};
    Output<Buffer<float>> winograd_weights{"winograd_weights", 5};

    void generate() {
        Var ki("ki"), c("c"), i("i"), j("j"), kb("kb"), o("o"), b("b");

        /* THE ALGORITHM */
        // Zero past the layer's channels: the last block's tail.
        Func w = BoundaryConditions::constant_exterior(weights, 0.0f);
        Func s = BoundaryConditions::constant_exterior(scale, 0.0f);
        Func filter("filter");  // (o, c, kx, ky) of the convolution computed: output channel o, input channel c
        Var kx("kx"), ky("ky");
        filter(o, c, kx, ky) = select(transposed, w(2 - kx, 2 - ky, o, c), w(kx, ky, c, o)) * s(o);
        Func along_x("along_x");
        along_x(o, c, i, ky) = mux(i, weight_transform(along(3, [&](int a) { return filter(o, c, a, ky); })));
        winograd_weights(ki, c, i, j, kb) =
            mux(j, weight_transform(along(3, [&](int a) { return along_x(kb * kWeightBlock + ki, c, i, a); })));

        /* THE SCHEDULE */
        for (int d = 0; d < 4; d++) weights.dim(d).set_min(0);
        weights.dim(0).set_extent(3).dim(1).set_extent(3);
        scale.dim(0).set_min(0);
        for (int d = 0; d < 5; d++) winograd_weights.dim(d).set_min(0);
        winograd_weights.dim(0).set_extent(kWeightBlock).dim(2).set_extent(6).dim(3).set_extent(6);
        if (get_target().has_gpu_feature()) {
            Var kio("kio"), cio("cio");
            winograd_weights.reorder(i, j, ki, c, kb).unroll(i).unroll(j).gpu_tile(ki, c, kio, cio, 32, 4);
            return;
        }
        // Once per weight update, a few ms for the largest layer: vectors of output channels, the 36 components
        // unrolled, every 3x3 filter read once per block of channels.
        const int vector = natural_vector_size<float>();
        winograd_weights.reorder(ki, i, j, c, kb).vectorize(ki, vector).unroll(i).unroll(j).parallel(kb);
        along_x.compute_at(winograd_weights, c).vectorize(o, vector).unroll(i).unroll(ky);
    }
};

// The convolution: input tiles transformed, the 36 products over channels, output tiles transformed back, a bias
// and a fused activation.
class Conv2dWinograd : public Generator<Conv2dWinograd> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> weights{"weights", 5};
    Input<Buffer<float>> bias{"bias", 1};
    Input<int> pad_x{"pad_x", 1, 0, 2};
    Input<int> pad_y{"pad_y", 1, 0, 2};
    Input<int> activation{"activation", kNoActivation, kNoActivation, kRelu6};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), k("k"), i("i"), j("j"), t("t"), x("x"), y("y"), n("n"), b("b");
        const Expr channels = input.dim(0).extent();
        // Tiles of the output (width + 2 pad - 2 wide) are numbered along x, then y, then the batch:
        // t = tx + tiles_x * (ty + tiles_y * n).
        const Expr tiles_x = (input.dim(1).extent() + 2 * pad_x + 1) / 4;
        const Expr tiles_y = (input.dim(2).extent() + 2 * pad_y + 1) / 4;
        // The image is clamped for bounds inference only (the value is always in range): the tasks' sizes below are
        // expressions, and the input's required region would otherwise come out below 0 in n.
        const Expr column = t % tiles_x, row = (t / tiles_x) % tiles_y,
                   image = clamp(t / (tiles_x * tiles_y), 0, input.dim(3).extent() - 1);

        /* THE ALGORITHM */
        Func padded = zero_padded(input, input.dim(1).extent(), input.dim(2).extent());
        Func rows("input_rows");  // B^T along x of row b of each 6x6 input tile
        rows(c, i, b, t) =
            mux(i, input_transform(along(6, [&](int a) { return padded(c, column * 4 + a - pad_x, row * 4 + b - pad_y, image); })));
        Func tiles("input_tiles");  // B^T d B
        tiles(c, i, j, t) = mux(j, input_transform(along(6, [&](int a) { return rows(c, i, a, t); })));
        // The products in blocks of output channels, as the weights are: (ki, kb) is channel kb * kWeightBlock + ki,
        // so that every block is whole (the last one's tail is zero) and a register tile never needs a guard.
        RDom r(0, channels, "r");
        Var ki("ki"), kb("kb");
        Func product("product");  // one component of the output tiles, a sum over input channels
        product(ki, kb, i, j, t) = 0.0f;
        product(ki, kb, i, j, t) += weights(ki, r, i, j, kb) * tiles(r, i, j, t);
        Func products("products");
        products(ki, kb, i, j, t) = product(ki, kb, i, j, t);
        Func columns("output_columns");  // A^T along x
        columns(ki, kb, i, j, t) =
            mux(i, output_transform(along(6, [&](int a) { return products(ki, kb, a, j, t); })));
        Func outputs("output_tiles");  // A^T m A
        outputs(ki, kb, i, j, t) = mux(j, output_transform(along(6, [&](int a) { return columns(ki, kb, i, a, t); })));
        output(k, x, y, n) =
            activate(bias(k) + outputs(k % kWeightBlock, k / kWeightBlock, x % 4, y % 4,
                                       x / 4 + tiles_x * (y / 4 + tiles_y * n)),
                     activation);

        /* THE SCHEDULE */
        for (int d = 0; d < 4; d++) {
            input.dim(d).set_min(0);
            output.dim(d).set_min(0);
        }
        for (int d = 0; d < 5; d++) weights.dim(d).set_min(0);
        weights.dim(0).set_extent(kWeightBlock).dim(2).set_extent(6).dim(3).set_extent(6);
        bias.dim(0).set_min(0);

        if (get_target().has_gpu_feature()) {
            // Each stage one thread per value: the tiles and products through global memory, the products'
            // reduction in the thread.
            Var ko("ko"), to("to"), xo("xo"), yn("yn");
            tiles.compute_root().reorder(i, j, c, t).unroll(i).unroll(j).gpu_tile(c, t, ko, to, 32, 4);
            products.compute_root().reorder(ki, t, i, j, kb).gpu_tile(ki, t, ko, to, 32, 4);
            product.compute_at(products, ki);
            output.fuse(y, n, yn).gpu_tile(k, x, ko, xo, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
            return;
        }
        const int vector = natural_vector_size<float>();
        // Register tile of the products: 2 vectors of output channels x tile_t tiles of accumulators, the 2 weight
        // vectors and one broadcast input: 2 x 7 + 2 + 1 = 17 of AVX-512's 32 registers, 2 x 6 + 2 + 1 = 15 of
        // AVX2's 16 (as the direct convolution's).
        const bool avx512 = get_target().has_feature(Target::AVX512);
        const int tile_k = 2 * vector, tile_t = avx512 ? 7 : 6;
        // A task: up to 32 tiles (4 to 5 register tiles' worth), whose transformed input stays in L2 (36 x 64
        // channels x 32 tiles = 295 KB) while each block of output channels reads it, and fewer on small batches,
        // so that there are 4 tasks or more to share among the cores: equal runs of tile rows of one image, or
        // whole images when an image has fewer tiles. (Each size at least 1 in a form that bounds inference can
        // see: with a factor of unknown sign, the output's required region comes out negative.)
        const Expr image_tiles = tiles_x * tiles_y;
        const Expr task_tiles = clamp(image_tiles * output.dim(3).extent() / 4, 8, 32);
        const Expr tasks_per_image = max((image_tiles + task_tiles - 1) / task_tiles, 1);
        const Expr images_per_task = max(task_tiles / image_tiles, 1);
        const Expr rows_per_task = max((tiles_y + tasks_per_image - 1) / tasks_per_image, 1);
        Var ty("ty"), py("py"), yo("yo"), tx("tx"), px("px"), ko("ko"), no("no"), ni("ni");
        output.split(y, ty, py, 4, TailStrategy::GuardWithIf)
            .split(ty, yo, ty, rows_per_task, TailStrategy::GuardWithIf)
            .split(n, no, ni, images_per_task, TailStrategy::GuardWithIf)
            .split(x, tx, px, 4, TailStrategy::GuardWithIf)
            .split(k, ko, k, kWeightBlock, TailStrategy::GuardWithIf)
            .reorder(k, px, py, tx, ty, ni, ko, yo, no)
            .parallel(no)  // not fused with yo: bounds inference cannot bound the fused loop's images
            .parallel(yo)
            .vectorize(k, vector, TailStrategy::GuardWithIf)
            .unroll(px)
            .unroll(py);
        // The transformed input of the task's tiles, once for all output channels; stored component-major so
        // that the products stream each component's (channel, tile) matrix.
        Var co("co");
        tiles.compute_at(output, yo)
            .reorder_storage(c, t, i, j)
            .split(c, co, c, vector, TailStrategy::GuardWithIf)
            .reorder(c, i, j, co, t)
            .vectorize(c)
            .unroll(i)
            .unroll(j);
        rows.compute_at(tiles, co)
            .bound_storage(c, vector)  // constant: on the stack, not an allocation per vector of channels
            .bound_storage(i, 6)
            .bound_storage(b, 6)
            .bound_storage(t, 1)
            .vectorize(c, vector, TailStrategy::GuardWithIf)
            .unroll(i)
            .unroll(b);
        // The task's products for one block of output channels, all 36 components, tile by tile of registers.
        Var tg("tg"), tt("tt"), kh("kh");
        products.compute_at(output, ko)
            .bound(ki, 0, kWeightBlock)
            .bound_extent(kb, 1)  // the block of output channels that `ko` is (bounds inference cannot tell)
            .split(t, tg, tt, tile_t, TailStrategy::GuardWithIf)
            .split(ki, kh, ki, tile_k)
            .reorder(ki, tt, kh, tg, i, j)
            .vectorize(ki, vector);
        // The accumulators' storage is the constant tile, so that LLVM keeps them in registers.
        Var kw("kw");
        product.compute_at(products, kh)
            .bound_storage(ki, tile_k)
            .bound_storage(t, tile_t)
            .split(ki, kw, ki, vector)
            .vectorize(ki)
            .unroll(kw)
            .unroll(t);
        product.update()
            .split(ki, kw, ki, vector)
            .reorder(ki, kw, t, r, i, j)
            .vectorize(ki)
            .unroll(kw)
            .unroll(t);
        // A^T along x for one tile, the 4 x 6 values in registers; A^T along y is inlined into the output.
        columns.compute_at(output, tx)
            .bound_storage(ki, kWeightBlock)
            .bound_storage(kb, 1)
            .bound_storage(i, 4)
            .bound_storage(j, 6)
            .bound_storage(t, 1)
            .vectorize(ki, vector)
            .unroll(i)
            .unroll(j);
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::Conv2dWinogradWeights, conv2d_winograd_weights)
HALIDE_REGISTER_GENERATOR(antialiased::Conv2dWinograd, conv2d_winograd)
