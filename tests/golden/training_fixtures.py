#!/usr/bin/python3
"""Training goldens from PyTorch, made at test time: training_fixtures.py DIR writes
  ce_logits.npy (5, 7), ce_labels.npy (5,) int64, ce_loss.npy (), ce_grad.npy (5, 7): F.cross_entropy and
      its autograd gradient, with one row of logits large enough to overflow exp() without a shift;
  sgd_param0.npy (1000,), sgd_grad{1,2,3}.npy: a parameter and three gradients;
  sgd_{plain,nesterov,nomomentum}_param{1,2,3}.npy, ..._buffer{1,2,3}.npy: torch.optim.SGD's parameter and
      momentum buffer after each step, lr 0.1 / momentum 0.9 / weight decay 1e-4 (nesterov: with Nesterov;
      nomomentum: momentum 0)."""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F


def main(out):
    torch.manual_seed(0)
    save = lambda name, t: np.save(os.path.join(out, name + '.npy'), t.detach().numpy())
    logits = torch.randn(5, 7) * 3
    logits[2] += 200  # exp(200) overflows float32: the stage must shift
    labels = torch.tensor([0, 6, 3, 3, 1])
    z = logits.clone().requires_grad_()
    loss = F.cross_entropy(z, labels)
    loss.backward()
    for name, t in (('ce_logits', logits), ('ce_labels', labels), ('ce_loss', loss), ('ce_grad', z.grad)):
        save(name, t)

    param = torch.randn(1000)
    grads = [torch.randn(1000) for _ in range(3)]
    save('sgd_param0', param)
    for i, g in enumerate(grads):
        save(f'sgd_grad{i + 1}', g)
    for name, momentum, nesterov in (('plain', 0.9, False), ('nesterov', 0.9, True), ('nomomentum', 0.0, False)):
        p = param.clone().requires_grad_()
        optimizer = torch.optim.SGD([p], lr=0.1, momentum=momentum, weight_decay=1e-4, nesterov=nesterov)
        for i, g in enumerate(grads):
            p.grad = g.clone()
            optimizer.step()
            save(f'sgd_{name}_param{i + 1}', p)
            if momentum:
                save(f'sgd_{name}_buffer{i + 1}', optimizer.state[p]['momentum_buffer'])

    bn = torch.nn.BatchNorm2d(6).train()
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
    x = (torch.randn(4, 6, 5, 7) * 2 + 1).requires_grad_()
    grad_output = torch.randn(4, 6, 5, 7)
    y = bn(x)
    y.backward(grad_output)
    for name, t in (('input', x), ('weight', bn.weight), ('bias', bn.bias), ('grad_output', grad_output),
                    ('output', y), ('grad_input', x.grad), ('grad_weight', bn.weight.grad), ('grad_bias', bn.bias.grad),
                    ('running_mean', bn.running_mean), ('running_var', bn.running_var)):
        save('bn_' + name, t)


if __name__ == '__main__':
    main(sys.argv[1])
