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

// The GPU schedule of a convolution's output (c, x, y, n) and of `sum`, the reduction it reads (the forward's
// accumulation, or the input gradient's transposed one; its x is argument `x_arg`, its other pure arguments
// one value per output element): a register tile per thread, one channel x kGpuTileColumns columns of
// accumulators, so that each weight a thread loads feeds that many multiply-adds (one thread per output value
// loaded a weight per multiply-add). A block is 32 channel threads (a warp: the weights' blocks of 32 channels
// make their loads one coalesced row, and the warp's threads read the same input value, one broadcast) x 4
// column threads. The reduction runs in the thread, computed at the innermost thread variable (at an outer one
// each thread would compute the whole block's values).
inline void schedule_gpu_register_tile(Halide::Func output, Halide::Func sum, int x_arg) {
    using namespace Halide;
    constexpr int kGpuTileColumns = 4;
    const std::vector<Var> o = output.args(), s = sum.args();
    Var cb("cb"), xb("xb"), ct("ct"), xt("xt"), xr("xr"), yn("yn");
    output.fuse(o[2], o[3], yn)
        .tile(o[0], o[1], cb, xb, ct, xt, 32, 4 * kGpuTileColumns, TailStrategy::GuardWithIf)
        .split(xt, xt, xr, kGpuTileColumns)
        .reorder(xr, ct, xt, cb, xb, yn)
        .unroll(xr)
        .gpu_blocks(cb, xb, yn)
        .gpu_threads(ct, xt);
    sum.compute_at(output, ct).store_in(MemoryType::Register).unroll(s[x_arg]);
    // Constant extents for the accumulators (the guard on the map's last columns would make them variables;
    // the stages' inputs are defined past the map).
    for (int d = 0; d < int(s.size()); d++) sum.bound_extent(s[d], d == x_arg ? kGpuTileColumns : 1);
    std::vector<VarOrRVar> order = {s[x_arg]};
    for (const RVar &r : sum.rvars()) order.push_back(r);
    sum.update().reorder(order).unroll(s[x_arg]);
}

}  // namespace antialiased
