// Training stages that are not layers: the softmax cross-entropy loss with its gradient (from Halide's
// autodiff), and the SGD update of torch.optim.SGD (weight decay added to the gradient, momentum buffer,
// no dampening, optional Nesterov).
#include "Halide.h"

namespace antialiased {
namespace {

using namespace Halide;

// The schedule of a per-element stage over flat vectors (the SGD step, scaled sums): memory-bound, so on the CPU
// blocks of 16 K elements per core, two vectors per step; on a GPU 256 elements a block.
void schedule_flat(Func f, const Target &target) {
    Var i = f.args()[0], io("io");
    if (target.has_gpu_feature()) {
        f.gpu_tile(i, io, i, 256, TailStrategy::GuardWithIf);
        return;
    }
    f.split(i, io, i, 16384, TailStrategy::GuardWithIf)
        .parallel(io)
        .vectorize(i, 2 * target.natural_vector_size<float>(), TailStrategy::GuardWithIf);
}

// Loss and gradient of the mean softmax cross-entropy of logits (k, 1, 1, n) (an (N, K, 1, 1) tensor, classes
// innermost; the gradient the same) against labels (n): mean over n of logsumexp(logits[:, n]) - logits[label, n].
// `shift` (n) is subtracted inside the exponentials for stability (the runtime passes each row's maximum);
// the result does not depend on it. It comes from outside because Halide 14's autodiff cannot differentiate
// a maximum (nor a running maximum), and as a constant it needs no gradient.
class CrossEntropy : public Generator<CrossEntropy> {
  public:
    Input<Buffer<float>> logits{"logits", 4};
    Input<Buffer<int32_t>> labels{"labels", 1};
    Input<Buffer<float>> shift{"shift", 1};
    Output<Buffer<float>> loss{"loss", 0};
    Output<Buffer<float>> grad_logits{"grad_logits", 4};

    void generate() {
        Var k("k"), x("x"), y("y"), n("n");
        const Expr classes = logits.dim(0).extent(), batch = logits.dim(3).extent();
        RDom rk(0, classes, "rk"), rn(0, batch, "rn");

        /* THE ALGORITHM */
        Func z("z");  // autodiff differentiates Funcs, not input buffers
        z(k, n) = logits(k, 0, 0, n);
        Func sum_exp("sum_exp"), per_image("per_image"), mean("mean");
        sum_exp(n) = sum(exp(z(rk, n) - shift(n)));
        per_image(n) = log(sum_exp(n)) + shift(n) - z(clamp(labels(n), 0, classes - 1), n);
        mean() = sum(per_image(rn)) / cast<float>(batch);
        loss() = mean();
        Derivative d = propagate_adjoints(mean);
        grad_logits(k, x, y, n) = d(z)(k, n);

        /* THE SCHEDULE */
        logits.dim(0).set_estimate(0, 1000).dim(1).set_estimate(0, 1).dim(2).set_estimate(0, 1).dim(3).set_estimate(0, 16);
        labels.dim(0).set_estimate(0, 16);
        shift.dim(0).set_estimate(0, 16);
        grad_logits.dim(0).set_estimate(0, 1000).dim(1).set_estimate(0, 1).dim(2).set_estimate(0, 1).dim(3).set_estimate(0, 16);
        // Small (N x classes): every intermediate once, in order; the gradient vectorized over classes.
        for (Func f : {sum_exp, per_image, mean}) f.compute_root();
        // Their adjoints too, so none is recomputed per element; and the logits' adjoint, whose update scatters
        // each image's -1/N onto its label: inlined, every gradient element ran that scatter over the whole
        // batch again (30 ms for 64 x 1000 logits, 13% of a resnet18_lpf3 step at 32 px).
        for (Func f : {d(sum_exp), d(per_image), d(z)}) f.compute_root();
        if (get_target().has_gpu_feature()) {
            Var ki("ki"), nk("nk");
            // Per image (a few dozen): one thread each, a block of 64; the sums over the batch, the loss and
            // autodiff's scatter of -1/N onto the labels, one thread (left to the host, the pipeline would bring
            // these Funcs back to it).
            Var ni("ni");
            for (Func f : {sum_exp, per_image, d(sum_exp), d(per_image)}) f.gpu_tile(f.args()[0], ni, 64, TailStrategy::GuardWithIf);
            for (Func f : {mean, Func(loss)}) f.gpu_single_thread();
            Func dz = d(z);
            // The gradient: 64 classes per block, a block row per image.
            dz.gpu_tile(dz.args()[0], dz.args()[1], ki, nk, 64, 1, TailStrategy::GuardWithIf);
            for (int u = 0; u < dz.num_update_definitions(); u++) dz.update(u).gpu_single_thread();
            grad_logits.gpu_tile(k, n, ki, nk, 64, 1, TailStrategy::GuardWithIf);
            return;
        }
        Func dz = d(z);
        dz.vectorize(dz.args()[0], natural_vector_size<float>(), TailStrategy::GuardWithIf);
        // Its updates (autodiff's accumulations into it) in order, as written: a few thousand terms.
        for (int u = 0; u < dz.num_update_definitions(); u++) {
            for (const RVar &r : dz.rvars(u)) dz.update(u).serial(r);
        }
        grad_logits.vectorize(k, natural_vector_size<float>(), TailStrategy::GuardWithIf);
    }
};

// One step of torch.optim.SGD for a flat parameter: d = grad + weight_decay * param; buffer = first_step ? d :
// momentum * buffer + d; d = nesterov ? d + momentum * buffer : buffer (momentum 0: d as is);
// param -= lr * d.
class SgdStep : public Generator<SgdStep> {
  public:
    Input<Buffer<float>> param{"param", 1};
    Input<Buffer<float>> grad{"grad", 1};
    Input<Buffer<float>> buffer{"buffer", 1};
    Input<float> lr{"lr"};
    Input<float> momentum{"momentum"};
    Input<float> weight_decay{"weight_decay"};
    Input<bool> nesterov{"nesterov"};
    Input<bool> first_step{"first_step"};
    // (new parameter, new momentum buffer)
    Output<Buffer<>> updated{"updated", {Float(32), Float(32)}, 1};

    void generate() {
        Var i("i");
        /* THE ALGORITHM */
        const Expr d = grad(i) + weight_decay * param(i);
        const Expr b = select(first_step, d, momentum * buffer(i) + d);
        const Expr direction = select(momentum == 0.0f, d, nesterov, d + momentum * b, b);
        updated(i) = {param(i) - lr * direction, select(momentum == 0.0f, buffer(i), b)};

        /* THE SCHEDULE */
        param.dim(0).set_estimate(0, 1 << 20);
        grad.dim(0).set_estimate(0, 1 << 20);
        buffer.dim(0).set_estimate(0, 1 << 20);
        schedule_flat(updated, get_target());
    }
};

// a * x + b * y for flat vectors, where the training step's state lives: a batch's gradient added to the sum of
// the batches before it (torch's p.grad += new: a = b = 1), a batch norm's running statistic moved toward the
// batch's (a = 1 - momentum, b = momentum, times count / (count - 1) for the variance).
class ScaledSum : public Generator<ScaledSum> {
  public:
    Input<Buffer<float>> x{"x", 1};
    Input<Buffer<float>> y{"y", 1};
    Input<float> a{"a"};
    Input<float> b{"b"};
    Output<Buffer<float>> sum{"sum", 1};

    void generate() {
        Var i("i");
        /* THE ALGORITHM */
        sum(i) = a * x(i) + b * y(i);

        /* THE SCHEDULE */
        x.dim(0).set_estimate(0, 1 << 20);
        y.dim(0).set_estimate(0, 1 << 20);
        schedule_flat(sum, get_target());
    }
};

}  // namespace
}  // namespace antialiased

HALIDE_REGISTER_GENERATOR(antialiased::CrossEntropy, cross_entropy)
HALIDE_REGISTER_GENERATOR(antialiased::ScaledSum, scaled_sum)
HALIDE_REGISTER_GENERATOR(antialiased::SgdStep, sgd_step)
