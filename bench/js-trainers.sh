#!/usr/bin/env bash
# One epoch of a recipe trained by each trainer here, alternated round by round: C# (`lenet train`,
# its default replicas and one replica), Node (tools/node/train.mjs, onnxruntime-node) and
# Chromium (the page's Train tab, onnxruntime-web in a worker, driven by bench/browser_epoch.mjs).
# Prints a markdown report (median epoch seconds and images per second, every round listed) with
# the date, machine and commit. The epoch time is the training steps alone, as each trainer's
# metrics report it (the test evaluation after it is not counted).
#
#   bench/js-trainers.sh [--recipe NAME] [--images N] [--rounds R] [--output FILE]
#
# Needs the Fashion-MNIST files, node with tools/node's packages, chromium and chromium-driver
# (tools/install-prerequisites.sh installs them all).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
recipe=d2l
images=60000
rounds=3
output=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --recipe) recipe="${2:?--recipe needs a name}"; shift 2 ;;
    --images) images="${2:?--images needs a number}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --output) output="${2:?--output needs a file}"; shift 2 ;;
    *) echo "js-trainers.sh: unknown option '$1'; use --recipe NAME, --images N, --rounds R, --output FILE" >&2; exit 2 ;;
  esac
done
if ! [[ "$rounds" =~ ^[1-9][0-9]?$ && "$images" =~ ^[1-9][0-9]*$ ]]; then
  echo "js-trainers.sh: --rounds must be 1 to 99 and --images a positive number" >&2
  exit 2
fi
for tool in node /usr/bin/chromium /usr/bin/chromedriver; do
  command -v "$tool" >/dev/null || { echo "js-trainers.sh: $tool is missing; run tools/install-prerequisites.sh" >&2; exit 2; }
done
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
./lenet artifacts --recipe "$recipe" --output "$work/artifacts" >/dev/null
./lenet serve --model models/lenet-classic.onnx --urls "http://127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

seconds_of() { sed -n 's/.*"seconds":\([0-9.eE+-]*\).*/\1/p' "$1" | head -1; }
declare -A times
names=("C# (lenet train, default replicas)" "C# (lenet train --replicas 1)" "Node (train.mjs, onnxruntime-node)" "Chromium (Train tab, onnxruntime-web)")
for ((r = 1; r <= rounds; r++)); do
  for k in 0 1 2 3; do
    dir="$work/run-$r-$k"
    case $k in
      0) ./lenet train --recipe "$recipe" --epochs 1 --train-limit "$images" --run-dir "$dir" -o "$dir/m.onnx" >/dev/null 2>&1; t=$(seconds_of "$dir/metrics.jsonl") ;;
      1) ./lenet train --recipe "$recipe" --epochs 1 --train-limit "$images" --replicas 1 --run-dir "$dir" -o "$dir/m.onnx" >/dev/null 2>&1; t=$(seconds_of "$dir/metrics.jsonl") ;;
      2) node tools/node/train.mjs --artifacts "$work/artifacts" --epochs 1 --train-limit "$images" --run-dir "$dir" >/dev/null; t=$(seconds_of "$dir/metrics.jsonl") ;;
      3) rate=$(node bench/browser_epoch.mjs "http://127.0.0.1:$port/" "$recipe" "$images" 1 | sed -n 's/.* \([0-9]*\) img\/s.*/\1/p'); t=$(awk -v n="$images" -v r="$rate" 'BEGIN { printf "%.3f", n / r }') ;;
    esac
    t=$(printf "%.2f" "$t")
    times[$k]="${times[$k]:-} $t"
    echo "round $r: ${names[$k]}: $t s" >&2
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
report="$(
  echo "# One epoch of '$recipe' on $images images: C#, Node, Chromium"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)'), $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $rounds rounds alternated (C# default, C# one replica, Node, Chromium, then again). Command: \`bench/js-trainers.sh --recipe $recipe --images $images --rounds $rounds\`."
  echo
  echo "| trainer | runtime | epoch seconds (median) | images/s | every round (s) |"
  echo "|---|---|---|---|---|"
  runtimes=("Microsoft.ML.OnnxRuntime $(grep -o 'Microsoft.ML.OnnxRuntime" Version="[^"]*' Directory.Packages.props | head -1 | sed 's/.*Version="//')" "same" "onnxruntime-node $(node -p 'require("./tools/node/node_modules/onnxruntime-node/package.json").version')" "onnxruntime-web $(node -p 'require("./tools/node/node_modules/onnxruntime-web/package.json").version') (wasm, threads up to 4 when cross-origin isolated), Chromium $(/usr/bin/chromium --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)")
  for k in 0 1 2 3; do
    m=$(echo "${times[$k]}" | median)
    echo "| ${names[$k]} | ${runtimes[$k]} | $(printf "%.2f" "$m") | $(awk -v n="$images" -v s="$m" 'BEGIN { printf "%.0f", n / s }') | ${times[$k]# } |"
  done
)"
if [[ -n "$output" ]]; then
  printf '%s\n' "$report" > "$output"
fi
printf '%s\n' "$report"
