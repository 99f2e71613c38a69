// Training checkpoints as the reference's main.py writes them (torch.save of {'epoch', 'arch', 'state_dict',
// 'best_acc1', 'optimizer'}), so PyTorch resumes from ours and we resume from PyTorch's: the optimizer entry
// is torch.optim.SGD's state_dict (a momentum buffer per parameter index, in model.parameters() order, and one
// param group with the hyper-parameters).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "runtime/module.h"
#include "runtime/sgd.h"

namespace antialiased {

struct TrainingState {
    int64_t epoch = 0;  // the next epoch to run, as the reference saves epoch + 1
    std::string arch;
    double best_acc1 = 0;
    SgdOptions sgd;
    std::map<std::string, std::vector<float>> momentum;  // by parameter name, in its stored order (StateEntry); absent before its first step
};

// Writes the checkpoint atomically (the old file or the new one, never half of one).
void save_training_checkpoint(const std::string &path, Module &model, const TrainingState &state);

// Loads the weights into `model` (strictly, as load_weights) and returns the rest. Error naming the file and
// the entry when one is missing or malformed.
TrainingState load_training_checkpoint(const std::string &path, Module &model);

}  // namespace antialiased
