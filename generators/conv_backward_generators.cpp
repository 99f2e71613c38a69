// Gradients of the 2-D convolution (conv_algorithm.h), from Halide's autodiff: one stage for the weights and
// bias, one for the input (which the runtime skips for a network's first layer).
//
// Buffers, Halide order, mins 0: input and grad_input (c, x, y, n); grad_output (co, x, y, n); grad_weights
// (co, ci, kx, ky) like the forward's weights, ci within the group; grad_bias (co). The input-gradient stage
// reads the weights transposed, (ci, co, kx, ky), so that its vectors run along input channels.
#include "Halide.h"
#include "adjoint_region.h"
#include "conv_algorithm.h"
#include "estimates.h"
#include "skip_padding.h"

namespace antialiased {
namespace {

using namespace Halide;

// The adjoint of a Func read at its reduction's points, f(args) += select(args inside the reduction's domain,
// term, 0), as a sum that leaves the guard out: for the caller who realizes it only inside that domain, where
// the guard is true. (The weights' gradient: the guard is a test per FMA that LLVM turns into branches, and it
// keeps the tile's accumulators out of registers.)
Func inside_domain(Func adjoint) {
    class DropGuard : public Internal::IRMutator {
      public:
        explicit DropGuard(const std::string &self) : self_(self) {}

      protected:
        using Internal::IRMutator::visit;
        Expr visit(const Internal::Add *op) override {
            const Internal::Call *call = op->a.as<Internal::Call>();
            return call && call->name == self_ ? mutate(op->b) : Internal::IRMutator::visit(op);
        }
        Expr visit(const Internal::Select *op) override {
            return Internal::is_const_zero(op->false_value) ? mutate(op->true_value) : Internal::IRMutator::visit(op);
        }

      private:
        std::string self_;
    };
    Func sum(adjoint.name() + "_inside");
    sum(adjoint.args()) = adjoint.value();
    sum(adjoint.update_args()) += DropGuard(adjoint.name()).mutate(adjoint.update_value());
    return sum;
}

// What both gradient stages take, first in their signatures: d(loss)/d(output) and the forward's geometry.
template <typename T>
class ConvBackwardBase : public Generator<T> {
  public:
    GeneratorInput<Buffer<float>> grad_output{"grad_output", 4};
    GeneratorInput<int> stride_x{"stride_x", 1, 1, 1024};
    GeneratorInput<int> stride_y{"stride_y", 1, 1, 1024};
    GeneratorInput<int> pad_x{"pad_x", 1, 0, 1024};
    GeneratorInput<int> pad_y{"pad_y", 1, 0, 1024};
    GeneratorInput<int> dilation_x{"dilation_x", 1, 1, 1024};
    GeneratorInput<int> dilation_y{"dilation_y", 1, 1, 1024};
    GeneratorInput<int> groups{"groups", 1, 1, 1 << 20};
    // The layer an autoscheduler plans for (bench/layers.bzl compiles a variant per layer shape).
    ConvEstimates estimates;

  protected:
    // The estimates of grad_output and of the geometry's scalars.
    void estimate_base() {
        estimates.estimate_output(grad_output);
        estimates.estimate_geometry(stride_x, stride_y, pad_x, pad_y, dilation_x, dilation_y, groups);
    }
};

// d(loss)/d(weights) and d(loss)/d(bias) given d(loss)/d(output): the adjoint of conv2d() with respect to its
// weights is a pure function of (co, ci, kx, ky), a sum over (x, y, n) of grad_output x input: a matrix product
// that is tiled like the forward convolution.
class ConvGradWeights : public ConvBackwardBase<ConvGradWeights> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<int> kernel_x{"kernel_x", 3, 1, 1024};
    Input<int> kernel_y{"kernel_y", 3, 1, 1024};
    Output<Buffer<float>> grad_weights{"grad_weights", 4};
    Output<Buffer<float>> grad_bias{"grad_bias", 1};

    void generate() {
        Var co("co"), cob("cob"), ci("ci"), kx("kx"), ky("ky"), x("x"), y("y"), n("n");
        const Expr channels = grad_output.dim(0).extent();
        const Expr in_group = input.dim(0).extent() / groups, out_group = channels / groups;
        const ConvGeometry geometry{kernel_x, kernel_y, stride_x, stride_y, pad_x, pad_y,
                                    dilation_x, dilation_y, groups, in_group, out_group};
        const bool gpu = get_target().has_gpu_feature(), avx512 = get_target().has_feature(Target::AVX512);
        const int vector = natural_vector_size<float>();
        // The CPU's register tile (below) is 4 vectors of output channels on AVX-512, 2 on AVX2; the GPU's
        // thread block 32 channels.
        const int block = gpu ? 32 : (avx512 ? 4 : 2) * vector;

        /* THE ALGORITHM */
        // The conv is linear in its weights and bias, so their adjoints do not depend on their values: the
        // forward runs on placeholders. It is differentiated in blocks of output channels (conv2d's out_block),
        // so that the gradient's input-channel stride is the block, a constant, not the layer's channel count:
        // only then can LLVM tell a register tile's accumulators apart and keep them in registers (with the
        // runtime stride it loaded and stored each around every FMA, at a quarter of the speed).
        Func weights("weights"), bias("bias");
        weights(co, ci, kx, ky, cob) = 0.0f;
        bias(co, cob) = 0.0f;
        Func padded = zero_padded(input, input.dim(1).extent(), input.dim(2).extent());
        Func conv = conv2d(padded, weights, bias, geometry, block);
        // grad_output in the same blocks, zero past the last channel.
        Func upstream("upstream");
        upstream(co, cob, x, y, n) = BoundaryConditions::constant_exterior(
            grad_output, 0.0f, {{0, channels}, {Expr(), Expr()}, {Expr(), Expr()}, {Expr(), Expr()}})(cob * block + co, x, y, n);
        Region region = {adjoint_range(0, block), adjoint_range(0, (channels + block - 1) / block)};
        for (int d = 1; d < 4; d++) region.push_back(adjoint_range(0, grad_output.dim(d).extent()));
        Derivative d = propagate_adjoints(conv, upstream, region);
        Func d_weights = inside_domain(d(weights)), d_bias = d(bias);
        // Maps of at most kWholeMap columns, where a register tile sums whole images (THE SCHEDULE), skip the
        // pixels where a tap reads zero padding (skip_padding.h): the pixel loops run inside the tap loops, so
        // the test becomes their bounds. (On wider maps it saves little: 1x1 layers at 7 px and 28 px ran 10-25%
        // slower with the bounds computed.)
        const int kWholeMap = 14;
        if (!gpu) {
            const std::vector<Var> wv = d_weights.args();  // (co, ci, kx, ky, cob)
            const RDom wr = update_domain(d_weights);      // (x, y, n) of the forward
            restrict_update(d_weights, grad_output.dim(1).extent() > kWholeMap ||
                                           (reads_inside(wr.x, stride_x, wv[2], dilation_x, pad_x, input.dim(1).extent()) &&
                                            reads_inside(wr.y, stride_y, wv[3], dilation_y, pad_y, input.dim(2).extent())));
        }
        grad_weights(co, ci, kx, ky) = d_weights(co % block, ci, kx, ky, co / block);
        grad_bias(co) = d_bias(co % block, co / block);

        /* THE SCHEDULE */
        estimate_base();
        estimates.estimate_input(input);
        kernel_x.set_estimate(estimates.kernel);
        kernel_y.set_estimate(estimates.kernel);
        estimates.estimate_weights(grad_weights);
        // The gradient's extents stated in terms of the inputs: autodiff guards every term with the reduction's
        // bounds (ci < in_group, kx < kernel_x, ...), and only so can Halide prove them true away from the tiles'
        // tails and drop them from the inner loop.
        grad_weights.dim(0).set_extent(channels)
            .dim(1).set_extent(in_group)
            .dim(2).set_extent(kernel_x)
            .dim(3).set_extent(kernel_y);
        grad_bias.dim(0).set_min(0).set_estimate(0, estimates.out);
        if (auto_schedule) return;  // the schedule experiments: an autoscheduler's schedule instead of this one
        const std::vector<RVar> r = d_weights.rvars();  // (x, y, n) of the forward
        const std::vector<RVar> rb = d_bias.rvars();

        if (gpu) {
            // The batch in kSlices slices of images, each summed into its own copy of the gradients (rfactor):
            // one thread per weight and slice, 32 output channels a block (coalesced rows of grad_output and of
            // the gradient's blocks), so that a layer with few weights (the stem's 64 x 3 x 7 x 7) still fills
            // a GPU, at kSlices copies of the gradient in memory. Then one thread per weight sums the slices,
            // computed at the innermost thread variable coi (at cii each thread would sum all 32 channels).
            constexpr int kSlices = 8;
            const Expr per_slice = (grad_output.dim(3).extent() + kSlices - 1) / kSlices;
            Var coi("coi"), cii("cii"), kk("kk"), slice("slice"), blocks("blocks");
            RVar rno("rno"), rni("rni"), rbo("rbo"), rbi("rbi");
            d_weights.update().split(r[2], rno, rni, per_slice, TailStrategy::GuardWithIf);
            Func partial = d_weights.update().rfactor(rno, slice);
            const std::vector<Var> pv = partial.args();  // (co, ci, kx, ky, cob, slice)
            partial.compute_root().fuse(pv[2], pv[3], kk).fuse(kk, pv[4], blocks).fuse(blocks, pv[5], blocks)
                .gpu_tile(pv[0], pv[1], coi, cii, 32, 1, TailStrategy::GuardWithIf).gpu_blocks(blocks);
            partial.update().fuse(pv[2], pv[3], kk).fuse(kk, pv[4], blocks).fuse(blocks, pv[5], blocks)
                .gpu_tile(pv[0], pv[1], coi, cii, 32, 1, TailStrategy::GuardWithIf).gpu_blocks(blocks);
            grad_weights.fuse(kx, ky, kk).gpu_tile(co, ci, coi, cii, 32, 1, TailStrategy::GuardWithIf).gpu_blocks(kk);
            d_weights.compute_at(grad_weights, coi);
            // The bias gradient the same way: a thread per channel and slice, then per channel.
            d_bias.update().split(rb[2], rbo, rbi, per_slice, TailStrategy::GuardWithIf);
            Func bias_partial = d_bias.update().rfactor(rbo, slice);
            const std::vector<Var> bv = bias_partial.args();  // (co, cob, slice)
            bias_partial.compute_root().fuse(bv[1], bv[2], blocks).gpu_tile(bv[0], coi, 32, TailStrategy::GuardWithIf).gpu_blocks(blocks);
            bias_partial.update().fuse(bv[1], bv[2], blocks).gpu_tile(bv[0], coi, 32, TailStrategy::GuardWithIf).gpu_blocks(blocks);
            grad_bias.gpu_tile(co, coi, 32, TailStrategy::GuardWithIf);
            d_bias.compute_at(grad_bias, coi);
            return;
        }
        // The sum over (x, y, n) is a matrix product whose reduction (pixels) is far longer than its outputs are
        // wide. Each half of the batch sums into its own copy of the gradient (rfactor), one per core; within it,
        // one image at a time is zero-padded once and then, row by row, multiplied into every tile of the
        // gradient, the tile's accumulators loaded before and stored after a whole row of pixels. Tiles outside,
        // pixels inside would stream the whole map through the cache once per tile. The block of output channels
        // is the outer tile loop: its part of a grad_output row (64 channels x 56 pixels: 14 KB) stays in L1
        // while every input channel and kernel offset is multiplied into it.
        // Register tile: a block of output channels (4 vectors) x 4 input channels of accumulators, 4
        // grad_output vectors and a broadcast input: 16 + 4 + 1 = 21 of AVX-512's 32 registers (2 vectors:
        // 8 + 2 + 1 of AVX2's 16).
        const int tile_ci = 4;
        const RVar rx = r[0], ry = r[1], rn = r[2];
        RVar rno("rno"), rni("rni");
        Var half("half"), cio("cio"), cv("cv");
        d_weights.update().split(rn, rno, rni, (grad_output.dim(3).extent() + 1) / 2, TailStrategy::GuardWithIf);
        Func partial = d_weights.update().rfactor(rno, half);
        const std::vector<Var> pv = partial.args();  // (co, ci, kx, ky, cob, half)
        // Zeroed by the core that then sums into it (its half of the batch), not serially before.
        partial.compute_root().bound_storage(pv[0], block).vectorize(pv[0], vector).parallel(pv[5]);
        Stage sum = partial.update();
        sum.split(pv[0], cv, pv[0], vector)
            .split(pv[1], cio, pv[1], tile_ci, TailStrategy::GuardWithIf)
            .vectorize(pv[0])
            .unroll(cv)
            .unroll(pv[1])
            .parallel(pv[5]);
        // Maps of at most kWholeMap columns: a tile sums the whole image before its accumulators go back to memory
        // (a row of 7 pixels is too short to pay for loading and storing 16 of them); its grad_output and input
        // (64 channels x 14 x 14 + 4 channels of the padded map: ~55 KB at most) stay near L1.
        // Maps of at most kTinyMap columns (a 32 px image's 4, 2 and 1 px maps, with 16, 4, 1 pixels): a tile
        // sums tile_images images before its accumulators go back to memory (one image's pixels are fewer than
        // the 16 accumulators it loads and stores), their zero-padded inputs copied at once (the loop over blocks
        // of images keeps the name rni, where that copy is placed).
        const int kTinyMap = 4, tile_images = 8;
        RVar rnii("rnii");
        Stage tiny_map = sum.specialize(grad_output.dim(1).extent() <= kTinyMap);
        tiny_map.split(rni, rni, rnii, tile_images, TailStrategy::GuardWithIf)
            .reorder(pv[0], cv, pv[1], rx, ry, rnii, cio, pv[2], pv[3], pv[4], rni, pv[5]);
        Stage whole_map = sum.specialize(grad_output.dim(1).extent() <= kWholeMap);
        whole_map.reorder(pv[0], cv, pv[1], rx, ry, cio, pv[2], pv[3], pv[4], rni, pv[5]);
        sum.reorder(pv[0], cv, pv[1], rx, cio, pv[2], pv[3], pv[4], ry, rni, pv[5]);
        for (Stage stage : {tiny_map, whole_map, sum}) stage.specialize(groups == 1);
        // The image's input, zero-padded, copied once for every tile that reads it. grad_output is read in place:
        // its blocks are its own layout, and Halide splits the last, zero-filled block off the tile loop.
        padded.compute_at(partial, rni).vectorize(padded.args()[0], vector, TailStrategy::GuardWithIf);
        // The two halves' sum, as the gradient is written.
        d_weights.compute_at(grad_weights, ky).vectorize(d_weights.args()[0], vector);
        d_weights.update().vectorize(d_weights.args()[0], vector);
        grad_weights.parallel(ky).vectorize(co, vector, TailStrategy::GuardWithIf);
        // The bias gradient: a sum over every (x, y, n) per channel, each half of the batch on its own core,
        // grad_output read once in order (every channel of a pixel, then the next pixel).
        RVar rbo("rbo"), rbi("rbi");
        d_bias.update().split(rb[2], rbo, rbi, (grad_output.dim(3).extent() + 1) / 2, TailStrategy::GuardWithIf);
        Func bias_partial = d_bias.update().rfactor(rbo, half);
        const std::vector<Var> bv = bias_partial.args();  // (co, cob, half)
        bias_partial.compute_root().vectorize(bv[0], vector);
        bias_partial.update()
            .split(bv[0], cv, bv[0], vector)
            .reorder(bv[0], cv, bv[1], rb[0], rb[1], rbi, bv[2])
            .vectorize(bv[0])
            .unroll(cv)
            .parallel(bv[2]);
        d_bias.compute_root().vectorize(d_bias.args()[0], vector);
        d_bias.update().vectorize(d_bias.args()[0], vector);
        grad_bias.vectorize(co, vector, TailStrategy::GuardWithIf);
    }
};

// d(loss)/d(input) given d(loss)/d(output). The convolution is differentiated in a form whose adjoint is a
// gather, not a scatter: channels split into (channel within group, group) so that every index is a pure
// variable, and the stride taken after a full-resolution convolution, so that only that subsampling (a
// copy of grad_output onto every stride-th pixel) scatters; the input's adjoint is then a transposed
// convolution at full resolution, tiled like the forward one.
class ConvGradInput : public ConvBackwardBase<ConvGradInput> {
  public:
    Input<Buffer<float>> weights_t{"weights_t", 4};  // (ci, co, kx, ky)
    Output<Buffer<float>> grad_input{"grad_input", 4};

    void generate() {
        Var c("c"), j("j"), g("g"), ci("ci"), x("x"), y("y"), n("n"), kx("kx"), ky("ky");
        const Expr in_group = weights_t.dim(0).extent(), out_group = weights_t.dim(1).extent() / groups;
        const bool gpu = get_target().has_gpu_feature();

        /* THE ALGORITHM */
        // Input values never enter the input's adjoint (the conv is linear in them): a placeholder, defined
        // everywhere, so the zero padding (constants, with no adjoint) needs no bounds here.
        Func input("input");
        input(ci, g, x, y, n) = 0.0f;
        Func weights("weights");
        weights(j, g, ci, kx, ky) = weights_t(ci, g * out_group + j, kx, ky);
        RDom r(0, in_group, 0, weights_t.dim(2).extent(), 0, weights_t.dim(3).extent(), "r");
        Func full("full");
        full(j, g, x, y, n) = 0.0f;
        full(j, g, x, y, n) += weights(j, g, r.x, r.y, r.z) *
                               input(r.x, g, x + r.y * dilation_x - pad_x, y + r.z * dilation_y - pad_y, n);
        Func conv("conv");
        conv(j, g, x, y, n) = full(j, g, x * stride_x, y * stride_y, n);
        // Zero outside grad_output: the transposed convolution reads past its edges.
        Func upstream("upstream");
        upstream(j, g, x, y, n) = BoundaryConditions::constant_exterior(grad_output, 0.0f)(g * out_group + j, x, y, n);
        Region region = {adjoint_range(0, out_group), adjoint_range(0, groups)};
        for (int d = 1; d < 4; d++) region.push_back(adjoint_range(0, grad_output.dim(d).extent()));
        Derivative d = propagate_adjoints(conv, upstream, region);
        Func d_full = d(full, 0);  // grad_output scattered onto the stride grid
        Func d_input = d(input);   // the transposed convolution of d_full
        // Channel c is ci = c % in_group of group c / in_group, written to fold away when dense or depthwise.
        const Expr c_in_group = select(groups == 1, c, in_group == 1, 0, c % in_group);
        const Expr c_group = select(groups == 1, 0, in_group == 1, c, c / in_group);
        grad_input(c, x, y, n) = d_input(c_in_group, c_group, x, y, n);
        // Narrow maps (the CPU tile at one pixel, below) skip the taps whose output pixel lies outside grad_output
        // (skip_padding.h): input pixel x gets tap kx from the full-resolution pixel x + pad_x - kx * dilation_x,
        // on grad_output where in [0, width * stride_x).
        const bool avx512 = get_target().has_feature(Target::AVX512);
        const int tile_x = avx512 ? 7 : 6, tile_n = avx512 ? 8 : 6;
        const Expr narrow = grad_input.dim(1).extent() < tile_x && grad_input.dim(3).extent() >= tile_n;
        if (!gpu) {
            const std::vector<Var> iv = d_input.args();  // (ci, g, x, y, n)
            const RDom ir = update_domain(d_input);      // (co within group, kx, ky)
            const Expr from_x = iv[2] + pad_x - ir.y * dilation_x, from_y = iv[3] + pad_y - ir.z * dilation_y;
            restrict_update(d_input, !narrow || (from_x >= 0 && from_x < grad_output.dim(1).extent() * stride_x &&
                                                 from_y >= 0 && from_y < grad_output.dim(2).extent() * stride_y));
        }

        /* THE SCHEDULE */
        estimate_base();
        estimates.estimate_weights(weights_t, true);
        estimates.estimate_input(grad_input);
        if (auto_schedule) return;  // the schedule experiments: an autoscheduler's schedule instead of this one
        const std::vector<RVar> rd = d_input.rvars();  // (co within group, kx, ky)
        const Var dj = d_full.args()[0], dn = d_full.args()[4];
        const Var dci = d_input.args()[0], dg = d_input.args()[1], dx = d_input.args()[2];

        if (gpu) {
            // The scatter: one thread per (channel, image) for the whole map, so no two threads add to one
            // element. The transposed convolution: the forward's register tile (conv_algorithm.h).
            Var jo("jo"), ji("ji");
            d_full.compute_root().gpu_tile(dj, dn, jo, ji, 32, 1, TailStrategy::GuardWithIf);
            d_full.update().gpu_tile(dj, dn, jo, ji, 32, 1, TailStrategy::GuardWithIf);
            schedule_gpu_register_tile(grad_input, d_input, 2);  // d_input (ci, g, x, y, n)
            return;
        }
        const int vector = natural_vector_size<float>();
        // The forward's register tile, transposed: 2 vectors of input channels x tile_x columns of accumulators,
        // 2 weight vectors, 1 broadcast of d_full: 2 x 7 + 2 + 1 = 17 of AVX-512's 32 registers (2 x 6 + 3 = 15 of
        // AVX2's 16); 7 columns divide the zoo's maps.
        const int tile_c = 2 * vector;
        // The accumulators' storage is constant, so that LLVM keeps them in registers (as in the forward). A
        // grouped layer's tile holds whole groups: up to kMaxTileGroup channels per group (ResNeXt has 4 to 32);
        // wider groups that tiles do not divide are a pipeline error naming the layer.
        const int kMaxTileGroup = 64;
        Var cco("cco"), xo("xo"), cv("cv"), ni("ni");
        // Narrow maps (fewer columns than the tile: the 4, 2 and 1 px maps of 32 px images), as in the forward:
        // the tile runs along tile_n images at one pixel, 2 x 8 + 2 + 1 = 19 of AVX-512's 32 registers (2 x 6
        // + 3 = 15 of AVX2's 16). The outer loop over blocks of tile_n images keeps the name n, where the
        // scattered gradient is computed (then for the block's images). The batch must fill one tile, as the
        // last tile shifts inwards to keep the unrolled extent constant.
        Stage narrow_tile = grad_input.specialize(narrow)
            .split(c, cco, c, tile_c, TailStrategy::GuardWithIf)
            .split(x, xo, x, 1)
            .split(n, n, ni, tile_n, TailStrategy::ShiftInwards)
            .reorder(c, x, ni, xo, cco, y, n)
            .parallel(n)
            .vectorize(c, vector, TailStrategy::GuardWithIf)
            .unroll(ni);
        grad_input.split(c, cco, c, tile_c, TailStrategy::GuardWithIf)
            .split(x, xo, x, tile_x, TailStrategy::GuardWithIf)
            .reorder(c, x, xo, cco, y, n)
            .parallel(n)  // images in parallel: late in a network a map has too few rows to share out
            .vectorize(c, vector, TailStrategy::GuardWithIf);
        // Each image's scattered gradient (a narrow tile's block of images') is computed whole (as a scatter is
        // wherever it is placed) by the thread that then runs that image's rows.
        d_full.compute_at(grad_input, n).vectorize(dj, vector, TailStrategy::GuardWithIf);
        d_full.update().vectorize(dj, vector, TailStrategy::GuardWithIf);
        const Var dimage = d_input.args()[4];
        d_input.compute_at(grad_input, xo).bound_storage(dci, kMaxTileGroup).bound_storage(dx, tile_x)
            .bound_storage(dimage, tile_n);
        // Depthwise (one channel per group): the vectors run along groups instead. A specialization inherits
        // the schedule so far, so it is made first.
        const Expr depthwise = in_group == 1 && out_group == 1;
        d_input.specialize(depthwise).vectorize(dg, vector, TailStrategy::GuardWithIf).unroll(dx);
        d_input.update().specialize(depthwise).reorder(dg, dx, rd[0], rd[1], rd[2])
            .vectorize(dg, vector, TailStrategy::GuardWithIf).unroll(dx);
        // Tiles of tile_c channels: one per grad_input tile when dense; grouped, the tile covers the group.
        Var dco("dco");
        d_input.specialize(narrow)
            .split(dci, dco, dci, tile_c, TailStrategy::GuardWithIf)
            .split(dci, cv, dci, vector, TailStrategy::GuardWithIf)
            .vectorize(dci).unroll(cv).unroll(dimage);
        d_input.update().specialize(narrow)
            .split(dci, dco, dci, tile_c, TailStrategy::GuardWithIf)
            .split(dci, cv, dci, vector, TailStrategy::GuardWithIf)
            .reorder(dci, cv, dimage, rd[0], rd[1], dx, rd[2], dco)  // dx (one pixel) bounds the kx loop
            .vectorize(dci)
            .unroll(cv)
            .unroll(dimage);
        d_input.split(dci, dco, dci, tile_c, TailStrategy::GuardWithIf)
            .split(dci, cv, dci, vector, TailStrategy::GuardWithIf)
            .vectorize(dci).unroll(cv).unroll(dx);
        d_input.update()
            .split(dci, dco, dci, tile_c, TailStrategy::GuardWithIf)
            .split(dci, cv, dci, vector, TailStrategy::GuardWithIf)
            .reorder(dci, cv, dx, rd[0], rd[1], rd[2], dco)
            .vectorize(dci)
            .unroll(cv)
            .unroll(dx);
        for (Stage stage : {narrow_tile, Stage(grad_input)}) {
            stage.specialize(groups == 1);
            stage.specialize(in_group == 1);
        }
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::ConvGradWeights, conv2d_grad_weights)
HALIDE_REGISTER_GENERATOR(antialiased::ConvGradInput, conv2d_grad_input)
