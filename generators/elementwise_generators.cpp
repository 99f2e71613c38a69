// Per-element stages: inference batch norm with an activation (y = act(x * scale[c] + shift[c]), also plain
// ReLU with scale 1, shift 0), the residual add with an activation (y = act(a + b)), for training the
// activations' gradient and dropout, and the copies between a map and a range of another's channels (DenseNet's
// concatenation and its gradient's split: as stages they run where the maps are, so a network on the GPU keeps
// them there). Buffers are (c, x, y, n), channels innermost, mins 0.
#include "Halide.h"
#include "adjoint_region.h"
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
    Input<int> activation{"activation", int(Activation::kRelu), int(Activation::kNone), int(Activation::kRelu6)};
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
    Input<int> activation{"activation", int(Activation::kRelu), int(Activation::kNone), int(Activation::kRelu6)};
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

// d(loss)/d(input) of an activation, from its output: ReLU and ReLU6 have the same derivative at their input as
// at their output (1 inside (0, 6), 0 outside and at the ends, as torch's threshold/hardtanh backward), so
// training keeps only the output, like torch's in-place ReLU. The derivative is autodiff's, of activate().
class ActivationBackward : public Generator<ActivationBackward> {
  public:
    Input<Buffer<float>> output{"output", 4};
    Input<Buffer<float>> grad_output{"grad_output", 4};
    Input<int> activation{"activation", int(Activation::kRelu), int(Activation::kNone), int(Activation::kRelu6)};
    Output<Buffer<float>> grad_input{"grad_input", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        Func value("value"), activated("activated");
        value(c, x, y, n) = output(c, x, y, n);
        activated(c, x, y, n) = activate(value(c, x, y, n), activation);
        const Region region = adjoint_region(grad_output);
        Derivative d = propagate_adjoints(activated, grad_output, region);
        grad_input(c, x, y, n) = d(value)(c, x, y, n);
        constrain(output);
        constrain(grad_output);
        constrain(grad_input);
        schedule_elementwise(get_target(), grad_input);
    }
};

// Inverted dropout (torch.nn.Dropout in training): each element is zeroed with probability p, the rest scaled
// by 1 / (1 - p). The mask is a hash of (seed, element index), not a stored tensor: the backward stage (autodiff
// of the same algorithm) regenerates it, and a seed gives the same mask on CPU and GPU.
struct DropoutAlgorithm {
    Var c{"c"}, x{"x"}, y{"y"}, n{"n"};
    Func output{"dropout"};

    DropoutAlgorithm(Func input, Expr channels, Expr width, Expr height, Expr p, Expr seed) {
        // The element's index in the map, mixed with the seed by a 32-bit finalizer (MurmurHash3's fmix32).
        const Expr index = cast<uint32_t>(((n * height + y) * width + x) * channels + c);
        Expr h = index ^ (cast<uint32_t>(seed) * Expr(uint32_t(0x9e3779b9u)));
        h = (h ^ (h >> 16)) * Expr(uint32_t(0x85ebca6bu));
        h = (h ^ (h >> 13)) * Expr(uint32_t(0xc2b2ae35u));
        h = h ^ (h >> 16);
        const Expr uniform = cast<float>(h >> 8) * (1.0f / (1 << 24));  // in [0, 1), 24 bits
        output(c, x, y, n) = select(uniform >= p, input(c, x, y, n) / (1.0f - p), 0.0f);
    }
};

class DropoutForward : public Generator<DropoutForward> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<float> p{"p", 0.5f, 0.0f, 0.999f};
    Input<int> seed{"seed", 0};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        DropoutAlgorithm dropout(input, input.dim(0).extent(), input.dim(1).extent(), input.dim(2).extent(), p, seed);
        output(dropout.c, dropout.x, dropout.y, dropout.n) = dropout.output(dropout.c, dropout.x, dropout.y, dropout.n);
        constrain(input);
        constrain(output);
        schedule_elementwise(get_target(), output);
    }
};

class DropoutBackward : public Generator<DropoutBackward> {
  public:
    Input<Buffer<float>> grad_output{"grad_output", 4};
    Input<float> p{"p", 0.5f, 0.0f, 0.999f};
    Input<int> seed{"seed", 0};
    Output<Buffer<float>> grad_input{"grad_input", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        Func input("input");  // dropout is linear: its input's values do not enter the gradient
        input(c, x, y, n) = 0.0f;
        DropoutAlgorithm dropout(input, grad_output.dim(0).extent(), grad_output.dim(1).extent(),
                                 grad_output.dim(2).extent(), p, seed);
        const Region region = adjoint_region(grad_output);
        Derivative d = propagate_adjoints(dropout.output, grad_output, region);
        grad_input(c, x, y, n) = d(input)(c, x, y, n);
        constrain(grad_output);
        constrain(grad_input);
        schedule_elementwise(get_target(), grad_input);
    }
};

// `output`'s channels [offset, offset + input channels) become `input`; the others are left as they are (the
// pure definition is undef: no store), so the inputs of one concatenation are written one after another into
// the same map, without cropping it (a crop of a buffer on an OpenCL device is not a view of it).
class ChannelsInto : public Generator<ChannelsInto> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<int> offset{"offset", 0};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n"), yn("yn");
        RDom r(0, input.dim(0).extent(), "r");
        output(c, x, y, n) = undef<float>();
        output(offset + r, x, y, n) = input(r, x, y, n);
        constrain(input);
        constrain(output);
        // As schedule_elementwise, over the input's channels r: each lands on its own output channel, so the
        // loop over r has no hazard and runs as a pure one would.
        RVar ro("ro"), ri("ri");
        Stage copy = output.update().fuse(y, n, yn);
        if (get_target().has_gpu_feature()) {
            Var xo("xo"), xi("xi");
            copy.split(r, ro, ri, 32, TailStrategy::GuardWithIf)
                .split(x, xo, xi, 4, TailStrategy::GuardWithIf)
                .reorder(ri, xi, ro, xo, yn)
                .gpu_threads(ri, xi)
                .gpu_blocks(ro, xo, yn);
            return;
        }
        const int vector = get_target().natural_vector_size<float>();
        copy.parallel(yn).split(r, ro, ri, 2 * vector, TailStrategy::GuardWithIf).vectorize(ri);
    }
};

// The channels [offset, offset + output channels) of `input`.
class ChannelsFrom : public Generator<ChannelsFrom> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<int> offset{"offset", 0};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        output(c, x, y, n) = input(c + offset, x, y, n);
        constrain(input);
        constrain(output);
        schedule_elementwise(get_target(), output);
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::ScaleShift, scale_shift)
HALIDE_REGISTER_GENERATOR(antialiased::AddActivate, add_activate)
HALIDE_REGISTER_GENERATOR(antialiased::ActivationBackward, activation_backward)
HALIDE_REGISTER_GENERATOR(antialiased::DropoutForward, dropout_forward)
HALIDE_REGISTER_GENERATOR(antialiased::DropoutBackward, dropout_backward)
HALIDE_REGISTER_GENERATOR(antialiased::ChannelsInto, channels_into)
HALIDE_REGISTER_GENERATOR(antialiased::ChannelsFrom, channels_from)
