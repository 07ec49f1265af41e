#!/usr/bin/python3
"""Read LeNetOnnx training checkpoints (format version 1) without .NET.

The format, as CheckpointFile.cs writes it:

    bytes 0..7     magic b"LENETCKP"
    bytes 8..11    format version, uint32 little-endian (1)
    bytes 12..15   header length H, uint32 little-endian
    bytes 16..     header: H bytes of UTF-8 JSON with "format": "lenet-checkpoint",
                   variant, opset, seed (a decimal string: it is a uint64), step,
                   epoch, optimizer, properties and tensors (name, kind, shape,
                   offset and count into the data)
    then           data: the tensors as little-endian float32; a tensor's byte
                   offset is relative to the start of the data
    last 32 bytes  SHA-256 of everything before them

As a module:

    from read_checkpoint import read_checkpoint, CheckpointError
    ckpt = read_checkpoint("artifacts/checkpoint.lnck")
    ckpt.tensors["c1.weight"]          # numpy float32 array, shape (6, 1, 5, 5)
    ckpt.kinds["c1.weight.exp_avg"]    # "optimizer_state"

As a script:

    /usr/bin/python3 tools/read_checkpoint.py CHECKPOINT [--tensor NAME --output FILE.bin]

prints a summary (variant, opset, seed, step, epoch, optimizer, properties, then
one line per tensor: name, kind, shape, min/max/mean). With --tensor and
--output it also writes that tensor as raw little-endian float32, row-major,
to FILE.bin (atomically: a temporary file in the same directory, then rename).
Exit 0 on success; 1 with one line `error: ...` on stderr if the checkpoint
cannot be read or the file cannot be written; 2 on usage errors.
"""

import argparse
import dataclasses
import hashlib
import json
import math
import os
import struct
import sys
import tempfile

import numpy as np

MAGIC = b"LENETCKP"
FORMAT_VERSION = 1
KINDS = ("parameter", "optimizer_state")
MAX_BYTES = 256 << 20  # the C# reader's limit; a LeNet-5 with Adam state is under 1 MB

_PREFIX = struct.Struct("<8sII")  # magic, version, header length
_DIGEST_LENGTH = 32
_FLOAT32_LE = np.dtype("<f4")


class CheckpointError(Exception):
    """The file is missing, unreadable, or not a valid version-1 checkpoint."""


@dataclasses.dataclass
class Checkpoint:
    """A verified checkpoint. `tensors` and `kinds` keep the file's order
    (parameters first, then optimizer state)."""

    variant: str
    opset: int
    seed: int
    step: int
    epoch: int
    optimizer: dict
    properties: dict
    tensors: dict  # name -> numpy float32 array in its shape
    kinds: dict  # name -> "parameter" | "optimizer_state"


def read_checkpoint(path):
    """Reads and verifies the checkpoint at `path`; raises CheckpointError."""
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise CheckpointError(f"{path} has {size:,} bytes, more than a checkpoint may ({MAX_BYTES:,})")
        with open(path, "rb") as stream:
            blob = stream.read()
    except OSError as error:
        raise CheckpointError(f"cannot read {path}: {error.strerror or error}") from error
    return parse_checkpoint(blob, source=path)


def parse_checkpoint(blob, source="checkpoint"):
    """Parses and verifies checkpoint bytes; `source` names them in errors."""
    blob = bytes(blob)
    if not blob.startswith(MAGIC):
        if blob and MAGIC.startswith(blob):
            raise CheckpointError(f"{source} is truncated ({len(blob)} bytes)")
        raise CheckpointError(f"{source} is not a LeNetOnnx checkpoint (bad magic: it does not start with \"LENETCKP\")")
    if len(blob) < _PREFIX.size + _DIGEST_LENGTH:
        raise CheckpointError(f"{source} is truncated ({len(blob)} bytes; a checkpoint has at least {_PREFIX.size + _DIGEST_LENGTH})")

    _, version, header_length = _PREFIX.unpack_from(blob)
    if version != FORMAT_VERSION:
        raise CheckpointError(f"{source} has unsupported checkpoint format version {version}; this reader reads version {FORMAT_VERSION}")

    body, digest = blob[:-_DIGEST_LENGTH], blob[-_DIGEST_LENGTH:]
    if hashlib.sha256(body).digest() != digest:
        raise CheckpointError(f"{source} is corrupt or truncated: its SHA-256 checksum does not match its contents")

    if header_length > len(body) - _PREFIX.size:
        raise CheckpointError(f"{source}: the header length {header_length} runs past the end of the file")
    header_end = _PREFIX.size + header_length
    try:
        header = json.loads(body[_PREFIX.size:header_end].decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise CheckpointError(f"{source}: the header is not valid UTF-8 JSON: {error}") from error
    return _from_header(header, body[header_end:], source)


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _from_header(header, data, source):
    """Builds the Checkpoint from the parsed header and the data section."""

    def invalid(problem):
        return CheckpointError(f"{source}: the header is not valid: {problem}")

    def field(obj, key, kind, where=None):
        value = obj.get(key)
        # bool is an int subclass in Python; JSON true/false is never a number here.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            expected = {str: "a string", int: "an integer", dict: "an object", list: "an array"}[kind]
            prefix = f"{where}: " if where else ""
            raise invalid(f"{prefix}'{key}' should be {expected}, got {json.dumps(value)}")
        return value

    if not isinstance(header, dict):
        raise invalid("it is not a JSON object")
    if header.get("format") != "lenet-checkpoint":
        raise invalid("it does not say format \"lenet-checkpoint\"")

    seed_text = field(header, "seed", str)
    if not (seed_text.isascii() and seed_text.isdigit() and int(seed_text) < 2**64):
        raise invalid(f"the seed {seed_text!r} is not a uint64 in decimal")
    optimizer = field(header, "optimizer", dict)
    field(optimizer, "name", str, "the optimizer")
    properties = field(header, "properties", dict)
    if not all(isinstance(v, str) for v in properties.values()):
        raise invalid("a property value is not a string")

    tensors, kinds = {}, {}
    for index, entry in enumerate(field(header, "tensors", list)):
        if not isinstance(entry, dict):
            raise invalid(f"tensor #{index} is not a JSON object")
        name = field(entry, "name", str, f"tensor #{index}")
        where = f"tensor '{name}'"
        if name in tensors:
            raise invalid(f"{where} appears twice")
        kind = field(entry, "kind", str, where)
        if kind not in KINDS:
            raise invalid(f"{where} has unknown kind '{kind}'")
        shape = field(entry, "shape", list, where)
        offset = field(entry, "offset", int, where)
        count = field(entry, "count", int, where)
        if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            raise invalid(f"{where} has a shape {shape} that is not a list of dimensions >= 0")
        if math.prod(shape) != count:
            raise invalid(f"{where} has shape {shape} ({math.prod(shape)} values) but count {count}")
        if offset < 0 or offset + 4 * count > len(data):
            raise CheckpointError(
                f"{source}: tensor '{name}' (shape {shape}, offset {offset}, count {count}) "
                f"is out of bounds of the {len(data)} bytes of data")
        values = np.frombuffer(data, dtype=_FLOAT32_LE, count=count, offset=offset)
        tensors[name] = values.astype(np.float32).reshape(shape)  # a native-endian copy
        kinds[name] = kind

    return Checkpoint(
        variant=field(header, "variant", str),
        opset=field(header, "opset", int),
        seed=int(seed_text),
        step=field(header, "step", int),
        epoch=field(header, "epoch", int),
        optimizer=optimizer,
        properties=properties,
        tensors=tensors,
        kinds=kinds,
    )


def summary(checkpoint):
    """The human-readable summary the script prints, as lines."""
    c = checkpoint
    lines = [
        f"variant:    {c.variant}",
        f"opset:      {c.opset}",
        f"seed:       {c.seed}",
        f"step:       {c.step}",
        f"epoch:      {c.epoch}",
        f"optimizer:  {json.dumps(c.optimizer, sort_keys=True)}",
        f"properties: {json.dumps(c.properties, sort_keys=True, ensure_ascii=False)}",
        f"tensors:    {len(c.tensors)} ({sum(t.size for t in c.tensors.values()):,} values)",
    ]
    width = max((len(n) for n in c.tensors), default=0)
    for name, tensor in c.tensors.items():
        shape = "[" + ",".join(str(d) for d in tensor.shape) + "]"
        if tensor.size:
            stats = f"min {tensor.min():.6g}  max {tensor.max():.6g}  mean {tensor.mean(dtype=np.float64):.6g}"
        else:
            stats = "empty"
        lines.append(f"  {name:<{width}}  {c.kinds[name]:<15}  {shape:<14}  {stats}")
    return lines


def write_tensor(array, path):
    """Writes `array` as raw little-endian float32, atomically (temp file + rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".read_checkpoint-", suffix=".tmp", dir=directory)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it 0600; give it a normal file's mode
        with os.fdopen(fd, "wb") as stream:
            stream.write(np.ascontiguousarray(array, dtype=_FLOAT32_LE).tobytes())
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="read_checkpoint.py",
        description="Verify and summarize a LeNetOnnx checkpoint (format version 1); "
        "optionally extract one tensor as raw little-endian float32. "
        "Exit 0: ok; 1: invalid checkpoint or I/O error; 2: usage error.")
    parser.add_argument("checkpoint", metavar="CHECKPOINT")
    parser.add_argument("--tensor", metavar="NAME", help="the tensor to extract (needs --output)")
    parser.add_argument("--output", metavar="FILE.bin", help="where to write the tensor (needs --tensor)")
    args = parser.parse_args(argv)
    if (args.tensor is None) != (args.output is None):
        parser.error("--tensor and --output go together")

    try:
        checkpoint = read_checkpoint(args.checkpoint)
        if args.tensor is not None and args.tensor not in checkpoint.tensors:
            raise CheckpointError(f"{args.checkpoint} has no tensor '{args.tensor}'")
        print("\n".join(summary(checkpoint)))
        if args.tensor is not None:
            tensor = checkpoint.tensors[args.tensor]
            try:
                write_tensor(tensor, args.output)
            except OSError as error:
                raise CheckpointError(f"cannot write {args.output}: {error.strerror or error}") from error
            print(f"wrote {args.tensor} ({tensor.size} float32 values, shape "
                  f"[{','.join(str(d) for d in tensor.shape)}]) to {args.output}")
    except CheckpointError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
