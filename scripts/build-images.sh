#!/usr/bin/env bash
# Builds the local images skyrun's first run and tests use; no registry on the internet is needed.
#   localhost/skyrun-demo:latest    busybox-static: sh and the usual tools, a few MB
#   localhost/skyrun-python:latest  Debian bookworm minbase with python3 (--python), for the seed pages' examples
#   localhost/skyrun-seeds:latest   the python image plus stand-ins for the tools the seed pages call (--python)
set -euo pipefail

label='ca.canfar.skyrun.types=headless'

exists() { podman image exists "$1" 2>/dev/null; }

build_demo() {
  exists localhost/skyrun-demo:latest && return 0
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/arc" "$root/scratch" "$root/root"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  tar -C "$root" -cf - . | podman import --change "LABEL $label" --change 'ENV PATH=/bin' --change 'CMD ["/bin/sh"]' - localhost/skyrun-demo:latest >/dev/null
  rm -rf "$root"
  echo "images: built localhost/skyrun-demo:latest" >&2
}

build_python() {
  exists localhost/skyrun-python:latest && return 0
  local root
  root=$(mktemp -d)
  echo "images: building localhost/skyrun-python:latest with debootstrap (about a minute)" >&2
  debootstrap --variant=minbase --include=python3-minimal,python-is-python3 bookworm "$root" http://deb.debian.org/debian >/dev/null
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*
  mkdir -p "$root/arc" "$root/scratch"
  tar -C "$root" -cf - . | podman import --change "LABEL $label" --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'CMD ["/bin/bash"]' - localhost/skyrun-python:latest >/dev/null
  rm -rf "$root"
  echo "images: built localhost/skyrun-python:latest" >&2
}

build_seeds() {
  exists localhost/skyrun-seeds:latest && return 0
  podman build -q -t localhost/skyrun-seeds:latest "$(dirname "$0")/seed-image" >/dev/null
  echo "images: built localhost/skyrun-seeds:latest" >&2
}

build_demo
if [[ "${1:-}" == "--python" ]]; then
  build_python
  build_seeds
fi
exit 0
