// An application of the public API: the top-5 classes of an image under a network of the zoo.
//   bazel run -c opt //examples:classify -- resnet50_lpf4 resnet50_lpf4-994b528f.pth cat.jpg
// or outside Bazel, with the package (api/BUILD) and nothing else:
//   bazel build -c opt //api:package
//   mkdir -p $HOME/antialiased && tar xzf bazel-bin/api/antialiased.tar.gz -C $HOME/antialiased
//   export PKG_CONFIG_PATH=$HOME/antialiased/lib/pkgconfig
//   g++ -std=c++17 -O2 examples/classify.cc $(pkg-config --cflags --libs antialiased) -o classify
//   ./classify resnet50_lpf4 resnet50_lpf4-994b528f.pth cat.jpg
#include <antialiased.h>

#include <cstdio>
#include <string>

int main(int argc, char **argv) {
    if (argc < 4 || argc > 5) {
        std::fprintf(stderr, "usage: %s ARCH WEIGHTS IMAGE [CLASSES, default 1000]\n", argv[0]);
        return 2;
    }
    try {
        const antialiased::Classifier net(argv[1], argv[2], argc == 5 ? std::stoi(argv[4]) : 1000);
        for (const antialiased::Prediction &p : net.classify(argv[3])) std::printf("%5d  %.4f\n", p.label, p.probability);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
        return 1;
    }
    return 0;
}
