#!/usr/bin/env bash
# PyTorch, TorchSharp and LeNetOnnx on this machine, back to back on the same data: runs
# tools/torch_bench.py (PyTorch 1.13, CPU), bench/torchsharp-peer.sh (TorchSharp 0.107, libtorch
# 2.10, CPU) and `./lenet bench --json`, then prints all three and our ratio to each as a markdown
# report with the date, machine and commit.
#
#   bench/compare.sh [--epochs N] [--seconds S] [--rounds R] [--output FILE]
#
# With --rounds R the three run alternately R times (PyTorch, TorchSharp, ours, PyTorch, ...): the
# table shows each one's median over the rounds, and every round's ratios are listed, so a
# noisy machine shows as spread instead of as one lucky or unlucky figure.
#
# All three train the d2l recipe (classic LeNet-5, SGD lr 0.9, batch 256) from the same initial
# weights and time whole epochs (shuffling, batching, steps, test evaluation), then measure
# inference at batch 256 and one image per call. Needs /usr/bin/python3 with torch
# (tools/install-prerequisites.sh) and the Fashion-MNIST files.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
epochs=3
seconds=3
rounds=1
output=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --epochs) epochs="${2:?--epochs needs a number}"; shift 2 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --output) output="${2:?--output needs a file}"; shift 2 ;;
    *) echo "compare.sh: unknown option '$1'; use --epochs N, --seconds S, --rounds R, --output FILE" >&2; exit 2 ;;
  esac
done
if ! [[ "$rounds" =~ ^[1-9][0-9]?$ ]]; then
  echo "compare.sh: --rounds must be 1 to 99, got '$rounds'" >&2
  exit 2
fi
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "compare.sh: PyTorch is not installed for /usr/bin/python3; run tools/install-prerequisites.sh" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./lenet build --variant classic --seed 1 --output "$work/initial.onnx" > /dev/null
for ((r = 1; r <= rounds; r++)); do
  echo "compare.sh: round $r of $rounds: PyTorch ($epochs epochs)..." >&2
  /usr/bin/python3 tools/torch_bench.py --model "$work/initial.onnx" --epochs "$epochs" --seconds "$seconds" > "$work/torch.$r.json"
  echo "compare.sh: round $r of $rounds: TorchSharp ($epochs epochs)..." >&2
  bench/torchsharp-peer.sh --model "$work/initial.onnx" --epochs "$epochs" --seconds "$seconds" > "$work/sharp.$r.json"
  echo "compare.sh: round $r of $rounds: LeNetOnnx ($epochs epochs)..." >&2
  ./lenet bench --json --epochs "$epochs" --seconds "$seconds" > "$work/ours.$r.json"
done
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')"
/usr/bin/python3 - "$work" "$rounds" "$commit" > "$work/report.md" <<'PY'
import datetime, json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
torch_runs = [json.load(open(f"{work}/torch.{r}.json")) for r in range(1, rounds + 1)]
sharp_runs = [json.load(open(f"{work}/sharp.{r}.json")) for r in range(1, rounds + 1)]
ours_runs = [json.load(open(f"{work}/ours.{r}.json")) for r in range(1, rounds + 1)]
numeric = lambda runs: {k: statistics.median(run[k] for run in runs) for k, v in runs[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
torch = {**torch_runs[-1], **numeric(torch_runs)}
sharp = {**sharp_runs[-1], **numeric(sharp_runs)}
ours = {**ours_runs[-1], **numeric(ours_runs)}
m = ours["machine"]
print(f"# PyTorch, TorchSharp and LeNetOnnx, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
print()
print(f"Machine: {m['cpu']}, {m['cores']} cores; {m['os']}; .NET {m['dotnet']}, ONNX Runtime {m['onnxruntime']}, PyTorch {torch['torch']}, TorchSharp {sharp['torchsharp']} (libtorch 2.10); commit {sys.argv[3]}.")
print(f"Threads: PyTorch {torch['threads']}, TorchSharp {sharp['threads']}, LeNetOnnx {ours['threads']}. FMA peak measured by `lenet bench`: {ours['peak_gflops']:.1f} GFLOP/s.")
if rounds > 1:
    print(f"Rounds: {rounds}, alternated; each figure is that side's median over the rounds.")
print()
print("| measure | PyTorch | TorchSharp | LeNetOnnx | ours / PyTorch | ours / TorchSharp |")
print("|---|---:|---:|---:|---:|---:|")
def ratio(peer, o, better_low):
    return peer / o if better_low else o / peer
def row(name, key, fmt, better_low=False):
    t, s, o = torch[key], sharp[key], ours[key]
    print(f"| {name} | {t:{fmt}} | {s:{fmt}} | {o:{fmt}} | {ratio(t, o, better_low):.2f}x | {ratio(s, o, better_low):.2f}x |")
row("training epoch, s (mean after the first)", "train_epoch_seconds", ".2f", better_low=True)
row("training, img/s", "train_images_per_second", ",.0f")
row("inference batch 256, img/s", "inference_images_per_second", ",.0f")
row("one image p50, µs", "single_p50_us", ".1f", better_low=True)
row("one image p99, µs", "single_p99_us", ".1f", better_low=True)
print()
print("Test accuracy after each epoch (same initial weights, same recipe; shuffling differs):")
print()
print("| epoch | PyTorch | TorchSharp | LeNetOnnx |")
print("|---:|---:|---:|---:|")
for t, s, o in zip(torch["train_epochs"], sharp["train_epochs"], ours["train_epochs"]):
    print(f"| {t['epoch']} | {t['test_accuracy']:.4f} | {s['test_accuracy']:.4f} | {o['test_accuracy']:.4f} |")
print()
print("LeNetOnnx only:")
print()
print(f"- hardware limit (FMA peak / FLOP per image): training {ours['limit_training_images_per_second']:,.0f} img/s, inference {ours['limit_inference_images_per_second']:,.0f} img/s;"
      f" achieved {ours['train_images_per_second'] / ours['limit_training_images_per_second']:.1%} and {ours['inference_images_per_second'] / ours['limit_inference_images_per_second']:.1%}.")
print(f"- 64 concurrent single-image callers through the batching front: {ours['concurrent_requests_per_second']:,.0f} img/s"
      f" ({ours['concurrent_requests_per_second'] / ours['inference_images_per_second']:.0%} of batch 256), p50 {ours['concurrent_p50_us']:,.0f} µs, p99 {ours['concurrent_p99_us']:,.0f} µs.")
print(f"- one image: {ours['single_allocated_bytes']:.0f} bytes allocated per call.")
if "train_kernel_epoch_seconds" in ours:
    bounds = lambda peers: [p["train_epoch_seconds"] / o["train_kernel_epoch_seconds"] for p, o in zip(peers, ours_runs)]
    listed = lambda bound: f"{statistics.median(bound):.2f}x" + (f" ({', '.join(format(b, '.2f') + 'x' for b in bound)})" if rounds > 1 else "")
    print(f"- the training sessions alone (the replicas' training runs on one batch, never waiting for each other; no optimizer, data or evaluation):"
          f" {ours['train_kernel_images_per_second']:,.0f} img/s, an epoch of {ours['train_kernel_epoch_seconds']:.2f} s,"
          f" {ours['train_kernel_epoch_seconds'] / ours['train_epoch_seconds']:.0%} of the measured one; against the epochs of the same round the most a whole epoch could reach is"
          f" {listed(bounds(torch_runs))} against PyTorch and {listed(bounds(sharp_runs))} against TorchSharp.")
if "single_one_thread_p50_us" in ours:
    per_round = ", ".join(format(o["single_one_thread_p50_us"], ".1f") for o in ours_runs)
    print(f"- one image on one intra-op thread (the library's default options): p50 {ours['single_one_thread_p50_us']:.1f} µs, p99 {ours['single_one_thread_p99_us']:.1f} µs"
          + (f" (p50 per round: {per_round})." if rounds > 1 else "."))
if "fixed_work_p99_us" in ours:
    per_round = ", ".join(format(o["fixed_work_p99_us"], ".1f") for o in ours_runs)
    print(f"- the host's floor under those tails: a fixed computation as long as one image on one thread, timed the same way: p50 {ours['fixed_work_p50_us']:.1f} µs, p99 {ours['fixed_work_p99_us']:.1f} µs"
          + (f" (p99 per round: {per_round})." if rounds > 1 else "."))
if rounds > 1:
    print()
    print("Every round (PyTorch / TorchSharp / LeNetOnnx; ours against PyTorch and TorchSharp):")
    print()
    print("| round | epoch, s | inference batch 256, img/s | one image p50, µs | ours: one image p99 µs; 64 callers img/s, p99 µs |")
    print("|---:|---|---|---|---|")
    for r, (t, s, o) in enumerate(zip(torch_runs, sharp_runs, ours_runs), 1):
        three = lambda key, fmt, low: (f"{t[key]:{fmt}} / {s[key]:{fmt}} / {o[key]:{fmt}} ({ratio(t[key], o[key], low):.2f}x, {ratio(s[key], o[key], low):.2f}x)")
        print(f"| {r} | {three('train_epoch_seconds', '.2f', True)}"
              f" | {three('inference_images_per_second', ',.0f', False)}"
              f" | {three('single_p50_us', '.1f', True)}"
              f" | {o['single_p99_us']:.1f}; {o['concurrent_requests_per_second']:,.0f}, {o['concurrent_p99_us']:,.0f} |")
PY
cat "$work/report.md"
if [[ -n "$output" ]]; then
  cp "$work/report.md" "$output"
fi
