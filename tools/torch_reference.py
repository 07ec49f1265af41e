#!/usr/bin/python3
"""Independent PyTorch reference for the LeNet-5 variants the Builder emits.

The networks here are written from the design notes (lenet-variants.md) and
the model contract, not from the ONNX graphs: only the parameters
(initializers) and the variant name (metadata `lenet.variant`) are taken from
a model, so agreement with ONNX Runtime's output checks the emitted graphs.

Commands, each driven by a JSON manifest of jobs:
  forward  float32 logits, to check the inference graphs;
  grad     float64 loss, logits and autograd gradients, to check the training
           (loss and gradient) graphs;
  train    a float32 torch.optim (SGD, Adam, AdamW) trajectory, to check the
           optimizer graphs.

Run `/usr/bin/python3 tools/torch_reference.py --help` for usage.
"""

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from google.protobuf.message import DecodeError
from onnx import numpy_helper
from torch import nn

VARIANT_KEY = "lenet.variant"
IMAGE_SHAPE = (1, 28, 28)
NUM_CLASSES = 10


class ToolError(Exception):
    """An error reported to the user as one message, without a traceback."""


# --- Tutorial-style variants: classic, relu-max, tanh-max, sigmoid-max ---

@dataclass(frozen=True)
class TutorialSpec:
    """What distinguishes one tutorial-style LeNet from another."""

    activation: str
    pooling: str
    c1_padding: int
    normalize_input: bool
    # Side the 28x28 image is resized to first (bilinear, half-pixel centres,
    # as MXNet's data loader does with OpenCV); 0 keeps it.
    resize: int = 0


TUTORIAL_VARIANTS = {
    "classic": TutorialSpec("sigmoid", "avg", 2, False),
    "relu-max": TutorialSpec("relu", "max", 0, True),
    "tanh-max": TutorialSpec("tanh", "max", 0, False),
    "sigmoid-max": TutorialSpec("sigmoid", "max", 0, False),
    # The best recipe's net: classic layout (C1 padded) with the MNIST tutorial's
    # ReLU, max pooling and (x - 0.5) / 0.5 input.
    "modern": TutorialSpec("relu", "max", 2, True),
    # The MXNet/Gluon source's net on its 96x96 resized images.
    "sigmoid-max-96": TutorialSpec("sigmoid", "max", 0, False, resize=96),
}

ACTIVATIONS = {"sigmoid": torch.sigmoid, "relu": torch.relu,
               "tanh": torch.tanh}
POOLINGS = {"avg": F.avg_pool2d, "max": F.max_pool2d}


class TutorialLeNet(nn.Module):
    """Conv, activation, pool twice, then three linear layers (tutorials)."""

    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        self.activation = ACTIVATIONS[spec.activation]
        self.pool = POOLINGS[spec.pooling]
        self.c1 = nn.Conv2d(1, 6, 5, padding=spec.c1_padding)
        self.c3 = nn.Conv2d(6, 16, 5)
        c1_side = (spec.resize or IMAGE_SHAPE[-1]) + 2 * spec.c1_padding - 4
        s4_side = (c1_side // 2 - 4) // 2
        self.f5 = nn.Linear(16 * s4_side ** 2, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, NUM_CLASSES)

    def forward(self, x):
        if self.spec.resize:
            x = F.interpolate(x, size=(self.spec.resize, self.spec.resize),
                              mode="bilinear", align_corners=False)
        if self.spec.normalize_input:
            x = (x - 0.5) / 0.5
        x = self.pool(self.activation(self.c1(x)), 2, 2)
        x = self.pool(self.activation(self.c3(x)), 2, 2)
        x = torch.flatten(x, 1)
        x = self.activation(self.f5(x))
        x = self.activation(self.f6(x))
        return self.out(x)


# --- The 1998 network: original ---

# Which S2 maps feed each C3 map (LeCun et al. 1998, table I), row = C3 map.
C3_TABLE = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1),
    (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)


def c3_connection_mask():
    """[16, 6, 1, 1] float mask: 1 where C3 map o reads S2 map i, else 0."""
    mask = torch.zeros(16, 6, 1, 1)
    for out_map, in_maps in enumerate(C3_TABLE):
        mask[out_map, list(in_maps)] = 1.0
    return mask


def scaled_tanh(a):
    """The paper's squashing function f(a) = 1.7159 tanh(2a/3)."""
    return 1.7159 * torch.tanh(a * (2.0 / 3.0))


class Subsampling(nn.Module):
    """S2/S4: per map, (sum of each 2x2 block) * coefficient + bias."""

    def __init__(self, maps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(maps, 1, 1))
        self.bias = nn.Parameter(torch.zeros(maps, 1, 1))

    def forward(self, x):
        block_sum = F.avg_pool2d(x, 2, 2, divisor_override=1)
        return block_sum * self.weight + self.bias


class OriginalLeNet5(nn.Module):
    """LeNet-5 as published in 1998, with a linear output instead of RBFs."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.s2 = Subsampling(6)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.s4 = Subsampling(16)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, NUM_CLASSES)
        # Not persistent: the table is architecture, not a parameter to load.
        self.register_buffer("c3_mask", c3_connection_mask(), persistent=False)

    def check_c3_table(self):
        """Fail if C3 has a non-zero weight outside the connection table."""
        outside = self.c3.weight.detach() * (1.0 - self.c3_mask)
        if torch.count_nonzero(outside):
            raise ToolError(
                "c3.weight has non-zero weights outside the C3 connection "
                f"table ({int(torch.count_nonzero(outside))} of them); "
                "expected exactly 0 there")

    def forward(self, x):
        # Pad with 0 first, then map [0, 1] to [-0.1, 1.175]: the border gets
        # the paper's background value -0.1.
        x = F.pad(x, (2, 2, 2, 2))
        x = 1.275 * x - 0.1
        x = scaled_tanh(self.c1(x))
        x = scaled_tanh(self.s2(x))
        # Masking here (not only checking) keeps the table in force for
        # autograd too: weights outside it get zero gradient.
        c3_weight = self.c3.weight * self.c3_mask
        x = scaled_tanh(F.conv2d(x, c3_weight, self.c3.bias))
        x = scaled_tanh(self.s4(x))
        x = scaled_tanh(self.c5(x))
        x = torch.flatten(x, 1)
        x = scaled_tanh(self.f6(x))
        return self.out(x)


VARIANTS = sorted([*TUTORIAL_VARIANTS, "original"])


# --- Models, parameters, tensors ---

def load_onnx(path):
    """Return (variant, {initializer name: numpy array}) of an ONNX model."""
    try:
        model = onnx.load(str(path), load_external_data=False)
    except (OSError, DecodeError) as error:
        raise ToolError(f"cannot load ONNX model {path}: {error}") from error
    metadata = {prop.key: prop.value for prop in model.metadata_props}
    if VARIANT_KEY not in metadata:
        raise ToolError(
            f"{path}: metadata_props has no '{VARIANT_KEY}' (keys: "
            f"{sorted(metadata) or 'none'}); expected one of {VARIANTS}")
    initializers = {}
    for tensor in model.graph.initializer:
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            raise ToolError(f"{path}: initializer '{tensor.name}' uses "
                            "external data, which LeNet models never need")
        if tensor.name in initializers:
            raise ToolError(f"{path}: initializer '{tensor.name}' appears "
                            "twice")
        initializers[tensor.name] = numpy_helper.to_array(tensor)
    return metadata[VARIANT_KEY], initializers


def build_module(variant, initializers):
    """Build the reference module of `variant` holding the given parameters.

    `initializers` maps names to arrays. Every parameter of the module
    (`c1.weight`, ...) must be there as float32 with its exact shape, and
    there must be no other `.weight`/`.bias` initializer. Other initializers
    are graph constants (scalars, masks, shapes, pads), never parameters, so
    they are ignored.
    """
    if variant in TUTORIAL_VARIANTS:
        module = TutorialLeNet(TUTORIAL_VARIANTS[variant])
    elif variant == "original":
        module = OriginalLeNet5()
    else:
        raise ToolError(f"unknown variant '{variant}'; expected one of "
                        f"{VARIANTS}")
    parameters = dict(module.named_parameters())
    # Parameters are named `<layer>.weight` / `<layer>.bias`; other float
    # initializers are graph constants (scalars, the C3 mask) and are not read:
    # the reference brings its own.
    floats = {name for name, array in initializers.items()
              if np.issubdtype(array.dtype, np.floating)
              and name.endswith((".weight", ".bias"))}
    missing = sorted(set(parameters) - floats)
    extra = sorted(floats - set(parameters))
    if missing or extra:
        raise ToolError(
            f"variant '{variant}': parameter names do not match; missing: "
            f"{missing or 'none'}; unexpected float initializers: "
            f"{extra or 'none'}; expected exactly {sorted(parameters)}")
    with torch.no_grad():
        for name, parameter in parameters.items():
            array = initializers[name]
            if array.dtype != np.float32:
                raise ToolError(f"variant '{variant}': '{name}' is "
                                f"{array.dtype}, expected float32")
            if tuple(array.shape) != tuple(parameter.shape):
                raise ToolError(
                    f"variant '{variant}': '{name}' has shape "
                    f"{list(array.shape)}, expected {list(parameter.shape)}")
            # A copy: to_array may return a read-only view of the proto.
            parameter.copy_(torch.from_numpy(np.array(array)))
    if isinstance(module, OriginalLeNet5):
        module.check_c3_table()
    return module.eval()


def read_images(path, count):
    """Raw little-endian float32 [count, 1, 28, 28] from `path` as a tensor."""
    expected_bytes = 4 * count * int(np.prod(IMAGE_SHAPE))
    try:
        size = os.path.getsize(path)
        if size != expected_bytes:
            raise ToolError(
                f"images {path} has {size} bytes; {count} float32 images "
                f"{list(IMAGE_SHAPE)} need {expected_bytes}")
        data = np.fromfile(path, dtype="<f4")
    except OSError as error:
        raise ToolError(f"cannot read images {path}: {error}") from error
    images = data.astype(np.float32).reshape(count, *IMAGE_SHAPE)
    return torch.from_numpy(images)


def read_labels(path, count):
    """Raw little-endian int64 [count] class indices (0..9) as a tensor."""
    expected_bytes = 8 * count
    try:
        size = os.path.getsize(path)
        if size != expected_bytes:
            raise ToolError(f"labels {path} has {size} bytes; {count} int64 "
                            f"labels need {expected_bytes}")
        labels = np.fromfile(path, dtype="<i8").astype(np.int64)
    except OSError as error:
        raise ToolError(f"cannot read labels {path}: {error}") from error
    bad = np.flatnonzero((labels < 0) | (labels >= NUM_CLASSES))
    if bad.size:
        raise ToolError(
            f"labels {path}: {bad.size} label(s) outside 0..{NUM_CLASSES - 1}"
            f", first at index {bad[0]}: {labels[bad[0]]}")
    return torch.from_numpy(labels)


def write_tensor(path, tensor, dtype="<f4"):
    """Write a tensor as raw `dtype` (default little-endian float32) in C
    order; atomic (temp + rename)."""
    temp = path.with_name(path.name + ".tmp")
    try:
        tensor.detach().numpy().astype(dtype).tofile(temp)
        os.replace(temp, path)
    except OSError as error:
        raise ToolError(f"cannot write output {path}: {error}") from error


def make_output_dir(path):
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ToolError(f"cannot create output folder {path}: {error}") \
            from error
    return path


def load_module(path, parsed):
    """(variant, a freshly built module) of the model at `path`.

    Each job gets its own module because `grad` and `train` change it (dtype,
    parameters); `parsed` caches the loaded files so each is read only once.
    """
    if path not in parsed:
        parsed[path] = load_onnx(path)
    variant, initializers = parsed[path]
    try:
        return variant, build_module(variant, initializers)
    except ToolError as error:
        raise ToolError(f"{path}: {error}") from error


# --- Computations ---

def forward(module, x):
    """Logits [N, 10] float32 of images x [N, 1, 28, 28] (pixel / 255)."""
    with torch.no_grad():
        return module(x)


def gradients(module, images, labels, label_smoothing=0.0,
              softmax_first=False):
    """(logits, mean cross-entropy loss, {parameter name: gradient}), the loss
    with torch's label smoothing when `label_smoothing` > 0, and of
    softmax(logits) instead of the logits when `softmax_first`.

    Everything runs in float64, parameters included, so the reference is far
    tighter than the float32 graphs it checks. Converts `module` in place.
    """
    module.double()
    logits = module(images.double())
    scores = torch.softmax(logits, dim=1) if softmax_first else logits
    loss = F.cross_entropy(scores, labels, label_smoothing=label_smoothing)
    loss.backward()
    grads = {name: parameter.grad
             for name, parameter in module.named_parameters()}
    return logits.detach(), loss.detach(), grads


def train(module, optimizer, images, labels, batch, steps):
    """Run `steps` float32 optimizer steps, step k on rows [k*batch,
    (k+1)*batch); return the losses [steps], each before its step's update."""
    module.train()
    losses = torch.empty(steps)
    for step in range(steps):
        rows = slice(step * batch, (step + 1) * batch)
        optimizer.zero_grad()
        loss = F.cross_entropy(module(images[rows]), labels[rows])
        loss.backward()
        optimizer.step()
        losses[step] = loss.detach()
    return losses


# --- Optimizers ---

@dataclass(frozen=True)
class OptimizerSpec:
    """A torch.optim class and the exact keyword arguments to build it."""

    name: str
    kwargs: dict

    def build(self, parameters):
        return OPTIMIZERS[self.name](parameters, **self.kwargs)


OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam,
              "adamw": torch.optim.AdamW}
OPTIMIZER_KEYS = {
    "sgd": {"lr", "momentum", "dampening", "nesterov", "weight_decay"},
    "adam": {"lr", "betas", "eps", "weight_decay"},
    "adamw": {"lr", "betas", "eps", "weight_decay"},
}


def finite_number(where, key, value):
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value)):
        raise ToolError(f"{where}: '{key}' must be a finite "
                        f"number, got {value!r}")
    return float(value)


def parse_optimizer(where, spec):
    """Validate a manifest's optimizer object. Every argument must be given:
    torch's defaults differ between optimizers (AdamW decays by default), so
    nothing is left implicit."""
    name = spec.get("name") if isinstance(spec, dict) else None
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ToolError(f"{where}: optimizer must be an object whose 'name' "
                        f"is one of {sorted(OPTIMIZERS)}, got {spec!r}")
    keys = OPTIMIZER_KEYS[name]
    if set(spec) - {"name"} != keys:
        raise ToolError(f"{where}: optimizer {name} must have exactly the "
                        f"keys {sorted(keys | {'name'})}, got "
                        f"{sorted(spec)}")
    kwargs = {}
    for key in sorted(keys):
        value = spec[key]
        if key == "nesterov":
            if not isinstance(value, bool):
                raise ToolError(f"{where}: optimizer 'nesterov' must be "
                                f"true or false, got {value!r}")
            kwargs[key] = value
        elif key == "betas":
            if not isinstance(value, list) or len(value) != 2:
                raise ToolError(f"{where}: optimizer 'betas' must be "
                                f"[beta1, beta2], got {value!r}")
            kwargs[key] = tuple(finite_number(where, key, beta)
                                for beta in value)
        else:
            kwargs[key] = finite_number(where, key, value)
    optimizer = OptimizerSpec(name, kwargs)
    # Built once on a throwaway parameter so that torch's own range checks
    # (negative lr, betas outside [0, 1), nesterov without momentum, ...)
    # reject a bad manifest before any job runs.
    try:
        optimizer.build([torch.zeros(1, requires_grad=True)])
    except ValueError as error:
        raise ToolError(f"{where}: optimizer {name} {kwargs}: {error}") \
            from error
    return optimizer


# --- Manifests ---

@dataclass(frozen=True)
class ForwardJob:
    """One `forward` job: images in `input`, logits to `output`."""

    model: Path
    input: Path
    batch: int
    output: Path


@dataclass(frozen=True)
class GradJob:
    """One `grad` job: loss, logits and gradients of one batch."""

    model: Path
    images: Path
    labels: Path
    batch: int
    output_dir: Path
    label_smoothing: float = 0.0
    # The cross-entropy of softmax(logits) taken as scores, as a net ending
    # in torch.softmax fed to CrossEntropyLoss computes.
    softmax_first: bool = False


@dataclass(frozen=True)
class TrainJob:
    """One `train` job: `steps` optimizer steps of `batch` images each."""

    model: Path
    images: Path
    labels: Path
    batch: int
    steps: int
    optimizer: OptimizerSpec
    output_dir: Path


def read_jobs(path, keys, optional=frozenset()):
    """Yield (where, folder, job) for each job of a manifest; every job must
    have exactly `keys`, plus any of `optional`. `where` prefixes error
    messages and relative paths resolve against `folder`, the manifest's
    own."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ToolError(f"cannot read manifest {path}: {error}") from error
    jobs = manifest.get("jobs") if isinstance(manifest, dict) else None
    if not isinstance(jobs, list) or not jobs:
        raise ToolError(f"manifest {path}: expected {{\"jobs\": [...]}} with "
                        "at least one job")
    for index, job in enumerate(jobs):
        if (not isinstance(job, dict) or not keys <= set(job)
                or not set(job) <= keys | set(optional)):
            raise ToolError(f"manifest {path}: job {index} must have exactly "
                            f"the keys {sorted(keys)}"
                            + (f" (optionally {sorted(optional)})"
                               if optional else "")
                            + f", got {job!r}")
        yield f"manifest {path}: job {index}", Path(path).parent, job


def positive_int(where, job, key):
    value = job[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ToolError(f"{where}: {key} must be a positive integer, got "
                        f"{value!r}")
    return value


def job_paths(where, folder, job, keys):
    """The paths under `keys`, each resolved against `folder`."""
    values = [job[key] for key in keys]
    if not all(isinstance(value, str) and value for value in values):
        raise ToolError(f"{where}: {', '.join(keys)} must be non-empty "
                        "strings")
    return [folder / value for value in values]


def read_forward_manifest(path):
    keys = ("model", "input", "output")
    jobs = []
    for where, folder, job in read_jobs(path, {*keys, "batch"}):
        batch = positive_int(where, job, "batch")
        model, input_path, output = job_paths(where, folder, job, keys)
        jobs.append(ForwardJob(model, input_path, batch, output))
    return jobs


def read_grad_manifest(path):
    keys = ("model", "images", "labels", "output_dir")
    jobs = []
    for where, folder, job in read_jobs(path, {*keys, "batch"},
                                        optional={"label_smoothing",
                                                  "softmax_first"}):
        batch = positive_int(where, job, "batch")
        smoothing = finite_number(where, "label_smoothing",
                                  job.get("label_smoothing", 0.0))
        if not 0 <= smoothing < 1:
            raise ToolError(f"{where}: label_smoothing {smoothing} is not in "
                            "[0, 1)")
        model, images, labels, output_dir = job_paths(where, folder, job,
                                                      keys)
        softmax_first = job.get("softmax_first", False)
        if not isinstance(softmax_first, bool):
            raise ToolError(f"{where}: softmax_first must be true or false")
        jobs.append(GradJob(model, images, labels, batch, output_dir,
                            smoothing, softmax_first))
    return jobs


def read_train_manifest(path):
    keys = ("model", "images", "labels", "output_dir")
    jobs = []
    for where, folder, job in read_jobs(
            path, {*keys, "batch", "steps", "optimizer"}):
        batch = positive_int(where, job, "batch")
        steps = positive_int(where, job, "steps")
        optimizer = parse_optimizer(where, job["optimizer"])
        model, images, labels, output_dir = job_paths(where, folder, job,
                                                      keys)
        jobs.append(TrainJob(model, images, labels, batch, steps, optimizer,
                             output_dir))
    return jobs


# --- Commands ---

def run_forward(manifest_path):
    parsed = {}
    for job in read_forward_manifest(manifest_path):
        variant, module = load_module(job.model, parsed)
        logits = forward(module, read_images(job.input, job.batch))
        write_tensor(job.output, logits)
        print(f"forward {variant} {job.model} batch={job.batch} -> "
              f"{job.output}", flush=True)


def run_grad(manifest_path):
    parsed = {}
    for job in read_grad_manifest(manifest_path):
        variant, module = load_module(job.model, parsed)
        images = read_images(job.images, job.batch)
        labels = read_labels(job.labels, job.batch)
        logits, loss, grads = gradients(module, images, labels,
                                        job.label_smoothing,
                                        job.softmax_first)
        output_dir = make_output_dir(job.output_dir)
        write_tensor(output_dir / "loss.bin", loss, "<f8")
        write_tensor(output_dir / "logits.bin", logits, "<f8")
        for name, grad in grads.items():
            write_tensor(output_dir / f"{name}.grad.bin", grad, "<f8")
        print(f"grad {variant} {job.model} batch={job.batch} "
              f"loss={loss.item():.17g} -> {job.output_dir}", flush=True)


def run_train(manifest_path):
    parsed = {}
    for job in read_train_manifest(manifest_path):
        variant, module = load_module(job.model, parsed)
        count = job.steps * job.batch
        images = read_images(job.images, count)
        labels = read_labels(job.labels, count)
        optimizer = job.optimizer.build(module.parameters())
        losses = train(module, optimizer, images, labels, job.batch,
                       job.steps)
        if isinstance(module, OriginalLeNet5):
            # Masked weights start at 0 and get zero gradient, so no torch
            # optimizer should move them; if one does, the reference is wrong.
            try:
                module.check_c3_table()
            except ToolError as error:
                raise ToolError(f"{job.model}: after training with "
                                f"{job.optimizer.name}: {error}") from error
        output_dir = make_output_dir(job.output_dir)
        write_tensor(output_dir / "losses.bin", losses)
        for name, parameter in module.named_parameters():
            write_tensor(output_dir / f"{name}.bin", parameter)
        print(f"train {variant} {job.model} batch={job.batch} "
              f"steps={job.steps} {job.optimizer.name} "
              f"{job.optimizer.kwargs} first loss={losses[0].item():.9g} "
              f"last loss={losses[-1].item():.9g} -> {job.output_dir}",
              flush=True)


COMMANDS = {"forward": run_forward, "grad": run_grad, "train": run_train}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="torch_reference.py",
        description="PyTorch reference for the LeNet-5 ONNX models. The "
        "networks are written from the design docs; only the parameters "
        "(floating-point initializers, matched by name, shape and float32 "
        f"type) and the variant (metadata '{VARIANT_KEY}') come from each "
        f"model. Variants: {', '.join(VARIANTS)}. All files are raw "
        "little-endian arrays in C order: float32 images [count, 1, 28, 28] "
        "(pixel / 255), int64 labels [count] (0..9). Relative paths in a "
        "manifest resolve against the manifest's folder.")
    commands = parser.add_subparsers(dest="command", required=True)
    forward_parser = commands.add_parser(
        "forward", help="compute logits for the jobs of a manifest",
        description="For each job, read float32 images [batch, 1, 28, 28] "
        "from 'input' and write float32 logits [batch, 10] to 'output'.")
    forward_parser.add_argument(
        "manifest", help='JSON: {"jobs": [{"model": "m.onnx", "input": '
        '"x.bin", "batch": N, "output": "y.bin"}, ...]}')
    grad_parser = commands.add_parser(
        "grad", help="compute the loss and its gradients, in float64",
        description="For each job, read 'batch' images and labels, convert "
        "the module and images to float64, compute the mean cross-entropy of "
        "the logits and backpropagate. Writes into 'output_dir' (created): "
        "loss.bin (float64 scalar), logits.bin (float64 [batch, 10]) and "
        "<parameter>.grad.bin (float64, the parameter's shape) for every "
        "parameter, e.g. c1.weight.grad.bin.")
    grad_parser.add_argument(
        "manifest", help='JSON: {"jobs": [{"model": "m.onnx", "images": '
        '"x.bin", "labels": "y.bin", "batch": N, "output_dir": "dir"}, ...]}')
    train_parser = commands.add_parser(
        "train", help="run a torch.optim trajectory, in float32",
        description="For each job, read steps*batch images and labels and "
        "run 'steps' steps: step k uses rows [k*batch, (k+1)*batch) and does "
        "zero_grad, mean cross-entropy, backward, optimizer.step(). The "
        "optimizer is one of "
        '{"name": "sgd", "lr", "momentum", "dampening", "nesterov", '
        '"weight_decay"} or {"name": "adam"|"adamw", "lr", "betas": [b1, '
        'b2], "eps", "weight_decay"}, all keys required, passed as is to '
        "torch.optim.SGD/Adam/AdamW. Writes into 'output_dir' (created): "
        "losses.bin (float32 [steps], each step's loss before its update) and "
        "<parameter>.bin (float32, the parameter's shape) for every "
        "parameter after the last step, e.g. c1.weight.bin.")
    train_parser.add_argument(
        "manifest", help='JSON: {"jobs": [{"model": "m.onnx", "images": '
        '"x.bin", "labels": "y.bin", "batch": B, "steps": K, "optimizer": '
        '{...}, "output_dir": "dir"}, ...]}')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(2)
    torch.set_num_interop_threads(2)
    torch.use_deterministic_algorithms(True)
    try:
        COMMANDS[args.command](args.manifest)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
