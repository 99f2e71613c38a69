// Whole-network inference: images/s of our models at batch sizes 1 and 16 (224 px), with the weights that
// models_torch.py wrote and timed in PyTorch in the same run (run_models.sh), and the ratio.
#include <gflags/gflags.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "models/zoo.h"

DEFINE_string(archs, "resnet50_lpf4,densenet121_lpf4,mobilenet_v2_lpf4", "comma-separated architectures");
DEFINE_string(weights_dir, "", "folder with <arch>.pth written by models_torch.py");
DEFINE_string(torch, "", "PyTorch's results: lines 'arch batch images_per_second'");
DEFINE_string(batches, "1,16", "batch sizes");
DEFINE_int32(size, 224, "image height and width");
DEFINE_double(seconds, 5, "time per measurement (at least 2 runs)");
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
    model.forward(x, Device::cpu());  // warm up
    int runs = 0;
    double best = 1e30, total = 0;
    while (runs < 2 || total < FLAGS_seconds) {
        const auto start = std::chrono::steady_clock::now();
        model.forward(x, Device::cpu());
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::min(best, s);
        total += s;
        runs++;
    }
    return batch / best;
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    using namespace antialiased;
    gflags::ParseCommandLineFlags(&argc, &argv, true);
    std::map<std::pair<std::string, int>, double> torch;
    std::ifstream torch_file(FLAGS_torch);
    std::string arch;
    for (int batch; torch_file >> arch >> batch;) torch_file >> torch[{arch, batch}];

    std::printf("%-20s %5s | %10s %10s %7s\n", "model", "batch", "ours img/s", "torch", "ratio");
    for (const std::string &name : split(FLAGS_archs)) {
        Model model = build_model(name);
        load_weights(*model, FLAGS_weights_dir + "/" + name + ".pth");
        if (FLAGS_fuse) model->fuse();
        for (const std::string &b : split(FLAGS_batches)) {
            const int batch = std::stoi(b);
            const double ours = images_per_second(*model, batch);
            const double theirs = torch.count({name, batch}) ? torch[{name, batch}] : 0;
            std::printf("%-20s %5d | %10.2f %10.2f %6.2fx\n", name.c_str(), batch, ours, theirs, ours / theirs);
            std::fflush(stdout);
        }
    }
    return 0;
}
