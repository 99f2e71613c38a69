#!/usr/bin/python3
"""PyTorch inference throughput of the reference models (tests/golden/antialiased_models.py), 2 threads,
no_grad, random weights with non-trivial BN statistics, also saved as WEIGHTS_DIR/<arch>.pth so that
models_bench times the same network. Prints 'arch batch images_per_second' lines."""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'golden'))
import antialiased_models  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--archs', default='resnet50_lpf4,densenet121_lpf4,mobilenet_v2_lpf4')
    parser.add_argument('--batches', default='1,16')
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--seconds', type=float, default=5)
    parser.add_argument('--weights_dir', required=True)
    args, _ = parser.parse_known_args()
    torch.set_num_threads(2)
    for arch in args.archs.split(','):
        model = antialiased_models.randomize(antialiased_models.build(arch))
        torch.save(model.state_dict(), os.path.join(args.weights_dir, arch + '.pth'))
        for batch in map(int, args.batches.split(',')):
            x = torch.randn(batch, 3, args.size, args.size)
            with torch.no_grad():
                model(x)
                best, total, runs = float('inf'), 0.0, 0
                while runs < 2 or total < args.seconds:
                    start = time.perf_counter()
                    model(x)
                    t = time.perf_counter() - start
                    best, total, runs = min(best, t), total + t, runs + 1
            print(arch, batch, f'{batch / best:.3f}', flush=True)


if __name__ == '__main__':
    main()
