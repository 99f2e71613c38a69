// Inference fusion as a pass over a traced forward pass (autograd.h), in the manner of hannk's graph
// transforms: wherever a layer's output is read by one layer alone, the first may take over the second
// (Module::absorb): a convolution a batch norm and a ReLU, a batch norm a ReLU, a stride-1 max pool the BlurPool
// after it. Maps that several ops read (a residual's input, DenseNet's features) are never fused away.
#pragma once

#include "runtime/autograd.h"

namespace antialiased {

void fuse_layers(const Graph &plan);

}  // namespace antialiased
