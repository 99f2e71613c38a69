#include "models/initialization.h"

#include <cmath>
#include <map>
#include <random>

namespace antialiased {

void initialize(Module &model, const InitScheme &scheme, uint64_t seed) {
    std::mt19937_64 random(seed);
    std::vector<StateEntry> entries = state_entries(model);
    std::map<std::string, const StateEntry *> by_name;
    for (const StateEntry &entry : entries) by_name[entry.name] = &entry;
    // A weight's fans, as torch.nn.init computes them: (out, in / groups, kh, kw) -> in/groups * kh * kw and
    // out * kh * kw.
    auto fans = [](const std::vector<int64_t> &shape) {
        const double receptive = shape.size() == 4 ? double(shape[2] * shape[3]) : 1.0;
        return std::pair<double, double>{double(shape[1]) * receptive, double(shape[0]) * receptive};
    };
    auto fill_uniform = [&](std::vector<float> &values, double bound) {
        std::uniform_real_distribution<double> draw(-bound, bound);
        for (float &v : values) v = float(draw(random));
    };
    auto fill_normal = [&](std::vector<float> &values, double stddev) {
        std::normal_distribution<double> draw(0, stddev);
        for (float &v : values) v = float(draw(random));
    };

    for (StateEntry &entry : entries) {
        if (entry.count) *entry.count = 0;
        if (!entry.values) continue;  // counters, and BlurPool's fixed filters
        size_t size = 1;
        for (int64_t d : entry.shape) size *= size_t(d);
        std::vector<float> values(size, 0.0f);  // in PyTorch's order: a seed gives one state_dict, however stored
        const std::string suffix = entry.name.substr(entry.name.rfind('.') + 1),
                          owner = entry.name.substr(0, entry.name.rfind('.') + 1);
        const StateEntry *weight = by_name.count(owner + "weight") ? by_name[owner + "weight"] : nullptr;
        const size_t rank = weight ? weight->shape.size() : 0;  // 4: convolution, 2: linear, 1: batch norm
        if (suffix == "running_var" || (suffix == "weight" && rank == 1)) {
            values.assign(size, 1.0f);
        } else if (suffix == "weight" && rank == 4) {
            const auto [fan_in, fan_out] = fans(entry.shape);
            switch (scheme.conv) {
                case InitScheme::Conv::kDefault:
                    fill_uniform(values, 1 / std::sqrt(fan_in));
                    break;
                case InitScheme::Conv::kKaimingNormalFanOut:
                    fill_normal(values, std::sqrt(2 / fan_out));
                    break;
                case InitScheme::Conv::kKaimingNormalFanIn:
                    fill_normal(values, std::sqrt(2 / fan_in));
                    break;
            }
        } else if (suffix == "weight" && rank == 2) {
            if (scheme.linear == InitScheme::Linear::kNormal001) {
                fill_normal(values, 0.01);
            } else {
                fill_uniform(values, 1 / std::sqrt(fans(entry.shape).first));
            }
        } else if (suffix == "bias" && (rank == 4 || rank == 2)) {
            const bool zero = rank == 4 ? scheme.zero_conv_bias : scheme.zero_linear_bias;
            if (!zero) fill_uniform(values, 1 / std::sqrt(fans(weight->shape).first));
        }
        // Everything else (batch norm biases, running means) stays 0.
        *entry.values = stored_order(entry, values);
    }
    model.prepare();
}

}  // namespace antialiased
