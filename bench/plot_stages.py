#!/usr/bin/python3
"""plot_stages.py CSV PNG [NETWORK]: the chart of the other stages' schedule experiment (bench/stage_schedules --csv,
merged by bench/run_schedules.sh): a panel per stage, per shape each autoscheduler's speed relative to the hand
schedule (log scale; above 1: faster than the hand schedule; variants that failed or were not compiled left out).
Also prints a summary per stage: the shapes, the hand schedule's time summed over them, each autoscheduler's (over
the shapes where it ran), and the shapes where the best autoscheduled variant beat the hand schedule by 10% or more."""
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

print(f"{'stage':36} {'shapes':>6} {'manual ms':>10} " + ' '.join(f'{v[:16]:>16}' for v in variants) +
      '  autoscheduled wins (>= 1.10x)')
for stage in stages:
    shapes = list(dict.fromkeys(r['shape'] for r in rows if r['stage'] == stage))
    manual = sum(ms.get((stage, s, 'manual'), 0) for s in shapes)
    cells = []
    for variant in variants:
        ran = [s for s in shapes if (stage, s, variant) in ms]
        mine = sum(ms[(stage, s, variant)] for s in ran)
        theirs = sum(ms[(stage, s, 'manual')] for s in ran)
        cells.append(f'{mine / theirs:>7.2f}x ({len(ran):>2}/{len(shapes):<2})' if ran else f'{"-":>16}')
    wins = []
    for s in shapes:
        timed = {v: ms[(stage, s, v)] for v in variants if (stage, s, v) in ms}
        if timed and (stage, s, 'manual') in ms:
            best = min(timed, key=timed.get)
            gain = ms[(stage, s, 'manual')] / timed[best]
            if gain >= 1.10:
                wins.append(f'{s}: {best} {gain:.2f}x')
    print(f'{stage:36} {len(shapes):>6} {manual:>10.2f} ' + ' '.join(cells) + '  ' + ('; '.join(wins) or 'none'))
print('(per autoscheduler: its time summed over the shapes where it ran (how many), as a multiple of the hand '
      'schedule\'s on them: above 1, slower)')
