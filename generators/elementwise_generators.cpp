// Per-element stages: inference batch norm with an activation (y = act(x * scale[c] + shift[c]), also plain
// ReLU with scale 1, shift 0), and the residual add with an activation (y = act(a + b)).
// Buffers are (c, x, y, n), channels innermost, mins 0.
#include "Halide.h"
#include "activation.h"

namespace antialiased {
namespace {

using namespace Halide;

// All maps start at 0; estimates are a ResNet-50 map at 56 px.
template <typename Buffer>
void constrain(Buffer &map) {
    for (int d = 0; d < 4; d++) map.dim(d).set_min(0).set_estimate(0, d == 0 ? 64 : d == 3 ? 16 : 56);
}

// Rows in parallel, two vectors of channels per step (the loads of one step are independent).
void schedule_elementwise(const Target &target, Func output) {
    Var c = output.args()[0], x = output.args()[1], y = output.args()[2], n = output.args()[3], yn("yn");
    if (target.has_gpu_feature()) {
        Var ci("ci"), xi("xi");
        output.fuse(y, n, yn).gpu_tile(c, x, ci, xi, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
        return;
    }
    const int vector = target.natural_vector_size<float>();
    output.fuse(y, n, yn).parallel(yn).vectorize(c, 2 * vector, TailStrategy::GuardWithIf);
}

class ScaleShift : public Generator<ScaleShift> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> scale{"scale", 1};
    Input<Buffer<float>> shift{"shift", 1};
    Input<int> activation{"activation", kRelu, kNoActivation, kRelu6};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        output(c, x, y, n) = activate(input(c, x, y, n) * scale(c) + shift(c), activation);
        scale.dim(0).set_min(0).set_estimate(0, 64);
        shift.dim(0).set_min(0).set_estimate(0, 64);
        constrain(input);
        constrain(output);
        schedule_elementwise(get_target(), output);
    }
};

class AddActivate : public Generator<AddActivate> {
  public:
    Input<Buffer<float>> a{"a", 4};
    Input<Buffer<float>> b{"b", 4};
    Input<int> activation{"activation", kRelu, kNoActivation, kRelu6};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        output(c, x, y, n) = activate(a(c, x, y, n) + b(c, x, y, n), activation);
        constrain(a);
        constrain(b);
        constrain(output);
        schedule_elementwise(get_target(), output);
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::ScaleShift, scale_shift)
HALIDE_REGISTER_GENERATOR(antialiased::AddActivate, add_activate)
