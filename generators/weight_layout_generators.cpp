// A convolution's weight, as Conv2d stores it ((co, ci, kx, ky), output channels innermost: the weight
// gradient's layout), into the layouts the other stages read, after every training step: the forward's blocks of
// output channels (weight_blocks.h), each scaled by its channel's scale (an absorbed batch norm), and the input
// gradient's transpose (ci, co, kx, ky). Both take the live taps alone (a view of the stored weight: any strides
// but the innermost); mins 0.
#include "Halide.h"
#include "weight_blocks.h"

namespace antialiased {
namespace {

using namespace Halide;

template <typename Weights>
void constrain_weights(Weights &weights) {
    for (int d = 0; d < 4; d++) weights.dim(d).set_min(0);
    weights.dim(0).set_estimate(0, 256).dim(1).set_estimate(0, 256).dim(2).set_estimate(0, 3).dim(3).set_estimate(0, 3);
}

class Conv2dWeightsBlocked : public Generator<Conv2dWeightsBlocked> {
  public:
    Input<Buffer<float>> weights{"weights", 4};
    Input<Buffer<float>> scale{"scale", 1};
    Output<Buffer<float>> blocked{"blocked", 5};

    void generate() {
        Var ki("ki"), ci("ci"), kx("kx"), ky("ky"), kb("kb");

        /* THE ALGORITHM */
        // Zero past the layer's channels: the last block's tail.
        Func w = BoundaryConditions::constant_exterior(weights, 0.0f);
        Func s = BoundaryConditions::constant_exterior(scale, 0.0f);
        const Expr co = kb * kWeightBlock + ki;
        blocked(ki, ci, kx, ky, kb) = w(co, ci, kx, ky) * s(co);

        /* THE SCHEDULE */
        constrain_weights(weights);
        scale.dim(0).set_min(0);
        for (int d = 0; d < 5; d++) blocked.dim(d).set_min(0);
        blocked.dim(0).set_extent(kWeightBlock);
        if (get_target().has_gpu_feature()) {
            // A thread per weight: 32 output channels (one coalesced row of the stored weight) x 4 input channels
            // a block of threads, the taps and blocks of output channels across blocks.
            Var t("t"), kio("kio"), cio("cio"), kii("kii"), cii("cii");
            blocked.fuse(kx, ky, t).fuse(t, kb, t)
                .gpu_tile(ki, ci, kio, cio, kii, cii, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(t);
            return;
        }
        // Memory-bound copies: a block's rows (one vector of output channels each) in order, blocks in parallel.
        blocked.vectorize(ki, natural_vector_size<float>()).parallel(kb);
    }
};

class Conv2dWeightsTransposed : public Generator<Conv2dWeightsTransposed> {
  public:
    Input<Buffer<float>> weights{"weights", 4};
    Output<Buffer<float>> transposed{"transposed", 4};

    void generate() {
        Var ci("ci"), co("co"), kx("kx"), ky("ky");

        /* THE ALGORITHM */
        Func w = BoundaryConditions::constant_exterior(weights, 0.0f);
        transposed(ci, co, kx, ky) = w(co, ci, kx, ky);

        /* THE SCHEDULE */
        constrain_weights(weights);
        for (int d = 0; d < 4; d++) transposed.dim(d).set_min(0);
        if (get_target().has_gpu_feature()) {
            // Through shared memory: a 32 x 32 tile read along co (coalesced), written along ci.
            Var cio("cio"), coo("coo"), cii("cii"), coi("coi"), t("t");
            transposed.fuse(kx, ky, t).gpu_tile(ci, co, cio, coo, cii, coi, 32, 32, TailStrategy::GuardWithIf)
                .gpu_blocks(t);
            w.compute_at(transposed, cio).gpu_threads(w.args()[0], w.args()[1]);
            return;
        }
        // Square tiles of one vector each way: the tile is read in vectors along co into a wrapper (16 x 16
        // floats in L1), written in vectors along ci; tiles of output channels in parallel.
        const int vector = natural_vector_size<float>();
        Var cio("cio"), coo("coo"), cii("cii"), coi("coi");
        transposed.tile(ci, co, cio, coo, cii, coi, vector, vector, TailStrategy::GuardWithIf)
            .vectorize(cii)
            .unroll(coi)
            .reorder(cii, coi, cio, kx, ky, coo)
            .parallel(coo);
        w.compute_at(transposed, cio).vectorize(w.args()[0], vector, TailStrategy::GuardWithIf).unroll(w.args()[1]);
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::Conv2dWeightsBlocked, conv2d_weights_blocked)
HALIDE_REGISTER_GENERATOR(antialiased::Conv2dWeightsTransposed, conv2d_weights_transposed)
