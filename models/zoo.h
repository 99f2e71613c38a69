// The model zoo: every anti-aliased architecture of the reference (antialiased-cnns) with its state_dict
// key names, and the plain torchvision baselines, built by the names of the reference's command line.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/initialization.h"
#include "runtime/blurpool.h"
#include "runtime/module.h"

namespace antialiased {

// Options common to the zoo's constructors.
struct ModelOptions {
    int filter_size = 4;      // BlurPool filter size, 1..7 (anti-aliased models)
    int num_classes = 1000;
    // BlurPool padding: the reference's reflect; replicate or zero where a map is too small to reflect (a
    // filter of 4 or more on the 2 px maps that 32 px images reach: the reference fails there, its issue #47).
    PadType pad_type = PadType::kReflect;
};

// A network: a module whose forward gives (N, num_classes, 1, 1) logits for (N, 3, H, W) images.
using Model = std::shared_ptr<Module>;

// Builds `arch`: "resnet50_lpf4" (2021 names: filter size in the name), "resnet50_lpf" with
// options.filter_size (2019 names), or "resnet50" (the torchvision baseline). Unknown names: an Error that
// lists the valid ones.
Model build_model(const std::string &arch, ModelOptions options = {});
std::vector<std::string> model_names();  // the base architecture names, then the registered ones

// Your own network by name, for build_model and so for every tool's -a (train/main trains and evaluates it):
// `build` makes it from the options (filter size, classes, padding; the name is used as it is, without _lpf
// suffixes), `init` draws a new one's parameters. A name taken already is an Error. In the file that defines
// the network, a static ModelRegistration registers it when the program starts (link that library with
// alwayslink = True; examples/preact_resnet_aa.cc).
using ModelBuilder = std::function<Model(const ModelOptions &)>;
void register_model(const std::string &name, ModelBuilder build, InitScheme init = {});
struct ModelRegistration {
    ModelRegistration(const std::string &name, ModelBuilder build, InitScheme init = {}) {
        register_model(name, std::move(build), init);
    }
};

// The baseline of an anti-aliased architecture ("resnet50" for "resnet50_lpf4" or "resnet50_lpf"); Error
// for a name without "_lpf".
std::string baseline_arch(const std::string &arch);

// The reference's --finetune: the anti-aliased `arch`, its parameters and buffers those of its baseline's
// checkpoint at `baseline_weights` (copy_params_buffers, runtime/copy_params_buffers.h). The checkpoint loads
// strictly into the baseline built with the same options first, so a wrong file is an error naming its key.
Model finetune_model(const std::string &arch, const ModelOptions &options, const std::string &baseline_weights);

// Draws a new network's parameters as the reference's constructor for `arch` does (models/initialization.h).
void initialize_weights(Module &model, const std::string &arch, uint64_t seed);

// Reads a checkpoint (either torch.save format, with or without the training wrapper and DataParallel
// prefixes, DenseNet's old 'norm.1'-style keys renamed) into `model`, strictly (runtime/module.h).
void load_weights(Module &model, const std::string &path);
// Writes the model's state_dict (a zip-format .pth, atomically) under the reference's key names: PyTorch
// loads it into the reference model with strict=True.
void save_weights(Module &model, const std::string &path);

// Per family (models/<family>.cc): nullptr for a name not of the family; anti_aliased = false builds the
// torchvision baseline.
Model alexnet(const std::string &name, bool anti_aliased, const ModelOptions &options);
Model densenet(const std::string &name, bool anti_aliased, const ModelOptions &options);
Model mobilenet(const std::string &name, bool anti_aliased, const ModelOptions &options);
Model resnet(const std::string &name, bool anti_aliased, const ModelOptions &options);
Model vgg(const std::string &name, bool anti_aliased, const ModelOptions &options);

}  // namespace antialiased
