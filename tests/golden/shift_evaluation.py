"""The reference's shift evaluations in PyTorch, to check train/main's -es and -ed on the same weights, images
and offsets. Run with Debian's /usr/bin/python3.

  shift_evaluation.py make DIR ARCH   an ImageNet-style folder DIR/data of 3 classes (val/: a 256 x 256 PNG
                                      each, RGB, grayscale and RGBA; train/: PNG and JPEG images of other sizes
                                      and modes, and one corrupt JPEG) and random weights DIR/weights.pth whose
                                      predictions vary between these images and with their shifts
  shift_evaluation.py check DIR ARCH BATCH CONSISTENCY
                                      recomputes -es (main's offsets, DIR/out/shift_offsets.npy, batches of
                                      BATCH) and -ed (DIR/out/diag_*.npy) as main.py does; exits 1 on a mismatch
"""
import os
import struct
import sys
import zlib

import numpy as np
import torch
import torchvision
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from antialiased_models import build  # noqa: E402

CLASSES = ['cat', 'dog', 'fox']
CROP = 224


def smooth_image(random, width, height):
    """Random colour blobs: an 8 x 8 field upsampled, plus a little noise (not flat: every shift matters)."""
    field = Image.fromarray(random.integers(0, 256, (8, 8, 3), dtype=np.uint8)).resize((width, height), Image.BICUBIC)
    pixels = np.asarray(field).astype(np.int16) + random.integers(-20, 21, (height, width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def normalized(image):
    return torchvision.transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])(
        torchvision.transforms.functional.to_tensor(image.convert('RGB')))


def informative(model, images):
    """Random weights make a network whose output hardly depends on its input. Two changes make the class
    depend on the image and its shift, as a trained network's does (what the shift evaluations measure):
    batch norms' running statistics set to those of these images' crops (each layer's output then varies
    across images at unit scale), and a classifier that ignores the features' mean direction (which is the
    same for every image)."""
    crops = torch.stack([image[:, o:o + CROP, o:o + CROP] for image in images for o in range(0, 33, 4)])
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative average: after one batch, exactly its statistics
    fc = [m for m in model.modules() if isinstance(m, torch.nn.Linear)][-1]
    features = []
    hook = fc.register_forward_hook(lambda module, inputs, output: features.append(inputs[0]))
    with torch.no_grad():
        model.train()(crops)
        hook.remove()
        for norm in norms:
            norm.momentum = 0.1
        mean = features[0].mean(0)
        direction = mean / mean.norm()
        weight = torch.randn(fc.weight.shape, generator=torch.Generator().manual_seed(0))
        weight -= (weight @ direction)[:, None] * direction[None, :]
        fc.weight.copy_(weight * 2 / (features[0] @ weight.t()).std())
        fc.bias.zero_()
    return model.eval()


def make():
    out, arch = sys.argv[2], sys.argv[3]
    random = np.random.default_rng(0)
    val_images = []
    for name, mode in zip(CLASSES, ('RGB', 'L', 'RGBA')):
        val, train = (os.path.join(out, 'data', split, name) for split in ('val', 'train'))
        os.makedirs(val), os.makedirs(train)
        image = smooth_image(random, 256, 256).convert(mode)
        image.save(os.path.join(val, '0.png'))
        val_images.append(normalized(image))
        smooth_image(random, 300, 260).save(os.path.join(train, 'rgb.png'))
        smooth_image(random, 240, 320).convert('L').save(os.path.join(train, 'gray.png'))
        smooth_image(random, 280, 280).convert('RGBA').save(os.path.join(train, 'rgba.png'))
        smooth_image(random, 320, 240).save(os.path.join(train, 'photo.jpg'), quality=90)
        smooth_image(random, 256, 300).convert('L').save(os.path.join(train, 'gray.jpg'), quality=90)
    with open(os.path.join(out, 'data', 'train', 'dog', 'broken.jpg'), 'wb') as f:
        f.write(b'\xff\xd8\xff\xe0' + bytes(random.integers(0, 256, 1000, dtype=np.uint8)))  # a JPEG in name only
    # Made from the files above (no draw from `random`, whose stream the other images keep): a PNG and a JPEG cut
    # in half (libpng refuses the first; libjpeg decodes the second, its lost rows gray, as Pillow would with
    # LOAD_TRUNCATED_IMAGES), and a PNG that claims 60000 x 60000 pixels in 100 bytes.
    cat = os.path.join(out, 'data', 'train', CLASSES[0])
    for name in ('rgb.png', 'photo.jpg'):
        with open(os.path.join(cat, name), 'rb') as f:
            whole = f.read()
        with open(os.path.join(cat, 'truncated.' + name.split('.')[1]), 'wb') as f:
            f.write(whole[:len(whole) // 2])

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    with open(os.path.join(cat, 'huge.png'), 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 60000, 60000, 8, 2, 0, 0, 0)) +
                chunk(b'IDAT', zlib.compress(bytes(1000))) + chunk(b'IEND', b''))
    model = informative(build(arch, num_classes=len(CLASSES)), val_images)
    torch.save(model.state_dict(), os.path.join(out, 'weights.pth'))


def check():
    d, arch, batch, consistency = sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    model = build(arch, num_classes=len(CLASSES))
    model.load_state_dict(torch.load(os.path.join(d, 'weights.pth')))
    model.eval()
    transform = torchvision.transforms.Compose([
        torchvision.transforms.Resize(256), torchvision.transforms.CenterCrop(256), torchvision.transforms.ToTensor(),
        torchvision.transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
    dataset = torchvision.datasets.ImageFolder(os.path.join(d, 'data', 'val'), transform)
    images = torch.stack([image for image, _ in dataset])
    labels = [label for _, label in dataset]
    failures = []

    # -es: per batch, the two crops at main's offsets; agreement of the argmaxes, weighted by batch size.
    offsets = np.load(os.path.join(d, 'out', 'shift_offsets.npy'))
    starts = list(range(0, len(images), batch))
    if offsets.shape[0] % len(starts):
        sys.exit(f'{offsets.shape[0]} offsets for {len(starts)} batches per pass')
    agree, total, near_ties = 0, 0, 0
    with torch.no_grad():
        for b, off in enumerate(offsets):
            x = images[starts[b % len(starts)]:starts[b % len(starts)] + batch]
            out = [model(x[:, :, o[0]:o[0] + CROP, o[1]:o[1] + CROP]) for o in off]
            agree += int((out[0].argmax(1) == out[1].argmax(1)).sum())
            total += len(x)
            for o in out:  # predictions that float rounding could flip
                top2 = o.topk(2, 1).values
                near_ties += int((top2[:, 0] - top2[:, 1] < 1e-4).sum())
    expected = 100.0 * agree / total
    if abs(expected - consistency) > 100.0 * near_ties / total + 1e-3:
        failures.append(f'consistency {consistency}, PyTorch {expected:.3f} ({near_ties} near ties)')

    # -ed: the D = 33 diagonal crops of each image, softmax.
    with torch.no_grad():
        for i, (image, label) in enumerate(zip(images, labels)):
            crops = torch.stack([image[:, o:o + CROP, o:o + CROP] for o in range(33)])
            probs = torch.softmax(model(crops), 1).double()
            preds = probs.argmax(1)
            expected = {'diag_probs': 100 * probs[:, label], 'diag_corrs': (preds == label).double(),
                        'diag_preds': preds.double()}
            others = probs.clone()
            others[:, label] = 0
            expected['diag_probs2'] = 100 * others.max(1).values
            top2 = probs.topk(2, 1).values
            decided = (top2[:, 0] - top2[:, 1] > 1e-6).numpy()
            for name, values in expected.items():
                ours = np.load(os.path.join(d, 'out', name + '.npy'))
                if ours.shape != (len(images), 33) or ours.dtype != np.float64:
                    sys.exit(f'{name}.npy: shape {ours.shape} {ours.dtype}, expected ({len(images)}, 33) float64')
                exact = name in ('diag_corrs', 'diag_preds')
                diff = np.abs(ours[i] - values.numpy())
                if (exact and np.any(diff[decided] != 0)) or (not exact and diff.max() > 1e-2):
                    failures.append(f'{name}[{i}]: {ours[i].tolist()} vs PyTorch {values.tolist()}')
    # A check that can fail: the predictions must change with the shift somewhere.
    if 100.0 * agree / total == 100 or len(np.unique(np.load(os.path.join(d, 'out', 'diag_preds.npy')))) < 2:
        failures.append('the network predicts the same class at every shift: nothing was compared')
    if failures:
        sys.exit('\n'.join(failures))
    print(f'consistency {consistency} = PyTorch {100.0 * agree / total:.3f} on {offsets.shape[0]} batches; '
          f'{len(images)} x 33 diagonal probabilities within 0.01 %')


if __name__ == '__main__':
    {'make': make, 'check': check}[sys.argv[1]]()
