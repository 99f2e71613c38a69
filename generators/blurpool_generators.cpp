// BlurPool forward and backward generators. Both take the same runtime parameters, so one compiled
// library per target serves every filter size 1..7, stride, pad type and pad offset, 2-D and 1-D.
//
// Buffers are (c, x, y, n), channels innermost (see blurpool_algorithm.h), with all mins 0. The caller sizes
// `output` / `grad_output` as floor((size - 1 + 2 * pad_off) / stride) + 1 per axis and checks the parameters
// (runtime/blurpool.cc); the pipelines trust them.
#include "Halide.h"
#include "adjoint_region.h"
#include "blurpool_algorithm.h"
#include "estimates.h"
#include "max_pool_algorithm.h"

#include <limits>

namespace antialiased {
namespace {

using namespace Halide;

// CUDA warps are 32 threads wide. On the CPU, vectors are the target's natural width (8 floats with AVX2,
// 16 with AVX-512).
constexpr int kGpuWarp = 32;
constexpr int kNoLimit = std::numeric_limits<int>::max();

// The parameters shared by both generators.
template <typename T>
class BlurPoolGeneratorBase : public Generator<T> {
  public:
    template <typename V>
    using Input = typename Generator<T>::template Input<V>;

    Input<Buffer<float>> input{"input", 4};
    Input<int> filt_x{"filt_x", 4, 1, kMaxFilterSize};
    Input<int> filt_y{"filt_y", 4, 1, kMaxFilterSize};
    Input<int> stride_x{"stride_x", 2, 1, kNoLimit};
    Input<int> stride_y{"stride_y", 2, 1, kNoLimit};
    Input<int> pad_type{"pad_type", int(PadType::kReflect), int(PadType::kReflect), int(PadType::kZero)};
    Input<int> pad_off_x{"pad_off_x", 0, 0, kNoLimit};
    Input<int> pad_off_y{"pad_off_y", 0, 0, kNoLimit};
    // The input map an autoscheduler plans for (bench/layers.bzl compiles a variant per BlurPool shape; filter 4,
    // stride 2, so the output is (px + 1) / 2 wide).
    MapEstimates estimates;

  protected:
    // BlurPool of `source`, a width x height map (by default the input itself).
    BlurPoolAlgorithm algorithm(Func source, Expr width = Expr(), Expr height = Expr()) {
        return BlurPoolAlgorithm(source, width.defined() ? width : input.dim(1).extent(),
                                 height.defined() ? height : input.dim(2).extent(), filt_x, filt_y, stride_x, stride_y,
                                 pad_type, pad_off_x, pad_off_y);
    }

    // The forward schedules. `source`, if defined, is a stage that produces the blurred map (a max pool):
    // it is computed per block of output rows on the CPU, per thread on the GPU.
    void schedule_forward(Func output, BlurPoolAlgorithm &blur, Func source) {
        Var c = output.args()[0], x = output.args()[1], y = output.args()[2], n = output.args()[3];
        if (this->get_target().has_gpu_feature()) {
            // One thread per output value, 32 channels x 4 columns a block; each thread blurs its own
            // filt_x columns vertically in registers (filt_x * filt_y taps, as the reference's direct 2-D filter).
            // Everything is computed at the innermost thread variable: at xi (the outer one) Halide 14 makes each
            // thread compute all 32 channels into scratch sized for 4, out of bounds (caught on pocl, tests/
            // gpu_opencl_test.cc).
            Var ci("ci"), xi("xi"), yn("yn");
            output.fuse(y, n, yn)
                .gpu_tile(c, x, ci, xi, kGpuWarp, 4, TailStrategy::GuardWithIf)
                .gpu_blocks(yn);
            blur.output.compute_at(output, ci);
            blur.output.update().unroll(blur.rx.x, kMaxFilterSize, TailStrategy::GuardWithIf);
            blur.blur_y.compute_at(output, ci);
            blur.blur_y.update().reorder(blur.ry.x, blur.x).unroll(blur.ry.x, kMaxFilterSize, TailStrategy::GuardWithIf);
            if (source.defined()) source.compute_at(output, ci);
            return;
        }
        const int vector = this->template natural_vector_size<float>();
        // Blocks of 8 output rows in parallel (a core keeps the input rows that neighbouring output rows
        // share in its own L2: 10% faster than single rows); each row computes the one row of the vertical
        // blur it needs (rows of blur_y are not shared between output rows, so nothing is recomputed) from
        // filt_y input rows (<= 7 x 112 px x 64 ch x 4 B = 200 KB). Channel vectors innermost; 4 output
        // columns (4 accumulators + 1 input vector) per tile keep the taps' loads independent.
        Var xo("xo"), yo("yo"), yn("yn");
        output.split(y, yo, y, 8, TailStrategy::GuardWithIf).fuse(yo, n, yn).parallel(yn)
            .split(x, xo, x, 4, TailStrategy::GuardWithIf)
            .vectorize(c, vector, TailStrategy::GuardWithIf);
        blur.output.compute_at(output, xo)
            .vectorize(blur.c, vector, TailStrategy::GuardWithIf);
        blur.output.update().reorder(blur.c, blur.x, blur.rx.x).unroll(blur.x)
            .vectorize(blur.c, vector, TailStrategy::GuardWithIf);
        blur.blur_y.compute_at(output, y)
            .vectorize(blur.c, vector, TailStrategy::GuardWithIf);
        blur.blur_y.update().reorder(blur.c, blur.ry.x, blur.x)
            .vectorize(blur.c, vector, TailStrategy::GuardWithIf);
        // The filter sizes the paper trains with, taps unrolled: the accumulators then stay in registers
        // (filter 4: 20% faster at 112 px, measured). Other sizes run the same loops, not unrolled.
        for (int k : {2, 3, 4, 5}) {
            blur.blur_y.update().specialize(filt_y == k).unroll(blur.ry.x);
            blur.output.update().specialize(filt_x == k).unroll(blur.rx.x);
        }
        if (source.defined()) {
            // The block's rows of the source (2 x 8 + filt_y of them), once each.
            Var sc = source.args()[0];
            source.compute_at(output, yn).vectorize(sc, vector, TailStrategy::GuardWithIf);
            source.update().vectorize(sc, vector, TailStrategy::GuardWithIf);
        }
    }

    // The planned output's size.
    int output_px() const { return (estimates.px + 1) / 2; }
    void constrain_parameters() {
        filt_x.set_estimate(4);
        filt_y.set_estimate(4);
        stride_x.set_estimate(2);
        stride_y.set_estimate(2);
        pad_type.set_estimate(int(PadType::kReflect));
        pad_off_x.set_estimate(0);
        pad_off_y.set_estimate(0);
    }
};

class BlurPoolForward : public BlurPoolGeneratorBase<BlurPoolForward> {
  public:
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        BlurPoolAlgorithm blur = algorithm(input);
        output(c, x, y, n) = blur.output(c, x, y, n);

        /* THE SCHEDULE */
        estimates.estimate(input);
        estimates.estimate(output, output_px());
        constrain_parameters();
        if (auto_schedule) return;  // the schedule experiments: an autoscheduler's schedule instead
        schedule_forward(output, blur, Func());
    }
};

// MaxPool2d(kernel, stride 1, padding) then BlurPool, the reference's "MaxBlurPool", as one stage: the
// stride-1 max-pooled map (111 x 111 x 64 at ResNet's stem) never exists whole, only a block of its rows.
class MaxBlurPoolForward : public BlurPoolGeneratorBase<MaxBlurPoolForward> {
  public:
    Input<int> max_kernel{"max_kernel", 2, 1, 64};
    Input<int> max_pad{"max_pad", 0, 0, 32};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");

        /* THE ALGORITHM */
        Func maxpooled = max_pool(input, input.dim(1).extent(), input.dim(2).extent(), max_kernel, max_kernel, 1, 1,
                                  max_pad, max_pad);
        const Expr width = input.dim(1).extent() + 2 * max_pad - max_kernel + 1;
        const Expr height = input.dim(2).extent() + 2 * max_pad - max_kernel + 1;
        BlurPoolAlgorithm blur = algorithm(maxpooled, width, height);
        output(c, x, y, n) = blur.output(c, x, y, n);

        /* THE SCHEDULE */
        estimates.estimate(input);
        estimates.estimate(output, output_px());
        constrain_parameters();
        max_kernel.set_estimate(2);
        max_pad.set_estimate(0);
        schedule_forward(output, blur, maxpooled);
    }
};

// The input gradient, from Halide's autodiff of the forward algorithm. The adjoints of the strided filters
// (through the padding, for the vertical one) are scatters, updates over reduction domains whose only pure
// dimensions are c and n (plus y for the horizontal one): they are computed per image and per block of
// channels, so both adjoints of one block stay in cache.
class BlurPoolBackward : public BlurPoolGeneratorBase<BlurPoolBackward> {
  public:
    Input<Buffer<float>> grad_output{"grad_output", 4};
    Output<Buffer<float>> grad_input{"grad_input", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        Func input_func("input_func");  // autodiff gives adjoints of Funcs, not of input buffers
        input_func(c, x, y, n) = input(c, x, y, n);
        BlurPoolAlgorithm blur = algorithm(input_func);

        // Reads outside grad_output (the transposed filter reaches past its edges) are zero.
        Func upstream = BoundaryConditions::constant_exterior(grad_output, 0.0f);
        Derivative adjoint = propagate_adjoints(blur.output, upstream, adjoint_region(grad_output));
        // Scatter targets, in the order they are produced: d(blur_y) from grad_output, d(input) from d(blur_y)
        // through the padding's index map.
        Func d_blur_y = adjoint(blur.blur_y, 0);
        Func d_input = adjoint(input_func);
        grad_input(c, x, y, n) = d_input(c, x, y, n);

        /* THE SCHEDULE */
        estimates.estimate(input);
        estimates.estimate(grad_output, output_px());
        estimates.estimate(grad_input);
        constrain_parameters();
        if (auto_schedule) return;  // the schedule experiments: an autoscheduler's schedule instead
        // Loop orders of the scatters, innermost first, in the adjoints' own names: channels, then the
        // contiguous spatial axis, then the taps, then the rows, so each row of the target is revisited while
        // it is in L1.
        const std::vector<VarOrRVar> d_blur_y_order = {d_blur_y.args()[0], reduction_var(d_blur_y, 1),
                                                      reduction_var(d_blur_y, 0), d_blur_y.args()[2]};
        const std::vector<VarOrRVar> d_input_order = {d_input.args()[0], reduction_var(d_input, 0),
                                                     reduction_var(d_input, 2), reduction_var(d_input, 1)};
        d_blur_y.update().reorder(d_blur_y_order);
        d_input.update().reorder(d_input_order);

        const Func chain[] = {d_blur_y, d_input};
        if (get_target().has_gpu_feature()) {
            // Each adjoint is one kernel pair over the whole tensor, one thread per (channel, image): the
            // scatters' reduction loops run inside each thread, so no two threads ever add to one element.
            for (Func f : chain) {
                Var fc = f.args()[0], fn = f.args()[3], fco("fco"), fci("fci");
                f.compute_root().gpu_tile(fc, fn, fco, fci, kGpuWarp, 1, TailStrategy::GuardWithIf);
                f.update().gpu_tile(fc, fn, fco, fci, kGpuWarp, 1, TailStrategy::GuardWithIf);
            }
            Var co("co"), ci("ci"), yn("yn");
            grad_input.fuse(y, n, yn).gpu_tile(c, x, co, ci, kGpuWarp, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
        } else {
            const int vector = natural_vector_size<float>();
            // One (image, block of 4 vectors of channels) at a time per core. The scatters compute their
            // target indices in scalar code once per block, so 4 vectors amortize that 4x better than one (2.5x
            // faster at 14 px, measured); the block's adjoints take 64 ch x 4 B x (31 x 14 + 28 x 28) = 310 KB
            // at 28 px (L2 is 1 MB), and stream through L3 at 112 px, where C = 64 is one block anyway.
            const int block = 4 * vector;
            Var co("co");
            grad_input.split(c, co, c, block, TailStrategy::GuardWithIf)
                .reorder(c, x, y, co, n).fuse(co, n, co).parallel(co)
                .vectorize(c);
            for (Func f : chain) {
                Var fc = f.args()[0];
                f.compute_at(grad_input, co).vectorize(fc, block, TailStrategy::GuardWithIf);
                f.update().vectorize(fc, block, TailStrategy::GuardWithIf);
            }
        }
    }

  private:
    // The i-th reduction variable of f's (only) update, which autodiff named.
    static RVar reduction_var(Func f, int i) {
        return RVar(f.function().update(0).schedule().rvars().at(i).var);
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::BlurPoolForward, blurpool_forward)
HALIDE_REGISTER_GENERATOR(antialiased::MaxBlurPoolForward, max_blurpool_forward)
HALIDE_REGISTER_GENERATOR(antialiased::BlurPoolBackward, blurpool_backward)
