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
// Buffers, Halide order, mins 0: input (c, x, y, n); weights (co, ci, kx, ky), output channels innermost (how
// Conv2d stores them); the transformed weights (ki, c, i, j, kb) for output channel k = kb * kWeightBlock + ki, component
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

// The adjoints, for the weight gradient. A (A^T's transpose): 4 output gradients to 6 components.
std::vector<Expr> output_transform_adjoint(const std::vector<Expr> &g) {
    return {g[0],
            g[0] + g[1] + g[2] + g[3],
            g[0] - g[1] + g[2] - g[3],
            g[0] + 2.0f * g[1] + 4.0f * g[2] + 8.0f * g[3],
            g[0] - 2.0f * g[1] + 4.0f * g[2] - 8.0f * g[3],
            g[3]};
}
// G^T: 6 components to 3 filter taps.
std::vector<Expr> weight_transform_adjoint(const std::vector<Expr> &u) {
    return {u[0] / 4.0f - (u[1] + u[2]) / 6.0f + (u[3] + u[4]) / 24.0f,
            (u[2] - u[1]) / 6.0f + (u[3] - u[4]) / 12.0f,
            (u[3] + u[4] - u[1] - u[2]) / 6.0f + u[5]};
}

// f(0..count-1) along the axis that `make` fills in.
std::vector<Expr> along(int count, const std::function<Expr(int)> &make) {
    std::vector<Expr> values;
    for (int a = 0; a < count; a++) values.push_back(make(a));
    return values;
}

// Tiles of a convolution's output, numbered along x, then y, then the batch: t = tx + tiles_x * (ty + tiles_y * n).
struct Tiling {
    Halide::Expr tiles_x, tiles_y, images, pad_x, pad_y;
};

// The 6 x 6 components of every tile of `map` (c, x, y, n): `transform` applied along x, then along y, to the
// `taps` values from (4 tx - pad_x, 4 ty - pad_y). The input tiles (6 taps, B^T d B) and the output gradient's
// (4 taps, A g A^T, pad 0). `rows` is the first pass, for the schedule.
// Tiles past the last image: with `clamp_images`, the last image's (so that bounds inference can bound the
// images that an unpadded map is read at, when the schedule's task sizes are expressions); otherwise the map's
// values there (zero for a map wrapped in constant_exterior: tiles that only round a block up).
struct TileTransform {
    Halide::Func rows, tiles;
};
TileTransform transform_tiles(Halide::Func map, const Tiling &tiling, int taps,
                              std::vector<Halide::Expr> (*transform)(const std::vector<Halide::Expr> &),
                              bool clamp_images, const std::string &name) {
    Var c("c"), i("i"), j("j"), b("b"), t("t");
    const Expr column = t % tiling.tiles_x, row = (t / tiling.tiles_x) % tiling.tiles_y,
               image = clamp_images ? clamp(t / (tiling.tiles_x * tiling.tiles_y), 0, tiling.images - 1)
                                    : t / (tiling.tiles_x * tiling.tiles_y);
    TileTransform f{Func(name + "_rows"), Func(name)};
    f.rows(c, i, b, t) = mux(i, transform(along(taps, [&](int a) {
                                 return map(c, column * 4 + a - tiling.pad_x, row * 4 + b - tiling.pad_y, image);
                             })));
    f.tiles(c, i, j, t) = mux(j, transform(along(taps, [&](int a) { return f.rows(c, i, a, t); })));
    return f;
}

// Storage of `f` bounded to `extents` along its dimensions: a constant allocation (on the stack, or in registers)
// where one small block of it is computed at a time.
void bound_storage(Func f, const std::vector<int> &extents) {
    for (size_t d = 0; d < extents.size(); d++) f.bound_storage(f.args()[d], extents[d]);
}

// A register tile of accumulators: `f`, a sum (its pure definition, then one update over `r`), computed at `at`
// one tile at a time, along its first dimension in 2 vectors and along `u` unrolled. Its storage is the constant
// tile `extents`, so that LLVM keeps the accumulators in registers (with the tile's guarded extent as the stride,
// every FMA loaded and stored its accumulator). The update's loops, outermost last: r, then the tile.
void schedule_register_tile(Func f, LoopLevel at, const std::vector<int> &extents, Var u, RVar r, int vector) {
    const std::vector<Var> args = f.args();  // (vectorized, ..., i, j, ...): components (i, j) are args 2 and 3
    Var v = args[0], vw("vw");
    bound_storage(f, extents);
    f.compute_at(at).split(v, vw, v, vector).vectorize(v).unroll(vw).unroll(u);
    f.update().split(v, vw, v, vector).reorder(v, vw, u, r, args[2], args[3]).vectorize(v).unroll(vw).unroll(u);
}

// CPU schedule of a TileTransform computed at `at`: vectors of channels, the 36 components unrolled, the rows of
// one vector of channels in registers (a constant allocation, on the stack), the tiles stored component-major
// so that a matrix product streams each component's (channel, tile) matrix.
void schedule_tiles_cpu(TileTransform &f, LoopLevel at, int vector) {
    Var c = f.tiles.args()[0], i = f.tiles.args()[1], j = f.tiles.args()[2], t = f.tiles.args()[3];
    Var b = f.rows.args()[2], co("co");
    f.tiles.compute_at(at)
        .reorder_storage(c, t, i, j)
        .split(c, co, c, vector, TailStrategy::GuardWithIf)
        .reorder(c, i, j, co, t)
        .vectorize(c)
        .unroll(i)
        .unroll(j);
    bound_storage(f.rows, {vector, 6, 6, 1});
    f.rows.compute_at(f.tiles, co).vectorize(c, vector, TailStrategy::GuardWithIf).unroll(i).unroll(b);
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
        Var ki("ki"), c("c"), i("i"), j("j"), kb("kb"), o("o");

        /* THE ALGORITHM */
        // Zero past the layer's channels: the last block's tail.
        Func w = BoundaryConditions::constant_exterior(weights, 0.0f);
        Func s = BoundaryConditions::constant_exterior(scale, 0.0f);
        Func filter("filter");  // (o, c, kx, ky) of the convolution computed: output channel o, input channel c
        Var kx("kx"), ky("ky");
        filter(o, c, kx, ky) = select(transposed, w(c, o, 2 - kx, 2 - ky), w(o, c, kx, ky)) * s(o);
        Func along_x("along_x");
        along_x(o, c, i, ky) = mux(i, weight_transform(along(3, [&](int a) { return filter(o, c, a, ky); })));
        winograd_weights(ki, c, i, j, kb) =
            mux(j, weight_transform(along(3, [&](int a) { return along_x(kb * kWeightBlock + ki, c, i, a); })));

        /* THE SCHEDULE */
        for (int d = 0; d < 4; d++) weights.dim(d).set_min(0);
        weights.dim(2).set_extent(3).dim(3).set_extent(3);
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
    Input<int> activation{"activation", int(Activation::kNone), int(Activation::kNone), int(Activation::kRelu6)};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), k("k"), i("i"), j("j"), t("t"), x("x"), y("y"), n("n");
        const Expr channels = input.dim(0).extent();
        // Tiles of the output, which is width + 2 pad - 2 wide.
        const Expr tiles_x = (input.dim(1).extent() + 2 * pad_x + 1) / 4;
        const Expr tiles_y = (input.dim(2).extent() + 2 * pad_y + 1) / 4;

        /* THE ALGORITHM */
        Func padded = zero_padded(input, input.dim(1).extent(), input.dim(2).extent());
        TileTransform in = transform_tiles(padded, {tiles_x, tiles_y, input.dim(3).extent(), pad_x, pad_y}, 6,
                                           input_transform, true, "input_tiles");
        // The products in blocks of output channels, as the weights are: (ki, kb) is channel kb * kWeightBlock + ki,
        // so that every block is whole (the last one's tail is zero) and a register tile never needs a guard.
        RDom r(0, channels, "r");
        Var ki("ki"), kb("kb");
        Func product("product");  // one component of the output tiles, a sum over input channels
        product(ki, kb, i, j, t) = 0.0f;
        product(ki, kb, i, j, t) += weights(ki, r, i, j, kb) * in.tiles(r, i, j, t);
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
            in.tiles.compute_root().reorder(i, j, c, t).unroll(i).unroll(j).gpu_tile(c, t, ko, to, 32, 4);
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
        // The transformed input of the task's tiles, once for all output channels.
        schedule_tiles_cpu(in, LoopLevel(output, yo), vector);
        // The task's products for one block of output channels, all 36 components, tile by tile of registers.
        Var tg("tg"), tt("tt"), kh("kh");
        products.compute_at(output, ko)
            .bound(ki, 0, kWeightBlock)
            .bound_extent(kb, 1)  // the block of output channels that `ko` is (bounds inference cannot tell)
            .split(t, tg, tt, tile_t, TailStrategy::GuardWithIf)
            .split(ki, kh, ki, tile_k)
            .reorder(ki, tt, kh, tg, i, j)
            .vectorize(ki, vector);
        schedule_register_tile(product, LoopLevel(products, kh), {tile_k, 1, 1, 1, tile_t}, t, r, vector);
        // A^T along x for one tile, the 4 x 6 values in registers; A^T along y is inlined into the output.
        bound_storage(columns, {kWeightBlock, 1, 4, 6, 1});
        columns.compute_at(output, tx).vectorize(ki, vector).unroll(i).unroll(j);
    }
};

// d(loss)/d(weights) and d(loss)/d(bias) of the convolution, given d(loss)/d(output): in the transformed domain,
// d(loss)/d(U) for each of the 36 components is a matrix product over the tiles of the output gradient's tiles
// (A g A^T) and the input's (B^T d B); the filter's gradient is G^T (that) G. Same outputs as conv2d_grad_weights
// (conv_backward_generators.cpp): grad_weights (co, ci, kx, ky), grad_bias (co).
class Conv2dWinogradGradWeights : public Generator<Conv2dWinogradGradWeights> {
  public:
    Input<Buffer<float>> grad_output{"grad_output", 4};
    Input<Buffer<float>> input{"input", 4};
    Input<int> pad_x{"pad_x", 1, 0, 2};
    Input<int> pad_y{"pad_y", 1, 0, 2};
    Output<Buffer<float>> grad_weights{"grad_weights", 4};
    Output<Buffer<float>> grad_bias{"grad_bias", 1};

    void generate() {
        Var k("k"), c("c"), i("i"), j("j"), t("t"), a("a"), b("b"), chunk("chunk");
        const Expr out_width = grad_output.dim(1).extent(), out_height = grad_output.dim(2).extent();
        const Expr images = grad_output.dim(3).extent();
        const Tiling tiling{(out_width + 3) / 4, (out_height + 3) / 4, images, pad_x, pad_y};
        const Expr tile_count = tiling.tiles_x * tiling.tiles_y * images;

        /* THE ALGORITHM */
        // Zero outside every dimension: past the map (padding, the last tiles' tails) and past the channels and
        // tiles that the schedule's blocks round up to.
        Func input_zero = BoundaryConditions::constant_exterior(input, 0.0f);
        Func grad_zero = BoundaryConditions::constant_exterior(grad_output, 0.0f);
        TileTransform in = transform_tiles(input_zero, tiling, 6, input_transform, true, "input_tiles");
        TileTransform grad = transform_tiles(grad_zero, {tiling.tiles_x, tiling.tiles_y, images, 0, 0}, 4,
                                             output_transform_adjoint, false, "grad_tiles");
        // Sums over chunks of kChunk tiles, then over the chunks: a chunk's two matrices stay in L2 while every
        // register tile of the component's gradient reads them.
        constexpr int kChunk = 64;
        RDom r(0, kChunk, "r");
        Func partial("partial");
        partial(k, c, i, j, chunk) = 0.0f;
        partial(k, c, i, j, chunk) += grad.tiles(k, i, j, chunk * kChunk + r) * in.tiles(c, i, j, chunk * kChunk + r);
        RDom chunks(0, (tile_count + kChunk - 1) / kChunk, "chunks");
        Func component_grad("component_grad");  // d(loss)/d(U)
        component_grad(k, c, i, j) = 0.0f;
        component_grad(k, c, i, j) += partial(k, c, i, j, chunks);
        Func along_x("grad_along_x");  // G^T along x
        along_x(k, c, a, j) = mux(a, weight_transform_adjoint(along(6, [&](int u) { return component_grad(k, c, u, j); })));
        grad_weights(k, c, a, b) = mux(b, weight_transform_adjoint(along(6, [&](int u) { return along_x(k, c, a, u); })));
        // The bias' gradient is the sum of the output gradient, the (1, 1) component of its tiles (A's second
        // column is all ones).
        RDom all_tiles(0, tile_count, "all_tiles");
        grad_bias(k) = 0.0f;
        grad_bias(k) += grad.tiles(k, 1, 1, all_tiles);

        /* THE SCHEDULE */
        for (int d = 0; d < 4; d++) {
            input.dim(d).set_min(0);
            grad_output.dim(d).set_min(0);
            grad_weights.dim(d).set_min(0);
        }
        grad_weights.dim(2).set_extent(3).dim(3).set_extent(3);
        grad_bias.dim(0).set_min(0);

        if (get_target().has_gpu_feature()) {
            Var ko("ko"), co("co");
            const TailStrategy guard = TailStrategy::GuardWithIf;
            in.tiles.compute_root().reorder(i, j, c, t).unroll(i).unroll(j).gpu_tile(c, t, ko, co, 32, 4, guard);
            grad.tiles.compute_root().reorder(i, j, c, t).unroll(i).unroll(j).gpu_tile(c, t, ko, co, 32, 4, guard);
            component_grad.compute_root().gpu_tile(k, c, ko, co, 32, 4, guard);
            component_grad.update().gpu_tile(k, c, ko, co, 32, 4, guard);
            // The chunks' sums at the root, one thread per (k, c) pair as the rest: computed inside each thread
            // (at k, or at ko), its storage of a run-time size went to a scratch the threads overwrote (NaN on
            // pocl, tests/gpu_opencl_test.cc).
            partial.compute_root().gpu_tile(k, c, ko, co, 32, 4, guard);
            partial.update().gpu_tile(k, c, ko, co, 32, 4, guard);
            grad_weights.gpu_tile(k, c, ko, co, 32, 4, TailStrategy::GuardWithIf);
            grad_bias.compute_root().gpu_tile(k, ko, 32, TailStrategy::GuardWithIf);
            grad_bias.update().gpu_tile(k, ko, 32, TailStrategy::GuardWithIf);
            return;
        }
        const int vector = natural_vector_size<float>();
        // Both transforms over all tiles, first (they are read once per block of channels).
        for (TileTransform *f : {&in, &grad}) {
            schedule_tiles_cpu(*f, LoopLevel::root(), vector);
            f->tiles.parallel(t, 32, TailStrategy::GuardWithIf);
        }
        // Register tile: 2 vectors of output channels x tile_c input channels of accumulators, the 2 gradient
        // vectors and one broadcast input value: 2 x 7 + 2 + 1 = 17 of AVX-512's 32 registers, 2 x 6 + 2 + 1 = 15
        // of AVX2's 16. Blocks are rounded up (the extra channels read zeros, and are not stored).
        const bool avx512 = get_target().has_feature(Target::AVX512);
        const int tile_k = 2 * vector, tile_c = avx512 ? 7 : 6;
        Var kb("kb"), cb("cb"), ij("ij");
        component_grad.compute_root().vectorize(k, vector, TailStrategy::RoundUp);
        component_grad.update()
            .split(k, kb, k, tile_k, TailStrategy::RoundUp)
            .split(c, cb, c, tile_c, TailStrategy::RoundUp)
            .reorder(k, c, cb, kb, chunks, i, j)
            .fuse(i, j, ij)
            .parallel(ij)
            .vectorize(k, vector);
        schedule_register_tile(partial, LoopLevel(component_grad, cb), {tile_k, tile_c, 1, 1, 1}, c, r, vector);
        grad_weights.vectorize(k, vector, TailStrategy::GuardWithIf).unroll(a).unroll(b).parallel(c);
        grad_bias.vectorize(k, vector, TailStrategy::GuardWithIf);
        grad_bias.update().vectorize(k, vector, TailStrategy::GuardWithIf);
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::Conv2dWinogradGradWeights, conv2d_winograd_grad_weights)
HALIDE_REGISTER_GENERATOR(antialiased::Conv2dWinogradWeights, conv2d_winograd_weights)
HALIDE_REGISTER_GENERATOR(antialiased::Conv2dWinograd, conv2d_winograd)
