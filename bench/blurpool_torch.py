#!/usr/bin/python3
"""PyTorch's BlurPool times, the reference's way (pad, then depthwise conv2d at the stride), 2 threads:
one line 'C H forward_ms forward_backward_ms' per ResNet-50 shape (best of --repeats)."""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'golden'))
from blurpool_reference import BlurPool  # noqa: E402

SHAPES = [(64, 112), (128, 56), (256, 56), (256, 28), (512, 28), (512, 14), (1024, 14)]


def best_ms(run, repeats):
    run()
    best = float('inf')
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, (time.perf_counter() - start) * 1e3)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--repeats', type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(2)
    for c, h in SHAPES:
        layer = BlurPool(c, 'reflect', 4, 2)
        x = torch.randn(args.batch, c, h, h)
        g = torch.randn(layer(x).shape)
        with torch.no_grad():
            fwd = best_ms(lambda: layer(x), args.repeats)
        xg = x.clone().requires_grad_()
        fb = best_ms(lambda: layer(xg).backward(g), args.repeats)
        print(c, h, f'{fwd:.3f}', f'{fb:.3f}', flush=True)


if __name__ == '__main__':
    main()
