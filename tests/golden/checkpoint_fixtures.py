#!/usr/bin/python3
"""Checkpoint fixtures for tests/checkpoint_test.cc, made with PyTorch at test time.

  checkpoint_fixtures.py write DIR   writes into DIR:
      train_zip.pth.tar, train_legacy.pth.tar  a training checkpoint {'epoch', 'arch', 'state_dict',
          'best_acc1', 'optimizer'} with DataParallel 'module.' keys, in both torch.save formats;
      plain_legacy.pth                         a bare state_dict (legacy format), with a float16, a transposed
          (non-contiguous) and a 0-d tensor;
      <key>.npy                                each state_dict tensor's values (float32, or int64);
      hostile_*.pth                            pickles that name os.system / builtins.eval / a custom class.
  checkpoint_fixtures.py check FILE DIR   torch.load(FILE) must equal the state_dict tensors saved as DIR/<key>.npy,
      in the same order, as the C++ writer was asked to write them; exits 1 if not.
"""
import collections
import os
import pickle
import sys
import zipfile

import numpy as np
import torch


def state_dict():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Linear(5, 2))
    model[1].running_mean.uniform_(-1, 1)
    model[1].num_batches_tracked += 7
    return model.state_dict()


def write(out):
    sd = state_dict()
    optimizer = torch.optim.SGD([p for p in sd.values() if p.is_floating_point()], lr=0.1, momentum=0.9)
    for p in optimizer.param_groups[0]['params']:
        p.grad = torch.ones_like(p)
    optimizer.step()
    wrapped = collections.OrderedDict(('module.' + k, v) for k, v in sd.items())
    checkpoint = {'epoch': 12, 'arch': 'resnet18_lpf4', 'state_dict': wrapped, 'best_acc1': torch.tensor(55.5),
                  'optimizer': optimizer.state_dict()}
    torch.save(checkpoint, os.path.join(out, 'train_zip.pth.tar'))
    torch.save(checkpoint, os.path.join(out, 'train_legacy.pth.tar'), _use_new_zipfile_serialization=False)
    for k, v in sd.items():
        np.save(os.path.join(out, k + '.npy'), v.numpy())

    plain = collections.OrderedDict([
        ('half', torch.arange(6, dtype=torch.float16).reshape(2, 3) / 4),
        ('transposed', torch.arange(12, dtype=torch.float32).reshape(3, 4).t()),
        ('scalar', torch.tensor(3.5)),
    ])
    torch.save(plain, os.path.join(out, 'plain_legacy.pth'), _use_new_zipfile_serialization=False)

    class Evil:
        def __reduce__(self):
            return (os.system, ('echo pwned > ' + os.path.join(out, 'pwned'),))

    torch.save({'state_dict': Evil()}, os.path.join(out, 'hostile_os_system.pth'))
    torch.save({'x': Evil()}, os.path.join(out, 'hostile_legacy.pth'), _use_new_zipfile_serialization=False)
    with zipfile.ZipFile(os.path.join(out, 'hostile_eval.pth'), 'w') as z:
        z.writestr('archive/data.pkl', b'\x80\x02cbuiltins\neval\nX\x0a\x00\x00\x00print(666)\x85R.')
        z.writestr('archive/version', '3\n')


def check(path, out):
    loaded = torch.load(path)
    keys = list(state_dict().keys())
    if list(loaded.keys()) != keys:
        sys.exit(f'keys {list(loaded.keys())} != {keys}')
    for k in keys:
        expected = torch.from_numpy(np.load(os.path.join(out, k + '.npy')))
        if loaded[k].dtype != expected.dtype or not torch.equal(loaded[k], expected):
            sys.exit(f'{k}: {loaded[k]} != {expected}')
    print('torch.load read it:', ', '.join(f'{k} {tuple(v.shape)}' for k, v in loaded.items()))


if __name__ == '__main__':
    {'write': lambda: write(sys.argv[2]), 'check': lambda: check(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
