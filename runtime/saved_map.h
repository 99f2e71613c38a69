// What a layer keeps from forward_train for its backward pass: a map, or only the means to make it again.
//
// A batch norm's output is cheap to recompute from the batch norm's input, which the batch norm keeps anyway
// (its backward needs it), so the convolution after it need not hold that full-size map from the forward pass
// to the backward one: it keeps the recipe and the map is made again, once, when the backward pass gets there.
// (The stride-1 maps of an anti-aliased network, BlurPool's inputs, are such maps.) Producers offer their
// output's recipe in the TrainContext; the next layer that keeps that very map takes the offer instead.
#pragma once

#include <functional>

#include "runtime/tensor.h"

namespace antialiased {

using Recompute = std::function<Tensor()>;

// The last map offered for recomputation and its recipe; a layer that keeps it takes the offer.
struct RecomputeOffer {
    Tensor map;
    Recompute recompute;

    void clear() { *this = RecomputeOffer(); }
    // The recipe when the offer is for `map` (the same storage and shape), else an empty function.
    Recompute recipe_for(const Tensor &map) const;
};

class SavedMap {
  public:
    // Keeps `map`, or only its recipe when `offer` is for that map (then the offer is taken).
    void keep(const Tensor &map, RecomputeOffer &offer);
    // The kept map, recomputed if only its recipe was kept; this is empty afterwards.
    Tensor take();

  private:
    Tensor map_;
    Recompute recompute_;
};

}  // namespace antialiased
