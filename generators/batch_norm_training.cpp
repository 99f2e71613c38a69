// Batch norm in training mode (torch.nn.BatchNorm2d.train()): each channel normalized with the batch's own
// mean and biased variance over (x, y, n), then scaled and shifted, then the activation that follows it in the
// network (ReLU, ReLU6 or none). The backward stage differentiates the same algorithm with Halide's autodiff.
// Maps are (c, x, y, n), channels innermost, mins 0.
#include <map>
#include <stdexcept>
#include <string>

#include "Halide.h"
#include "adjoint_region.h"
#include "activation.h"

namespace antialiased {
namespace {

using namespace Halide;

// The training-mode algorithm over `input`: batch statistics, then the affine normalization. `input_values` has
// the input's values; the backward passes the input buffer itself, which autodiff sees as a constant, so that
// the variance is differentiated with its mean held fixed. The term that drops out, d(variance) * -2/count *
// sum(x - mean), is zero (PyTorch's closed-form gradient omits it too), and it cost a pass over the map.
struct BatchNormTrainAlgorithm {
    Var c{"c"}, x{"x"}, y{"y"}, n{"n"};
    Func mean_sum{"mean_sum"}, mean{"batch_mean"}, fixed_mean_sum{"fixed_mean_sum"}, fixed_mean{"fixed_mean"};
    Func negated_mean{"negated_mean"}, variance_sum{"variance_sum"}, variance{"batch_variance"}, std_dev{"std_dev"};
    Func output{"batch_norm"};

    BatchNormTrainAlgorithm(Func input, Func input_values, Func weight, Func bias, Expr width, Expr height,
                            Expr batch, Expr eps, Expr activation) {
        RDom r(0, width, 0, height, 0, batch, "r");
        // The sums accumulate in double, as PyTorch's CPU kernels do: a float sum of N*H*W values (thousands)
        // loses digits that small-batch statistics then amplify. Each per-channel quantity is a Func of its own,
        // so that the square root is taken once per channel, here and in the adjoints autodiff derives. Each
        // element is divided by the standard deviation, as the reference does: multiplied by its inverse, one
        // more rounding, MobileNetV2's training (BN over 16 values a channel) left PyTorch's float result by more
        // than PyTorch's float and double results differ (tests/train_step_tool_test).
        // (The mean's and the variance's 1 / count is one scalar, hoisted out of every loop.)
        const Expr inv_count = Expr(1.0) / cast<double>(width * height * batch);
        mean_sum(c) = cast<double>(0);
        mean_sum(c) += cast<double>(input(c, r.x, r.y, r.z));
        mean(c) = cast<float>(mean_sum(c) * inv_count);
        const bool distinct = input.name() != input_values.name();
        if (distinct) {
            fixed_mean_sum(c) = cast<double>(0);
            fixed_mean_sum(c) += cast<double>(input_values(c, r.x, r.y, r.z));
            fixed_mean(c) = cast<float>(fixed_mean_sum(c) * inv_count);
        }
        const Expr centered = cast<double>(input(c, r.x, r.y, r.z) - (distinct ? fixed_mean : mean)(c));
        variance_sum(c) = cast<double>(0);
        variance_sum(c) += centered * centered;
        variance(c) = cast<float>(variance_sum(c) * inv_count);  // biased, as PyTorch normalizes with
        std_dev(c) = sqrt(variance(c) + eps);
        // x + (-mean) is x - mean exactly; written so, the mean's adjoint is a plain sum of terms (autodiff writes
        // a difference as 0 - term, in which rfactor cannot see a sum).
        negated_mean(c) = -mean(c);
        output(c, x, y, n) = normalized(input(c, x, y, n), negated_mean(c), std_dev(c), weight(c), bias(c), activation);
    }

    // An element normalized by its channel's statistics, then scaled, shifted and activated.
    static Expr normalized(Expr x, Expr negated_mean, Expr std_dev, Expr weight, Expr bias, Expr activation) {
        return activate((x + negated_mean) / std_dev * weight + bias, activation);
    }

    // Every per-channel Func: the sums over the map and what is derived from them.
    std::vector<Func> per_channel() const {
        std::vector<Func> funcs = {mean_sum, mean, negated_mean, variance_sum, variance, std_dev};
        if (fixed_mean.defined()) funcs.insert(funcs.end(), {fixed_mean_sum, fixed_mean});
        return funcs;
    }
};

template <typename Map>
void constrain_map(Map &map) {
    for (int d = 0; d < 4; d++) map.dim(d).set_min(0).set_estimate(0, d == 0 ? 64 : d == 3 ? 16 : 56);
}

// A per-channel Func computed once, at the root, vectorized along channels. A sum over the map (an update over
// (x, y, n), or over the rows that one_pass summed) runs the two halves of the channels on the two cores, each
// reading the map once in memory order (its channels of a pixel, then the next pixel), its sums in L1. (Summed
// one vector of channels at a time, each pass strode through the whole map by the row of channels, and the
// backward's passes took a fifth of a training step.)
void per_channel_at_root(Func f, Expr channels, int vector) {
    const Var c = f.args()[0];
    f.compute_root().vectorize(c, vector, TailStrategy::GuardWithIf);
    const Expr half_blocks = (channels + 2 * vector - 1) / (2 * vector);  // of `vector` channels
    for (int u = 0; u < f.num_update_definitions(); u++) {
        Var half("half"), block("block");
        std::vector<VarOrRVar> order = {c};
        for (const RVar &r : f.rvars(u)) order.push_back(r);
        order.insert(order.begin() + 2, block);
        order.push_back(half);
        f.update(u)
            .split(c, block, c, vector, TailStrategy::GuardWithIf)
            .split(block, half, block, half_blocks, TailStrategy::GuardWithIf)
            .reorder(order)
            .vectorize(c)
            .parallel(half);
    }
}

// Sums over the map, each the first update of one of `sums`, in one pass: they read the same elements and none
// depends on another. Each sums the map's rows into partial sums first (rfactor), scheduled as
// per_channel_at_root would, and the partial sums of one row are taken together, the row in L1 for all but the
// first; each of `sums` then adds up its rows. (As separate passes, each read the map from memory again.)
void one_pass(std::vector<Func> sums, Expr channels, int vector) {
    std::vector<Func> rows;
    for (Func f : sums) {
        const std::vector<RVar> r = f.rvars(0);  // (x, y, n)
        Var row("row"), image("image");
        Func partial = f.update(0).rfactor({{r[1], row}, {r[2], image}});
        per_channel_at_root(partial, channels, vector);
        const Var c = partial.args()[0];
        partial.update(0).reorder(c, r[0], Var("block"), row, image, Var("half"));  // the row outside its pixels
        rows.push_back(partial);
    }
    for (size_t i = 1; i < rows.size(); i++) rows[i].update(0).compute_with(rows[0].update(0), Var("row"));
}

// On a GPU: one thread per channel, its sums over the map inside.
void per_channel_on_gpu(Func f) {
    Var ci("ci");
    f.compute_root().gpu_tile(f.args()[0], ci, 32, TailStrategy::GuardWithIf);
    for (int u = 0; u < f.num_update_definitions(); u++) {
        f.update(u).gpu_tile(f.args()[0], ci, 32, TailStrategy::GuardWithIf);
    }
}

// An adjoint whose updates each add a term at every point of the map, f(c, r.x, r.y, r.z) += term (autodiff's form
// for a per-channel value spread over the map: the mean's and the variance's terms of the input's adjoint), as one
// pointwise definition with the terms summed in the same order: one pass, computed where it is consumed, instead
// of a whole map written and then read back once per term. For callers who realize it over exactly the updates'
// domain (the map).
Func pointwise(Func adjoint) {
    using namespace Internal;
    const std::vector<Var> args = adjoint.args();
    Expr value = adjoint.value();
    for (int u = 0; u < adjoint.num_update_definitions(); u++) {
        const std::vector<Expr> at = adjoint.update_args(u);
        // adjoint(at) + term, under the lets autodiff puts around it
        std::vector<const Let *> lets;
        Expr update = adjoint.update_value(u);
        while (const Let *let = update.as<Let>()) lets.push_back(let), update = let->body;
        const Add *add = update.as<Add>();
        const Call *self = add ? add->a.as<Call>() : nullptr;
        if (!self || self->name != adjoint.name() || at.size() != args.size()) {
            throw std::logic_error(adjoint.name() + ": an update that is not a sum over the map");
        }
        std::map<std::string, Expr> to_pure;
        for (size_t d = 0; d < at.size(); d++) {
            const Variable *v = at[d].as<Variable>();
            if (!v) throw std::logic_error(adjoint.name() + ": an update that does not write one point per element");
            to_pure[v->name] = args[d];
        }
        Expr term = add->b;
        for (auto let = lets.rbegin(); let != lets.rend(); ++let) term = Let::make((*let)->name, (*let)->value, term);
        value = value + substitute(to_pure, term);
    }
    Func f(adjoint.name() + "_pointwise");
    f(args) = value;
    return f;
}

// The schedule every stage of this file shares: the per-channel Funcs once each, at the root (one_pass's
// partial sums already taken on the CPU), then `map`, a (c, x, y, n) output, in parallel rows (on a GPU, blocks
// of 32 channels x 4 columns per row).
void schedule_per_channel_then_map(const Target &target, Func map, const std::vector<Func> &per_channel,
                                   Expr channels) {
    const std::vector<Var> v = map.args();  // (c, x, y, n)
    Var yn("yn");
    if (target.has_gpu_feature()) {
        Var ci("ci"), xi("xi");
        for (Func f : per_channel) per_channel_on_gpu(f);
        map.fuse(v[2], v[3], yn).gpu_tile(v[0], v[1], ci, xi, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
        return;
    }
    const int vector = target.natural_vector_size<float>();
    for (Func f : per_channel) per_channel_at_root(f, channels, vector);
    map.fuse(v[2], v[3], yn).parallel(yn).vectorize(v[0], vector, TailStrategy::GuardWithIf);
}

// The layer's inputs, first in both stages' signatures.
template <typename T>
class BatchNormTrainBase : public Generator<T> {
  public:
    GeneratorInput<Buffer<float>> input{"input", 4};
    GeneratorInput<Buffer<float>> weight{"weight", 1};
    GeneratorInput<Buffer<float>> bias{"bias", 1};
    GeneratorInput<float> eps{"eps"};
    GeneratorInput<int> activation{"activation", kNoActivation, kNoActivation, kRelu6};
};

class BatchNormTrainForward : public BatchNormTrainBase<BatchNormTrainForward> {
  public:
    Output<Buffer<float>> output{"output", 4};
    Output<Buffer<float>> batch_mean{"batch_mean", 1};
    Output<Buffer<float>> batch_variance{"batch_variance", 1};  // biased

    void generate() {
        BatchNormTrainAlgorithm bn(input, input, weight, bias, input.dim(1).extent(), input.dim(2).extent(),
                                   input.dim(3).extent(), eps, activation);
        output(bn.c, bn.x, bn.y, bn.n) = bn.output(bn.c, bn.x, bn.y, bn.n);
        batch_mean(bn.c) = bn.mean(bn.c);
        batch_variance(bn.c) = bn.variance(bn.c);

        /* THE SCHEDULE */
        constrain_map(input);
        constrain_map(output);
        // Statistics once per channel (two passes over the map), then the normalization in parallel rows.
        schedule_per_channel_then_map(get_target(), output, bn.per_channel(), input.dim(0).extent());
    }
};

// The forward's normalization alone, given the batch statistics the forward returned: the very same output
// (the same per-channel values, the same expression), without the two passes over the map that find the
// statistics. Training recomputes batch norms' outputs with it in the backward pass (runtime/saved_map.h).
class BatchNormTrainNormalize : public BatchNormTrainBase<BatchNormTrainNormalize> {
  public:
    Input<Buffer<float>> batch_mean{"batch_mean", 1};
    Input<Buffer<float>> batch_variance{"batch_variance", 1};  // biased, as the forward returns it
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        Func negated_mean("negated_mean"), std_dev("std_dev");
        negated_mean(c) = -batch_mean(c);
        std_dev(c) = sqrt(batch_variance(c) + eps);
        output(c, x, y, n) = BatchNormTrainAlgorithm::normalized(input(c, x, y, n), negated_mean(c), std_dev(c),
                                                                 weight(c), bias(c), activation);

        /* THE SCHEDULE */
        // As the forward's normalization.
        constrain_map(input);
        constrain_map(output);
        schedule_per_channel_then_map(get_target(), output, {negated_mean, std_dev}, input.dim(0).extent());
    }
};

// Gradients with respect to the input, weight and bias, given the gradient of the output.
class BatchNormTrainBackward : public BatchNormTrainBase<BatchNormTrainBackward> {
  public:
    Input<Buffer<float>> grad_output{"grad_output", 4};
    Output<Buffer<float>> grad_input{"grad_input", 4};
    Output<Buffer<float>> grad_weight{"grad_weight", 1};
    Output<Buffer<float>> grad_bias{"grad_bias", 1};

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        // Autodiff gives adjoints of Funcs, not of input buffers: each input is wrapped in one.
        Func input_f("input_f"), weight_f("weight_f"), bias_f("bias_f");
        input_f(c, x, y, n) = input(c, x, y, n);
        weight_f(c) = weight(c);
        bias_f(c) = bias(c);
        Func input_values("input_values");
        input_values(c, x, y, n) = input(c, x, y, n);
        BatchNormTrainAlgorithm bn(input_f, input_values, weight_f, bias_f, input.dim(1).extent(), input.dim(2).extent(),
                                   input.dim(3).extent(), eps, activation);
        const Region region = adjoint_region(grad_output);
        Derivative d = propagate_adjoints(bn.output, grad_output, region);
        grad_input(c, x, y, n) = pointwise(d(input_f))(c, x, y, n);
        grad_weight(c) = d(weight_f)(c);
        grad_bias(c) = d(bias_f)(c);

        /* THE SCHEDULE */
        constrain_map(input);
        constrain_map(grad_output);
        constrain_map(grad_input);
        // The statistics, the per-channel adjoints (sums over the map) and the values derived from them once
        // each, at the root; then the input's adjoint, one pointwise pass in parallel rows.
        std::vector<Func> per_channel = bn.per_channel();
        for (Func f : bn.per_channel()) per_channel.push_back(d(f));
        per_channel.push_back(d(weight_f));
        per_channel.push_back(d(bias_f));
        if (!get_target().has_gpu_feature()) {
            const int vector = natural_vector_size<float>();
            one_pass({bn.mean_sum, bn.fixed_mean_sum}, input.dim(0).extent(), vector);
            one_pass({d(bn.std_dev), d(bn.negated_mean), d(weight_f), d(bias_f)}, input.dim(0).extent(), vector);
        }
        schedule_per_channel_then_map(get_target(), grad_input, per_channel, input.dim(0).extent());
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainForward, batch_norm_train_forward)
HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainBackward, batch_norm_train_backward)
HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainNormalize, batch_norm_train_normalize)
