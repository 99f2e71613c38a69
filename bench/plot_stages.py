#!/usr/bin/python3
"""plot_stages.py CSV PNG [NETWORK]: the chart of the other stages' schedule experiment (bench/stage_schedules --csv,
merged by bench/run_schedules.sh): a panel per stage, per shape each autoscheduler's speed relative to the hand
schedule (log scale; above 1: faster than the hand schedule; failed variants left out)."""
import csv
import math
import sys

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

rows = list(csv.DictReader(open(sys.argv[1])))
stages = list(dict.fromkeys(r['stage'] for r in rows))
variants = list(dict.fromkeys(r['variant'] for r in rows if r['variant'] != 'manual'))
ms = {(r['stage'], r['shape'], r['variant']): float(r['ms']) for r in rows if r['ms']}
columns = 3
panels = math.ceil(len(stages) / columns)
fig, axes = plt.subplots(panels, columns, figsize=(18, 4.2 * panels), squeeze=False)
colors = plt.get_cmap('tab10')
for ax, stage in zip(axes.flat, stages):
    shapes = list(dict.fromkeys(r['shape'] for r in rows if r['stage'] == stage))
    width = 0.8 / len(variants)
    for v, variant in enumerate(variants):
        points = [(i, ms[(stage, s, 'manual')] / ms[(stage, s, variant)]) for i, s in enumerate(shapes)
                  if (stage, s, variant) in ms and (stage, s, 'manual') in ms]
        ax.bar([i + (v - (len(variants) - 1) / 2) * width for i, _ in points], [g for _, g in points], width,
               label=variant, color=colors(v))
    ax.axhline(1, color='black', linewidth=0.8)
    ax.set_yscale('log')
    ax.set_ylim(0.005, 4)
    ax.set_title(stage, fontsize=10)
    ax.set_xticks(range(len(shapes)))
    ax.set_xticklabels(shapes, rotation=60, ha='right', fontsize=7)
    ax.set_ylabel('speed vs hand schedule', fontsize=8)
for ax in list(axes.flat)[len(stages):]:
    ax.axis('off')
axes.flat[0].legend(fontsize=7, loc='lower left')
network = sys.argv[3] if len(sys.argv) > 3 else 'resnet50_lpf4'
fig.suptitle(f'{network}: autoscheduled variants planned per shape, relative to the hand schedule (above 1: faster)')
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=90)
print(f'wrote {sys.argv[2]}')
