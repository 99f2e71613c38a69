// bazel run -c opt //tools:predict -- -a ARCH [-f K] --weights W.pth --input X.npy --output Y.npy
//     [--classes N] [--gpu 0] [--labels LABELS.txt]
//
// Logits of any network of the zoo with PyTorch weights. X: float32 (N, 3, H, W), already normalized; Y:
// float32 (N, classes). --input may also be a PNG/JPEG file: it then gets the reference's validation
// transform (resize 256, center crop 224, normalize) and the top-5 classes are printed (with names from
// --labels, one per line, if given).
#include <gflags/gflags.h>

#include <cstdio>
#include <fstream>

#include "api/antialiased.h"
#include "runtime/image_io.h"
#include "runtime/npy.h"
#include "runtime/transforms.h"
#include "tools/model_flags.h"
#include "tools/tool_main.h"

DEFINE_string(input, "", "float32 .npy (N, 3, H, W), normalized; or a PNG/JPEG image");
DEFINE_string(output, "", "where to write the logits, float32 .npy (N, classes)");
DEFINE_string(labels, "", "optional class names, one per line, for the top-5 of an image");

namespace antialiased {
namespace {

void run() {
    const ModelFlags model = model_flags();
    if (FLAGS_weights.empty()) throw Error("--weights is required");
    if (FLAGS_input.empty()) throw Error("--input is required");
    const Classifier classifier(model.arch, FLAGS_weights, FLAGS_classes, model.options.filter_size, FLAGS_gpu);

    const bool image = is_image_file(FLAGS_input);
    if (!image && FLAGS_output.empty()) throw Error("--output is required for .npy input");
    const Tensor input = image ? validation_transform(read_image(FLAGS_input, ColorMode::kRgb)) : read_npy_tensor(FLAGS_input);
    const Tensor logits = classifier.forward(input);
    const int n = logits.shape().n, classes = logits.shape().c;
    if (!FLAGS_output.empty()) write_npy(FLAGS_output, {n, classes}, logits.data());
    if (!image) {
        std::printf("%s (%d images) -> %s (%d, %d)\n", FLAGS_input.c_str(), n, FLAGS_output.c_str(), n, classes);
        return;
    }
    std::vector<std::string> names;
    if (!FLAGS_labels.empty()) {
        std::ifstream file(FLAGS_labels);
        if (!file) throw Error(FLAGS_labels + ": cannot open");
        for (std::string line; std::getline(file, line);) names.push_back(line);
    }
    for (const Prediction &p : top_k(logits.data(), classes, 5)) {
        const std::string name = p.label < int(names.size()) ? "  " + names[p.label] : "";
        std::printf("%5d  %.4f%s\n", p.label, p.probability, name.c_str());
    }
}

}  // namespace
}  // namespace antialiased

int main(int argc, char **argv) {
    return antialiased::tool_main("predict", "logits (or top-5 classes of an image) of an anti-aliased network", argc,
                                  argv, antialiased::run);
}
