#!/usr/bin/env bash
# lenet serve over loopback HTTP on this machine, beside the Runtime's own batch throughput:
# starts `lenet serve` with its defaults, drives POST /v1/classify over N connections with wrk
# (Debian's `wrk`, if installed: one real test image, raw bytes and JSON) and with
# bench/LoadGenerator (1,000 real test images, every label checked, raw and JSON), measures
# GET /healthz with wrk as the ceiling of the HTTP stack itself on these cores, and
# `lenet bench --part inference` for the batch-256 figure the issue compares against. Prints a
# markdown report with the date, machine and commit. Client and server share the machine's cores.
#
#   bench/serve.sh [--connections N] [--seconds S] [--output FILE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
connections=64
seconds=10
output=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --connections) connections="${2:?--connections needs a number}"; shift 2 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --output) output="${2:?--output needs a file}"; shift 2 ;;
    *) echo "serve.sh: unknown option '$1'; use --connections N, --seconds S, --output FILE" >&2; exit 2 ;;
  esac
done
if ! [[ "$connections" =~ ^[1-9][0-9]{0,3}$ && "$seconds" =~ ^[1-9][0-9]{0,2}$ ]]; then
  echo "serve.sh: --connections must be 1 to 9999 and --seconds 1 to 999" >&2
  exit 2
fi
data="${LENET_DATA:-/usr/share/datasets/fashion-mnist}"
if [[ ! -f "$data/t10k-images-idx3-ubyte.gz" ]]; then
  echo "serve.sh: no Fashion-MNIST test images in $data (tools/install-prerequisites.sh, or set LENET_DATA)" >&2
  exit 2
fi
have_wrk=1
command -v wrk > /dev/null || { have_wrk=0; echo "serve.sh: wrk is not installed (apt-get install wrk); measuring with the LoadGenerator only" >&2; }

work="$(mktemp -d)"
server=""
cleanup() {
  [[ -n "$server" ]] && kill -TERM "$server" 2> /dev/null && wait "$server" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT

./lenet --help > /dev/null
dotnet build bench/LoadGenerator -c Release --nologo -v quiet -o "$work/load" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

# One real test image as the bodies wrk sends, and wrk's request scripts.
/usr/bin/python3 - "$data/t10k-images-idx3-ubyte.gz" "$work" <<'PY'
import gzip, json, sys
pixels = gzip.open(sys.argv[1]).read()[16:16 + 784]
open(f"{sys.argv[2]}/body.bin", "wb").write(pixels)
open(f"{sys.argv[2]}/body.json", "w").write(json.dumps({"pixels": list(pixels)}))
for name, kind in (("raw", "application/octet-stream"), ("json", "application/json")):
    body = "body.bin" if name == "raw" else "body.json"
    open(f"{sys.argv[2]}/{name}.lua", "w").write(
        f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "{kind}"\n'
        f'local f = io.open("{sys.argv[2]}/{body}", "rb")\nwrk.body = f:read("*a")\nf:close()\n')
PY

echo "serve.sh: batch-256 throughput of the Runtime (lenet bench --part inference)..." >&2
./lenet bench --part inference --json > "$work/inference.json"

port=$((20000 + RANDOM % 20000))
url="http://127.0.0.1:$port"
dotnet .build/cli/lenet.dll serve --model models/lenet-classic.onnx --urls "$url" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "$url/healthz" > /dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$url/healthz" > /dev/null || { echo "serve.sh: lenet serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

load() { dotnet "$work/load/LeNetOnnx.LoadGenerator.dll" --url "$url" --connections "$connections" --duration "$1" --body "$2" --data "$data" --pid "$server"; }
echo "serve.sh: warming up (JIT tiering, thread pool, connections)..." >&2
load 8 raw > "$work/warm-up.txt" || { cat "$work/warm-up.txt" >&2; echo "serve.sh: the server failed the load generator's checks while warming up" >&2; exit 1; }
if [[ $have_wrk -eq 1 ]]; then
  for kind in healthz raw json; do
    echo "serve.sh: wrk, $kind, $seconds s..." >&2
    if [[ $kind == healthz ]]; then
      wrk -t1 -c"$connections" -d"${seconds}s" --latency "$url/healthz" > "$work/wrk.$kind.txt"
    else
      wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$work/$kind.lua" "$url/v1/classify" > "$work/wrk.$kind.txt"
    fi
  done
fi
for kind in raw json; do
  echo "serve.sh: LoadGenerator, $kind, $seconds s..." >&2
  load "$seconds" "$kind" > "$work/load.$kind.txt" || { cat "$work/load.$kind.txt" >&2; echo "serve.sh: the server failed the load generator's checks" >&2; exit 1; }
done
head -1 "$work/serve.log" > "$work/serve.first.log"

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')"
/usr/bin/python3 - "$work" "$connections" "$seconds" "$commit" "$have_wrk" > "$work/report.md" <<'PY'
import datetime, json, re, sys
work, connections, seconds, commit, have_wrk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5] == "1"
inference = json.load(open(f"{work}/inference.json"))
m = inference["machine"]
batch = inference["inference_images_per_second"]
def ms(text):
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
def wrk(kind):
    text = open(f"{work}/wrk.{kind}.txt").read()
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    p50 = ms(re.search(r"50%\s+(\S+)", text).group(1))
    p99 = ms(re.search(r"99%\s+(\S+)", text).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rate, p50, p99, int(errors.group(1)) if errors else 0
def load(kind):
    text = open(f"{work}/load.{kind}.txt").read()
    ok = float(re.search(r"200 [0-9,]+ \(([0-9,]+)/s\)", text).group(1).replace(",", ""))
    p50, p99 = (float(re.search(rf"{p} ([0-9.]+) ms", text).group(1)) for p in ("p50", "p99"))
    wrong = int(re.search(r"wrong labels ([0-9,]+)", text).group(1).replace(",", ""))
    timeline = re.search(r"200s per second: (.*)", text).group(1)
    return ok, p50, p99, wrong, timeline
print(f"# lenet serve over loopback HTTP, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
print()
print(f"Machine: {m['cpu']}, {m['cores']} cores; {m['os']}; .NET {m['dotnet']}, ONNX Runtime {m['onnxruntime']}; commit {commit}.")
print(f"Server: `lenet serve` with its defaults ({open(f'{work}/serve.first.log').read().split(', ', 1)[1].strip()}); "
      f"{connections} connections, closed loop (one request in flight each), {seconds} s per row after an 8 s warm-up; the client runs on the same cores.")
print(f"Batch-256 throughput of the Runtime in the same run (`lenet bench`, slices on every core): {batch:,.0f} img/s.")
print()
print("| client | body | requests/s | of batch 256 | p50, ms | p99, ms | checked |")
print("|---|---|---:|---:|---:|---:|---|")
if have_wrk:
    for kind, body in (("healthz", "GET /healthz (no model: the HTTP ceiling)"), ("raw", "784 raw bytes"), ("json", "JSON pixels")):
        rate, p50, p99, errors = wrk(kind)
        print(f"| wrk | {body} | {rate:,.0f} | {rate / batch:.0%} | {p50:.2f} | {p99:.2f} | {'status only' if kind != 'healthz' else '-'}{f', {errors} not 2xx' if errors else ''} |")
for kind, body in (("raw", "784 raw bytes, 1,000 images"), ("json", "JSON pixels, 1,000 images")):
    ok, p50, p99, wrong, _ = load(kind)
    print(f"| LoadGenerator | {body} | {ok:,.0f} | {ok / batch:.0%} | {p50:.1f} | {p99:.1f} | labels: {wrong} wrong |")
print()
print("200s per second (LoadGenerator):")
print()
for kind in ("raw", "json"):
    print(f"- {kind}: {load(kind)[4]}")
PY
cat "$work/report.md"
if [[ -n "$output" ]]; then
  cp "$work/report.md" "$output"
fi
