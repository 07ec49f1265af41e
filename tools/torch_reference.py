#!/usr/bin/python3
"""Independent PyTorch reference for the LeNet-5 variants the Builder emits.

The networks here are written from the design notes (lenet-variants.md) and
the model contract, not from the ONNX graphs: only the parameters
(initializers) and the variant name (metadata `lenet.variant`) are taken from
a model, so agreement with ONNX Runtime's output checks the emitted graphs.

Run `/usr/bin/python3 tools/torch_reference.py --help` for usage.
"""

import argparse
import json
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


TUTORIAL_VARIANTS = {
    "classic": TutorialSpec("sigmoid", "avg", 2, False),
    "relu-max": TutorialSpec("relu", "max", 0, True),
    "tanh-max": TutorialSpec("tanh", "max", 0, False),
    "sigmoid-max": TutorialSpec("sigmoid", "max", 0, False),
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
        c1_side = IMAGE_SHAPE[-1] + 2 * spec.c1_padding - 4
        s4_side = (c1_side // 2 - 4) // 2
        self.f5 = nn.Linear(16 * s4_side ** 2, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, NUM_CLASSES)

    def forward(self, x):
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


def forward(module, x):
    """Logits [N, 10] float32 of images x [N, 1, 28, 28] (pixel / 255)."""
    with torch.no_grad():
        return module(x)


def read_images(path, batch):
    """Raw little-endian float32 [batch, 1, 28, 28] from `path` as a tensor."""
    expected_bytes = 4 * batch * int(np.prod(IMAGE_SHAPE))
    try:
        size = os.path.getsize(path)
        if size != expected_bytes:
            raise ToolError(
                f"input {path} has {size} bytes; batch {batch} of float32 "
                f"{list(IMAGE_SHAPE)} needs {expected_bytes}")
        data = np.fromfile(path, dtype="<f4")
    except OSError as error:
        raise ToolError(f"cannot read input {path}: {error}") from error
    images = data.astype(np.float32).reshape(batch, *IMAGE_SHAPE)
    return torch.from_numpy(images)


def write_tensor(path, tensor):
    """Write a tensor as raw little-endian float32; atomic (temp + rename)."""
    temp = path.with_name(path.name + ".tmp")
    try:
        tensor.detach().numpy().astype("<f4").tofile(temp)
        os.replace(temp, path)
    except OSError as error:
        raise ToolError(f"cannot write output {path}: {error}") from error


# --- Manifest and commands ---

@dataclass(frozen=True)
class ForwardJob:
    """One manifest entry: images in `input`, logits to `output`."""

    model: Path
    input: Path
    batch: int
    output: Path


def read_manifest(path):
    """The jobs of a manifest; relative paths resolve against its folder."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ToolError(f"cannot read manifest {path}: {error}") from error
    jobs = manifest.get("jobs") if isinstance(manifest, dict) else None
    if not isinstance(jobs, list) or not jobs:
        raise ToolError(f"manifest {path}: expected {{\"jobs\": [...]}} with "
                        "at least one job")
    base = Path(path).parent
    result = []
    for index, job in enumerate(jobs):
        keys = {"model", "input", "batch", "output"}
        if not isinstance(job, dict) or set(job) != keys:
            raise ToolError(f"manifest {path}: job {index} must have exactly "
                            f"the keys {sorted(keys)}, got {job!r}")
        batch = job["batch"]
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise ToolError(f"manifest {path}: job {index}: batch must be a "
                            f"positive integer, got {batch!r}")
        paths = [job[key] for key in ("model", "input", "output")]
        if not all(isinstance(p, str) and p for p in paths):
            raise ToolError(f"manifest {path}: job {index}: model, input and "
                            "output must be non-empty strings")
        model, input_path, output = (base / p for p in paths)
        result.append(ForwardJob(model, input_path, batch, output))
    return result


def run_forward(manifest_path):
    """Run the manifest's jobs, loading each distinct model once."""
    modules = {}
    for job in read_manifest(manifest_path):
        if job.model not in modules:
            variant, initializers = load_onnx(job.model)
            try:
                module = build_module(variant, initializers)
            except ToolError as error:
                raise ToolError(f"{job.model}: {error}") from error
            modules[job.model] = variant, module
        variant, module = modules[job.model]
        logits = forward(module, read_images(job.input, job.batch))
        write_tensor(job.output, logits)
        print(f"forward {variant} {job.model} batch={job.batch} -> "
              f"{job.output}", flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="torch_reference.py",
        description="PyTorch reference for the LeNet-5 ONNX models. The "
        "networks are written from the design docs; only the parameters "
        "(floating-point initializers, matched by name, shape and float32 "
        f"type) and the variant (metadata '{VARIANT_KEY}') come from each "
        "model. Variants: "
        f"{', '.join(VARIANTS)}.")
    commands = parser.add_subparsers(dest="command", required=True)
    forward_parser = commands.add_parser(
        "forward", help="compute logits for the jobs of a manifest",
        description="For each job, read raw little-endian float32 images "
        "[batch, 1, 28, 28] (pixel / 255) from 'input' and write logits "
        "[batch, 10] in the same format to 'output'. Relative paths in the "
        "manifest resolve against the manifest's folder.")
    forward_parser.add_argument(
        "manifest", help='JSON: {"jobs": [{"model": "m.onnx", "input": '
        '"x.bin", "batch": N, "output": "y.bin"}, ...]}')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(2)
    torch.set_num_interop_threads(2)
    torch.use_deterministic_algorithms(True)
    try:
        if args.command == "forward":
            run_forward(args.manifest)
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
