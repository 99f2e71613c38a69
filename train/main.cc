// bazel run -c opt //train:main -- [--data DIR] -a ARCH [flags of the reference's main.py]
//
// The reference's main.py: trains a network of the zoo (SGD, step or cosine learning rate, -ba gradient
// accumulation), validates it after every epoch and writes the reference's checkpoints to --out-dir; or, with
// -e / -es / -ed, evaluates it (accuracy, consistency under random shifts, the diagonal shift curves). Without
// --data it runs on the built-in Fashion-MNIST. Flags keep main.py's names and both of its spellings.
#include <gflags/gflags.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "runtime/checkpoint.h"
#include "runtime/file_io.h"
#include "runtime/image_io.h"
#include "runtime/trainer.h"
#include "runtime/training_checkpoint.h"
#include "runtime/transforms.h"
#include "tools/model_flags.h"
#include "tools/tool_main.h"
#include "train/evaluation.h"
#include "train/shift_plot.h"
#include "train/train_epoch.h"

DEFINE_string(data, "", "ImageNet-style folder with train/ and val/ (one subfolder per class); empty: Fashion-MNIST");
DEFINE_int32(workers, 4, "data loading threads (-j)");
DEFINE_int32(epochs, 90, "number of epochs to run (-ep)");
DEFINE_int32(start_epoch, 0, "epoch to start from (--resume sets it)");
DEFINE_int32(batch_size, 256, "mini-batch size (-b)");
DEFINE_double(lr, 0.1, "initial learning rate (--learning-rate)");
DEFINE_double(lr_step, 30, "epochs between learning-rate steps (x 0.1)");
DEFINE_bool(cos_lr, false, "cosine learning rate (torch's CosineAnnealingLR over --epochs) instead of steps");
DEFINE_double(momentum, 0.9, "SGD momentum");
DEFINE_double(wd, 1e-4, "weight decay (--weight-decay)");
DEFINE_int32(print_freq, 100, "a progress line every this many batches (-p)");
DEFINE_bool(pretrained, false, "start from pre-trained weights: those of --weights (tools/fetch_weights.py)");
DEFINE_string(resume, "", "training checkpoint to continue from (weights, epoch, best accuracy, momentum)");
DEFINE_bool(evaluate, false, "evaluate top-1 / top-5 accuracy on the validation set (-e)");
DEFINE_bool(evaluate_shift, false, "evaluate consistency under random shifts (-es)");
DEFINE_int32(epochs_shift, 5, "passes over the validation set for -es");
DEFINE_bool(evaluate_diagonal, false, "evaluate along diagonal shifts (-ed): .npy arrays and a plot in --out-dir");
DEFINE_bool(evaluate_save, false, "write the validation images (full views) as PNG into --out-dir");
DEFINE_int32(batch_accum, 1, "batches whose gradients are summed per SGD step (-ba)");
DEFINE_string(out_dir, "./", "where checkpoints and evaluation results go (created if missing)");
DEFINE_int64(seed, 0, "seed of everything random (data order, augmentation, dropout, -es offsets)");
DEFINE_bool(data_aug, true, "random crops in training (--no-data-aug: central crops, flips only)");
DEFINE_string(save_weights, "", "write the weights ({'state_dict': ...}) to this file and stop");
DEFINE_int64(max_train_iters, 0, "batches per epoch at most (-mti); 0: all");
DEFINE_bool(val_debug, false, "train on the validation set (faster epochs, for debugging)");
DEFINE_int64(train_subset, 0, "train on this many evenly spaced training images; 0: all");
DEFINE_int64(val_subset, 0, "evaluate on this many evenly spaced validation images; 0: all");
DEFINE_int32(canvas, 40,
             "built-in data: each 28 px image is centred on a black square of this side; training's random crops "
             "(with data augmentation) move within it");
DEFINE_int32(max_shift, -1,
             "the shift evaluations' range S: -es draws each crop offset from [0, S), -ed takes offsets 0..S "
             "(the view is the central crop + S square); default: canvas - 32 (built-in data), 32 (--data)");
DEFINE_bool(finetune, false,
            "start the anti-aliased -a network from its baseline's checkpoint, --weights BASELINE.pth: parameters "
            "copied in order, buffers matched by shape (the reference's copy_params_buffers)");
// main.py's flags that this program does not take, refused with the reason rather than ignored.
DEFINE_bool(force_nonfinetuned, false, "not supported: --pretrained loads --weights");
DEFINE_int32(world_size, -1, "not taken: start the ranks with mpirun -np N (README, multi-process training)");
DEFINE_int32(rank, -1, "not taken: start the ranks with mpirun -np N (README, multi-process training)");
DEFINE_string(dist_url, "", "not taken: start the ranks with mpirun -np N (README, multi-process training)");
DEFINE_string(dist_backend, "", "not taken: start the ranks with mpirun -np N (README, multi-process training)");
DEFINE_bool(multiprocessing_distributed, false, "not taken: start the ranks with mpirun -np N (README, multi-process training)");
DEFINE_bool(wandb, false, "not supported: no logging service)");
DEFINE_bool(embed, false, "not supported: no Python shell)");

namespace antialiased {
namespace {

bool given(const char *flag) { return !gflags::GetCommandLineFlagInfoOrDie(flag).is_default; }

void check_flags() {
    for (const char *flag : {"force_nonfinetuned", "world_size", "rank", "dist_url", "dist_backend",
                             "multiprocessing_distributed", "wandb", "embed"}) {
        if (given(flag)) {
            throw Error("--" + std::string(flag) + ": " + gflags::GetCommandLineFlagInfoOrDie(flag).description);
        }
    }
    struct Bounded {
        const char *flag;
        int64_t value, minimum;
    };
    for (const Bounded &b : {Bounded{"batch_size", FLAGS_batch_size, 1}, Bounded{"workers", FLAGS_workers, 1},
                             Bounded{"print_freq", FLAGS_print_freq, 1}, Bounded{"batch_accum", FLAGS_batch_accum, 1},
                             Bounded{"epochs_shift", FLAGS_epochs_shift, 1}, Bounded{"epochs", FLAGS_epochs, 0},
                             Bounded{"start_epoch", FLAGS_start_epoch, 0},
                             Bounded{"max_train_iters", FLAGS_max_train_iters, 0},
                             Bounded{"train_subset", FLAGS_train_subset, 0}, Bounded{"val_subset", FLAGS_val_subset, 0}}) {
        if (b.value < b.minimum) {
            throw Error("--" + std::string(b.flag) + " must be >= " + std::to_string(b.minimum) + ", not " +
                        std::to_string(b.value));
        }
    }
    if (FLAGS_lr_step <= 0) throw Error("--lr_step must be > 0");
    if (FLAGS_finetune && FLAGS_weights.empty()) {
        throw Error("--finetune starts from the baseline's checkpoint: give it as --weights PATH");
    }
    if (FLAGS_pretrained && FLAGS_weights.empty()) {
        throw Error("--pretrained loads --weights PATH (the released weights: tools/fetch_weights.py ARCH)");
    }
}

std::unique_ptr<ImageSet> image_set(bool train) {
    if (FLAGS_data.empty()) {
        FashionMnistGeometry geometry;
        geometry.canvas = FLAGS_canvas;
        geometry.max_shift = given("max_shift") ? FLAGS_max_shift : FLAGS_canvas - FashionMnistGeometry::kCrop;
        return fashion_mnist_set(train, geometry);
    }
    if (given("canvas")) throw Error("--canvas is the built-in data's; with --data the shift view is set by --max-shift");
    return image_folder_set(FLAGS_data, train ? "train" : "val", given("max_shift") ? FLAGS_max_shift : 32);
}

// The reference's schedules: steps of 0.1 every --lr_step epochs, or torch's CosineAnnealingLR stepped once
// before each epoch (so epoch e trains at the rate of step e + 1, and the last one at 0, as there).
double learning_rate(int epoch) {
    if (FLAGS_cos_lr) return FLAGS_lr * (1 + std::cos(M_PI * (epoch + 1) / FLAGS_epochs)) / 2;
    return FLAGS_lr * std::pow(0.1, std::floor(epoch / FLAGS_lr_step));
}

// main.py's --save_weights file, {'state_dict': ...}: what its --weights reads.
void save_weights_file(Module &model, const std::string &path) {
    CheckpointWriter writer;
    ValuePtr root = Value::dict();
    root->set("state_dict", state_dict_value(&writer, state_dict(model)));
    writer.save(path, *root);
}

// The full views of the validation images as PNG files 00000.png, ... (the reference's --evaluate-save).
void save_images(const ImageSet &set, const std::vector<size_t> &samples, const std::string &dir) {
    for (size_t i = 0; i < samples.size(); i++) {
        Tensor view = set.evaluation_sample(samples[i], true).first;
        float *data = view.data();
        for (size_t k = 0; k < view.shape().elements(); k++) {
            data[k] = data[k] * kImageNetStd[k % 3] + kImageNetMean[k % 3];  // NHWC: channels innermost
        }
        char name[32];
        std::snprintf(name, sizeof(name), "/%05zu.png", i);
        write_image(dir + name, tensor_to_image(view));
    }
}

// Under mpirun the ranks share the work (-e: images, -es: whole batches of -b, -ed: images) and count exactly
// what one process counts; rank 0 writes the files.
void evaluate(Module &model, const ImageSet &val, const std::vector<size_t> &samples, const Device &device,
              int batch_size, bool writing) {
    model.fuse();  // inference only from here: batch norms and ReLUs folded into the convolutions
    const EvaluationSettings settings{batch_size, FLAGS_workers, FLAGS_print_freq, device};
    if (FLAGS_evaluate) {
        validate(model, val, samples, settings);
    } else if (FLAGS_evaluate_shift) {
        EvaluationSettings whole_batches = settings;  // the one-process batches, so the same crops
        whole_batches.batch_size = FLAGS_batch_size;
        validate_shift(model, val, samples, whole_batches, FLAGS_epochs_shift, uint64_t(FLAGS_seed),
                       FLAGS_out_dir + "/shift_offsets.npy");
    } else if (FLAGS_evaluate_diagonal) {
        const DiagonalShifts result = validate_diagonal(model, val, samples, settings);
        if (!writing) return;
        save_diagonal_shifts(result, FLAGS_out_dir);
        plot_diagonal_shifts(result, FLAGS_out_dir + "/diag_probs.png");
        std::printf(
            "=> wrote diag_probs.npy, diag_probs2.npy, diag_corrs.npy, diag_preds.npy and diag_probs.png to %s\n",
            FLAGS_out_dir.c_str());
    } else if (writing) {
        save_images(val, samples, FLAGS_out_dir);
    }
}

// Under mpirun: the ranks' share of every batch, and only rank 0 prints (the others' standard output is
// dropped; errors still name their rank).
int per_rank_batch(const Communicator &ranks) {
    if (!ranks.distributed()) return FLAGS_batch_size;
    if (FLAGS_batch_size % ranks.size()) {
        throw Error("--batch-size " + std::to_string(FLAGS_batch_size) + " does not split over " +
                    std::to_string(ranks.size()) + " ranks");
    }
    if (ranks.rank() != 0 && !std::freopen("/dev/null", "w", stdout)) throw Error("cannot silence rank output");
    std::printf("=> data-parallel on %d ranks (mpirun): batches of %d, %d per rank, batch norms %s\n", ranks.size(),
                FLAGS_batch_size, FLAGS_batch_size / ranks.size(),
                FLAGS_sync_bn ? "synchronized (--sync-bn)" : "per rank");
    return FLAGS_batch_size / ranks.size();
}

void run() {
    check_flags();
    const Communicator &ranks = Communicator::world();
    const int batch_size = per_rank_batch(ranks);
    const bool writing = ranks.rank() == 0;  // checkpoints and other files
    const ModelFlags flags = model_flags();
    std::error_code error;
    std::filesystem::create_directories(FLAGS_out_dir, error);
    if (!std::filesystem::is_directory(FLAGS_out_dir)) throw Error("--out-dir " + FLAGS_out_dir + ": cannot create it");
    const Device device = device_flag();
    const bool evaluating = FLAGS_evaluate || FLAGS_evaluate_shift || FLAGS_evaluate_diagonal || FLAGS_evaluate_save;
    std::unique_ptr<ImageSet> val = image_set(false);
    ModelOptions options = flags.options;
    if (!given("classes")) options.num_classes = val->classes();
    std::printf("=> creating model '%s' (%d classes)\n", flags.arch.c_str(), options.num_classes);
    Model model;
    if (FLAGS_finetune) {
        std::printf("=> copying over pretrained weights from [%s] (%s)\n", baseline_arch(flags.arch).c_str(),
                    FLAGS_weights.c_str());
        model = finetune_model(flags.arch, options, FLAGS_weights);
    } else if (!FLAGS_weights.empty()) {
        model = build_model(flags.arch, options);
        std::printf("=> using saved weights [%s]\n", FLAGS_weights.c_str());
        load_weights(*model, FLAGS_weights);
    } else {
        model = build_model(flags.arch, options);
        initialize_weights(*model, flags.arch, uint64_t(FLAGS_seed));
    }

    SgdOptions sgd{float(FLAGS_lr), float(FLAGS_momentum), float(FLAGS_wd)};
    TrainingState state;
    state.arch = flags.arch;
    state.epoch = FLAGS_start_epoch;
    if (!FLAGS_resume.empty()) {
        std::printf("=> loading checkpoint '%s'\n", FLAGS_resume.c_str());
        state = load_training_checkpoint(FLAGS_resume, *model);
        // torch's optimizer.load_state_dict restores the saved momentum and weight decay too.
        sgd.momentum = state.sgd.momentum, sgd.weight_decay = state.sgd.weight_decay, sgd.nesterov = state.sgd.nesterov;
        std::printf("=> loaded checkpoint '%s' (epoch %lld)\n", FLAGS_resume.c_str(), (long long)state.epoch);
        state.arch = flags.arch;
    }
    if (!FLAGS_save_weights.empty()) {
        std::printf("=> saving weights [%s]\n", FLAGS_save_weights.c_str());
        if (writing) save_weights_file(*model, FLAGS_save_weights);
        return;
    }

    const std::vector<size_t> val_samples = sample_subset(val->size(), size_t(FLAGS_val_subset));
    if (evaluating) return evaluate(*model, *val, val_samples, device, batch_size, writing);

    std::unique_ptr<ImageSet> train = FLAGS_val_debug ? image_set(false) : image_set(true);
    if (train->classes() != options.num_classes && !given("classes")) {
        throw Error(train->name() + " has " + std::to_string(train->classes()) + " classes but " + val->name() +
                    " has " + std::to_string(val->classes()));
    }
    const std::vector<size_t> train_samples = sample_subset(train->size(), size_t(FLAGS_train_subset));
    std::printf("=> training on %zu images of %s, validating on %zu of %s, seed %lld\n", train_samples.size(),
                train->name().c_str(), val_samples.size(), val->name().c_str(), (long long)FLAGS_seed);
    Trainer trainer(*model, sgd, training_context());
    trainer.set_momentum(state.momentum);
    const EvaluationSettings eval{batch_size, FLAGS_workers, FLAGS_print_freq, device};
    for (int epoch = int(state.epoch); epoch < FLAGS_epochs; epoch++) {
        const double lr = learning_rate(epoch);
        trainer.optimizer().set_lr(float(lr));
        if (FLAGS_cos_lr) std::printf("[%03d] %.5f\n", epoch, lr);
        EpochSettings settings;
        settings.epoch = epoch;
        settings.epochs = FLAGS_epochs;
        settings.batch_size = batch_size;
        settings.rank = ranks.rank();
        settings.ranks = ranks.size();
        settings.workers = FLAGS_workers;
        settings.print_freq = FLAGS_print_freq;
        settings.batch_accum = FLAGS_batch_accum;
        settings.max_iters = FLAGS_max_train_iters;
        settings.seed = uint64_t(FLAGS_seed);
        settings.augment = FLAGS_data_aug;
        train_epoch(trainer, *train, train_samples, settings);
        const Accuracy accuracy = validate(*model, *val, val_samples, eval);
        // The epoch's last steps may have diverged after their losses were checked: no checkpoint then.
        stop_if_diverged(accuracy.loss, "epoch " + std::to_string(epoch) + ", validation");

        const bool is_best = accuracy.top1 > state.best_acc1;
        state.best_acc1 = std::max(accuracy.top1, state.best_acc1);
        state.epoch = epoch + 1;
        state.sgd = trainer.optimizer().options();
        state.momentum = trainer.momentum();
        if (!writing) continue;
        const std::string dir = FLAGS_out_dir + "/";
        save_training_checkpoint(dir + "checkpoint.pth.tar", *model, state);
        // The others are copies of that file, as main.py makes model_best (serialized once, written atomically).
        const bool tenth = epoch % 10 == 0;
        const std::string bytes = tenth || is_best ? read_file(dir + "checkpoint.pth.tar") : "";
        if (tenth) {
            char name[32];
            std::snprintf(name, sizeof(name), "checkpoint_%03d.pth.tar", epoch);
            write_file_atomically(dir + name, bytes);
        }
        if (is_best) write_file_atomically(dir + "model_best.pth.tar", bytes);
    }
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    return antialiased::tool_main("main", "trains and evaluates anti-aliased networks like the reference's main.py",
                                  argc, argv, antialiased::run);
}
