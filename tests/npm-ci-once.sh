#!/usr/bin/env bash
# Installs a test folder's npm packages from its package-lock.json, once.
#
# usage: tests/npm-ci-once.sh FOLDER MARKER...
#   FOLDER  holds package.json and package-lock.json; packages go to FOLDER/node_modules
#   MARKER  files (relative to FOLDER) that exist only after a complete install
#
# Runs `npm ci` only when a marker is missing or package-lock.json changed since the last install (its sha256 is
# recorded in node_modules/.installed-lock.sha256); otherwise it touches no network. Safe to run concurrently
# (flock), from any directory, with CI=true and no stdin. Prints nothing on stdout; progress and errors go to
# stderr; non-zero exit on failure.
set -euo pipefail

folder="$(cd "$1" && pwd)"
shift
stamp="$folder/node_modules/.installed-lock.sha256"
name="$(basename "$folder")"

log() { printf '%s/install: %s\n' "$name" "$*" >&2; }

lock_hash() { sha256sum "$folder/package-lock.json" | cut -d' ' -f1; }

installed() {
  local marker
  for marker in "$@"; do
    [[ -e "$folder/$marker" ]] || return 1
  done
  [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$(lock_hash)" ]]
}

do_install() {
  if installed "$@"; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    log "npm not found on PATH (it is needed once, to install $folder/package-lock.json)"
    exit 1
  fi
  log "installing with npm ci (lock changed or node_modules missing)"
  local start=$SECONDS
  # npm ci deletes node_modules first; keep npm's chatter on stderr.
  (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error </dev/null 1>&2)
  lock_hash >"$stamp"
  log "installed in $((SECONDS - start)) s"
}

if command -v flock >/dev/null 2>&1; then
  exec 9>"$folder/.install.lock"
  flock 9
  do_install "$@"
  flock -u 9
else
  do_install "$@"
fi
