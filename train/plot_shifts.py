#!/usr/bin/python3
"""The demo's pictures of train/compare.sh's results, from the files each network's evaluations wrote.

usage: plot_shifts.py OUT_DIR ARCH...

Reads OUT_DIR/results.tsv (compare.sh's table: arch, top-1, top-5, consistency, diag-prob, seconds) and
OUT_DIR/ARCH/diag_probs.npy (-ed: 100 x the true class's probability, images x shifts) and writes
  OUT_DIR/diagonal_shifts.png       the true class's probability against the diagonal shift, one coloured line
                                    per network (the mean over the images) over its 95% confidence band;
  OUT_DIR/accuracy_consistency.png  top-1 accuracy against consistency, one point per network (the reference's
                                    plots/plots2_*.png).
Run with Debian's /usr/bin/python3 (python3-matplotlib)."""
import csv
import os
import sys

import matplotlib

matplotlib.use('Agg')  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def label(arch):
    """'resnet18_lpf3' -> 'resnet18, filter 3'; a baseline (no _lpf) -> 'resnet18, baseline'."""
    base, _, size = arch.partition('_lpf')
    return f'{base}, filter {size}' if size else f'{base}, baseline'


def read_results(path):
    with open(path) as f:
        return {row['arch']: row for row in csv.DictReader(f, delimiter='\t')}


def plot_diagonal(out, archs, colors):
    fig, ax = plt.subplots(figsize=(8, 4.8), dpi=100)
    for arch, color in zip(archs, colors):
        probs = np.load(os.path.join(out, arch, 'diag_probs.npy'))
        shifts = np.arange(probs.shape[1])
        mean = probs.mean(axis=0)
        half_width = 1.96 * probs.std(axis=0, ddof=1) / np.sqrt(probs.shape[0]) if probs.shape[0] > 1 else 0 * mean
        ax.fill_between(shifts, mean - half_width, mean + half_width, color=color, alpha=0.2, linewidth=0)
        ax.plot(shifts, mean, color=color, linewidth=2, marker='o', markersize=3, label=label(arch))
    centre = (probs.shape[1] - 1) / 2
    ax.axvline(centre, color='gray', linestyle='--', linewidth=1)
    ax.annotate('central crop', (centre, 2), textcoords='offset points', xytext=(4, 0), fontsize=8, color='gray')
    ax.set_title(f'Probability of the true class along diagonal shifts ({probs.shape[0]} test images)')
    ax.set_xlabel('diagonal shift (pixels, both axes)')
    ax.set_ylabel('probability of the true class (%), mean')
    ax.set_xlim(0, probs.shape[1] - 1)
    ax.set_ylim(0, 100)
    ax.grid(True, alpha=0.3)
    ax.legend(title='bands: 95% confidence of the mean', fontsize=9, title_fontsize=8)
    fig.tight_layout()
    path = os.path.join(out, 'diagonal_shifts.png')
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_accuracy_consistency(out, archs, colors, results):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    for arch, color in zip(archs, colors):
        consistency, top1 = float(results[arch]['consistency']), float(results[arch]['top-1'])
        ax.scatter([consistency], [top1], s=80, color=color, label=label(arch), zorder=3)
        ax.annotate(arch, (consistency, top1), textcoords='offset points', xytext=(6, 6), fontsize=8)
    ax.set_title('Accuracy and shift-consistency, one point per network')
    ax.set_xlabel('consistency (%): same class at two random shifts')
    ax.set_ylabel('top-1 accuracy (%)')
    ax.grid(True, alpha=0.3)
    ax.margins(0.15)
    ax.legend(fontsize=9)
    fig.tight_layout()
    path = os.path.join(out, 'accuracy_consistency.png')
    fig.savefig(path)
    plt.close(fig)
    return path


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, archs = sys.argv[1], sys.argv[2:]
    results = read_results(os.path.join(out, 'results.tsv'))
    missing = [arch for arch in archs if arch not in results]
    if missing:
        sys.exit(f'plot_shifts.py: {os.path.join(out, "results.tsv")} has no row for {", ".join(missing)}')
    colors = plt.get_cmap('viridis')(np.linspace(0.0, 0.85, len(archs)))
    colors[0] = (0.85, 0.2, 0.1, 1.0)  # the first network (the baseline in the demo) in red
    for path in (plot_diagonal(out, archs, colors), plot_accuracy_consistency(out, archs, colors, results)):
        print(f'wrote {path}')


if __name__ == '__main__':
    main()
