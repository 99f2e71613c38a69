// A row of a map stage's tuned table (generators/map_stages_tuned.bzl): the variant of the stage that won the
// schedule experiments for maps of one shape, with the signature `Stage` of the stage's hand schedule.
#pragma once

namespace antialiased {

template <typename Stage>
struct TunedMapStage {
    int channels, px;           // the maps' channels, width and height
    const char *autoscheduler;  // who scheduled the variant, as the experiments' tables label it
    Stage stage;
};

}  // namespace antialiased
