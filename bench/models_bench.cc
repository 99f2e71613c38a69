// Whole-network inference: images/s of our models at batch sizes 1 and 16 (224 px), with the weights that
// models_torch.py wrote and timed in PyTorch in the same run (run_models.sh), and the ratios. PyTorch runs
// twice: as installed (torch), and with glibc keeping freed memory (torch'), which spares it the page faults
// of its fresh activations at batch 16.
#include <gflags/gflags.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "bench/best_time.h"
#include "models/zoo.h"
#include "runtime/tuned_dispatch.h"

DEFINE_string(archs, "resnet50_lpf4,densenet121_lpf4,mobilenet_v2_lpf4", "comma-separated architectures");
DEFINE_string(weights_dir, "", "folder with <arch>.pth written by models_torch.py");
DEFINE_string(torch, "", "PyTorch's results: lines 'arch batch images_per_second'");
DEFINE_string(torch_reuse, "", "the same, PyTorch run with glibc keeping freed memory");
DEFINE_string(batches, "1,16", "batch sizes");
DEFINE_int32(size, 224, "image height and width");
DEFINE_double(seconds, 5, "time per measurement (at least 2 runs)");
DEFINE_int32(gpu, -1, "CUDA GPU to run on (tools/gpu_check.sh); -1: the CPU");
DEFINE_bool(tuned, true, "run the stages of the tuned tables' shapes with their tuned variants "
                         "(runtime/tuned_dispatch.h; --notuned: the hand schedules everywhere)");
DEFINE_bool(fuse, true, "fold batch norms and ReLUs into the convolutions (false: every layer its own stage)");

namespace antialiased {
namespace {

std::vector<std::string> split(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');) out.push_back(item);
    return out;
}

double images_per_second(const Module &model, int batch) {
    Tensor x(Shape{batch, 3, FLAGS_size, FLAGS_size});
    std::mt19937 rng(0);
    std::normal_distribution<float> normal;
    for (size_t i = 0; i < x.shape().elements(); i++) x.data()[i] = normal(rng);
    const Device device = FLAGS_gpu >= 0 ? Device::cuda(FLAGS_gpu) : Device::cpu();
    // On a GPU the logits' copy back waits for the pass to finish.
    const double best = best_seconds([&] { model.forward(x, device).copy_to_host(); }, FLAGS_seconds);
    return batch / best;
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    using namespace antialiased;
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    use_tuned_stages(FLAGS_tuned);
    using Results = std::map<std::pair<std::string, int>, double>;  // (arch, batch) -> images/s
    auto read_results = [](const std::string &path) {
        Results results;
        std::ifstream file(path);
        std::string arch;
        for (int batch; file >> arch >> batch;) file >> results[{arch, batch}];
        return results;
    };
    Results torch = read_results(FLAGS_torch), torch_reuse = read_results(FLAGS_torch_reuse);

    std::printf("%-20s %5s | %10s %8s %8s | %8s %8s\n", "model", "batch", "ours img/s", "torch", "torch'",
                "/torch", "/torch'");
    for (const std::string &name : split(FLAGS_archs)) {
        Model model = build_model(name);
        load_weights(*model, FLAGS_weights_dir + "/" + name + ".pth");
        if (FLAGS_fuse) model->fuse();
        for (const std::string &b : split(FLAGS_batches)) {
            const int batch = std::stoi(b);
            const double ours = images_per_second(*model, batch);
            const double theirs = torch[{name, batch}], reuse = torch_reuse[{name, batch}];
            std::printf("%-20s %5d | %10.2f %8.2f %8.2f | %7.2fx %7.2fx\n", name.c_str(), batch, ours, theirs, reuse,
                        ours / theirs, ours / reuse);
            std::fflush(stdout);
        }
    }
    return 0;
}
