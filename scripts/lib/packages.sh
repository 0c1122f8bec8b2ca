# The Debian packages a script needs. Source it from the repository root.

# Installs with apt, in one go, the packages of the needs that are not met, and says so in one
# line ("NAME: installing PACKAGE... (Debian)"); installs nothing when every need is met.
# A need is CHECK:PACKAGE. CHECK is a command on the PATH, an absolute path to an executable, or
# "import MODULE" for a Python 3 module; PACKAGE is the Debian package that provides it.
# Usage: ensure_packages NAME CHECK:PACKAGE...
#   e.g. ensure_packages e2e promtool:prometheus /usr/share/zookeeper/bin/zkCli.sh:zookeeper "import yaml:python3-yaml"
ensure_packages() {
  local name=$1 need check package missing=()
  shift
  for need in "$@"; do
    check=${need%:*} package=${need##*:}
    case $check in
      /*) [ -x "$check" ] && continue ;;
      "import "*) python3 -c "$check" 2>/dev/null && continue ;;
      *) command -v "$check" >/dev/null && continue ;;
    esac
    [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "$name: installing ${missing[*]} (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "$name: FAILED: could not install ${missing[*]} with apt-get" >&2; return 1; }
}
