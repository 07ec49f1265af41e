#!/usr/bin/env bash
# The test command: installs the prerequisites, runs every test project, and ends with the
# plain line "N passed, N failed" summed over all projects (from their TRX reports).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if ! tools/install-prerequisites.sh; then
  echo "prerequisites could not be installed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
results="$root/TestResults"
rm -rf "$results"
dotnet test LeNetOnnx.sln --report-trx --results-directory "$results" "$@"
status=$?
# The CUDA build (-p:OnnxRuntimeFlavor=Gpu, built beside the CPU one under obj/gpu and bin/gpu):
# the device tests, which hold without a GPU: auto falls back to the CPU naming the missing
# library, cuda is a user error saying what to install, and a short training run on the CPU.
# NuGet's global packages folder keeps the GPU package (about 550 MB) between runs; the build
# output hard-links its native libraries from there instead of copying them into every project.
for project in tests/Runtime.Tests tests/Cli.Tests; do
  if ! dotnet test --project "$project" -p:OnnxRuntimeFlavor=Gpu -p:CreateHardLinksForCopyLocalIfPossible=true --report-trx --results-directory "$results/gpu" --filter "TestCategory=Device" "$@"; then
    status=1
  fi
done
read -r passed failed skipped < <(
  /usr/bin/python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is not None:
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
        skipped += int(counters.get("notExecuted", 0)) + int(counters.get("inconclusive", 0))
print(passed, failed, skipped)
PY
)
if [[ $status -ne 0 && ${failed:-0} -eq 0 ]]; then
  failed=1  # the build or a test host failed before any test could report
fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
[[ $status -eq 0 && ${failed:-0} -eq 0 ]]
