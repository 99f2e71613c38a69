// Comparing training checkpoints, for the tests that train with train/main.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "models/zoo.h"
#include "runtime/checkpoint.h"
#include "runtime/training_checkpoint.h"

namespace antialiased {

// The weights, running statistics, momentum, epoch and best accuracy of two training checkpoints of `arch`
// (10 classes) are equal, bit for bit.
inline void expect_same_training_state(const std::string &a, const std::string &b, const std::string &arch) {
    const auto tensors_a = Checkpoint::read(a).state_dict(), tensors_b = Checkpoint::read(b).state_dict();
    ASSERT_EQ(tensors_a.size(), tensors_b.size());
    for (size_t i = 0; i < tensors_a.size(); i++) {
        EXPECT_EQ(tensors_a[i].first, tensors_b[i].first);
        EXPECT_TRUE(tensors_a[i].second.bytes == tensors_b[i].second.bytes) << tensors_a[i].first;
    }
    Model model_a = build_model(arch, ModelOptions{4, 10}), model_b = build_model(arch, ModelOptions{4, 10});
    const TrainingState state_a = load_training_checkpoint(a, *model_a),
                        state_b = load_training_checkpoint(b, *model_b);
    EXPECT_EQ(state_a.epoch, state_b.epoch);
    EXPECT_EQ(state_a.best_acc1, state_b.best_acc1);
    EXPECT_EQ(state_a.sgd.lr, state_b.sgd.lr);
    EXPECT_EQ(state_a.momentum, state_b.momentum);
    EXPECT_FALSE(state_a.momentum.empty());
}

}  // namespace antialiased
