#!/usr/bin/python3
"""Validate ONNX files with the onnx package's checker, strict shape inference
included (full_check).

Usage: /usr/bin/python3 tools/check_onnx.py MODEL.onnx [MODEL2.onnx ...]
Prints `ok <path>` or `FAIL <path>: <message>` per file (one line each);
exits 0 if all passed, 1 if any failed, 2 on usage errors.
"""

import argparse
import sys

import onnx


def check(path):
    """None if the model at `path` passes the checker, else why not."""
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
    # The loader and checker raise many unrelated types (OSError, protobuf's
    # DecodeError, ValidationError, InferenceError...); all mean "not valid".
    except Exception as error:  # noqa: BLE001
        return " ".join(f"{type(error).__name__}: {error}".split())
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="check_onnx.py",
        description="Check ONNX models with onnx.checker.check_model("
        "full_check=True). Exit 0: all ok; 1: some failed; 2: usage error.")
    parser.add_argument("models", nargs="+", metavar="MODEL.onnx")
    args = parser.parse_args(argv)
    failed = False
    for path in args.models:
        message = check(path)
        if message is None:
            print(f"ok {path}")
        else:
            print(f"FAIL {path}: {message}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
