#!/usr/bin/python3
"""make_corpus.py: writes the fuzzers' seed corpora (tests/fuzz/corpus/{checkpoint,npy,image}/), small valid
files of each kind the readers meet: state_dicts and training checkpoints in both torch.save formats (float32,
float16, int64, a strided view, a scalar), .npy arrays of both dtypes and several ranks, PNG and JPEG images
in gray, gray+alpha, RGB, RGBA and CMYK. Run with Debian's python3-torch, python3-numpy and python3-pil."""
import collections
import os

import numpy as np
import torch
from PIL import Image

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
for kind in ('checkpoint', 'npy', 'image'):
    os.makedirs(os.path.join(here, kind), exist_ok=True)

torch.manual_seed(0)
state = collections.OrderedDict([
    ('conv.weight', torch.randn(2, 1, 3, 3)),
    ('bn.weight', torch.randn(2).half()),
    ('bn.num_batches_tracked', torch.tensor(7)),
    ('fc.weight', torch.randn(3, 2).t()),  # a strided view
    ('filt', torch.randn(1, 1, 2, 2)),
])
training = {'epoch': 3, 'arch': 'resnet18_lpf4', 'best_acc1': torch.tensor(12.5), 'state_dict': state,
            'optimizer': {'state': {0: {'momentum_buffer': torch.randn(2)}},
                          'param_groups': [{'lr': 0.1, 'momentum': 0.9, 'params': [0, 1]}]}}
for name, value in (('state_dict', state), ('training', training)):
    torch.save(value, os.path.join(here, 'checkpoint', name + '_zip.pth'))
    torch.save(value, os.path.join(here, 'checkpoint', name + '_legacy.pth'), _use_new_zipfile_serialization=False)

for name, array in (('float_2d', np.arange(6, dtype=np.float32).reshape(2, 3)),
                    ('float_4d', np.random.RandomState(0).randn(1, 3, 2, 2).astype(np.float32)),
                    ('float_scalar', np.array(1.5, dtype=np.float32)),
                    ('int64_1d', np.array([3, 1, 4, 1], dtype=np.int64))):
    np.save(os.path.join(here, 'npy', name + '.npy'), array)

pixels = np.random.RandomState(1).randint(0, 256, (6, 5, 4)).astype(np.uint8)
for mode, channels in (('L', 1), ('LA', 2), ('RGB', 3), ('RGBA', 4)):
    image = Image.fromarray(pixels[:, :, :channels].squeeze(2) if channels == 1 else pixels[:, :, :channels], mode)
    image.save(os.path.join(here, 'image', mode.lower() + '.png'))
    if mode in ('L', 'RGB'):
        image.save(os.path.join(here, 'image', mode.lower() + '.jpg'), quality=90)
Image.fromarray(pixels, 'RGBA').convert('CMYK').save(os.path.join(here, 'image', 'cmyk.jpg'))
Image.fromarray(pixels[:, :, :3], 'RGB').save(os.path.join(here, 'image', 'progressive.jpg'), progressive=True)
