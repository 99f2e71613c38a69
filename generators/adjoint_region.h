// The output region handed to Halide 14's propagate_adjoints(output, adjoint, region). Its Ranges are read
// as (min, max - min), not (min, extent): Derivative.cpp turns each into Interval(min, min + extent), and its
// own Buffer overload passes extent - 1. With (min, extent) every reduction autodiff builds over the output
// would run one element past each dimension's end (a 1 x 1 map's weight gradient would sum 2 x 2 terms).
#pragma once

#include "Halide.h"

namespace antialiased {

inline Halide::Range adjoint_range(Halide::Expr min, Halide::Expr extent) { return {min, extent - 1}; }

// The whole of `buffer`'s domain.
template <typename BufferInput>
Halide::Region adjoint_region(const BufferInput &buffer) {
    Halide::Region region;
    for (int d = 0; d < buffer.dimensions(); d++)
        region.push_back(adjoint_range(buffer.dim(d).min(), buffer.dim(d).extent()));
    return region;
}

}  // namespace antialiased
