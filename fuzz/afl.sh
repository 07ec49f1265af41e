#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ (Debian package afl++) and SharpFuzz:
#   fuzz/afl.sh TARGET [SECONDS]      e.g. fuzz/afl.sh checkpoint 600
# Builds the fuzz project, instruments the LeNetOnnx assemblies in a copy of its output with the
# sharpfuzz tool (installed under fuzz/.tools) after writing the seed corpus, and runs afl-fuzz.
# Findings land in fuzz/afl-out/TARGET/default/{crashes,hangs}; replay one with
#   dotnet fuzz/afl-bin/LeNetOnnx.Fuzz.dll replay TARGET FILE
set -euo pipefail
target="${1:?usage: fuzz/afl.sh TARGET [SECONDS]}"
seconds="${2:-600}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$root/fuzz"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing: apt-get install afl++" >&2; exit 1; }
if [[ ! -x "$fuzz/.tools/sharpfuzz" ]]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$fuzz/.tools" >/dev/null
fi
rm -rf "$fuzz/afl-bin"
dotnet build "$fuzz/LeNetOnnx.Fuzz/LeNetOnnx.Fuzz.csproj" -c Release -o "$fuzz/afl-bin" -v quiet -nologo >/dev/null
# The seeds first: instrumented code crashes outside the fuzzer.
seeds="$fuzz/afl-in/$target"
rm -rf "$seeds"
dotnet "$fuzz/afl-bin/LeNetOnnx.Fuzz.dll" seeds "$target" "$seeds"
for assembly in LeNetOnnx.Builder LeNetOnnx.Trainer LeNetOnnx.Runtime; do
  "$fuzz/.tools/sharpfuzz" "$fuzz/afl-bin/$assembly.dll" >/dev/null
done
# dotnet itself is not instrumented (SharpFuzz instruments the assemblies); a model input is ~250 KB.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
mkdir -p "$fuzz/afl-out"
exec afl-fuzz -i "$seeds" -o "$fuzz/afl-out/$target" -t 10000 -m none -V "$seconds" -- dotnet "$fuzz/afl-bin/LeNetOnnx.Fuzz.dll" afl "$target"
