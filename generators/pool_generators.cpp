// Pooling, PyTorch's semantics: MaxPool2d (any kernel, stride and padding; padding never wins the max) and
// AvgPool2d / AdaptiveAvgPool2d. Buffers are (c, x, y, n), channels innermost, mins 0; the output buffer's
// size is the layer's output size, computed by the runtime.
#include "Halide.h"
#include "adjoint_region.h"
#include "max_pool_algorithm.h"

namespace antialiased {
namespace {

using namespace Halide;

template <typename In, typename Out>
void estimate_maps(In &input, Out &output, int in_size, int out_size) {
    for (int d = 0; d < 4; d++) {
        input.dim(d).set_min(0);
        output.dim(d).set_min(0);
    }
    input.dim(0).set_estimate(0, 64).dim(1).set_estimate(0, in_size).dim(2).set_estimate(0, in_size).dim(3).set_estimate(0, 16);
    output.dim(0).set_estimate(0, 64).dim(1).set_estimate(0, out_size).dim(2).set_estimate(0, out_size).dim(3).set_estimate(0, 16);
}

// Rows of the output in parallel, channel vectors innermost; the window's reduction runs per vector.
void schedule_pool(const Target &target, Func output, Func reduction, int vector) {
    Var c = output.args()[0], x = output.args()[1], y = output.args()[2], n = output.args()[3], yn("yn");
    if (target.has_gpu_feature()) {
        Var ci("ci"), xi("xi");
        output.fuse(y, n, yn).gpu_tile(c, x, ci, xi, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
        reduction.compute_at(output, ci);  // the innermost thread variable: at xi, every thread did all 32 channels
        return;
    }
    output.fuse(y, n, yn).parallel(yn).vectorize(c, vector, TailStrategy::GuardWithIf);
    reduction.compute_at(output, c).vectorize(reduction.args()[0], vector, TailStrategy::GuardWithIf);
    reduction.update().vectorize(reduction.args()[0], vector, TailStrategy::GuardWithIf);
}

class MaxPool2d : public Generator<MaxPool2d> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<int> kernel_x{"kernel_x", 2, 1, 1024};
    Input<int> kernel_y{"kernel_y", 2, 1, 1024};
    Input<int> stride_x{"stride_x", 1, 1, 1024};
    Input<int> stride_y{"stride_y", 1, 1, 1024};
    Input<int> pad_x{"pad_x", 0, 0, 1024};
    Input<int> pad_y{"pad_y", 0, 0, 1024};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");

        /* THE ALGORITHM */
        Func pooled = max_pool(input, input.dim(1).extent(), input.dim(2).extent(), kernel_x, kernel_y, stride_x,
                               stride_y, pad_x, pad_y);
        output(c, x, y, n) = pooled(c, x, y, n);

        /* THE SCHEDULE */
        estimate_maps(input, output, 112, 111);
        schedule_pool(get_target(), output, pooled, natural_vector_size<float>());
    }
};

// Scatters (the adjoints of strided windows) are computed per image and block of channels, where c and n are
// their only pure variables: both the block's gradient and its input-sized target stay in cache. A
// `scatter_input` (a Func the scatter reads per output) is computed with it, per block.
void schedule_pool_backward(const Target &target, Func grad_input, Func scatter, int vector,
                            Func scatter_input = Func()) {
    Var c = grad_input.args()[0], x = grad_input.args()[1], y = grad_input.args()[2], n = grad_input.args()[3];
    Var sc = scatter.args()[0], sn = scatter.args()[3];
    if (target.has_gpu_feature()) {
        // One thread per (channel, image): no two threads add to one element.
        Var co("co"), ci("ci"), yn("yn");
        scatter.compute_root().gpu_tile(sc, sn, co, ci, 32, 1, TailStrategy::GuardWithIf);
        if (scatter_input.defined()) {
            const std::vector<Var> w = scatter_input.args();
            Var xi("xi"), yn("yn");
            scatter_input.compute_root().fuse(w[2], w[3], yn)
                .gpu_tile(w[0], w[1], co, xi, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
        }
        for (int u = 0; u < scatter.num_update_definitions(); u++) {
            scatter.update(u).gpu_tile(sc, sn, co, ci, 32, 1, TailStrategy::GuardWithIf);
        }
        grad_input.fuse(y, n, yn).gpu_tile(c, x, co, ci, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
        return;
    }
    // One vector of channels per task: the scatter's map (its updates each pass over it) then fits in L2, 800 KB
    // for a 112 x 112 ResNet stem; 4 vectors, 3.2 MB, ran every pass from L3 (2x slower).
    const int block = vector;
    Var co("co");
    grad_input.split(c, co, c, block, TailStrategy::GuardWithIf)
        .reorder(c, x, y, co, n).fuse(co, n, co).parallel(co)
        .vectorize(c, vector, TailStrategy::GuardWithIf);
    scatter.compute_at(grad_input, co).vectorize(sc, vector, TailStrategy::GuardWithIf);
    if (scatter_input.defined()) {
        scatter_input.compute_at(grad_input, co).vectorize(scatter_input.args()[0], vector, TailStrategy::GuardWithIf);
    }
    for (int u = 0; u < scatter.num_update_definitions(); u++) {
        scatter.update(u).vectorize(sc, vector, TailStrategy::GuardWithIf);
    }
}

// The largest max-pool window the backward stage takes, per axis (the zoo's pools are 2x2 and 3x3).
constexpr int kMaxBackwardKernel = 3;

// d(loss)/d(input) of MaxPool2d: the gradient goes to the window's first maximum in row-major order (torch's
// choice on ties). Autodiff cannot differentiate a max reduction, so the window is unrolled into a chain of
// selects, each taking a later value only when it is strictly greater; kernels up to kMaxBackwardKernel.
class MaxPool2dBackward : public Generator<MaxPool2dBackward> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> grad_output{"grad_output", 4};
    Input<int> kernel_x{"kernel_x", 2, 1, kMaxBackwardKernel};
    Input<int> kernel_y{"kernel_y", 2, 1, kMaxBackwardKernel};
    Input<int> stride_x{"stride_x", 1, 1, 1024};
    Input<int> stride_y{"stride_y", 1, 1, 1024};
    Input<int> pad_x{"pad_x", 0, 0, 1024};
    Input<int> pad_y{"pad_y", 0, 0, 1024};
    Output<Buffer<float>> grad_input{"grad_input", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        const Expr lowest = Float(32).min();

        /* THE ALGORITHM */
        // Which window element wins, as its index ky * kMaxBackwardKernel + kx: the first maximum in row-major
        // order, never a position outside the map. Computed from the input buffer, which autodiff takes as a
        // constant, and once per output: the pool is then a sum of one-hot selections, whose adjoint is one
        // select per window element (a chain of selects differentiated would re-run the whole chain for each).
        Func winner("winner");
        Expr best, best_index;
        for (int ky = 0; ky < kMaxBackwardKernel; ky++) {
            for (int kx = 0; kx < kMaxBackwardKernel; kx++) {
                const Expr ix = x * stride_x + kx - pad_x, iy = y * stride_y + ky - pad_y;
                const Expr inside = kx < kernel_x && ky < kernel_y && ix >= 0 && ix < input.dim(1).extent() &&
                                    iy >= 0 && iy < input.dim(2).extent();
                const Expr v = select(inside, BoundaryConditions::repeat_edge(input)(c, ix, iy, n), lowest);
                const Expr index = ky * kMaxBackwardKernel + kx;
                if (!best.defined()) {
                    best = v, best_index = index;
                } else {
                    best_index = select(v > best, index, best_index);
                    best = select(v > best, v, best);
                }
            }
        }
        winner(c, x, y, n) = best_index;
        // repeat_edge keeps the adjoint's reads in the map (the winner is never outside it).
        Func value("value");
        value(c, x, y, n) = BoundaryConditions::repeat_edge(input)(c, x, y, n);
        Expr sum = 0.0f;
        for (int ky = 0; ky < kMaxBackwardKernel; ky++) {
            for (int kx = 0; kx < kMaxBackwardKernel; kx++) {
                const Expr ix = x * stride_x + kx - pad_x, iy = y * stride_y + ky - pad_y;
                sum += select(winner(c, x, y, n) == ky * kMaxBackwardKernel + kx, value(c, ix, iy, n), 0.0f);
            }
        }
        Func pooled("pooled");
        pooled(c, x, y, n) = sum;
        const Region region = adjoint_region(grad_output);
        Derivative d = propagate_adjoints(pooled, BoundaryConditions::constant_exterior(grad_output, 0.0f), region);
        Func d_value = d(value);
        grad_input(c, x, y, n) = d_value(c, x, y, n);

        /* THE SCHEDULE */
        estimate_maps(input, grad_output, 112, 111);
        for (int dim = 0; dim < 4; dim++) grad_input.dim(dim).set_min(0);
        schedule_pool_backward(get_target(), grad_input, d_value, natural_vector_size<float>(), winner);
    }
};

// Windows per axis: adaptive (output i averages [floor(i*H/O), ceil((i+1)*H/O))), or fixed (kernel, stride,
// zero padding counted in the divisor, as PyTorch's default count_include_pad=True). The output size O comes
// as parameters too: the algorithm cannot read its own output buffer's shape. The generator base holds what
// the forward and backward stages share: their parameters and the algorithm.
template <typename T>
class AvgPool2dBase : public Generator<T> {
  public:
    GeneratorInput<Buffer<float>> input{"input", 4};
    GeneratorInput<int> adaptive{"adaptive", 1, 0, 1};
    GeneratorInput<int> kernel_x{"kernel_x", 2, 1, 1024};
    GeneratorInput<int> kernel_y{"kernel_y", 2, 1, 1024};
    GeneratorInput<int> stride_x{"stride_x", 2, 1, 1024};
    GeneratorInput<int> stride_y{"stride_y", 2, 1, 1024};
    GeneratorInput<int> pad_x{"pad_x", 0, 0, 1024};
    GeneratorInput<int> pad_y{"pad_y", 0, 0, 1024};
    GeneratorInput<int> output_width{"output_width", 1, 1, 1 << 20};
    GeneratorInput<int> output_height{"output_height", 1, 1, 1 << 20};

  protected:
    Var c{"c"}, x{"x"}, y{"y"}, n{"n"};

    // The pooled map of `source` (c, x, y, n), with width x height pixels, and the window-sum Func to schedule.
    Func average(Func source, Func *sum) {
        const Expr in_w = input.dim(1).extent(), in_h = input.dim(2).extent();
        const Expr out_w = output_width, out_h = output_height;
        // Window start and size along one axis, for output index i.
        auto start = [&](Expr i, Expr in, Expr out, Expr stride, Expr pad) {
            return select(adaptive == 1, (i * in) / out, i * stride - pad);
        };
        auto size = [&](Expr i, Expr in, Expr out, Expr kernel) {
            return select(adaptive == 1, ((i + 1) * in + out - 1) / out - (i * in) / out, kernel);
        };
        // The largest adaptive window is ceil(in / out) + 1.
        const Expr window_x = select(adaptive == 1, (in_w + out_w - 1) / out_w + 1, kernel_x);
        const Expr window_y = select(adaptive == 1, (in_h + out_h - 1) / out_h + 1, kernel_y);
        RDom r(0, window_x, 0, window_y, "r");
        Func padded = BoundaryConditions::constant_exterior(source, 0.0f, {{Expr(), Expr()}, {0, in_w}, {0, in_h}, {Expr(), Expr()}});
        const Expr x0 = start(x, in_w, out_w, stride_x, pad_x), y0 = start(y, in_h, out_h, stride_y, pad_y);
        const Expr wx = size(x, in_w, out_w, kernel_x), wy = size(y, in_h, out_h, kernel_y);
        *sum = Func("sum");
        (*sum)(c, x, y, n) = 0.0f;
        (*sum)(c, x, y, n) += select(r.x < wx && r.y < wy, padded(c, x0 + r.x, y0 + r.y, n), 0.0f);
        Func pooled("pooled");
        pooled(c, x, y, n) = (*sum)(c, x, y, n) / cast<float>(wx * wy);
        return pooled;
    }
};

class AvgPool2d : public AvgPool2dBase<AvgPool2d> {
  public:
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Func sum;
        Func pooled = average(input, &sum);
        output(c, x, y, n) = pooled(c, x, y, n);

        /* THE SCHEDULE */
        estimate_maps(input, output, 7, 1);
        schedule_pool(get_target(), output, sum, natural_vector_size<float>());
    }
};

// d(loss)/d(input) of AvgPool2d; `input` gives only the input's shape (the pool is linear).
class AvgPool2dBackward : public AvgPool2dBase<AvgPool2dBackward> {
  public:
    Input<Buffer<float>> grad_output{"grad_output", 4};
    Output<Buffer<float>> grad_input{"grad_input", 4};

    void generate() {
        Func value("value"), sum;
        value(c, x, y, n) = 0.0f;
        Func pooled = average(value, &sum);
        const Region region = adjoint_region(grad_output);
        Derivative d = propagate_adjoints(pooled, BoundaryConditions::constant_exterior(grad_output, 0.0f), region);
        Func d_value = d(value);
        grad_input(c, x, y, n) = d_value(c, x, y, n);

        /* THE SCHEDULE */
        estimate_maps(input, grad_output, 7, 1);
        for (int dim = 0; dim < 4; dim++) grad_input.dim(dim).set_min(0);
        d(sum).compute_at(d_value, d_value.args()[3]);
        schedule_pool_backward(get_target(), grad_input, d_value, natural_vector_size<float>());
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::MaxPool2d, max_pool2d)
HALIDE_REGISTER_GENERATOR(antialiased::AvgPool2d, avg_pool2d)
HALIDE_REGISTER_GENERATOR(antialiased::MaxPool2dBackward, max_pool2d_backward)
HALIDE_REGISTER_GENERATOR(antialiased::AvgPool2dBackward, avg_pool2d_backward)
