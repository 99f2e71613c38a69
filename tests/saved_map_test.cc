// Maps recomputed in the backward pass instead of kept (runtime/saved_map.h): a kept offer holds no map and
// makes it again once, on take(); and training with recomputation gives, bit for bit, the weights, statistics
// and momentum of training that keeps every map.
#include "runtime/saved_map.h"

#include <gtest/gtest.h>

#include "models/zoo.h"
#include "runtime/layers.h"
#include "runtime/memory_pool.h"
#include "runtime/trainer.h"
#include "tests/random_images.h"

namespace antialiased {
namespace {

TEST(SavedMap, KeepsTheRecipeOfAnOfferedMapAndRecomputesItOnce) {
    Tensor offered(Shape{1, 2, 3, 3});
    offered.at(0, 1, 2, 2) = 5.0f;
    int recomputed = 0;
    RecomputeOffer offer{offered, [&recomputed] {
                             recomputed++;
                             Tensor again(Shape{1, 2, 3, 3});
                             again.at(0, 1, 2, 2) = 5.0f;
                             return again;
                         }};
    SavedMap saved;
    saved.keep(offered, offer);
    EXPECT_TRUE(offer.map.empty()) << "the offer is taken";
    EXPECT_FALSE(offer.recompute);
    EXPECT_EQ(recomputed, 0);
    const Tensor map = saved.take();
    EXPECT_EQ(recomputed, 1);
    EXPECT_EQ(map.at(0, 1, 2, 2), 5.0f);
    EXPECT_TRUE(saved.take().empty()) << "taken once";
    EXPECT_EQ(recomputed, 1);
}

TEST(SavedMap, KeepsAMapThatWasNotOffered) {
    Tensor offered(Shape{1, 2, 3, 3}), other(Shape{1, 2, 3, 3});
    other.at(0, 0, 1, 1) = 3.0f;
    RecomputeOffer offer{offered, [] { return Tensor(); }};
    SavedMap saved;
    saved.keep(other, offer);
    EXPECT_FALSE(offer.map.empty()) << "another map's offer stays";
    // The same storage under another shape (a Linear's flattened input) is not the offered map either.
    SavedMap flattened;
    flattened.keep(offered.reshaped(Shape{1, 18, 1, 1}), offer);
    EXPECT_FALSE(offer.map.empty());
    const Tensor map = saved.take();
    EXPECT_EQ(map.raw()->host, other.raw()->host) << "the map itself, not a copy";
    EXPECT_EQ(map.at(0, 0, 1, 1), 3.0f);
}

// conv -> batch norm + ReLU -> conv: the second convolution keeps the batch norm's output, or its recipe.
TEST(SavedMap, TheBatchNormOutputIsNotHeldThroughTheForwardPass) {
    const Shape shape{2, 8, 16, 16};
    size_t held[2];
    std::vector<float> gradients[2];
    for (bool recompute : {false, true}) {
        Sequential net({std::make_shared<Conv2d>(3, 8, 3, ConvOptions{1, 1, 1, 1, false}),
                        std::make_shared<BatchNorm2d>(8, Activation::kRelu),
                        std::make_shared<Conv2d>(8, 8, 3, ConvOptions{1, 1, 1, 1, true})});
        initialize_weights(net, "resnet18", 3);
        TrainContext context;
        context.recompute_maps = recompute;
        Tensor input(Shape{2, 3, 16, 16});
        for (size_t i = 0; i < input.shape().elements(); i++) input.data()[i] = float(i % 7) - 3.0f;
        const size_t before = pool_bytes_in_use();
        Tensor output = net.forward_train(input, context);
        context.offer.clear();
        held[recompute] = pool_bytes_in_use() - before;
        Tensor grad(output.shape());
        for (size_t i = 0; i < grad.shape().elements(); i++) grad.data()[i] = float(i % 5) - 2.0f;
        net.backward(grad, context, false);
        for (const StateEntry &entry : state_entries(net)) {
            if (entry.grad) gradients[recompute].insert(gradients[recompute].end(), entry.grad->begin(), entry.grad->end());
        }
    }
    // Kept: conv1's output (the batch norm's input), the batch norm's output, conv2's output.
    EXPECT_GE(held[false] - held[true], shape.elements() * sizeof(float));
    EXPECT_LT(held[true], held[false]);
    EXPECT_EQ(gradients[true], gradients[false]);
}

// Through a whole network the recomputed maps lower the step's peak: each batch norm's output is gone as soon
// as the layer after it has run, not held until the forward pass ends. (The peak only grows: the step that keeps
// every map runs second, and must raise it.)
TEST(SavedMap, RecomputationLowersTheTrainingStepsPeak) {
    size_t peak[2];
    for (bool recompute : {true, false}) {
        Model model = build_model("resnet18_lpf2", ModelOptions{2, 10});
        initialize_weights(*model, "resnet18_lpf2", 5);
        TrainContext context;
        context.recompute_maps = recompute;
        Trainer trainer(*model, SgdOptions{0.01f, 0.9f, 1e-4f}, context);
        trainer.step(random_images(8, 64, 3), {1, 2, 3, 4, 5, 6, 7, 8});
        peak[recompute] = pool_peak_bytes_in_use();
    }
    // The stem's batch norm output alone (8 x 64 x 32 x 32 floats, 2 MB) is more than the difference can be
    // without recomputation: resnet18's 20 batch norms save ~7 MB here.
    EXPECT_GT(peak[false], peak[true] + 2 * 1024 * 1024) << peak[true] << " bytes with recomputation, "
                                                         << peak[false] << " without";
}

// Two SGD steps (momentum, so the second step sees the first's gradients twice) with or without recomputation.
std::vector<std::pair<std::string, Array>> trained(const std::string &arch, bool recompute) {
    Model model = build_model(arch, ModelOptions{3, 10});
    initialize_weights(*model, arch, 11);
    TrainContext context;
    context.recompute_maps = recompute;
    context.dropout = false;
    Trainer trainer(*model, SgdOptions{0.05f, 0.9f, 1e-4f}, context);
    const Tensor images = random_images(2, 64, 5);
    for (int step = 0; step < 2; step++) trainer.step(images, {1, 7});
    return state_dict(*model);
}

TEST(SavedMap, RecomputationTrainsBitForBitAsKeepingEveryMap) {
    // Offers taken by convolutions (after ReLU and ReLU6 batch norms), through BlurPools, and by the stem's
    // max pool.
    for (const std::string arch : {"resnet18_lpf3", "resnet50_lpf3", "mobilenet_v2_lpf3"}) {
        SCOPED_TRACE(arch);
        const auto kept = trained(arch, false), recomputed = trained(arch, true);
        ASSERT_EQ(kept.size(), recomputed.size());
        for (size_t i = 0; i < kept.size(); i++) {
            ASSERT_EQ(kept[i].first, recomputed[i].first);
            EXPECT_EQ(kept[i].second.bytes, recomputed[i].second.bytes) << kept[i].first;
        }
    }
}

}  // namespace
}  // namespace antialiased
