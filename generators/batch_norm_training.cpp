// Batch norm in training mode (torch.nn.BatchNorm2d.train()): each channel normalized with the batch's own
// mean and biased variance over (x, y, n), then scaled and shifted, then the activation that follows it in the
// network (ReLU, ReLU6 or none). The backward stage differentiates the same algorithm with Halide's autodiff.
// Maps are (c, x, y, n), channels innermost, mins 0.
#include "Halide.h"
#include "adjoint_region.h"
#include "activation.h"

namespace antialiased {
namespace {

using namespace Halide;

// The training-mode algorithm over `input`: batch statistics, then the affine normalization.
struct BatchNormTrainAlgorithm {
    Var c{"c"}, x{"x"}, y{"y"}, n{"n"};
    Func mean{"batch_mean"}, variance{"batch_variance"}, output{"batch_norm"};

    BatchNormTrainAlgorithm(Func input, Func weight, Func bias, Expr width, Expr height, Expr batch, Expr eps,
                            Expr activation) {
        RDom r(0, width, 0, height, 0, batch, "r");
        // The sums accumulate in double, as PyTorch's CPU kernels do: a float sum of N*H*W values (thousands)
        // loses digits that small-batch statistics then amplify.
        const Expr count = cast<double>(width * height * batch);
        mean(c) = cast<float>(sum(cast<double>(input(c, r.x, r.y, r.z))) / count);
        const Expr centered = cast<double>(input(c, r.x, r.y, r.z) - mean(c));
        variance(c) = cast<float>(sum(centered * centered) / count);  // biased, as PyTorch normalizes with
        output(c, x, y, n) =
            activate((input(c, x, y, n) - mean(c)) / sqrt(variance(c) + eps) * weight(c) + bias(c), activation);
    }
};

template <typename Map>
void constrain_map(Map &map) {
    for (int d = 0; d < 4; d++) map.dim(d).set_min(0).set_estimate(0, d == 0 ? 64 : d == 3 ? 16 : 56);
}

// A per-channel Func (a sum over the map, or a term of one), computed at the root: each vector of channels its
// own task, its sums over (x, y, n) inside. (Computed serially, these passes over the map took longer than the
// parallel normalization itself.)
void parallel_per_channel(Func f, int vector) {
    const Var c = f.args()[0];
    Var block("block");
    f.compute_root().split(c, block, c, vector, TailStrategy::GuardWithIf).parallel(block).vectorize(c);
    for (int u = 0; u < f.num_update_definitions(); u++) {
        Stage stage = f.update(u);
        stage.split(c, block, c, vector, TailStrategy::GuardWithIf).vectorize(c);
        std::vector<VarOrRVar> order = {c};
        for (const RVar &r : f.rvars(u)) order.push_back(r);
        order.push_back(block);
        stage.reorder(order).parallel(block);
    }
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
        BatchNormTrainAlgorithm bn(input, weight, bias, input.dim(1).extent(), input.dim(2).extent(),
                                   input.dim(3).extent(), eps, activation);
        output(bn.c, bn.x, bn.y, bn.n) = bn.output(bn.c, bn.x, bn.y, bn.n);
        batch_mean(bn.c) = bn.mean(bn.c);
        batch_variance(bn.c) = bn.variance(bn.c);

        /* THE SCHEDULE */
        constrain_map(input);
        constrain_map(output);
        // Statistics once per channel (two passes over the map), then the normalization in parallel rows.
        const int vector = natural_vector_size<float>();
        bn.mean.compute_root();
        bn.variance.compute_root();
        if (get_target().has_gpu_feature()) {
            Var ci("ci"), xi("xi"), yn("yn");
            bn.mean.gpu_tile(bn.c, ci, 32, TailStrategy::GuardWithIf);
            bn.variance.gpu_tile(bn.c, ci, 32, TailStrategy::GuardWithIf);
            output.fuse(bn.y, bn.n, yn).gpu_tile(bn.c, bn.x, ci, xi, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
            return;
        }
        for (Func f : {bn.mean, bn.variance}) parallel_per_channel(f, vector);
        Var yn("yn");
        output.fuse(bn.y, bn.n, yn).parallel(yn).vectorize(bn.c, vector, TailStrategy::GuardWithIf);
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
        BatchNormTrainAlgorithm bn(input_f, weight_f, bias_f, input.dim(1).extent(), input.dim(2).extent(),
                                   input.dim(3).extent(), eps, activation);
        const Region region = adjoint_region(grad_output);
        Derivative d = propagate_adjoints(bn.output, grad_output, region);
        Func d_input = d(input_f);
        grad_input(c, x, y, n) = d_input(c, x, y, n);
        grad_weight(c) = d(weight_f)(c);
        grad_bias(c) = d(bias_f)(c);

        /* THE SCHEDULE */
        constrain_map(input);
        constrain_map(grad_output);
        constrain_map(grad_input);
        // The input's adjoint has a pointwise definition and two updates that scatter per-channel terms (of the
        // mean and of the variance) over the whole map, with only c pure: it is computed whole for a block of
        // channels, before that block's output; the statistics and the per-channel adjoints (reductions over the
        // map) once each, at the root.
        const Var dc = d_input.args()[0];
        const std::vector<Func> per_channel = {bn.mean, bn.variance, d(bn.mean), d(bn.variance), d(weight_f), d(bias_f)};
        if (get_target().has_gpu_feature()) {
            // One thread per channel for everything that reduces or scatters over the map.
            Var ci("ci"), xi("xi"), yn("yn");
            for (Func f : per_channel) {
                f.compute_root().gpu_tile(f.args()[0], ci, 32, TailStrategy::GuardWithIf);
                for (int u = 0; u < f.num_update_definitions(); u++) {
                    f.update(u).gpu_tile(f.args()[0], ci, 32, TailStrategy::GuardWithIf);
                }
            }
            d_input.compute_root().gpu_tile(dc, ci, 32, TailStrategy::GuardWithIf);
            for (int u = 0; u < d_input.num_update_definitions(); u++) {
                d_input.update(u).gpu_tile(dc, ci, 32, TailStrategy::GuardWithIf);
            }
            grad_input.fuse(y, n, yn).gpu_tile(c, x, ci, xi, 32, 4, TailStrategy::GuardWithIf).gpu_blocks(yn);
            return;
        }
        const int vector = natural_vector_size<float>();
        for (Func f : per_channel) parallel_per_channel(f, vector);
        // Blocks of one vector of channels, in parallel.
        Var co("co");
        grad_input.split(c, co, c, vector, TailStrategy::GuardWithIf)
            .reorder(c, x, y, n, co)
            .parallel(co)
            .vectorize(c);
        d_input.compute_at(grad_input, co).vectorize(dc, vector, TailStrategy::GuardWithIf);
        for (int u = 0; u < d_input.num_update_definitions(); u++) {
            d_input.update(u).vectorize(dc, vector, TailStrategy::GuardWithIf);
        }
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainForward, batch_norm_train_forward)
HALIDE_REGISTER_GENERATOR(antialiased::BatchNormTrainBackward, batch_norm_train_backward)
