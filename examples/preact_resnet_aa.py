"""examples/preact_resnet_aa.cc in PyTorch: the same network, under the same state_dict keys, so the checkpoints
either side writes load into the other. BlurPool is the reference's (antialiased_cnns.BlurPool, here
tests/golden/blurpool_reference.py)."""
import os
import sys

import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'golden'))
from blurpool_reference import BlurPool  # noqa: E402


def conv3x3(cin, cout):
    return nn.Conv2d(cin, cout, 3, padding=1, bias=False)


class PreActBlock(nn.Module):
    def __init__(self, cin, cout, stride, filter_size):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = conv3x3(cin, cout)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout) if stride == 1 else nn.Sequential(
            BlurPool(cout, filt_size=filter_size, stride=stride), conv3x3(cout, cout))
        self.shortcut = None if stride == 1 and cin == cout else nn.Sequential(
            BlurPool(cin, filt_size=filter_size, stride=stride), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        a = F.relu(self.bn1(x))
        out = self.conv2(F.relu(self.bn2(self.conv1(a))))
        return out + (self.shortcut(a) if self.shortcut is not None else x)


class PreActResNetAA(nn.Module):
    def __init__(self, num_classes=10, filter_size=4):
        super().__init__()
        self.conv1 = conv3x3(3, 32)
        self.pool = nn.Sequential(nn.MaxPool2d(2, stride=1), BlurPool(32, filt_size=filter_size, stride=2))
        self.layer1 = PreActBlock(32, 32, 1, filter_size)
        self.layer2 = PreActBlock(32, 64, 2, filter_size)
        self.layer3 = PreActBlock(64, 128, 2, filter_size)
        self.bn = nn.BatchNorm2d(128)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.pool(self.conv1(x)))))
        return self.fc(self.avgpool(F.relu(self.bn(x))).flatten(1))
