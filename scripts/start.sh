#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install, build, and start skyrun on its
# embedded defaults (SQLite + Podman) in the foreground. Extra arguments go to `skyrun server`.
# Run as root, or as a user who may use sudo (it then runs itself with sudo).
set -euo pipefail
source "$(dirname "$0")/as-root.sh"
run_as_root "$(readlink -f "$0")" "$@"
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run --silent build
bash scripts/build-images.sh
exec node bin/skyrun.js server "$@"
