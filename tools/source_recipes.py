#!/usr/bin/python3
"""The training loops of LeNetOnnx's source recipes, restated in PyTorch 1.13.

Each loop is written from its source (the d2l chapter, the PyTorch MNIST
tutorial, Keras, MXNet/Gluon, the 1998 paper as the lenet1998 recipe trains
it), not from LeNetOnnx's graphs. Only three things come from LeNetOnnx: the
initial weights (an inference model, e.g. `lenet artifacts --recipe R`'s
inference_model.onnx), the data set files and the order of the examples (the
seeded shuffle documented in Trainer/Data/ShuffleOrder.cs, reimplemented
here), so that both sides see the same batches from the same start.

Commands:
  run    train one recipe, write its per-step losses and per-epoch accuracies
         as JSON (what the shortened parity test compares with);
  table  for each recipe and data set, train with `./lenet train` and with
         this restatement, compare the first 100 step losses and the epoch
         accuracies, and write a markdown table.

Run `/usr/bin/python3 tools/source_recipes.py --help` for usage.
"""

import argparse
import gzip
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch_reference as ref  # noqa: E402

MASK64 = (1 << 64) - 1
ROOT = Path(__file__).resolve().parent.parent


# --- Data, as LeNetOnnx reads and orders it ---

def read_idx(path, magic):
    """The items of an IDX file (gzip or raw) as a uint8 array."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if int.from_bytes(raw[:4], "big") != magic:
        raise ref.ToolError(f"{path}: not an IDX file with magic {magic}")
    dims = 3 if magic == 2051 else 1
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big")
             for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8,
                         offset=4 + 4 * dims).reshape(shape)


def find(directory, stem):
    for name in (stem + ".gz", stem):
        if (directory / name).exists():
            return directory / name
    raise ref.ToolError(f"{directory}: no {stem}(.gz)")


def load_split(directory, images, labels, limit=None):
    x = read_idx(find(directory, images), 2051)
    y = read_idx(find(directory, labels), 2049)
    if limit is not None:
        x, y = x[:limit], y[:limit]
    pixels = torch.from_numpy(x.astype(np.float32) / np.float32(255))
    return pixels.reshape(-1, 1, 28, 28), torch.from_numpy(y.astype(np.int64))


def splitmix64(state):
    """(next state, output) of SplitMix64, as SeededRandom."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def shuffle_order(count, seed, epoch):
    """ShuffleOrder.ForEpoch: seeded Fisher-Yates with Lemire's draws."""
    _, epoch_mix = splitmix64(epoch)
    _, state = splitmix64(seed ^ epoch_mix)
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        bound = i + 1
        state, x = splitmix64(state)
        product = x * bound
        if product & MASK64 < bound:
            threshold = (-bound) % bound
            while product & MASK64 < threshold:
                state, x = splitmix64(state)
                product = x * bound
        j = product >> 64
        order[i], order[j] = order[j], order[i]
    return torch.tensor(order)


def batches(images, labels, batch, seed, epoch):
    """The epoch's batches in LeNetOnnx's order, the last partial one kept."""
    order = shuffle_order(len(labels), seed, epoch)
    for start in range(0, len(order), batch):
        rows = order[start:start + batch]
        yield images[rows], labels[rows]


def accuracy(net, images, labels):
    """Share of `images` the net classifies right (d2l's evaluate_accuracy)."""
    net.eval()
    right = 0
    with torch.no_grad():
        for start in range(0, len(labels), 1000):
            logits = net(images[start:start + 1000])
            right += int((logits.argmax(1) == labels[start:start + 1000]).sum())
    net.train()
    return right / len(labels)


# --- The sources' loops ---

def warmup_cosine(base, step, total, warmup):
    """LeNetOnnx's warm-up then cosine schedule (LearningRateSchedule.At)."""
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


class KerasAdam:
    """Keras' Adam: m, v as usual; alpha = lr*sqrt(1-b2^t)/(1-b1^t);
    p -= alpha * m / (sqrt(v) + eps), eps added to sqrt(v), not sqrt(v_hat)."""

    def __init__(self, parameters, lr=0.001, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7):
        self.parameters = list(parameters)
        self.lr, self.beta_1, self.beta_2, self.epsilon = \
            lr, beta_1, beta_2, epsilon
        self.m = [torch.zeros_like(p) for p in self.parameters]
        self.v = [torch.zeros_like(p) for p in self.parameters]
        self.iterations = 0

    def zero_grad(self):
        for p in self.parameters:
            p.grad = None

    @torch.no_grad()
    def step(self):
        self.iterations += 1
        t = self.iterations
        alpha = self.lr * math.sqrt(1 - self.beta_2 ** t) / \
            (1 - self.beta_1 ** t)
        for p, m, v in zip(self.parameters, self.m, self.v):
            g = p.grad
            m.mul_(self.beta_1).add_(g * (1 - self.beta_1))
            v.mul_(self.beta_2).add_(g * g * (1 - self.beta_2))
            p.sub_(m * alpha / (v.sqrt() + self.epsilon))


def d2l(net, data, seed, epochs, record):
    """d2l 6.6 (PyTorch): train_ch6 with SGD lr 0.9 and CrossEntropyLoss."""
    optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
    loss = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        net.train()
        for X, y in batches(*data["train"], 256, seed, epoch):
            optimizer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            record.step(l, y_hat, y)
        record.epoch(net)


def mnist_tutorial(net, data, seed, epochs, record):
    """The PyTorch MNIST tutorial: the net ends in torch.softmax, which goes to
    CrossEntropyLoss (softmax twice); SGD lr 0.001, momentum 0.9, batch 64;
    Normalize(0.5, 0.5) is the relu-max net's own input transform."""
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    for epoch in range(epochs):
        for inputs, labels in batches(*data["train"], 64, seed, epoch):
            optimizer.zero_grad()
            outputs = torch.softmax(net(inputs), dim=1)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            record.step(loss, outputs, labels)
        record.epoch(net)


def keras(net, data, seed, epochs, record):
    """model.compile(Adam(), 'sparse_categorical_crossentropy') and
    model.fit(batch_size=64, validation_data=test): the softmax output layer's
    cross-entropy taken from its logits, as Keras does."""
    optimizer = KerasAdam(net.parameters())
    for epoch in range(epochs):
        for x, y in batches(*data["train"], 64, seed, epoch):
            optimizer.zero_grad()
            logits = net(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            record.step(loss, logits, y)
        record.epoch(net)


def mxnet(net, data, seed, epochs, record):
    """d2l 6.6 (MXNet): the images resized to 96x96 (the net's first step),
    SoftmaxCrossEntropyLoss summed by l.backward(), trainer.step(256): plain
    SGD with the gradient rescaled by 1/256, the last batch of 96 included."""
    batch_size, lr = 256, 0.9
    for epoch in range(epochs):
        for X, y in batches(*data["train"], batch_size, seed, epoch):
            for p in net.parameters():
                p.grad = None
            y_hat = net(X)
            l = F.cross_entropy(y_hat, y, reduction="none")
            l.sum().backward()
            with torch.no_grad():
                for p in net.parameters():
                    p.sub_(lr * (p.grad / batch_size))
            record.step(l.mean(), y_hat, y)
        record.epoch(net)


def lenet1998(net, data, seed, epochs, record):
    """The 1998 net as the lenet1998 recipe trains it (no source loop exists:
    the paper used stochastic diagonal Levenberg-Marquardt): SGD with Nesterov
    momentum 0.9, lr 0.02 warmed up for an epoch then cosine, batch 64."""
    batch_size, base = 64, 0.02
    steps_per_epoch = math.ceil(len(data["train"][1]) / batch_size)
    optimizer = torch.optim.SGD(net.parameters(), lr=base, momentum=0.9,
                                nesterov=True)
    step = 0
    for epoch in range(epochs):
        for X, y in batches(*data["train"], batch_size, seed, epoch):
            for group in optimizer.param_groups:
                group["lr"] = float(np.float32(warmup_cosine(
                    base, step, steps_per_epoch * epochs, steps_per_epoch)))
            optimizer.zero_grad()
            logits = net(X)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            step += 1
            record.step(loss, logits, y)
        record.epoch(net)
        net.check_c3_table()


SOURCES = {
    "d2l": (d2l, "d2l.ai 6.6, PyTorch: train_ch6"),
    "mnist-tutorial": (mnist_tutorial, "PyTorch MNIST tutorial"),
    "keras": (keras, "Keras LeNet, Adam, validation each epoch"),
    "mxnet": (mxnet, "d2l.ai 6.6, MXNet/Gluon, resize 96"),
    "lenet1998": (lenet1998, "LeCun et al. 1998, as the recipe trains it"),
}
DEFAULT_EPOCHS = {"d2l": 10, "mnist-tutorial": 10, "keras": 10, "mxnet": 10,
                  "lenet1998": 20}


class Record:
    """Per-step losses and per-epoch figures of a run."""

    def __init__(self, data):
        self.data = data
        self.losses, self.epochs = [], []
        self.loss_sum = self.correct = self.seen = 0

    def step(self, loss, scores, labels):
        value = float(loss.detach())
        self.losses.append(value)
        self.loss_sum += value * len(labels)
        self.correct += int((scores.detach().argmax(1) == labels).sum())
        self.seen += len(labels)

    def epoch(self, net):
        self.epochs.append({
            "loss": self.loss_sum / self.seen,
            "train_accuracy": self.correct / self.seen,
            "test_accuracy": accuracy(net, *self.data["test"]),
        })
        self.loss_sum = self.correct = self.seen = 0


def run(recipe, model, data_dir, seed, epochs, train_limit, test_limit):
    """Train `recipe`'s source loop from `model`'s weights; the record."""
    torch.manual_seed(0)
    variant, initializers = ref.load_onnx(model)
    net = ref.build_module(variant, initializers).train()
    data = {
        "train": load_split(data_dir, "train-images-idx3-ubyte",
                            "train-labels-idx1-ubyte", train_limit),
        "test": load_split(data_dir, "t10k-images-idx3-ubyte",
                           "t10k-labels-idx1-ubyte", test_limit),
    }
    record = Record(data)
    SOURCES[recipe][0](net, data, seed, epochs, record)
    return record


# --- Commands ---

def command_run(args):
    record = run(args.recipe, args.model, args.data, args.seed, args.epochs,
                 args.train_limit, args.test_limit)
    result = {"recipe": args.recipe, "losses": record.losses,
              "epochs": record.epochs}
    args.output.write_text(json.dumps(result))


def read_ours(run_dir):
    losses, lines = [], (run_dir / "steps.csv").read_text().splitlines()
    for line in lines[1:]:
        losses.append(float(line.split(",")[4]))
    epochs = [json.loads(l) for l in
              (run_dir / "metrics.jsonl").read_text().splitlines() if l]
    return losses, epochs


def compare(ours, theirs, first=100):
    n = min(first, len(ours), len(theirs))
    a, b = np.array(ours[:n]), np.array(theirs[:n])
    return n, float(np.max(np.abs(a - b))), \
        float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


def command_table(args):
    lenet = [str(ROOT / "lenet")]
    rows = []
    for spec in args.jobs:
        recipe, _, data = spec.partition(":")
        data_args = ["--dataset", "idx", "--data", data] if data else []
        data_dir = Path(data) if data else Path(
            "/usr/share/datasets/fashion-mnist")
        epochs = args.epochs or DEFAULT_EPOCHS[recipe]
        with tempfile.TemporaryDirectory() as work:
            work = Path(work)
            subprocess.run(lenet + ["artifacts", "--recipe", recipe,
                                    "--output", str(work / "artifacts")],
                           check=True, stdout=subprocess.DEVNULL)
            started = time.monotonic()
            subprocess.run(lenet + ["train", "--recipe", recipe,
                                    "--epochs", str(epochs),
                                    "--run-dir", str(work / "run"),
                                    "--output", str(work / "model.onnx")]
                           + data_args, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ours_seconds = time.monotonic() - started
            ours, our_epochs = read_ours(work / "run")
            started = time.monotonic()
            record = run(recipe, work / "artifacts" / "inference_model.onnx",
                         data_dir, 1, epochs, None, None)
            torch_seconds = time.monotonic() - started
        steps, worst, worst_relative = compare(ours, record.losses)
        gaps = [abs(o["test_accuracy"] - t["test_accuracy"])
                for o, t in zip(our_epochs, record.epochs)]
        rows.append({
            "recipe": recipe, "data": data_dir.name,
            "source": SOURCES[recipe][1], "epochs": epochs,
            "ours": our_epochs[-1]["test_accuracy"],
            "torch": record.epochs[-1]["test_accuracy"],
            "largest_epoch_gap": max(gaps), "steps": steps,
            "largest_loss_difference": worst,
            "largest_relative_loss_difference": worst_relative,
            "ours_seconds": ours_seconds, "torch_seconds": torch_seconds,
            "ours_by_epoch": [e["test_accuracy"] for e in our_epochs],
            "torch_by_epoch": [e["test_accuracy"] for e in record.epochs],
        })
        print(json.dumps(rows[-1]), flush=True)
    lines = [
        "| recipe | data | source | epochs | test acc, LeNetOnnx | test acc, "
        "PyTorch | largest gap over the epochs | first steps: largest loss "
        "difference | time, LeNetOnnx / PyTorch |",
        "|---|---|---|---:|---:|---:|---:|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['recipe']} | {r['data']} | {r['source']} | {r['epochs']} "
            f"| {r['ours']:.4f} | {r['torch']:.4f} | "
            f"{100 * r['largest_epoch_gap']:.2f} points | "
            f"{r['largest_loss_difference']:.2e} over {r['steps']} steps | "
            f"{r['ours_seconds']:.0f} s / {r['torch_seconds']:.0f} s |")
    args.output.write_text("\n".join(lines) + "\n")
    (args.output.with_suffix(".json")).write_text(json.dumps(rows, indent=1))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("run", help="train one recipe's source loop")
    p.add_argument("--recipe", required=True, choices=sorted(SOURCES))
    p.add_argument("--model", required=True, type=Path,
                   help="inference model holding the initial weights")
    p.add_argument("--data", required=True, type=Path,
                   help="directory of the four IDX files")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--train-limit", type=int)
    p.add_argument("--test-limit", type=int)
    p.add_argument("--output", required=True, type=Path)
    t = commands.add_parser("table", help="full runs beside ./lenet train")
    t.add_argument("jobs", nargs="+",
                   help="RECIPE or RECIPE:IDX_DIRECTORY (--dataset idx)")
    t.add_argument("--epochs", type=int,
                   help="instead of each recipe's own number")
    t.add_argument("--output", required=True, type=Path,
                   help="markdown table; the figures go beside it as .json")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(2)
    try:
        {"run": command_run, "table": command_table}[args.command](args)
    except ref.ToolError as error:
        print(f"source_recipes.py: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
