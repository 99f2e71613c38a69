// Skipping the taps of a convolution (or of its gradients) that read zero padding, instead of multiplying by
// zero: on maps not much larger than the kernel most of the work (a 3x3 layer with padding 1 reads padding with 5
// of its 9 taps on a 2 px map, 7 of 16 on a 4 px map). The sum is unchanged: only terms that are exactly zero
// (for finite weights) are left out.
#pragma once

#include "Halide.h"

namespace antialiased {

// The reduction domain of the first update of `f` (Func::rvars() names its variables but cannot stand in
// expressions).
inline Halide::RDom update_domain(Halide::Func f) {
    class FindDomain : public Halide::Internal::IRVisitor {
      public:
        Halide::Internal::ReductionDomain domain;

      protected:
        using Halide::Internal::IRVisitor::visit;
        void visit(const Halide::Internal::Variable *op) override {
            if (op->reduction_domain.defined()) domain = op->reduction_domain;
        }
    } find;
    for (const Halide::Expr &value : f.function().update(0).values()) value.accept(&find);
    return Halide::RDom(find.domain);
}

// Restricts the first update of `f` to the points where `condition` holds, as RDom::where would have (for a
// Func that autodiff or a shared algorithm defined). Halide turns an inequality between a loop variable and
// outer ones into that loop's bounds: an inner tap loop then starts and ends at the live taps, with no test per
// point; a test on a variable inside the register tile would be a branch per tile column, so callers restrict
// only where the schedule keeps the tested variables outside the tile.
inline void restrict_update(Halide::Func f, const Halide::Expr &condition) {
    Halide::Internal::Definition &update = f.function().update(0);
    update.predicate() = Halide::Internal::simplify(update.predicate() && condition);
}

// Whether position * stride + tap * dilation - padding, the input pixel that a tap reads, lies in [0, size); as
// bounds on `position`, the divisions on the other side, so that Halide can make them the bounds of a position
// loop inside the tap loop (it cannot divide a loop variable's inequality by the runtime stride).
inline Halide::Expr reads_inside(const Halide::Expr &position, const Halide::Expr &stride, const Halide::Expr &tap,
                                 const Halide::Expr &dilation, const Halide::Expr &padding, const Halide::Expr &size) {
    const Halide::Expr offset = tap * dilation - padding;  // reads position * stride + offset
    // Halide's integer division rounds down: the first position is ceil(-offset / stride) = -floor(offset / stride).
    return position >= -(offset / stride) && position <= (size - 1 - offset) / stride;
}

}  // namespace antialiased
