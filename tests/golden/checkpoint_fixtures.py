#!/usr/bin/python3
"""Checkpoint fixtures for tests/checkpoint_test.cc, made with PyTorch at test time.

  checkpoint_fixtures.py write DIR   writes into DIR:
      train_zip.pth.tar, train_legacy.pth.tar  a training checkpoint {'epoch', 'arch', 'state_dict',
          'best_acc1', 'optimizer'} with DataParallel 'module.' keys, in both torch.save formats;
      plain_legacy.pth                         a bare state_dict (legacy format), with a float16, a transposed
          (non-contiguous) and a 0-d tensor;
      <key>.npy                                each state_dict tensor's values (float32, or int64);
      hostile_*.pth                            pickles that name os.system / builtins.eval / a custom class;
      bad_*.pth                                structures that would read outside the file, blow up memory or
          loop: a view past its storage, shapes whose element count is absurd or overflows, a compressed
          (zip-bomb) entry, entry names that leave the archive or repeat, a list inside itself, deep nesting.
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
    write_bad(out)


class Rebuilt:
    """Pickles as the tensor view (storage, offset, shape, stride) of `tensor`'s storage, whatever they are."""

    def __init__(self, tensor, offset, shape, stride):
        self.args = (tensor.storage(), offset, shape, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


def rezip(source, target, change):
    """Copies the zip archive `source` to `target`, each (name, data) entry passed through change(name, data),
    which returns the list of entries to write instead (stored, as torch.save stores them)."""
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, 'w') as out:
        for info in z.infolist():
            for name, data in change(info.filename, z.read(info)):
                out.writestr(name, data)


def raw_pickle(path, pickled):
    with zipfile.ZipFile(path, 'w') as z:
        z.writestr('archive/data.pkl', pickled)
        z.writestr('archive/version', '3\n')


def write_bad(out):
    four = torch.arange(4, dtype=torch.float32)
    views = {'past_storage': (2, (3,), (1,)), 'expanded': (0, (2 ** 40,), (0,)),
             'overflowing': (0, (2 ** 62, 4), (2 ** 62, 1)), 'negative': (0, (-2,), (1,))}
    for name, (offset, shape, stride) in views.items():
        torch.save(collections.OrderedDict(w=Rebuilt(four, offset, shape, stride)), os.path.join(out, f'bad_{name}.pth'))
    good = os.path.join(out, 'bad_source.pth')
    torch.save(collections.OrderedDict(w=four), good)
    # 100 MB of zeros in ~100 KB: a reader that inflates it is one step from a zip bomb.
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(os.path.join(out, 'bad_deflated.pth'), 'w') as bomb:
        for info in z.infolist():
            data = z.read(info) + (bytes(100 << 20) if info.filename.endswith('/data/0') else b'')
            bomb.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    rezip(good, os.path.join(out, 'bad_escaping.pth'), lambda name, data: [('../' + name, data)])
    rezip(good, os.path.join(out, 'bad_absolute.pth'), lambda name, data: [('/tmp/' + name, data)])
    rezip(good, os.path.join(out, 'bad_repeated.pth'),
          lambda name, data: [(name, data)] + ([(name, bytes(len(data)))] if name.endswith('/data/0') else []))
    raw_pickle(os.path.join(out, 'bad_cycle.pth'), b'\x80\x02]q\x00h\x00a.')  # l = []; l.append(l)
    raw_pickle(os.path.join(out, 'bad_deep.pth'), b'\x80\x02' + b']' * 100000 + b'a' * 99999 + b'.')


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
