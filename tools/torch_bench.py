#!/usr/bin/python3
"""PyTorch side of bench/compare.sh: the same figures `lenet bench --json` measures.

Training: the d2l recipe (classic LeNet-5, SGD lr 0.9, batch 256, cross-entropy)
on Fashion-MNIST, starting from the initial weights of a model built by
`lenet build --variant classic --seed 1` (the recipe's own start), whole epochs
timed from the outside: shuffling, batching, forward, backward, optimizer step
and the test-set evaluation after each epoch. The per-epoch figure is the mean
of the epochs after the first, like ours. Inference: the trained module in eval
mode under torch.no_grad on the test images, batches of 256 back to back, then
one image per call.

Prints one JSON object. Run `/usr/bin/python3 tools/torch_bench.py --help`.
"""

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from torch_reference import ToolError, build_module, load_onnx  # noqa: E402


def read_idx(path, magic, header_ints):
    """The payload of a gzip IDX file after checking its magic number."""
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read()
    except OSError as error:
        raise ToolError(f"cannot read {path}: {error}") from error
    header = np.frombuffer(data[:4 * header_ints], dtype=">i4")
    if header[0] != magic:
        raise ToolError(f"{path}: magic {header[0]}, expected {magic}")
    return header, np.frombuffer(data, dtype=np.uint8, offset=4 * header_ints)


def load_split(directory, prefix):
    """(images [N,1,28,28] float32 pixel/255, labels [N] int64) of one split."""
    header, pixels = read_idx(directory / f"{prefix}-images-idx3-ubyte.gz", 2051, 4)
    _, labels = read_idx(directory / f"{prefix}-labels-idx1-ubyte.gz", 2049, 2)
    count = int(header[1])
    images = torch.from_numpy(pixels.reshape(count, 1, 28, 28).astype(np.float32) / 255.0)
    return images, torch.from_numpy(labels.astype(np.int64))


def evaluate(module, images, labels, batch):
    """Test accuracy, in batches, without gradients."""
    module.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(labels), batch):
            logits = module(images[start:start + batch])
            correct += int((logits.argmax(1) == labels[start:start + batch]).sum())
    return correct / len(labels)


def train(module, train_set, test_set, epochs, batch, lr, seed):
    """Per-epoch (seconds, test accuracy) of the d2l loop."""
    images, labels = train_set
    optimizer = torch.optim.SGD(module.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    epochs_out = []
    for epoch in range(epochs):
        started = time.perf_counter()
        module.train()
        order = torch.randperm(len(labels), generator=generator)
        for start in range(0, len(labels), batch):
            rows = order[start:start + batch]
            optimizer.zero_grad()
            loss = F.cross_entropy(module(images[rows]), labels[rows])
            loss.backward()
            optimizer.step()
        accuracy = evaluate(module, *test_set, batch)
        epochs_out.append({"epoch": epoch + 1, "seconds": time.perf_counter() - started,
                           "test_accuracy": accuracy})
    return epochs_out


def inference(module, images, batch, seconds):
    """Images per second at `batch`, and single-image p50/p99 in microseconds."""
    module.eval()
    batches = len(images) // batch
    with torch.no_grad():
        for b in range(min(batches, 4)):
            module(images[b * batch:(b + 1) * batch])
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            for b in range(batches):
                module(images[b * batch:(b + 1) * batch])
            done += batches * batch
        rate = done / (time.perf_counter() - started)
        for i in range(1000):
            module(images[i:i + 1])
        latencies = []
        end = time.perf_counter() + seconds
        i = 0
        while time.perf_counter() < end:
            image = images[i % len(images):i % len(images) + 1]
            t0 = time.perf_counter()
            module(image)
            latencies.append(time.perf_counter() - t0)
            i += 1
    latencies = np.sort(np.array(latencies)) * 1e6
    rank = lambda p: latencies[min(len(latencies) - 1, max(0, int(np.ceil(p / 100 * len(latencies))) - 1))]
    return rate, float(rank(50)), float(rank(99)), len(latencies)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, type=Path, help="untrained classic model (initial weights), from lenet build --variant classic --seed 1")
    parser.add_argument("--data", type=Path, default=Path("/usr/share/datasets/fashion-mnist"), help="directory of the Fashion-MNIST .gz files")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--lr", type=float, default=0.9)
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: one per core)")
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each inference measurement")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        if args.epochs < 1 or args.batch < 1 or args.seconds <= 0:
            raise ToolError("--epochs and --batch must be at least 1 and --seconds positive")
        threads = args.threads or os.cpu_count() or 1
        torch.set_num_threads(threads)
        torch.manual_seed(args.seed)
        variant, initializers = load_onnx(args.model)
        if variant != "classic":
            raise ToolError(f"{args.model} is the '{variant}' variant; the d2l recipe trains 'classic'")
        module = build_module(variant, initializers)
        train_set = load_split(args.data, "train")
        test_set = load_split(args.data, "t10k")
        epochs = train(module, train_set, test_set, args.epochs, args.batch, args.lr, args.seed)
        steady = epochs[1:] or epochs
        epoch_seconds = sum(e["seconds"] for e in steady) / len(steady)
        rate, p50, p99, calls = inference(module, test_set[0], args.batch, args.seconds)
    except ToolError as error:
        print(f"torch_bench: {error}", file=sys.stderr)
        return 2
    print(json.dumps({
        "torch": torch.__version__,
        "threads": threads,
        "train_epochs": epochs,
        "train_epoch_seconds": epoch_seconds,
        "train_images_per_second": len(train_set[1]) / epoch_seconds,
        "train_final_test_accuracy": epochs[-1]["test_accuracy"],
        "inference_images_per_second": rate,
        "single_p50_us": p50,
        "single_p99_us": p99,
        "single_calls": calls,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
