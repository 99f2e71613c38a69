// Copies between a map and a range of another map's channels: DenseNet's concatenation (each input written into
// its channels of the concatenated map) and its gradient's split (each input's channels read back out). As
// stages they run where the maps are, so a network on the GPU keeps them there. Buffers are (c, x, y, n),
// channels innermost, mins 0.
#include "Halide.h"

namespace antialiased {
namespace {

using namespace Halide;

// All maps start at 0; estimates are a DenseNet-121 map at 28 px.
template <typename Buffer>
void constrain(Buffer &map) {
    for (int d = 0; d < 4; d++) map.dim(d).set_min(0).set_estimate(0, d == 0 ? 256 : d == 3 ? 16 : 28);
}

// `output`'s channels [offset, offset + input channels) become `input`; the others are left as they are (the
// pure definition is undef: no store), so the inputs of one concatenation are written one after another into
// the same map, without cropping it (a crop of a buffer on an OpenCL device is not a view of it).
class ChannelsInto : public Generator<ChannelsInto> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<int> offset{"offset", 0};
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        RDom r(0, input.dim(0).extent(), "r");
        output(c, x, y, n) = undef<float>();
        output(offset + r, x, y, n) = input(r, x, y, n);
        constrain(input);
        constrain(output);

        /* THE SCHEDULE */
        // Each input channel lands on its own output channel: the channel loop has no hazard and runs as pure.
        Var yn("yn");
        RVar ro("ro"), ri("ri");
        if (get_target().has_gpu_feature()) {
            // A warp per 32 channels of 4 columns, a block row per (row, image), as the per-element stages.
            Var xi("xi");
            output.update().fuse(y, n, yn).split(r, ro, ri, 32, TailStrategy::GuardWithIf).split(
                x, x, xi, 4, TailStrategy::GuardWithIf).reorder(ri, xi, ro, x, yn).gpu_threads(ri, xi).gpu_blocks(
                ro, x, yn);
            return;
        }
        const int vector = get_target().natural_vector_size<float>();
        output.update().fuse(y, n, yn).parallel(yn).split(r, ro, ri, vector, TailStrategy::GuardWithIf).vectorize(ri);
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

        /* THE SCHEDULE */
        // As the per-element stages (elementwise_generators.cpp): rows in parallel, vectors of channels; on a
        // GPU 32 channels x 4 columns a block.
        Var yn("yn");
        if (get_target().has_gpu_feature()) {
            Var ci("ci"), xi("xi");
            output.fuse(y, n, yn).gpu_tile(c, x, ci, xi, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
            return;
        }
        const int vector = get_target().natural_vector_size<float>();
        output.fuse(y, n, yn).parallel(yn).vectorize(c, vector, TailStrategy::GuardWithIf);
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::ChannelsInto, channels_into)
HALIDE_REGISTER_GENERATOR(antialiased::ChannelsFrom, channels_from)
