#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK, when it is missing:
#   python3-torch, python3-onnx  the independent reference (for /usr/bin/python3)
#   dataset-fashion-mnist        the real data set under /usr/share/datasets/fashion-mnist
set -euo pipefail
packages=()
/usr/bin/python3 -c 'import torch, onnx' >/dev/null 2>&1 || packages+=(python3-torch python3-onnx)
[[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]] || packages+=(dataset-fashion-mnist)
if [[ ${#packages[@]} -eq 0 ]]; then
  exit 0
fi
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "installing: ${packages[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
