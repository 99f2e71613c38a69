// The Trainer's gradient accumulation (the reference's -ba: gradients of several batches summed, then one
// SGD step) against the same arithmetic done by hand, and new networks' initialization against the
// distributions of the reference's constructors.
#include "runtime/trainer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/zoo.h"
#include "runtime/loss.h"
#include "tests/random_images.h"

namespace antialiased {
namespace {

Model small_network(uint64_t seed) {
    Model model = build_model("resnet18_lpf2", ModelOptions{2, 10});
    initialize_weights(*model, "resnet18_lpf2", seed);
    return model;
}

TEST(Trainer, AccumulatedBatchesTakeOneStepOnTheSummedGradients) {
    const Tensor first = random_images(4, 32, 1), second = random_images(4, 32, 2);
    const std::vector<int64_t> first_labels = {0, 3, 7, 9}, second_labels = {1, 1, 5, 2};
    const SgdOptions sgd{0.05f, 0.9f, 1e-4f};

    // Two steps' worth of accumulation, so the momentum buffers carry over too.
    Model accumulated = small_network(7);
    Trainer trainer(*accumulated, sgd);
    for (int step = 0; step < 2; step++) {
        trainer.accumulate(first, first_labels);
        EXPECT_EQ(trainer.accumulated(), 1);
        trainer.accumulate(second, second_labels);
        trainer.update();
        EXPECT_EQ(trainer.accumulated(), 0);
    }

    // By hand: backward on each batch, p.grad = g1 + g2 (torch's accumulation order), torch.optim.SGD.
    Model by_hand = small_network(7);
    TrainContext context;
    Sgd optimizer(sgd);
    std::map<std::string, Parameter> momentum;
    for (int step = 0; step < 2; step++) {
        std::map<std::string, Parameter> sum;
        for (const auto &[images, labels] : {std::pair{first, first_labels}, std::pair{second, second_labels}}) {
            const Tensor logits = by_hand->forward_train(images, context);
            by_hand->backward(cross_entropy(logits, labels).grad_logits, context, false);
            for (StateEntry &entry : state_entries(*by_hand)) {
                if (!entry.grad) continue;
                Parameter &s = sum[entry.name];
                if (s.empty()) {
                    s = entry.grad->values();
                } else {
                    for (size_t i = 0; i < s.size(); i++) s[i] += (*entry.grad)[i];
                }
            }
        }
        for (StateEntry &entry : state_entries(*by_hand)) {
            if (entry.grad) optimizer.step(*entry.values, sum[entry.name], momentum[entry.name]);
        }
        by_hand->prepare();
    }

    // The same floats in the same order: bit-identical weights, running statistics and momentum.
    const std::vector<StateEntry> ours = state_entries(*accumulated), expected = state_entries(*by_hand);
    ASSERT_EQ(ours.size(), expected.size());
    for (size_t k = 0; k < ours.size(); k++) {
        if (ours[k].values) EXPECT_EQ(ours[k].values->values(), expected[k].values->values()) << ours[k].name;
        if (ours[k].count) EXPECT_EQ(*ours[k].count, 4) << ours[k].name;  // four forward passes
    }
    for (const auto &[name, buffer] : momentum) EXPECT_EQ(trainer.momentum()[name], buffer.values()) << name;
    EXPECT_EQ(trainer.momentum().size(), momentum.size());

    // And not what one step per batch gives.
    Model stepped = small_network(7);
    Trainer plain(*stepped, sgd);
    for (int step = 0; step < 2; step++) plain.step(first, first_labels), plain.step(second, second_labels);
    EXPECT_NE(state_entries(*stepped)[0].values->values(), ours[0].values->values());
}

TEST(Trainer, DiscardedGradientsDoNotReachTheStep) {
    const Tensor first = random_images(4, 32, 1), second = random_images(4, 32, 2);
    const std::vector<int64_t> labels = {0, 3, 7, 9};
    Model a = small_network(3), b = small_network(3);
    Trainer ta(*a, SgdOptions{}), tb(*b, SgdOptions{});
    ta.accumulate(first, labels);
    ta.discard();
    ta.step(second, labels);
    b->forward_train(first, tb.context());  // the same batch-norm statistics, no gradient kept
    tb.step(second, labels);
    const std::vector<StateEntry> ours = state_entries(*a), expected = state_entries(*b);
    for (size_t k = 0; k < ours.size(); k++) {
        if (ours[k].values) EXPECT_EQ(ours[k].values->values(), expected[k].values->values()) << ours[k].name;
    }
}

// The reference's constructors: resnets draw convolutions from kaiming_normal_(mode='fan_out'), batch norms
// start at weight 1 and bias 0, VGG's linear layers from N(0, 0.01) with zero biases; the same seed gives the
// same weights.
TEST(Initialization, FollowsTheReferenceConstructors) {
    auto stddev = [](const Parameter &v) {
        double sum = 0, squares = 0;
        for (float x : v) sum += x, squares += double(x) * x;
        return std::sqrt(squares / v.size() - std::pow(sum / v.size(), 2));
    };
    Model resnet = small_network(11);
    for (const StateEntry &entry : state_entries(*resnet)) {
        if (entry.name == "conv1.weight") {
            EXPECT_NEAR(stddev(*entry.values), std::sqrt(2.0 / (64 * 7 * 7)), 0.01 * std::sqrt(2.0 / (64 * 7 * 7)));
        } else if (entry.name == "layer4.1.conv2.weight") {  // 512 x 512 x 3 x 3: fan_out 4608
            EXPECT_NEAR(stddev(*entry.values), std::sqrt(2.0 / 4608), 0.01 * std::sqrt(2.0 / 4608));
        } else if (entry.name == "bn1.weight" || entry.name == "bn1.running_var") {
            EXPECT_EQ(entry.values->values(), std::vector<float>(64, 1.0f)) << entry.name;
        } else if (entry.name == "bn1.bias" || entry.name == "bn1.running_mean") {
            EXPECT_EQ(entry.values->values(), std::vector<float>(64, 0.0f)) << entry.name;
        } else if (entry.name == "fc.bias") {  // PyTorch's default: U(+-1/sqrt(512))
            for (float b : *entry.values) EXPECT_LE(std::abs(b), 1 / std::sqrt(512.0f));
        }
    }
    EXPECT_EQ(state_entries(*small_network(11))[0].values->values(), state_entries(*resnet)[0].values->values());
    EXPECT_NE(state_entries(*small_network(12))[0].values->values(), state_entries(*resnet)[0].values->values());

    Model vgg = build_model("vgg11_bn_lpf2", ModelOptions{2, 10});
    initialize_weights(*vgg, "vgg11_bn_lpf2", 0);
    for (const StateEntry &entry : state_entries(*vgg)) {
        if (entry.name == "classifier.0.weight") EXPECT_NEAR(stddev(*entry.values), 0.01, 1e-4);
        if (entry.name == "classifier.0.bias") EXPECT_EQ(entry.values->values(), std::vector<float>(4096, 0.0f));
    }
}

}  // namespace
}  // namespace antialiased
