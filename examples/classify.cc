// An application of the public API: classify one image file.
//   bazel run -c opt //examples:classify -- resnet50_lpf4 WEIGHTS.pth IMAGE.jpg
#include <cstdio>

#include "api/antialiased.h"

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: classify ARCH WEIGHTS.pth IMAGE\n");
        return 2;
    }
    try {
        const antialiased::Classifier classifier(argv[1], argv[2]);
        for (const antialiased::Prediction &p : classifier.classify(argv[3])) {
            std::printf("class %4d  probability %.4f\n", p.label, p.probability);
        }
    } catch (const antialiased::Error &e) {
        std::fprintf(stderr, "classify: %s\n", e.what());
        return 1;
    }
    return 0;
}
