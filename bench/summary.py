#!/usr/bin/python3
"""summary.py DIR: the table of bench/run_all.sh from the outputs it left in DIR (ours and PyTorch's, measured in
the same run). PyTorch appears twice: as installed (torch), and with glibc keeping freed memory (torch'), which
spares it the page faults of fresh activations (~10 us each on these machines)."""
import os
import re
import statistics
import sys

d = sys.argv[1]


def read(name):
    with open(os.path.join(d, name)) as f:
        return f.read()


def torch_inference(name):
    return {(a, int(b)): float(v) for a, b, v in (line.split() for line in read(name).splitlines() if line.strip())}


def ours_inference(name='ours_inference.txt'):
    out = {}
    for line in read(name).splitlines():
        m = re.match(r'(\S+)\s+(\d+) \|\s+([\d.]+)', line)
        if m:
            out[(m.group(1), int(m.group(2)))] = float(m.group(3))
    return out


def steady(times):
    """Seconds per step once warm: the median of every step after the first."""
    return statistics.median(times[1:]) if len(times) > 1 else times[0]


def torch_training(name):
    m = re.search(r'steps ([\d. ]+) s, peak RSS (\d+) MB', read(name))
    return steady([float(t) for t in m.group(1).split()]), float(m.group(2))


def ours_training(name='ours_train.txt'):
    text = read(name)
    times = [float(t) for t in re.findall(r'\(([\d.]+) s\)', text)]
    return steady(times), float(re.search(r'peak RSS (\d+) MB', text).group(1))


batch = int(read('batch.txt'))
ours, torch, reuse = ours_inference(), torch_inference('torch.txt'), torch_inference('torch_reuse.txt')
rows = []
for b in (batch, 1):
    key = ('resnet50_lpf4', b)
    rows.append((f'resnet50_lpf4 inference, batch {b} (img/s)', ours[key], torch[key], reuse[key], 'higher'))
cost = lambda r: r[('resnet50', batch)] / r[('resnet50_lpf4', batch)]  # noqa: E731
rows.append((f'anti-aliasing cost: lpf4 / plain time, b{batch}', cost(ours), cost(torch), cost(reuse), 'lower'))
(ours_step, ours_rss), (torch_step, torch_rss), (reuse_step, reuse_rss) = (
    ours_training(), torch_training('torch_train.txt'), torch_training('torch_train_reuse.txt'))
rows.append((f'resnet50_lpf4 training step, b{batch} (img/s)', batch / ours_step, batch / torch_step,
             batch / reuse_step, 'higher'))
rows.append(('  peak resident memory (MB)', ours_rss, torch_rss, reuse_rss, 'lower'))
key = ('resnet18_lpf3', 64)
rows.append(('resnet18_lpf3 32 px inference, b64 (img/s)', ours_inference('ours_small.txt')[key],
             torch_inference('torch_small.txt')[key], torch_inference('torch_small_reuse.txt')[key], 'higher'))
rows.append(('resnet18_lpf3 32 px training step, b64 (img/s)', 64 / ours_training('ours_small_train.txt')[0],
             64 / torch_training('torch_small_train.txt')[0], 64 / torch_training('torch_small_train_reuse.txt')[0],
             'higher'))

header = ('ours', 'torch', "torch'", '/torch', "/torch'")
print(f'{"":44s}' + ''.join(f'{h:>10s}' for h in header) + '  better')
for name, o, t, r, better in rows:
    print(f'{name:44s}{o:10.2f}{t:10.2f}{r:10.2f}{o / t:9.2f}x{o / r:9.2f}x  {better}')
conv = read('conv.txt')
peak = float(re.search(r'peak .*: ([\d.]+) GFLOP/s', conv).group(1))
# The 'all' rows: ms, GFLOP/s of the direct sum's FLOPs and their share of the peak; the 3x3 table's row also the
# direct sum's ms, GFLOP/s, share of the peak, and Winograd's speedup over it.
alls = re.findall(r'all \|\s+[\d.]+\s+([\d.]+)\s+(\d+)%(?: \|\s+[\d.]+\s+([\d.]+)\s+(\d+)%\s+([\d.]+)x)?', conv)
print(f'\nFMA peak (bench/conv_bench, all cores): {peak:.0f} GFLOP/s; {read("sgemm.txt").strip()} (PyTorch/OpenBLAS)')
print(f'ResNet-50 3x3 convolutions, batch {batch}, direct sum:  {float(alls[0][2]):.0f} GFLOP/s = {alls[0][3]}% of the FMA peak')
print(f'  as run (Winograd F(4x4, 3x3)): {float(alls[0][4]):.2f}x faster, {float(alls[0][0]):.0f} GFLOP/s of the direct sum\'s '
      f'FLOPs = {alls[0][1]}% of the peak')
print(f'every convolution of resnet50_lpf4, as run: {float(alls[1][0]):.0f} GFLOP/s of the direct sum\'s FLOPs = '
      f'{alls[1][1]}% of the peak')
