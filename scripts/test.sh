#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install everything the tests need and run
# every test (unit, store on SQLite and PostgreSQL, API, end to end on Podman, Slurm).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh --test
npm ci --no-audit --no-fund
npm run --silent build
bash scripts/build-images.sh --python
npm run --silent typecheck
npm run --silent lint
npx vitest run "$@"
