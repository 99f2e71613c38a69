// What an autoscheduler plans a stage for: the shape of its buffers, as generator parameters, so that the
// schedule experiments (bench/layers.bzl) compile a variant of each stage per shape of a network. A generator holds
// one of these as a member (Halide finds generator parameters anywhere inside the generator object). Estimates
// only describe the buffers to the autoschedulers and the metadata (bench/stage_schedules times every variant on
// buffers of its estimated shape): the hand schedules never read them.
#pragma once

#include "Halide.h"

namespace antialiased {

// A 4-D buffer: mins 0, estimated with `extents`.
template <typename Buffer>
void estimate_4d(Buffer &buffer, const int (&extents)[4]) {
    for (int d = 0; d < 4; d++) buffer.dim(d).set_min(0).set_estimate(0, extents[d]);
}

// `map` (c, x, y, n), estimated as channels x size x size x batch.
template <typename Map>
void estimate_map(Map &map, int channels, int size, int batch) {
    estimate_4d(map, {channels, size, size, batch});
}

// A (channels, px, px, batch) map, the stages that work on whole maps (BlurPool, batch norm).
struct MapEstimates {
    Halide::GeneratorParam<int> channels{"estimate_channels", 64};
    Halide::GeneratorParam<int> px{"estimate_px", 56};
    Halide::GeneratorParam<int> batch{"estimate_batch", 16};

    // `map` (c, x, y, n): mins 0, estimated as the planned map, or as one `size` px wide and high.
    template <typename Map>
    void estimate(Map &map, int size = 0) const {
        estimate_map(map, channels, size ? size : int(px), batch);
    }
    // `vector` (c), estimated as the planned channels.
    template <typename Vector>
    void estimate_channels(Vector &vector) const {
        vector.dim(0).set_estimate(0, channels);
    }
};

// A convolution layer and its batch: in -> out channels, kernel x kernel at `stride` with padding kernel / 2, on
// a px x px input (the convolution stages: forward and both gradients).
struct ConvEstimates {
    Halide::GeneratorParam<int> in{"estimate_in", 64};
    Halide::GeneratorParam<int> out{"estimate_out", 64};
    Halide::GeneratorParam<int> kernel{"estimate_kernel", 3};
    Halide::GeneratorParam<int> stride{"estimate_stride", 1};
    Halide::GeneratorParam<int> px{"estimate_px", 56};
    Halide::GeneratorParam<int> batch{"estimate_batch", 16};

    int padding() const { return kernel / 2; }
    int out_px() const { return (px + 2 * padding() - kernel) / stride + 1; }
    // The layer's input map (c, x, y, n), or its output's.
    template <typename Map>
    void estimate_input(Map &map) const {
        estimate_map(map, in, px, batch);
    }
    template <typename Map>
    void estimate_output(Map &map) const {
        estimate_map(map, out, out_px(), batch);
    }
    // The layer's weights (co, ci, kx, ky) as the gradient stages take them, or transposed, (ci, co, kx, ky).
    template <typename Weights>
    void estimate_weights(Weights &weights, bool transposed = false) const {
        estimate_4d(weights, {transposed ? in : out, transposed ? out : in, kernel, kernel});
    }
    // The geometry's scalar inputs: a dense, undilated layer.
    template <typename Scalar>
    void estimate_geometry(Scalar &stride_x, Scalar &stride_y, Scalar &pad_x, Scalar &pad_y, Scalar &dilation_x,
                           Scalar &dilation_y, Scalar &groups) const {
        for (Scalar *s : {&stride_x, &stride_y}) s->set_estimate(stride);
        for (Scalar *s : {&pad_x, &pad_y}) s->set_estimate(padding());
        for (Scalar *s : {&dilation_x, &dilation_y, &groups}) s->set_estimate(1);
    }
};

}  // namespace antialiased
