# Sourced by the entry scripts (start.sh, test.sh), which need root: packages, the
# engine's images, and a server that runs each job as its user's uid. Run as root they
# go on; run by a user who may use sudo they run themselves again through sudo, keeping
# PATH (so root finds the same node; with the sbin directories a user's PATH lacks) and
# the SKYRUN_* and CI settings that sudo would otherwise drop. A fresh Debian 12 used as root has no sudo, so it is never needed there.

# Re-runs the script at $1 (an absolute path) as root with the remaining arguments, unless already root.
run_as_root() {
  local script=$1
  shift
  ((EUID == 0)) && return 0
  if ! command -v sudo >/dev/null 2>&1; then
    echo "$(basename "$script"): needs root: run it as root (su -c 'bash $script'), or as a user who may use sudo" >&2
    exit 1
  fi
  local keep=("PATH=/usr/local/sbin:/usr/sbin:/sbin:$PATH") name
  for name in $(compgen -e); do
    [[ $name == SKYRUN_* || $name == CI ]] && keep+=("$name=${!name}")
  done
  echo "$(basename "$script"): not root; running it again with sudo" >&2
  exec sudo -- env "${keep[@]}" bash "$script" "$@"
}
