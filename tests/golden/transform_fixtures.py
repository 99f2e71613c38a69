#!/usr/bin/python3
"""torchvision's ImageNet validation transform on images made here: transform_fixtures.py DIR writes
DIR/photo_<W>x<H>.png (a smooth pattern with edges) and DIR/photo_<W>x<H>.npy = Normalize(CenterCrop(224)(
Resize(256)(image))) as (1, 3, 224, 224) float32, for landscape, portrait and already-small images."""
import os
import sys

import numpy as np
import torch
from PIL import Image
from torchvision import transforms


def main(out):
    rng = np.random.default_rng(0)
    transform = transforms.Compose([
        transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
    for width, height in ((500, 375), (333, 517), (240, 240)):
        y, x = np.mgrid[0:height, 0:width]
        pixels = np.stack([(x * 255 // width), (y * 255 // height), ((x // 17 + y // 23) % 2) * 255], axis=-1)
        pixels = np.clip(pixels + rng.integers(-20, 21, pixels.shape), 0, 255).astype(np.uint8)
        name = os.path.join(out, f'photo_{width}x{height}')
        Image.fromarray(pixels, 'RGB').save(name + '.png')
        np.save(name + '.npy', transform(Image.open(name + '.png')).unsqueeze(0).numpy())


if __name__ == '__main__':
    main(sys.argv[1])
