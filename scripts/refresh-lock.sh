#!/usr/bin/env bash
# Rewrites package-lock.json from package.json, then proves `npm ci` accepts it. Run it after any dependency change.
#
# It resolves from package.json and the registry (`--package-lock-only`), never from node_modules: a lock built from
# an installed tree lacks the optional binaries of other platforms (@swc/core-darwin-arm64, ...), which `npm ci`
# then reports as "Missing: ... from lock file". Versions already locked are kept unless package.json excludes them.
#   scripts/refresh-lock.sh           update the lock in place
#   scripts/refresh-lock.sh --fresh   resolve everything anew (e.g. after a merge conflict in the lock)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = --fresh ]; then rm -f package-lock.json; fi
npm install --package-lock-only --no-audit --no-fund
# the same consistency check `npm ci` makes before installing; it names each missing entry
npm ci --dry-run --no-audit --no-fund >/dev/null
echo "package-lock.json is complete; install it with: npm ci"
