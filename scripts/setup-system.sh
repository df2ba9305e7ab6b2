#!/usr/bin/env bash
# Installs the Debian 12 packages skyrun needs. Idempotent: installs only what is missing.
#   setup-system.sh          what the service needs (Podman and friends)
#   setup-system.sh --test   plus what the tests start (PostgreSQL, a registry, Slurm, image tools)
set -euo pipefail

core=(podman runc conmon catatonit uidmap slirp4netns fuse-overlayfs busybox-static curl ca-certificates jq)
# python3-*: the Python SDK's tests (pytest, requests for the seed pages' examples, venv for `pip install ./python`).
# chromium: browser tests (the API page, the dashboard), driven by playwright-core (its own download does not work here).
testing=(postgresql skopeo docker-registry apache2-utils slurm-wlm munge debootstrap openssl python3 python3-pytest python3-requests python3-venv python3-pip chromium fonts-dejavu-core)

want=("${core[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${testing[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian packages start services we run ourselves, on our own ports, when we need them.
for svc in docker-registry slurmctld slurmd munge postgresql; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
done

node_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=18)?0:1)' 2>/dev/null; then
  echo "setup: skyrun needs Node.js >= 20.18 (found ${node_version}); install it from your distribution or nodejs.org" >&2
  exit 1
fi
