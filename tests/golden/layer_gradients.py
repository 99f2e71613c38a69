#!/usr/bin/python3
"""Per-layer training goldens from PyTorch autograd, made at test time: layer_gradients.py DIR writes, for each
case of CASES, DIR/<case>_x.npy (input), _y.npy (output in training mode), _gy.npy (a random d(loss)/d(output)),
_gx.npy (d(loss)/d(input)), and for each parameter P: _P.npy and _grad_P.npy; batch norms also _running_mean.npy
and _running_var.npy after the step (from 0 and 1). tests/gradient_test.cc builds the same layers."""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blurpool_reference import BlurPool  # noqa: E402


def bn(channels, activation=None):
    layers = [nn.BatchNorm2d(channels)]
    if activation:
        layers.append(activation())
    return nn.Sequential(*layers)


# name: (module, input shape, integer-valued input (ties for max pooling))
CASES = {
    'conv3x3': (lambda: nn.Conv2d(5, 7, 3, 1, 1), (2, 5, 9, 8), False),
    'conv3x3_stride2': (lambda: nn.Conv2d(5, 7, 3, 2, 1), (2, 5, 9, 8), False),
    'conv7x7_stride2': (lambda: nn.Conv2d(3, 8, 7, 2, 3, bias=False), (2, 3, 17, 15), False),
    'conv1x1_tails': (lambda: nn.Conv2d(70, 40, 1, bias=False), (2, 70, 5, 6), False),
    'conv3x3_tails': (lambda: nn.Conv2d(40, 70, 3, 1, 1, bias=False), (2, 40, 7, 6), False),
    'conv3x3_wide': (lambda: nn.Conv2d(128, 128, 3, 1, 1, bias=False), (2, 128, 16, 16), False),
    'conv3x3_large_map': (lambda: nn.Conv2d(16, 32, 3, 1, 1), (4, 16, 64, 64), False),
    'conv3x3_pad0': (lambda: nn.Conv2d(24, 40, 3, 1, 0), (2, 24, 19, 17), False),
    'conv3x3_pad2': (lambda: nn.Conv2d(33, 17, 3, 1, 2, bias=False), (2, 33, 13, 11), False),
    'conv3x3_sliced': (lambda: nn.Conv2d(128, 128, 3, 1, 1), (5, 128, 56, 56), False),
    'conv3x3_winograd_forced': (lambda: nn.Conv2d(5, 7, 3, 1, 1), (2, 5, 9, 8), False),
    'conv3x3_direct_forced': (lambda: nn.Conv2d(128, 128, 3, 1, 1, bias=False), (4, 128, 12, 12), False),
    'conv_depthwise': (lambda: nn.Conv2d(24, 24, 3, 1, 1, groups=24, bias=False), (2, 24, 8, 7), False),
    'conv_depthwise_wide': (lambda: nn.Conv2d(144, 144, 3, 1, 1, groups=144, bias=False), (4, 144, 16, 16), False),
    'conv_depthwise_tiny_map': (lambda: nn.Conv2d(960, 960, 3, 1, 1, groups=960, bias=False), (4, 960, 2, 2), False),
    'conv1x1_tiny_map': (lambda: nn.Conv2d(160, 960, 1, bias=False), (4, 160, 2, 2), False),
    'conv1x1_wide': (lambda: nn.Conv2d(144, 24, 1, bias=False), (4, 144, 16, 16), False),
    'conv_depthwise_stride2': (lambda: nn.Conv2d(24, 24, 3, 2, 1, groups=24, bias=False), (2, 24, 9, 8), False),
    'conv_grouped_stride2': (lambda: nn.Conv2d(8, 12, 3, 2, 1, groups=4), (2, 8, 9, 7), False),
    'conv_dilated': (lambda: nn.Conv2d(4, 6, 3, 1, 2, dilation=2), (2, 4, 9, 8), False),
    # Narrow maps in batches of 8 or more: the forward's tiles run along images (11: a last tile shifted inwards).
    'conv3x3_narrow_batch': (lambda: nn.Conv2d(40, 70, 3, 1, 1), (11, 40, 3, 4), False),
    # ... grouped and depthwise (the input gradient's narrow tile holding whole groups; 9: shifted inwards).
    'conv_grouped_narrow_batch': (lambda: nn.Conv2d(32, 48, 3, 1, 1, groups=4), (9, 32, 2, 3), False),
    'conv_depthwise_narrow_batch': (lambda: nn.Conv2d(40, 40, 3, 1, 1, groups=40, bias=False), (9, 40, 2, 2), False),
    # ... strided and dilated, where the taps that read padding are skipped per output pixel (skip_padding.h):
    # input gradient and forward both narrow (5 and 3 columns), the weight gradient's pixel bounds divided by the
    # stride; a dilated 5x5 with padding 4 whose taps mostly read padding.
    'conv3x3_stride2_narrow_batch': (lambda: nn.Conv2d(16, 24, 3, 2, 1), (9, 16, 6, 5), False),
    'conv5x5_dilated_narrow_batch': (lambda: nn.Conv2d(8, 12, 5, 1, 4, dilation=2), (10, 8, 5, 6), False),
    # 1 px maps: only the centre tap reads the input, and the stages take that tap alone.
    'conv3x3_one_pixel': (lambda: nn.Conv2d(48, 40, 3, 1, 1), (9, 48, 1, 1), False),
    # Taps that read only padding on one side: pad 2 on a 2 x 1 map (kernel 5), and a strided 1 px map.
    'conv5x5_pad2_tiny': (lambda: nn.Conv2d(6, 10, 5, 1, 2, bias=False), (3, 6, 2, 1), False),
    'conv3x3_stride2_one_pixel': (lambda: nn.Conv2d(6, 10, 3, 2, 1), (3, 6, 1, 1), False),
    'linear': (lambda: nn.Sequential(nn.Flatten(), nn.Linear(36, 5)), (3, 4, 3, 3), False),
    'bn': (lambda: bn(6), (4, 6, 5, 7), False),
    'bn_relu': (lambda: bn(6, nn.ReLU), (4, 6, 5, 7), False),
    'bn_relu6': (lambda: bn(6, nn.ReLU6), (4, 6, 5, 7), False),
    'bn_wide': (lambda: bn(128), (4, 128, 12, 12), False),
    'bn_relu6_tails': (lambda: bn(24, nn.ReLU6), (4, 24, 2, 2), False),
    'bn_tails': (lambda: bn(144), (4, 144, 3, 3), False),
    'bn_tiny_map': (lambda: bn(1280), (4, 1280, 2, 2), False),
    'relu': (lambda: nn.ReLU(), (2, 6, 5, 7), False),
    'relu6': (lambda: nn.ReLU6(), (2, 6, 5, 7), False),
    'maxpool2_stride1': (lambda: nn.MaxPool2d(2, 1), (2, 6, 9, 8), False),
    'maxpool3_stride2_pad1': (lambda: nn.MaxPool2d(3, 2, 1), (2, 6, 9, 8), False),
    'maxpool3_stride1_pad1_ties': (lambda: nn.MaxPool2d(3, 1, 1), (2, 6, 9, 8), True),
    'maxpool3_stride2_ties': (lambda: nn.MaxPool2d(3, 2), (2, 6, 9, 8), True),
    'avgpool_global': (lambda: nn.AdaptiveAvgPool2d(1), (2, 6, 5, 7), False),
    'avgpool_adaptive3': (lambda: nn.AdaptiveAvgPool2d(3), (2, 6, 7, 5), False),
    'avgpool2_stride2': (lambda: nn.AvgPool2d(2, 2), (2, 6, 9, 8), False),
    'blurpool3_stride2': (lambda: BlurPool(6, filt_size=3, stride=2), (2, 6, 9, 8), False),
    'blurpool3_stride2_wide': (lambda: BlurPool(256, filt_size=3, stride=2), (4, 256, 12, 12), False),
    'blurpool3_stride2_odd': (lambda: BlurPool(64, filt_size=3, stride=2), (4, 64, 47, 47), False),
    'blurpool4_stride2': (lambda: BlurPool(6, filt_size=4, stride=2), (2, 6, 9, 8), False),
}


def main(out):
    save = lambda name, t: np.save(os.path.join(out, name + '.npy'), t.detach().numpy().astype(np.float32))
    for case, (make, shape, ties) in CASES.items():
        torch.manual_seed(len(case))
        module = make().train()
        with torch.no_grad():
            for m in module.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)
        x = torch.randint(-2, 3, shape).float() if ties else torch.randn(shape)
        x.requires_grad_()
        y = module(x)
        gy = torch.randn(y.shape)
        y.backward(gy)
        for name, t in (('x', x), ('y', y), ('gy', gy), ('gx', x.grad)):
            save(f'{case}_{name}', t)
        for name, p in module.named_parameters():
            name = name.split('.')[-1]
            save(f'{case}_{name}', p)
            save(f'{case}_grad_{name}', p.grad)
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                save(f'{case}_running_mean', m.running_mean)
                save(f'{case}_running_var', m.running_var)


if __name__ == '__main__':
    main(sys.argv[1])
