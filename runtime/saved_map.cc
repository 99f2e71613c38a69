#include "runtime/saved_map.h"

#include <utility>

namespace antialiased {

Recompute RecomputeOffer::recipe_for(const Tensor &candidate) const {
    const bool same = recompute && !map.empty() && candidate.shape() == map.shape() &&
                      candidate.raw()->host != nullptr && candidate.raw()->host == map.raw()->host;
    return same ? recompute : Recompute();
}

void SavedMap::keep(const Tensor &map, RecomputeOffer &offer) {
    recompute_ = offer.recipe_for(map);
    map_ = recompute_ ? Tensor() : map;
    if (recompute_) offer.clear();
}

Tensor SavedMap::take() {
    Tensor map = recompute_ ? recompute_() : std::move(map_);
    map_ = Tensor();
    recompute_ = Recompute();
    return map;
}

}  // namespace antialiased
