"""The reference BlurPool / BlurPool1D of antialiased-cnns (Zhang, ICML 2019) in PyTorch, as its package
defines them: binomial filter outer(a, a) / sum, pads floor((k-1)/2) + pad_off before and ceil((k-1)/2) +
pad_off after, depthwise conv at the stride (k = 1: plain subsampling, padded first when pad_off != 0).
Used by the golden-data script and the benchmark; run with Debian's /usr/bin/python3 (python3-torch)."""
import math

import numpy as np
import torch
import torch.nn.functional as F

TAPS = {1: [1.], 2: [1., 1.], 3: [1., 2., 1.], 4: [1., 3., 3., 1.], 5: [1., 4., 6., 4., 1.],
        6: [1., 5., 10., 10., 5., 1.], 7: [1., 6., 15., 20., 15., 6., 1.]}


def pad_sizes(filt_size, pad_off):
    return (int((filt_size - 1) / 2) + pad_off, int(math.ceil((filt_size - 1) / 2)) + pad_off)


def pad_layer(pad_type, dims):
    layers = {
        'refl': (torch.nn.ReflectionPad1d, torch.nn.ReflectionPad2d),
        'reflect': (torch.nn.ReflectionPad1d, torch.nn.ReflectionPad2d),
        'repl': (torch.nn.ReplicationPad1d, torch.nn.ReplicationPad2d),
        'replicate': (torch.nn.ReplicationPad1d, torch.nn.ReplicationPad2d),
        'zero': (torch.nn.ZeroPad2d, torch.nn.ZeroPad2d),
    }
    return layers[pad_type][dims - 1]


class BlurPool(torch.nn.Module):
    """dims=2: the reference's BlurPool on (N, C, H, W); dims=1: its BlurPool1D on (N, C, L)."""

    def __init__(self, channels, pad_type='reflect', filt_size=4, stride=2, pad_off=0, dims=2):
        super().__init__()
        self.stride, self.filt_size, self.pad_off, self.dims = stride, filt_size, pad_off, dims
        a = torch.tensor(TAPS[filt_size], dtype=torch.float32)
        filt = a[:, None] * a[None, :] if dims == 2 else a
        filt = filt / torch.sum(filt)
        self.register_buffer('filt', filt[None, None].repeat(channels, *([1] * (dims + 1))))
        before, after = pad_sizes(filt_size, pad_off)
        if dims == 2:
            self.pad = pad_layer(pad_type, 2)([before, after, before, after])
        elif pad_type == 'zero':
            self.pad = torch.nn.ConstantPad1d([before, after], 0.)
        else:
            self.pad = pad_layer(pad_type, 1)([before, after])

    def forward(self, inp):
        if self.filt_size == 1:
            padded = inp if self.pad_off == 0 else self.pad(inp)
            return padded[:, :, ::self.stride, ::self.stride] if self.dims == 2 else padded[:, :, ::self.stride]
        conv = F.conv2d if self.dims == 2 else F.conv1d
        return conv(self.pad(inp), self.filt, stride=self.stride, groups=inp.shape[1])
