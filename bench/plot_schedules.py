#!/usr/bin/python3
"""plot_schedules.py CSV PNG [NETWORK]: the schedule experiment's chart (bench/autoschedule_bench --csv): per layer of the
network, each variant's speed as a share of the machine's FMA peak (log scale when some are below 10%; failed variants
left out)."""
import csv
import sys

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

rows = list(csv.DictReader(open(sys.argv[1])))
layers, variants = [], []
for row in rows:
    layer = f"{row['in']}>{row['out']} k{row['kernel']} {row['px']}px"
    if layer not in layers:
        layers.append(layer)
    if row['variant'] not in variants:
        variants.append(row['variant'])
share = {(f"{r['in']}>{r['out']} k{r['kernel']} {r['px']}px", r['variant']): float(r['peak_share'])
         for r in rows if r['peak_share']}
fig, ax = plt.subplots(figsize=(max(10, len(layers) * 0.7), 5.5))
width = 0.8 / len(variants)
colors = plt.get_cmap('tab20')  # up to 14 variants: every autoscheduler and hand tile
for v, variant in enumerate(variants):
    xs = [i + (v - (len(variants) - 1) / 2) * width for i, layer in enumerate(layers) if (layer, variant) in share]
    ys = [100 * share[(layer, variant)] for layer in layers if (layer, variant) in share]
    ax.bar(xs, ys, width, label=variant, color=colors(v))
if min(share.values()) < 0.1:  # autoscheduled variants: orders of magnitude apart
    ax.set_yscale('log')
    ax.set_ylim(0.5, 2000)  # room above the bars for the legend
else:  # the hand schedule's tiles alone: within a factor of a few
    ax.set_ylim(0, 140)
ax.set_ylabel('% of the FMA peak (direct-sum FLOPs)')
ax.set_xticks(range(len(layers)))
ax.set_xticklabels(layers, rotation=60, ha='right', fontsize=8)
network = sys.argv[3] if len(sys.argv) > 3 else 'resnet50_lpf4'
ax.set_title(f'Forward convolution of {network}: hand schedules (tiles) vs autoschedulers')
ax.legend(fontsize=8, ncol=4, loc='upper center')
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
print(f'wrote {sys.argv[2]}')
