"""The reference's anti-aliased architectures (adobe/antialiased-cnns 0.3) in PyTorch, written from its
published definitions (../shared/docs/reference.md), for golden logits; baselines are torchvision's models.
Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision)."""
import os
import sys

import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blurpool_reference import BlurPool  # noqa: E402


def conv3x3(in_planes, out_planes, stride=1, groups=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, groups=groups, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, filter_size=1):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes) if stride == 1 else nn.Sequential(
            BlurPool(planes, filt_size=filter_size, stride=stride), conv3x3(planes, planes))
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, filter_size=1):
        super().__init__()
        width = int(planes * (base_width / 64.)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, groups=groups)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, planes * 4) if stride == 1 else nn.Sequential(
            BlurPool(width, filt_size=filter_size, stride=stride), conv1x1(width, planes * 4))
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=1000, groups=1, width_per_group=64, filter_size=4):
        super().__init__()
        self.inplanes, self.groups, self.base_width = 64, groups, width_per_group
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Sequential(nn.MaxPool2d(kernel_size=2, stride=1),
                                     BlurPool(64, filt_size=filter_size, stride=2))
        self.layer1 = self._make_layer(block, 64, layers[0], 1, filter_size)
        self.layer2 = self._make_layer(block, 128, layers[1], 2, filter_size)
        self.layer3 = self._make_layer(block, 256, layers[2], 2, filter_size)
        self.layer4 = self._make_layer(block, 512, layers[3], 2, filter_size)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride, filter_size):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = [BlurPool(self.inplanes, filt_size=filter_size, stride=stride)] if stride != 1 else []
            downsample += [conv1x1(self.inplanes, planes * block.expansion, 1), nn.BatchNorm2d(planes * block.expansion)]
            downsample = nn.Sequential(*downsample)
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, filter_size)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                                filter_size=filter_size))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, filter_size=4):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=2, padding=2), nn.ReLU(inplace=True),
            BlurPool(64, filt_size=filter_size, stride=2),
            nn.MaxPool2d(kernel_size=3, stride=1), BlurPool(64, filt_size=filter_size, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=1), BlurPool(192, filt_size=filter_size, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=1), BlurPool(256, filt_size=filter_size, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


VGG_CONFIGS = {
    'vgg11': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'vgg13': [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'vgg16': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
    'vgg19': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
}


def vgg(name, num_classes, filter_size):
    batch_norm = name.endswith('_bn')
    layers, channels = [], 3
    for v in VGG_CONFIGS[name[:-3] if batch_norm else name]:
        if v == 'M':
            layers += [nn.MaxPool2d(kernel_size=2, stride=1), BlurPool(channels, filt_size=filter_size, stride=2)]
        else:
            layers += [nn.Conv2d(channels, v, kernel_size=3, padding=1)]
            layers += [nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else [nn.ReLU(inplace=True)]
            channels = v
    model = torchvision.models.VGG(nn.Sequential(*layers), num_classes=num_classes)
    return model


def densenet(name, num_classes, filter_size):
    """torchvision's DenseNet with the reference's changes: max0 + pool0 BlurPool, BlurPool transitions."""
    model = getattr(torchvision.models, name)(num_classes=num_classes)
    init = model.features.conv0.out_channels
    model.features.pool0 = nn.Sequential()  # replaced below, keeping the reference's order and names
    features = nn.Sequential()
    for key, module in model.features.named_children():
        if key == 'pool0':
            features.add_module('max0', nn.MaxPool2d(kernel_size=3, stride=1, padding=1))
            features.add_module('pool0', BlurPool(init, filt_size=filter_size, stride=2))
            continue
        if key.startswith('transition'):
            module.pool = BlurPool(module.conv.out_channels, filt_size=filter_size, stride=2)
        features.add_module(key, module)
    model.features = features
    return model


def mobilenet_v2(num_classes, filter_size):
    """torchvision's MobileNetV2 with the reference's changes: strided blocks' depthwise conv at stride 1
    followed by BlurPool (so their 1x1 projection and BN move to conv.3 and conv.4), and no dropout before the
    classifier (the reference comments it out: classifier.0 is the Linear)."""
    model = torchvision.models.mobilenet_v2(num_classes=num_classes)
    model.classifier = nn.Sequential(model.classifier[1])
    for block in model.features[1:-1]:
        if block.stride == 2:
            layers = list(block.conv.children())
            dw = layers[-3]
            dw[0].stride = (1, 1)
            layers.insert(len(layers) - 2, BlurPool(dw[0].out_channels, filt_size=filter_size, stride=2))
            block.conv = nn.Sequential(*layers)
    return model


RESNETS = {
    'resnet18': (BasicBlock, [2, 2, 2, 2], 1, 64), 'resnet34': (BasicBlock, [3, 4, 6, 3], 1, 64),
    'resnet50': (Bottleneck, [3, 4, 6, 3], 1, 64), 'resnet101': (Bottleneck, [3, 4, 23, 3], 1, 64),
    'resnet152': (Bottleneck, [3, 8, 36, 3], 1, 64), 'resnext50_32x4d': (Bottleneck, [3, 4, 6, 3], 32, 4),
    'resnext101_32x8d': (Bottleneck, [3, 4, 23, 3], 32, 8), 'wide_resnet50_2': (Bottleneck, [3, 4, 6, 3], 1, 128),
    'wide_resnet101_2': (Bottleneck, [3, 4, 23, 3], 1, 128),
}


def build(arch, filter_size=4, num_classes=1000):
    """'resnet50_lpf4' / 'resnet50_lpf' (+ filter_size) anti-aliased, 'resnet50' torchvision's baseline;
    'preact_resnet_aa' the example of a network of one's own (examples/preact_resnet_aa.py)."""
    if arch == 'preact_resnet_aa':
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'examples'))
        from preact_resnet_aa import PreActResNetAA
        return PreActResNetAA(num_classes, filter_size)
    if '_lpf' not in arch:
        return getattr(torchvision.models, arch)(num_classes=num_classes)
    base, k = arch.split('_lpf')
    filter_size = int(k) if k else filter_size
    if base in RESNETS:
        block, layers, groups, width = RESNETS[base]
        return ResNet(block, layers, num_classes, groups, width, filter_size)
    if base == 'alexnet':
        return AlexNet(num_classes, filter_size)
    if base.startswith('vgg'):
        return vgg(base, num_classes, filter_size)
    if base.startswith('densenet'):
        return densenet(base, num_classes, filter_size)
    return mobilenet_v2(num_classes, filter_size)


def randomize(model, seed=0):
    """Random weights (PyTorch's default initialisation) and batch norms with non-trivial affine parameters
    and running statistics, so that every state_dict entry matters."""
    torch.manual_seed(seed)
    model.apply(lambda m: m.reset_parameters() if hasattr(m, 'reset_parameters') else None)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.num_batches_tracked.fill_(1234)
    return model.eval()


def main():
    """antialiased_models.py ARCH OUT_DIR FILTER_SIZE zip|legacy SIZE: writes OUT_DIR/weights.pth (random, in
    that torch.save format), OUT_DIR/input.npy (2, 3, SIZE, SIZE) and OUT_DIR/logits.npy (2, 10)."""
    import numpy as np
    arch, out, filter_size, file_format, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    model = randomize(build(arch, filter_size, num_classes=10))
    torch.save(model.state_dict(), os.path.join(out, 'weights.pth'),
               _use_new_zipfile_serialization=file_format == 'zip')
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        logits = model(x)
    np.save(os.path.join(out, 'input.npy'), x.numpy())
    np.save(os.path.join(out, 'logits.npy'), logits.numpy())


def check():
    """antialiased_models.py check ARCH WEIGHTS FILTER_SIZE DIR: the reference model loads WEIGHTS with
    strict=True and gives DIR/logits.npy's logits for DIR/input.npy; exits 1 if not."""
    import numpy as np
    arch, weights, filter_size, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    model = build(arch, filter_size, num_classes=10).eval()
    model.load_state_dict(torch.load(weights), strict=True)
    with torch.no_grad():
        logits = model(torch.from_numpy(np.load(os.path.join(out, 'input.npy')))).numpy()
    expected = np.load(os.path.join(out, 'logits.npy'))
    if np.abs(logits - expected).max() > 1e-5 * max(1.0, np.abs(expected).max()):
        sys.exit(f'logits differ by {np.abs(logits - expected).max()}')
    print(f'the reference {arch} loaded {weights} with strict=True; logits equal')


def old_keys():
    """antialiased_models.py old_keys IN OUT: IN's state_dict as an old DenseNet training checkpoint:
    {'state_dict': ...} with DataParallel's 'module.' prefix, 'denselayerN.norm.1'-style keys, and no
    batch-norm 'num_batches_tracked' (which PyTorch < 0.4.1 did not save)."""
    import re
    state = torch.load(sys.argv[2])
    renamed = {'module.' + re.sub(r'(denselayer\d+\.(?:norm|relu|conv))([12])\.', r'\1.\2.', k): v
               for k, v in state.items() if not k.endswith('num_batches_tracked')}
    torch.save({'epoch': 90, 'arch': 'densenet121_lpf', 'state_dict': renamed}, sys.argv[3],
               _use_new_zipfile_serialization=False)


def copy_params_buffers(source, target):
    """The reference's antialiased_cnns.copy_params_buffers (its util.py): the parameters in order, each buffer
    into the next of the target's buffers of its shape. The reference's loop raises once a match is the
    target's last buffer (every ResNet, DenseNet and MobileNetV2 ends with a batch-norm counter); this one
    copies that buffer too, as the loop means to."""
    source_params, target_params = list(source.parameters()), list(target.parameters())
    assert len(source_params) == len(target_params)
    target_buffers, next_buffer = list(target.buffers()), 0
    with torch.no_grad():
        for s, t in zip(source_params, target_params):
            t[...] = s[...]
        for buffer in source.buffers():
            while buffer.shape != target_buffers[next_buffer].shape:
                next_buffer += 1
            target_buffers[next_buffer][...] = buffer[...]
            next_buffer += 1


def finetune():
    """antialiased_models.py finetune ARCH OUT_DIR: a random 10-class baseline of the anti-aliased ARCH
    (OUT_DIR/baseline.pth) and ARCH after copy_params_buffers from it (OUT_DIR/finetuned.pth)."""
    arch, out = sys.argv[2], sys.argv[3]
    baseline = randomize(build(arch.split('_lpf')[0], num_classes=10), seed=1)
    torch.save(baseline.state_dict(), os.path.join(out, 'baseline.pth'))
    model = build(arch, num_classes=10)
    copy_params_buffers(baseline, model)
    torch.save(model.state_dict(), os.path.join(out, 'finetuned.pth'))


def sgd_steps(model, x, y, steps, lr, momentum, wd):
    """STEPS steps of torch.optim.SGD on (x, y) in training mode with dropout off; returns the losses."""
    model.train()
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.eval()
    optimizer = torch.optim.SGD(model.parameters(), lr, momentum=momentum, weight_decay=wd)
    losses = []
    for _ in range(steps):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def train():
    """antialiased_models.py train ARCH OUT_DIR SIZE BATCH STEPS LR MOMENTUM WD: a random 10-class ARCH
    (OUT_DIR/weights.pth), a batch (input.npy (BATCH, 3, SIZE, SIZE), labels.npy), and what STEPS steps of
    torch.optim.SGD in training mode, dropout off, make of them: after.pth and losses.npy; and the same steps
    in double precision (after_double.pth, losses_double.npy), which measure how far float rounding alone
    moves PyTorch's own result."""
    import copy
    import numpy as np
    arch, out, size, batch, steps = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    lr, momentum, wd = float(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9])
    model = randomize(build(arch, num_classes=10))
    torch.save(model.state_dict(), os.path.join(out, 'weights.pth'))
    x = torch.randn(batch, 3, size, size)
    y = torch.randint(0, 10, (batch,))
    np.save(os.path.join(out, 'input.npy'), x.numpy())
    np.save(os.path.join(out, 'labels.npy'), y.numpy())
    exact = copy.deepcopy(model).double()
    losses = sgd_steps(model, x, y, steps, lr, momentum, wd)
    torch.save(model.state_dict(), os.path.join(out, 'after.pth'))
    np.save(os.path.join(out, 'losses.npy'), np.array(losses, np.float32))
    losses = sgd_steps(exact, x.double(), y, steps, lr, momentum, wd)
    torch.save({k: v.float() if v.is_floating_point() else v for k, v in exact.state_dict().items()},
               os.path.join(out, 'after_double.pth'))
    np.save(os.path.join(out, 'losses_double.npy'), np.array(losses))


def train_checkpoint():
    """antialiased_models.py train_checkpoint ARCH OUT_DIR: a random 10-class ARCH after one SGD step (lr 0.1,
    momentum 0.9, wd 1e-4) on a random batch of 2 at 64 px, saved as the reference's main.py saves it
    (OUT_DIR/checkpoint.pth.tar: epoch 3, best_acc1 a tensor, as accuracy() returns it), and its first
    parameter's momentum buffer (momentum0.npy)."""
    import numpy as np
    arch, out = sys.argv[2], sys.argv[3]
    model = randomize(build(arch, num_classes=10))
    optimizer = torch.optim.SGD(model.parameters(), 0.1, momentum=0.9, weight_decay=1e-4)
    model.train()
    nn.functional.cross_entropy(model(torch.randn(2, 3, 64, 64)), torch.tensor([1, 3])).backward()
    optimizer.step()
    torch.save({'epoch': 3, 'arch': arch, 'state_dict': model.state_dict(), 'best_acc1': torch.tensor(41.5),
                'optimizer': optimizer.state_dict()}, os.path.join(out, 'checkpoint.pth.tar'))
    first = next(iter(model.parameters()))
    np.save(os.path.join(out, 'momentum0.npy'), optimizer.state[first]['momentum_buffer'].numpy())


def resume_check():
    """antialiased_models.py resume_check ARCH PATH: PyTorch resumes from PATH as main.py does (strict weights,
    optimizer.load_state_dict into SGD over model.parameters()); prints epoch, arch, best_acc1, the number of
    momentum buffers and the first one's sum."""
    arch, path = sys.argv[2], sys.argv[3]
    checkpoint = torch.load(path)
    model = build(arch, num_classes=10)
    model.load_state_dict(checkpoint['state_dict'], strict=True)
    optimizer = torch.optim.SGD(model.parameters(), 1.0, momentum=0.0)
    optimizer.load_state_dict(checkpoint['optimizer'])
    group = optimizer.param_groups[0]
    first = optimizer.state[next(iter(model.parameters()))]['momentum_buffer']
    print(checkpoint['epoch'], checkpoint['arch'], float(checkpoint['best_acc1']), len(optimizer.state),
          f"{group['lr']:.6g} {group['momentum']:.6g} {group['weight_decay']:.6g} {group['nesterov']}",
          repr(float(first.double().sum())))


def compare():
    """antialiased_models.py compare DIR: DIR/ours.pth and ours_losses.npy (our steps from DIR/weights.pth)
    against PyTorch's (after.pth, losses.npy). Float rounding alone moves PyTorch's result by its distance to
    its double-precision run (after_double.pth): ~1e-4 of the change for VGG and ResNet, 10-40% for DenseNet
    and MobileNetV2, whose small-batch statistics amplify it over three steps. And where a value lies within
    rounding of a ReLU's kink, or of a tie in max pooling, two float runs can route a gradient differently:
    each of our layers matches PyTorch's double-precision backward to 1e-5 on our activations, yet after three
    steps VGG's weights differ from PyTorch's by up to 2.4% of their change. Two float runs of a chaotic
    network (MobileNetV2 here) each differ from the double-precision one by about as much over all entries,
    single entries by several times more. So in the L2 norm, over all float entries together |ours - torch|
    <= 3 |torch - double| + 0.05 |torch - before|, and per entry |ours - torch| <= 10 |torch - double| +
    0.05 |torch - before| + 1e-6 (|before| + 1); BlurPool filters and integer entries exactly equal; each
    loss within 5 |torch - double| + 1e-3 x the first loss of torch's. Prints the largest ratio of difference to allowance; exits 1 naming the entry if one is over."""
    import numpy as np
    d = sys.argv[2]
    before, torch_f, torch_d, ours = (torch.load(os.path.join(d, n)) for n in
                                      ('weights.pth', 'after.pth', 'after_double.pth', 'ours.pth'))
    if list(torch_f) != list(ours):
        sys.exit(f'keys differ: {sorted(set(torch_f) ^ set(ours))[:5]}')
    worst, worst_key = 0.0, ''
    total = {'ours': 0.0, 'double': 0.0, 'change': 0.0}
    for key, e in torch_f.items():
        g = ours[key]
        if g.shape != e.shape or g.dtype != e.dtype:
            sys.exit(f'{key}: {tuple(g.shape)} {g.dtype}, expected {tuple(e.shape)} {e.dtype}')
        if not e.is_floating_point() or key.endswith('.filt'):
            if not torch.equal(g, before[key]) and key.endswith('.filt'):
                sys.exit(f'{key}: the BlurPool filter changed')
            if not torch.equal(g, e):
                sys.exit(f'{key} is {g.tolist()}, expected {e.tolist()}')
            continue
        e, g, x, b = e.double(), g.double(), torch_d[key].double(), before[key].double()
        for name, value in (('ours', g - e), ('double', e - x), ('change', e - b)):
            total[name] += value.norm().item() ** 2
        allowance = 10 * (e - x).norm() + 0.05 * (e - b).norm() + 1e-6 * (b.norm() + 1)
        ratio = ((g - e).norm() / allowance).item()
        if ratio > worst:
            worst, worst_key = ratio, key
        if ratio > 1:
            sys.exit(f'{key}: differs from PyTorch by {(g - e).norm().item():.3g} (L2), allowed {allowance.item():.3g}')
    ours_all, double_all, change_all = (total[name] ** 0.5 for name in ('ours', 'double', 'change'))
    if ours_all > 3 * double_all + 0.05 * change_all:
        sys.exit(f'all entries: differ from PyTorch by {ours_all:.3g} (L2), PyTorch from its double-precision '
                 f'run by {double_all:.3g}, for a change of {change_all:.3g}')
    lf, ld, lo = (np.load(os.path.join(d, n)).astype(np.float64) for n in
                  ('losses.npy', 'losses_double.npy', 'ours_losses.npy'))
    if lo.shape != lf.shape or np.any(np.abs(lo - lf) > 5 * np.abs(lf - ld) + 1e-3 * lf[0]):
        sys.exit(f'losses {lo.tolist()}, PyTorch {lf.tolist()} (double precision {ld.tolist()})')
    print(f'all entries: {ours_all / change_all:.3g} of the change from PyTorch ({double_all / change_all:.3g} '
          f'from float to double in PyTorch); per entry, largest difference {worst:.3g} of its allowance, at '
          f'{worst_key}; losses {lo.tolist()}, PyTorch {lf.tolist()}')


if __name__ == '__main__':
    {'check': check, 'old_keys': old_keys, 'train': train, 'compare': compare,
     'train_checkpoint': train_checkpoint, 'resume_check': resume_check, 'finetune': finetune}.get(sys.argv[1], main)()
