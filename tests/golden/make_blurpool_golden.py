#!/usr/bin/python3
"""Writes tests/data/blurpool_golden.{npy,txt}: forward outputs and input gradients of the reference
BlurPool / BlurPool1D for every filter size x pad type x several strides and odd / even / tiny sizes,
including the cases where the reference fails (reflect padding >= the map), recorded as errors.

Run from the repository root: /usr/bin/python3 tests/golden/make_blurpool_golden.py

blurpool_golden.txt has one case a line:
    dims filt_size stride pad_type pad_off N C H W Ho Wo status offset
(dims 1: H = Ho = 1, the signal length is W). For status "ok", blurpool_golden.npy holds from `offset` the
input (N*C*H*W), grad_output (N*C*Ho*Wo), output (N*C*Ho*Wo) and grad_input (N*C*H*W), each in C order.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blurpool_reference import BlurPool  # noqa: E402

PAD_TYPES = ['reflect', 'replicate', 'zero']


def cases():
    for k in range(1, 8):
        for pad in PAD_TYPES:
            for s in (1, 2, 3, 4):
                for h, w in ((1, 1), (2, 3), (5, 8), (9, 7)):
                    yield 2, k, s, pad, 0, 1, 2, h, w
            for po in (1, 2):  # pad_off, on odd and even sizes
                for h, w in ((4, 4), (7, 5)):
                    yield 2, k, 2, pad, po, 1, 2, h, w
            for s in (1, 2, 3):
                for length in (1, 4, 11):
                    yield 1, k, s, pad, 0, 1, 2, 1, length
            yield 1, k, 2, pad, 1, 1, 2, 1, 6
    # 67 channels: full vectors (8 or 16 wide), full backward blocks (32 or 64) and a tail, as the CPU
    # schedules split them with AVX2 or AVX-512.
    for k, pad in ((3, 'reflect'), (4, 'replicate'), (5, 'zero')):
        yield 2, k, 2, pad, 0, 1, 67, 9, 8


def main():
    torch.manual_seed(0)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data')
    values, lines = [], []
    offset = 0
    for dims, k, s, pad, po, n, c, h, w in cases():
        layer = BlurPool(c, pad, k, s, po, dims)
        shape = (n, c, h, w) if dims == 2 else (n, c, w)
        x = torch.randn(shape, requires_grad=True)
        try:
            y = layer(x)
        except RuntimeError:
            lines.append(f'{dims} {k} {s} {pad} {po} {n} {c} {h} {w} 0 0 error 0')
            continue
        g = torch.randn(y.shape)
        y.backward(g)
        ho, wo = (y.shape[2], y.shape[3]) if dims == 2 else (1, y.shape[2])
        lines.append(f'{dims} {k} {s} {pad} {po} {n} {c} {h} {w} {ho} {wo} ok {offset}')
        for t in (x.detach(), g, y.detach(), x.grad):
            values.append(t.numpy().astype(np.float32).ravel())
            offset += values[-1].size
    np.save(os.path.join(root, 'blurpool_golden.npy'), np.concatenate(values))
    with open(os.path.join(root, 'blurpool_golden.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print(f'{len(lines)} cases, {sum(l.endswith("error 0") for l in lines)} of them reference errors, '
          f'{offset} floats')


if __name__ == '__main__':
    main()
