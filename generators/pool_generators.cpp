// Pooling, PyTorch's semantics: MaxPool2d (any kernel, stride and padding; padding never wins the max) and
// AvgPool2d / AdaptiveAvgPool2d. Buffers are (c, x, y, n), channels innermost, mins 0; the output buffer's
// size is the layer's output size, computed by the runtime.
#include "Halide.h"
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
        reduction.compute_at(output, xi);
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

// Windows per axis: adaptive (output i averages [floor(i*H/O), ceil((i+1)*H/O))), or fixed (kernel, stride,
// zero padding counted in the divisor, as PyTorch's default count_include_pad=True). The output size O comes
// as parameters too: the algorithm cannot read its own output buffer's shape.
class AvgPool2d : public Generator<AvgPool2d> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<int> adaptive{"adaptive", 1, 0, 1};
    Input<int> kernel_x{"kernel_x", 2, 1, 1024};
    Input<int> kernel_y{"kernel_y", 2, 1, 1024};
    Input<int> stride_x{"stride_x", 2, 1, 1024};
    Input<int> stride_y{"stride_y", 2, 1, 1024};
    Input<int> pad_x{"pad_x", 0, 0, 1024};
    Input<int> pad_y{"pad_y", 0, 0, 1024};
    Input<int> output_width{"output_width", 1, 1, 1 << 20};
    Input<int> output_height{"output_height", 1, 1, 1 << 20};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        const Expr in_w = input.dim(1).extent(), in_h = input.dim(2).extent();
        const Expr out_w = output_width, out_h = output_height;
        // Window start and size along one axis, for output index i.
        auto start = [&](Expr i, Expr in, Expr out, Expr stride, Expr pad) {
            return select(adaptive == 1, (i * in) / out, i * stride - pad);
        };
        auto size = [&](Expr i, Expr in, Expr out, Expr stride, Expr pad, Expr kernel) {
            return select(adaptive == 1, ((i + 1) * in + out - 1) / out - (i * in) / out, kernel);
        };
        // The largest adaptive window is ceil(in / out) + 1.
        const Expr window_x = select(adaptive == 1, (in_w + out_w - 1) / out_w + 1, kernel_x);
        const Expr window_y = select(adaptive == 1, (in_h + out_h - 1) / out_h + 1, kernel_y);
        RDom r(0, window_x, 0, window_y, "r");

        /* THE ALGORITHM */
        Func padded = BoundaryConditions::constant_exterior(input, 0.0f);
        const Expr x0 = start(x, in_w, out_w, stride_x, pad_x), y0 = start(y, in_h, out_h, stride_y, pad_y);
        const Expr wx = size(x, in_w, out_w, stride_x, pad_x, kernel_x), wy = size(y, in_h, out_h, stride_y, pad_y, kernel_y);
        Func sum("sum");
        sum(c, x, y, n) = 0.0f;
        sum(c, x, y, n) += select(r.x < wx && r.y < wy, padded(c, x0 + r.x, y0 + r.y, n), 0.0f);
        output(c, x, y, n) = sum(c, x, y, n) / cast<float>(wx * wy);

        /* THE SCHEDULE */
        estimate_maps(input, output, 7, 1);
        schedule_pool(get_target(), output, sum, natural_vector_size<float>());
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::MaxPool2d, max_pool2d)
HALIDE_REGISTER_GENERATOR(antialiased::AvgPool2d, avg_pool2d)
