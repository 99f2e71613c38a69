// The convolution algorithm (PyTorch's Conv2d: zero padding, stride, dilation, groups), shared by the forward
// stage and the weight-gradient stage, which differentiates it.
#pragma once

#include "Halide.h"

namespace antialiased {

struct ConvGeometry {
    Halide::Expr kernel_x, kernel_y, stride_x, stride_y, pad_x, pad_y, dilation_x, dilation_y, groups;
    Halide::Expr in_group, out_group;  // input and output channels per group
};

// The input seen by the convolution: zero outside width x height (PyTorch's zero padding).
inline Halide::Func zero_padded(Halide::Func input, Halide::Expr width, Halide::Expr height) {
    using namespace Halide;
    Func padded("padded");
    padded(_) = BoundaryConditions::constant_exterior(input, 0.0f,
                                                      {{Expr(), Expr()}, {0, width}, {0, height}, {Expr(), Expr()}})(_);
    return padded;
}

// conv(co, x, y, n) = bias(co) + sum over (ci, kx, ky) of weights(co, ci, kx, ky) * padded(channel, x * stride_x +
// kx * dilation_x - pad_x, ..., n), channel = ci within co's group; `padded` is the input, zero outside its map.
// The channel is written so that with groups == 1 it simplifies to ci: one input value broadcast to a vector
// of output channels, not a gather; and every weight access is by the pure (co) and the reduction variables,
// so the weights' adjoint is a pure reduction over (x, y, n).
// With out_block > 0 the output channels come in blocks of that many: conv(coi, cob, x, y, n) is channel
// co = cob * out_block + coi, read from weights(coi, ci, kx, ky, cob) and bias(coi, cob). That is the weight
// gradient's layout: its accumulators then have constant strides (see conv_backward_generators.cpp).
inline Halide::Func conv2d(Halide::Func padded, Halide::Func weights, Halide::Func bias, const ConvGeometry &g,
                           int out_block = 0) {
    using namespace Halide;
    Var co("co"), cob("cob"), x("x"), y("y"), n("n");
    RDom r(0, g.in_group, 0, g.kernel_x, 0, g.kernel_y, "r");
    const Expr out_channel = out_block > 0 ? cob * out_block + co : Expr(co);
    // Clamped for bounds inference only (the value is always in range): without it, the required input region of
    // an unspecialized schedule (an autoscheduler's) comes out below 0.
    const Expr channel = select(g.groups == 1, r.x,
                                clamp((out_channel / g.out_group) * g.in_group + r.x, 0, g.in_group * g.groups - 1));
    std::vector<Var> out_args{co}, args;
    std::vector<Expr> weight_args{co, r.x, r.y, r.z};
    if (out_block > 0) {
        out_args.push_back(cob);
        weight_args.push_back(cob);
    }
    args = out_args;
    args.insert(args.end(), {x, y, n});
    Func conv("conv");
    conv(args) = bias(out_args);
    conv(args) += weights(weight_args) * padded(channel, x * g.stride_x + r.y * g.dilation_x - g.pad_x,
                                                y * g.stride_y + r.z * g.dilation_y - g.pad_y, n);
    return conv;
}

}  // namespace antialiased
