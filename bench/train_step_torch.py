#!/usr/bin/python3
"""train_step_torch.py ARCH DIR SIZE BATCH: writes DIR/weights.pth (a random ARCH, 1000 classes), DIR/input.npy
(BATCH, 3, SIZE, SIZE) and DIR/labels.npy, then takes one SGD step on them in PyTorch (training mode) and prints
the step's time and this process's peak resident memory, for bench/run_train_step.sh."""
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'golden'))
import antialiased_models as am  # noqa: E402

arch, out, size, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
model = am.randomize(am.build(arch, num_classes=1000))
torch.save(model.state_dict(), os.path.join(out, 'weights.pth'))
x, y = torch.randn(batch, 3, size, size), torch.randint(0, 1000, (batch,))
np.save(os.path.join(out, 'input.npy'), x.numpy())
np.save(os.path.join(out, 'labels.npy'), y.numpy())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
am.sgd_steps(model, x, y, 1, 0.1, 0.9, 1e-4)
print(f'torch: step {time.perf_counter() - start:.2f} s, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB '
      f'(before the step: {before / 1024:.0f} MB)')
