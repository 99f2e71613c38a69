#!/usr/bin/python3
"""GFLOP/s of PyTorch's float matrix product (OpenBLAS sgemm here) on 2 threads, 2048 x 2048 x 2048, the best of
a few seconds of runs: the reference point for this CPU's peak next to bench/conv_bench's FMA kernel."""
import time

import torch

torch.set_num_threads(2)
n = 2048
a, b = torch.randn(n, n), torch.randn(n, n)
torch.mm(a, b)
best, total = float('inf'), 0.0
while total < 3:
    start = time.perf_counter()
    torch.mm(a, b)
    t = time.perf_counter() - start
    best, total = min(best, t), total + t
print(f'sgemm {2 * n ** 3 / best / 1e9:.1f} GFLOP/s')
