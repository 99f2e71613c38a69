#!/usr/bin/python3
"""The demo's protocol in PyTorch, to check our networks' effect against the reference's own training: one
network (tests/golden/antialiased_models.py: torchvision's baseline or the reference's anti-aliased ResNets)
trained on Fashion-MNIST without shift augmentation (each 28 px garment centred in the 32 px crop, flips only;
SGD, momentum 0.9, weight decay 1e-4, the lr divided by 10 halfway when there are several epochs), then top-1 on
the central crops of 2000 test images and consistency (5 passes: two crops at offsets in [0, 8)^2 of the 40 px
view, the share of images whose class agrees), as train/main's -e and -es measure them. 2 threads.

  torch_protocol.py ARCH LR BATCH IMAGES EPOCHS SEED     e.g. resnet18_lpf3 0.02 64 60000 1 0
"""
import gzip
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'golden'))
from antialiased_models import build  # noqa: E402

DATA = '/usr/share/datasets/fashion-mnist/'
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def idx(name, offset):
    return np.frombuffer(gzip.open(DATA + name).read(), np.uint8, offset=offset)


def centred(images, size):
    """Each 28 px image at the centre of a black size x size view, 3 channels, normalized as ImageNet's."""
    pad = (size - 28) // 2
    view = torch.zeros(images.shape[0], 3, size, size)
    view[:, :, pad:pad + 28, pad:pad + 28] = torch.from_numpy(images.astype(np.float32) / 255)[:, None]
    return (view - MEAN) / STD


def main():
    arch, lr, batch, count, epochs, seed = (sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
                                            int(sys.argv[5]), int(sys.argv[6]))
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    random = np.random.default_rng(seed)
    train_x, train_y = idx('train-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28), idx('train-labels-idx1-ubyte.gz', 8)
    test_x, test_y = idx('t10k-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28), idx('t10k-labels-idx1-ubyte.gz', 8)
    model = build(arch, num_classes=10)
    optimizer = torch.optim.SGD(model.parameters(), lr, momentum=0.9, weight_decay=1e-4)
    subset = np.linspace(0, len(train_y) - 1, count).astype(int)  # evenly spaced: every class
    start = time.time()
    for epoch in range(epochs):
        if epochs > 1 and epoch == epochs // 2:
            for group in optimizer.param_groups:
                group['lr'] = lr / 10
        model.train()
        order = random.permutation(subset)
        for i in range(0, len(order) - batch + 1, batch):
            b = order[i:i + batch]
            x = centred(train_x[b], 32)
            flip = torch.from_numpy(random.random(len(b)) < 0.5)
            x[flip] = x[flip].flip(3)
            loss = F.cross_entropy(model(x), torch.from_numpy(train_y[b].astype(np.int64)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    seconds = time.time() - start
    model.eval()
    test = np.linspace(0, len(test_y) - 1, 2000).astype(int)
    with torch.no_grad():
        views, labels = centred(test_x[test], 40), torch.from_numpy(test_y[test].astype(np.int64))
        classes = lambda crops: torch.cat([model(crops[i:i + 200]).argmax(1) for i in range(0, len(crops), 200)])
        top1 = 100 * (classes(views[:, :, 4:36, 4:36]) == labels).float().mean().item()
        agree = []
        for _ in range(5):
            o = random.integers(0, 8, (len(test), 4))
            first = torch.stack([v[:, a:a + 32, b:b + 32] for v, (a, b, _, _) in zip(views, o)])
            second = torch.stack([v[:, c:c + 32, d:d + 32] for v, (_, _, c, d) in zip(views, o)])
            agree.append((classes(first) == classes(second)).float().mean().item())
    print(f'{arch} lr {lr} batch {batch} images {count} epochs {epochs} seed {seed}: top-1 {top1:.2f} '
          f'consistency {100 * np.mean(agree):.2f} train {seconds:.0f} s')


if __name__ == '__main__':
    main()
