#!/usr/bin/python3
"""LeNets written the way PyTorch users write them, exported with torch.onnx.export.

The other side of `lenet import`'s tests: each form is a network as its source writes it (not
LeNetOnnx's reference module), so the exported graph is what a user brings.

  /usr/bin/python3 tools/export_torch_lenet.py --spec FORM:OPSET:AXES:FOLD:OUTPUT.onnx [--spec ...]
      [--train-steps N --data DIR] [--seed S] [--report FILE.json]

FORM: d2l (the d2l chapter's nn.Sequential), tutorial (the PyTorch MNIST tutorial's class: ReLU,
max pooling, its torch.softmax at the end, fed Normalize(0.5, 0.5) images), keras (tanh, max
pooling, flattened by a view, dense layers as MatMul + Add, a softmax output), modern (the tutorial's net with C1 padded by 2), sigmoid-max,
lenet1998 (the paper's network with its C3 table as a mask), mxnet (sigmoid-max on the image
resized to 96x96 in the network), and foreign ones that are not LeNets: wide (input 32x32), rgb (3 channels), hundred (100
classes), deep (an extra convolution). AXES: dynamic (batch axis named), fixed (batch 1) or
batchN (fixed at N).
FOLD: fold or nofold (do_constant_folding). With --train-steps every form first trains that
many SGD steps on Fashion-MNIST (the sigmoid nets as d2l does: batch 256, lr 0.9; the others
batch 64, lr 0.05, momentum 0.9); --report then records each
export's test accuracy, computed in PyTorch on the 10,000 test images as the form expects them.
"""

import argparse
import gzip
import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


class Tutorial(nn.Module):
    """The PyTorch MNIST tutorial's network (ReLU, max pooling) ending in torch.softmax."""

    def __init__(self, padding=0, activation=F.relu, channels=1, classes=10, side=28, extra=False, resize=0):
        super().__init__()
        self.activation = activation
        self.resize = resize
        side = resize or side
        self.conv1 = nn.Conv2d(channels, 6, 5, padding=padding)
        self.extra = nn.Conv2d(6, 6, 3, padding=1) if extra else None
        self.conv2 = nn.Conv2d(6, 16, 5)
        s4 = ((side + 2 * padding - 4) // 2 - 4) // 2
        self.fc1 = nn.Linear(16 * s4 * s4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        if self.resize:
            # MXNet/Gluon's loader resizes to 96x96; here inside the network, bilinear.
            x = F.interpolate(x, size=(self.resize, self.resize), mode="bilinear", align_corners=False)
        x = F.max_pool2d(self.activation(self.conv1(x)), 2)
        if self.extra is not None:
            x = self.activation(self.extra(x))
        x = F.max_pool2d(self.activation(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = self.activation(self.fc1(x))
        x = self.activation(self.fc2(x))
        return torch.softmax(self.fc3(x), dim=1)


def d2l():
    # d2l's init_cnn: Xavier-uniform weights for every Conv2d and Linear.
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))
    for layer in net:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
    return net


class Dense(nn.Module):
    """Keras' Dense as Keras computes it: x @ kernel + bias, the kernel [in, out] (MatMul + Add)."""

    def __init__(self, inputs, units, activation=None):
        super().__init__()
        self.kernel = nn.Parameter(torch.empty(inputs, units))
        self.bias = nn.Parameter(torch.zeros(units))
        nn.init.xavier_uniform_(self.kernel)
        self.activation = activation

    def forward(self, x):
        x = x @ self.kernel + self.bias
        return self.activation(x) if self.activation else x


class Keras(nn.Module):
    """Keras' Sequential LeNet: Conv2D(6, 5, tanh), MaxPooling2D, Conv2D(16, 5, tanh),
    MaxPooling2D, Flatten (written as a view, which exports as a Shape/Gather/Unsqueeze/Concat
    chain into Reshape), Dense(120, tanh), Dense(84, tanh), Dense(10, softmax)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.dense1 = Dense(256, 120, torch.tanh)
        self.dense2 = Dense(120, 84, torch.tanh)
        self.dense3 = Dense(84, 10)

    def forward(self, x):
        x = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        x = F.max_pool2d(torch.tanh(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        return torch.softmax(self.dense3(self.dense2(self.dense1(x))), dim=1)


C3_TABLE = [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
            [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
            [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], [0, 1, 2, 3, 4, 5]]


class Subsampling(nn.Module):
    """The paper's S2/S4 per map: the sum of each 2x2 block times a coefficient, plus a bias
    (the sum written as 4 x the mean: torch.onnx.export cannot export divisor_override)."""

    def __init__(self, maps):
        super().__init__()
        self.weight = nn.Parameter(torch.full((maps, 1, 1), 0.25))
        self.bias = nn.Parameter(torch.zeros(maps, 1, 1))

    def forward(self, x):
        return F.avg_pool2d(x, 2) * (4 * self.weight) + self.bias


class LeNet1998(nn.Module):
    """LeNet-5 as LeCun et al. published it: 32x32 input (background -0.1, ink 1.175), the scaled
    tanh 1.7159 tanh(2a/3), trainable subsampling, C3 by its connection table (a mask on the
    weights), C5 a convolution, and a linear output in place of the RBF units."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.s2 = Subsampling(6)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.s4 = Subsampling(16)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, 10)
        mask = torch.zeros(16, 6, 1, 1)
        for target, sources in enumerate(C3_TABLE):
            mask[target, sources] = 1
        self.register_buffer("c3_mask", mask)
        with torch.no_grad():
            self.c3.weight.mul_(mask)

    @staticmethod
    def squash(a):
        return 1.7159 * torch.tanh(a * (2.0 / 3.0))

    def forward(self, x):
        x = F.pad(x, (2, 2, 2, 2))
        x = 1.275 * x - 0.1
        x = self.squash(self.c1(x))
        x = self.squash(self.s2(x))
        x = self.squash(F.conv2d(x, self.c3.weight * self.c3_mask, self.c3.bias))
        x = self.squash(self.s4(x))
        x = self.squash(self.c5(x))
        x = torch.flatten(x, 1)
        x = self.squash(self.f6(x))
        return self.out(x)


# form -> (module factory, input shape per image, whether it is fed Normalize(0.5, 0.5) images)
FORMS = {
    "d2l": (d2l, (1, 28, 28), False),
    "tutorial": (lambda: Tutorial(), (1, 28, 28), True),
    "keras": (Keras, (1, 28, 28), False),
    "modern": (lambda: Tutorial(padding=2), (1, 28, 28), True),
    "sigmoid-max": (lambda: Tutorial(activation=torch.sigmoid), (1, 28, 28), False),
    "lenet1998": (LeNet1998, (1, 28, 28), False),
    "mxnet": (lambda: Tutorial(activation=torch.sigmoid, resize=96), (1, 28, 28), False),
    "wide": (lambda: Tutorial(side=32), (1, 32, 32), False),
    "rgb": (lambda: Tutorial(channels=3), (3, 28, 28), False),
    "hundred": (lambda: Tutorial(classes=100), (1, 28, 28), False),
    "deep": (lambda: Tutorial(extra=True), (1, 28, 28), False),
}


def read_split(directory, prefix):
    with gzip.open(directory / f"{prefix}-images-idx3-ubyte.gz", "rb") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    with gzip.open(directory / f"{prefix}-labels-idx1-ubyte.gz", "rb") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return torch.from_numpy(images.astype(np.float32) / 255.0), torch.from_numpy(labels.astype(np.int64))


def fed(images, normalized):
    return (images - 0.5) / 0.5 if normalized else images


def train(module, normalized, steps, data, seed, sigmoid):
    images, labels = read_split(data, "train")
    generator = torch.Generator().manual_seed(seed)
    batch = 256 if sigmoid else 64
    optimizer = torch.optim.SGD(module.parameters(), lr=0.9) if sigmoid else torch.optim.SGD(module.parameters(), lr=0.05, momentum=0.9)
    order = torch.randperm(len(labels), generator=generator)
    module.train()
    for step in range(steps):
        rows = order[(step * batch) % len(labels):][:batch]
        optimizer.zero_grad()
        output = module(fed(images[rows], normalized))
        # A trailing softmax: train on its log (the net's output is probabilities).
        ends_in_softmax = isinstance(module, (Tutorial, Keras))
        loss = F.nll_loss(torch.log(output + 1e-12), labels[rows]) if ends_in_softmax else F.cross_entropy(output, labels[rows])
        loss.backward()
        optimizer.step()


def accuracy(module, normalized, data):
    images, labels = read_split(data, "t10k")
    module.eval()
    with torch.no_grad():
        predicted = torch.cat([module(fed(images[s:s + 500], normalized)).argmax(1) for s in range(0, len(labels), 500)])
    return int((predicted == labels).sum()) / len(labels)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", action="append", required=True, help="FORM:OPSET:dynamic|fixed:fold|nofold:OUTPUT.onnx")
    parser.add_argument("--train-steps", type=int, default=0)
    parser.add_argument("--data", type=Path, default=Path("/usr/share/datasets/fashion-mnist"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", type=Path)
    args = parser.parse_args(argv)
    report = {}
    for spec in args.spec:
        try:
            form, opset, axes, fold, output = spec.split(":", 4)
            factory, shape, normalized = FORMS[form]
            batch = int(axes[5:]) if axes.startswith("batch") else 1
            if (axes not in ("dynamic", "fixed") and not axes.startswith("batch")) or batch < 1 or fold not in ("fold", "nofold"):
                raise ValueError(spec)
        except (ValueError, KeyError):
            print(f"export_torch_lenet: bad --spec '{spec}'; FORM is one of {', '.join(FORMS)}", file=sys.stderr)
            return 2
        torch.manual_seed(args.seed)
        module = factory()
        if args.train_steps:
            train(module, normalized, args.train_steps, args.data, args.seed, sigmoid=form in ("d2l", "sigmoid-max", "mxnet"))
        module.eval()
        dummy = torch.zeros((batch, *shape))
        torch.onnx.export(module, dummy, output, opset_version=int(opset), do_constant_folding=fold == "fold",
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}} if axes == "dynamic" else None)
        entry = {"form": form, "opset": int(opset), "normalized": normalized}
        if args.report and args.train_steps and shape == (1, 28, 28):
            entry["test_accuracy"] = accuracy(module, normalized, args.data)
        report[output] = entry
    if args.report:
        args.report.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
