#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install everything the tests need and run
# every test (unit, store on SQLite and PostgreSQL, API, end to end on Podman, Slurm, the Python SDK).
# Run as root, or as a user who may use sudo (it then runs itself with sudo).
set -euo pipefail
source "$(dirname "$0")/as-root.sh"
run_as_root "$(readlink -f "$0")" "$@"
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh --test
npm ci --no-audit --no-fund
npm run --silent build
bash scripts/build-images.sh --python
npm run --silent typecheck
npm run --silent lint
npx vitest run "$@"

# The Python SDK (python/): pytest against a real skyrun it starts itself, with whichever python3
# comes first on PATH if it has pytest and requests, else Debian's, which setup-system.sh provided.
py=python3
"$py" -c 'import pytest, requests' 2>/dev/null || py=/usr/bin/python3
SKYRUN_PYTHON_TESTS_PREBUILT=1 "$py" -m pytest python/tests -q -p no:cacheprovider
