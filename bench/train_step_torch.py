#!/usr/bin/python3
"""train_step_torch.py ARCH DIR SIZE BATCH STEPS [CLASSES [DEVICE]]: writes DIR/weights.pth (a random ARCH, CLASSES
classes, default 1000), DIR/input.npy (BATCH, 3, SIZE, SIZE) and DIR/labels.npy, then takes STEPS SGD steps on them in
PyTorch (training mode, 2 threads; DEVICE cuda for tools/gpu_check.sh)
and prints each step's time and this process's peak resident memory, for bench/run_train_step.sh and
bench/run_all.sh: 'torch: steps T1 T2 ... s, peak RSS M MB'."""
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
steps = int(sys.argv[5]) if len(sys.argv) > 5 else 1
classes = int(sys.argv[6]) if len(sys.argv) > 6 else 1000
device = sys.argv[7] if len(sys.argv) > 7 else 'cpu'
torch.set_num_threads(2)
model = am.randomize(am.build(arch, num_classes=classes))
torch.save(model.state_dict(), os.path.join(out, 'weights.pth'))
x, y = torch.randn(batch, 3, size, size), torch.randint(0, classes, (batch,))
np.save(os.path.join(out, 'input.npy'), x.numpy())
np.save(os.path.join(out, 'labels.npy'), y.numpy())
model, x, y = model.to(device), x.to(device), y.to(device)
model.train()
optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum=0.9, weight_decay=1e-4)
times = []
for _ in range(steps):
    start = time.perf_counter()
    loss = nn.functional.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if device != 'cpu':
        torch.cuda.synchronize()
    times.append(time.perf_counter() - start)
print('torch: steps ' + ' '.join(f'{t:.2f}' for t in times) +
      f' s, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB')
