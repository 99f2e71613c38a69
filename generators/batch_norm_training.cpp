// Batch norm in training mode (torch.nn.BatchNorm2d.train()): each channel normalized with the batch's own
// mean and biased variance over (x, y, n), then scaled and shifted, then the activation that follows it in the
// network (ReLU, ReLU6 or none). The statistics, the normalization and the two backward stages (Halide's
// autodiff of the normalization) are separate pipelines, so that the runtime can sum the statistics and their
// adjoints over the ranks in between (--sync-bn). Maps are (c, x, y, n), channels innermost, mins 0.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "Halide.h"
#include "adjoint_region.h"
#include "activation.h"
#include "estimates.h"

namespace antialiased {
namespace {

using namespace Halide;

// Each element normalized by its channel's batch statistics, then scaled, shifted and activated. The statistics
// enter as the per-channel Funcs `negated_mean` and `std_dev`, so that autodiff gives their adjoints (sums over
// the map) next to the weight's and the bias's; the statistics themselves are computed by their own stages,
// over one process's batch or, synchronized, over every rank's.
struct Normalization {
    Var c{"c"}, x{"x"}, y{"y"}, n{"n"};
    Func negated_mean{"negated_mean"}, std_dev{"std_dev"}, output{"batch_norm"};

    Normalization(Func input, Func mean, Func variance, Func weight, Func bias, Expr eps, Expr activation) {
        // x + (-mean) is x - mean exactly; written so, the mean's adjoint is a plain sum of terms (autodiff
        // writes a difference as 0 - term, in which rfactor cannot see a sum). Each element is divided by the
        // standard deviation, as the reference does: multiplied by its inverse, one more rounding, MobileNetV2's
        // training (BN over 16 values a channel) left PyTorch's float result by more than PyTorch's float and
        // double results differ (tests/train_step_tool_test).
        negated_mean(c) = -mean(c);
        std_dev(c) = sqrt(variance(c) + eps);  // the variance biased (divided by the count), as PyTorch's
        output(c, x, y, n) = activate((input(c, x, y, n) + negated_mean(c)) / std_dev(c) * weight(c) + bias(c),
                                      activation);
    }
};

// A sum over the map per channel, in double, as PyTorch's CPU kernels accumulate: a float sum of N*H*W values
// (thousands) loses digits that small-batch statistics then amplify.
Func sum_over_map(const std::string &name, Func term, Expr width, Expr height, Expr batch) {
    RDom r(0, width, 0, height, 0, batch, "r");
    Var c("c");
    Func sum(name);
    sum(c) = cast<double>(0);
    sum(c) += cast<double>(term(c, r.x, r.y, r.z));
    return sum;
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
// depends on another. Each sums the map's rows into partial sums first (rfactor), vectorized along channels, the
// images in parallel, and the partial sums of one row are taken together, the row in L1 for all but the first;
// each of `sums` then adds up its rows. (As separate passes, each read the map from memory again.) The channel
// loop starts at 0 in every task: split in halves across the cores as per_channel_at_root does, its offset came
// from the task's closure, where Halide no longer knows it >= 0, and autodiff's clamp of the channel at 0 stayed
// in every load, a gather of 16 scalar loads a vector (the stage took 2.6x as long: 8.0% of a 32 px training
// step's CPU samples, now 3.1%). A batch of one image now sums on one core.
void one_pass(std::vector<Func> sums, int vector) {
    std::vector<Func> rows;
    for (Func f : sums) {
        const std::vector<RVar> r = f.rvars(0);  // (x, y, n)
        Var row("row"), image("image"), block("block");
        Func partial = f.update(0).rfactor({{r[1], row}, {r[2], image}});
        const Var c = partial.args()[0];
        partial.compute_root().vectorize(c, vector, TailStrategy::GuardWithIf);
        partial.update(0)
            .split(c, block, c, vector, TailStrategy::GuardWithIf)
            .reorder(c, r[0], block, row, image)  // the row outside its pixels
            .vectorize(c)
            .parallel(image);
        rows.push_back(partial);
    }
    for (size_t i = 1; i < rows.size(); i++) rows[i].update(0).compute_with(rows[0].update(0), Var("row"));
}

// On a GPU, a per-channel Func at the root, one thread per channel. A sum over the map (its first update over
// (x, y, n)) in two steps, as on the CPU: each row's sum by its own thread (channels x rows x images threads: tens
// of thousands for a 64-channel 56 px layer, where one thread per channel, summing its 50 000 values alone, left
// all but 64 of a GPU's thousands of lanes idle), blocks of 32 channels x 4 rows with the row's pixels in the
// thread, reading a pixel's 32 channels in one coalesced load; then each channel's H * N row sums by one thread.
void per_channel_on_gpu(Func f) {
    const TailStrategy guard = TailStrategy::GuardWithIf;
    Var ci("ci");
    if (f.num_update_definitions() > 0 && f.rvars(0).size() == 3) {
        const std::vector<RVar> r = f.rvars(0);  // (x, y, n)
        Var row("row"), image("image"), rows("rows"), ri("ri");
        Func partial = f.update(0).rfactor({{r[1], row}, {r[2], image}});
        const Var c = partial.args()[0];
        partial.compute_root().fuse(row, image, rows).gpu_tile(c, rows, ci, ri, 32, 4, guard);
        partial.update(0).fuse(row, image, rows).gpu_tile(c, rows, ci, ri, 32, 4, guard);
    }
    f.compute_root().gpu_tile(f.args()[0], ci, 32, guard);
    for (int u = 0; u < f.num_update_definitions(); u++) f.update(u).gpu_tile(f.args()[0], ci, 32, guard);
}

// An adjoint whose updates each add a term at every point of the map, f(c, r.x, r.y, r.z) += term (autodiff's form
// for the adjoint of a map read pointwise), as one pointwise definition with the terms summed in the same order:
// computed where it is consumed, instead of a whole map written and then read back once per term. For callers
// who realize it over exactly the updates' domain (the map).
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
// partial sums already taken on the CPU), then `map`, a (c, x, y, n) output if the stage has one, in parallel
// rows (on a GPU, blocks of 32 channels x 4 columns per row). `outputs`, per-channel outputs that copy those
// Funcs: on a GPU, 32 channels a block too (left to the host, the pipeline would bring the sums back to it).
void schedule_per_channel_then_map(const Target &target, Func map, const std::vector<Func> &per_channel,
                                   Expr channels, const std::vector<Func> &outputs = {}) {
    const std::vector<Var> v = map.defined() ? map.args() : std::vector<Var>();  // (c, x, y, n)
    Var yn("yn");
    if (target.has_gpu_feature()) {
        Var ci("ci"), xi("xi");
        for (Func f : per_channel) per_channel_on_gpu(f);
        for (Func f : outputs) f.gpu_tile(f.args()[0], ci, 32, TailStrategy::GuardWithIf);
        if (map.defined()) map.fuse(v[2], v[3], yn).gpu_tile(v[0], v[1], ci, xi, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
        return;
    }
    const int vector = target.natural_vector_size<float>();
    for (Func f : per_channel) per_channel_at_root(f, channels, vector);
    if (map.defined()) map.fuse(v[2], v[3], yn).parallel(yn).vectorize(v[0], vector, TailStrategy::GuardWithIf);
}

// Per channel over the map, this process's share of the batch statistics (runtime/batch_norm_training.h turns
// them into the mean and the variance, after an allreduce when synchronized): the sum of the values, or, given
// the mean, the sum of the squared deviations from it.
class BatchNormTrainSum : public Generator<BatchNormTrainSum> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Output<Buffer<double>> sum{"sum", 1};
    MapEstimates estimates;  // the map an autoscheduler plans for (bench/layers.bzl)

    void generate() {
        Var c("c");
        Func sum_f = sum_over_map("values_sum", input, input.dim(1).extent(), input.dim(2).extent(),
                                  input.dim(3).extent());
        sum(c) = sum_f(c);

        /* THE SCHEDULE */
        estimates.estimate(input);
        estimates.estimate_channels(sum);
        if (auto_schedule) return;  // the schedule experiments: an autoscheduler's schedule instead of this one
        schedule_per_channel_then_map(get_target(), Func(), {sum_f}, input.dim(0).extent(), {sum});
    }
};

class BatchNormTrainSquaredDeviations : public Generator<BatchNormTrainSquaredDeviations> {
  public:
    Input<Buffer<float>> input{"input", 4};
    Input<Buffer<float>> mean{"mean", 1};
    Output<Buffer<double>> squared_deviations{"squared_deviations", 1};
    MapEstimates estimates;

    void generate() {
        Var c("c"), x("x"), y("y"), n("n");
        Func deviation("deviation");
        deviation(c, x, y, n) = cast<double>(input(c, x, y, n) - mean(c));
        Func square("square");
        square(c, x, y, n) = deviation(c, x, y, n) * deviation(c, x, y, n);
        Func sum_f = sum_over_map("squared_deviations_sum", square, input.dim(1).extent(), input.dim(2).extent(),
                                  input.dim(3).extent());
        squared_deviations(c) = sum_f(c);

        /* THE SCHEDULE */
        estimates.estimate(input);
        estimates.estimate_channels(mean);
        estimates.estimate_channels(squared_deviations);
        if (auto_schedule) return;
        schedule_per_channel_then_map(get_target(), Func(), {sum_f}, input.dim(0).extent(), {squared_deviations});
    }
};

// A channel's sum divided by the number of values it is over, in float: the mean or the biased variance the
// other stages take (in double until then, as PyTorch's CPU kernels sum), without a trip to the host.
class BatchNormTrainAverage : public Generator<BatchNormTrainAverage> {
  public:
    Input<Buffer<double>> sum{"sum", 1};
    Input<double> inverse_count{"inverse_count"};
    Output<Buffer<float>> average{"average", 1};

    void generate() {
        Var c("c"), ci("ci");
        /* THE ALGORITHM */
        average(c) = cast<float>(sum(c) * inverse_count);

        /* THE SCHEDULE */
        sum.dim(0).set_estimate(0, 512);
        average.dim(0).set_estimate(0, 512);
        // A few hundred channels: one GPU block of 64 threads per 64 channels; on the CPU, vectors of doubles.
        if (get_target().has_gpu_feature()) {
            average.gpu_tile(c, ci, 64, TailStrategy::GuardWithIf);
        } else {
            average.vectorize(c, natural_vector_size<double>(), TailStrategy::GuardWithIf);
        }
    }
};

// The layer's inputs, first in the signatures of the stages that normalize or differentiate the map.
template <typename T>
class BatchNormTrainBase : public Generator<T> {
  public:
    GeneratorInput<Buffer<float>> input{"input", 4};
    GeneratorInput<Buffer<float>> weight{"weight", 1};
    GeneratorInput<Buffer<float>> bias{"bias", 1};
    GeneratorInput<float> eps{"eps"};
    GeneratorInput<int> activation{"activation", int(Activation::kNone), int(Activation::kNone),
                                   int(Activation::kRelu6)};
    GeneratorInput<Buffer<float>> mean{"mean", 1};
    GeneratorInput<Buffer<float>> variance{"variance", 1};  // biased (divided by the count)
    MapEstimates estimates;  // the map an autoscheduler plans for (bench/layers.bzl)

  protected:
    // The estimates of the layer's inputs, and of `maps`, the stage's other maps.
    template <typename... Maps>
    void estimate(Maps &...maps) {
        estimates.estimate(input);
        (estimates.estimate(maps), ...);
        for (GeneratorInput<Buffer<float>> *v : {&weight, &bias, &mean, &variance}) estimates.estimate_channels(*v);
        eps.set_estimate(1e-5f);
        activation.set_estimate(int(Activation::kRelu));
    }
};

// The forward pass, given the batch statistics.
class BatchNormTrainNormalize : public BatchNormTrainBase<BatchNormTrainNormalize> {
  public:
    Output<Buffer<float>> output{"output", 4};

    void generate() {
        Normalization bn(input, mean, variance, weight, bias, eps, activation);
        output(bn.c, bn.x, bn.y, bn.n) = bn.output(bn.c, bn.x, bn.y, bn.n);

        /* THE SCHEDULE */
        estimate(output);
        if (auto_schedule) return;
        schedule_per_channel_then_map(get_target(), output, {bn.negated_mean, bn.std_dev}, input.dim(0).extent());
    }
};

// The backward pass takes two stages, because the chain through the batch statistics crosses ranks when they
// are synchronized: first the per-channel adjoints, sums over this process's map; then, once the statistics'
// adjoints are summed over the ranks (PyTorch's SyncBatchNorm does the same), the input's adjoint.
template <typename T>
class BatchNormTrainBackwardBase : public BatchNormTrainBase<T> {
  public:
    GeneratorInput<Buffer<float>> grad_output{"grad_output", 4};

  protected:
    // Autodiff of the normalization: adjoints of Funcs, not of input buffers, so each input is wrapped in one.
    Derivative differentiate() {
        input_f(c, x, y, n) = this->input(c, x, y, n);
        weight_f(c) = this->weight(c);
        bias_f(c) = this->bias(c);
        bn.emplace(input_f, this->mean, this->variance, weight_f, bias_f, this->eps, this->activation);
        return propagate_adjoints(bn->output, grad_output, adjoint_region(grad_output));
    }
    Var c{"c"}, x{"x"}, y{"y"}, n{"n"};
    Func input_f{"input_f"}, weight_f{"weight_f"}, bias_f{"bias_f"};
    std::optional<Normalization> bn;
};

class BatchNormTrainBackwardSums : public BatchNormTrainBackwardBase<BatchNormTrainBackwardSums> {
  public:
    Output<Buffer<float>> grad_negated_mean{"grad_negated_mean", 1};
    Output<Buffer<float>> grad_std_dev{"grad_std_dev", 1};
    Output<Buffer<float>> grad_weight{"grad_weight", 1};
    Output<Buffer<float>> grad_bias{"grad_bias", 1};

    void generate() {
        Derivative d = differentiate();
        grad_negated_mean(c) = d(bn->negated_mean)(c);
        grad_std_dev(c) = d(bn->std_dev)(c);
        grad_weight(c) = d(weight_f)(c);
        grad_bias(c) = d(bias_f)(c);

        /* THE SCHEDULE */
        estimate(grad_output);
        // Channels from 0 (so that the sums' channel index is known >= 0: one_pass).
        for (Output<Buffer<float>> *sum : {&grad_negated_mean, &grad_std_dev, &grad_weight, &grad_bias}) {
            sum->dim(0).set_min(0);
            estimates.estimate_channels(*sum);
        }
        if (auto_schedule) return;
        // The four sums read the same elements: one pass over the map, row by row. The statistics they use
        // (the standard deviation) once per channel, before.
        const std::vector<Func> sums = {d(bn->std_dev), d(bn->negated_mean), d(weight_f), d(bias_f)};
        if (!get_target().has_gpu_feature()) one_pass(sums, natural_vector_size<float>());
        std::vector<Func> per_channel = sums;
        per_channel.insert(per_channel.end(), {bn->negated_mean, bn->std_dev});
        schedule_per_channel_then_map(get_target(), Func(), per_channel, input.dim(0).extent(),
                                      {grad_negated_mean, grad_std_dev, grad_weight, grad_bias});
    }
};

class BatchNormTrainBackwardInput : public BatchNormTrainBackwardBase<BatchNormTrainBackwardInput> {
  public:
    // The statistics' adjoints, BatchNormTrainBackwardSums's sums over the map (all ranks' when synchronized),
    // and the number of values per channel the statistics are over.
    Input<Buffer<float>> grad_negated_mean{"grad_negated_mean", 1};
    Input<Buffer<float>> grad_std_dev{"grad_std_dev", 1};
    Input<int> count{"count", 2};
    Output<Buffer<float>> grad_input{"grad_input", 4};

    void generate() {
        Derivative d = differentiate();
        // The adjoint through the element's own normalization (autodiff), plus the chain through the statistics,
        // whose adjoints are the sums given: mean = sum(x) / count, std_dev = sqrt(sum((x - mean)^2) / count +
        // eps). The variance's derivative holds its mean fixed: the term that drops out, d(variance) * -2/count *
        // sum(x - mean), is zero (PyTorch's closed form leaves it out too).
        const Expr deviation = input(c, x, y, n) + bn->negated_mean(c);
        const Expr through_statistics =
            (grad_std_dev(c) * deviation / bn->std_dev(c) - grad_negated_mean(c)) / cast<float>(count);
        grad_input(c, x, y, n) = pointwise(d(input_f))(c, x, y, n) + through_statistics;

        /* THE SCHEDULE */
        estimate(grad_output, grad_input);
        estimates.estimate_channels(grad_negated_mean);
        estimates.estimate_channels(grad_std_dev);
        count.set_estimate(int(estimates.px) * estimates.px * estimates.batch);
        if (auto_schedule) return;
        // One pointwise pass in parallel rows, the per-channel values once each before.
        schedule_per_channel_then_map(get_target(), grad_input, {bn->negated_mean, bn->std_dev},
                                      input.dim(0).extent());
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainSum, batch_norm_train_sum)
HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainSquaredDeviations, batch_norm_train_squared_deviations)
HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainAverage, batch_norm_train_average)
HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainNormalize, batch_norm_train_normalize)
HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainBackwardSums, batch_norm_train_backward_sums)
HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainBackwardInput, batch_norm_train_backward_input)
