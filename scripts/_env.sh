# Shared set-up for scripts/demo and scripts/test: a Python 3.11+ virtual environment in .venv
# with Workprint installed (editable) and its extras. Idempotent and quick when up to date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

EXTRAS="${WORKPRINT_EXTRAS:-postgres,dev,demo,dataset,agent,train}"

apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
  else
    echo "error: please install: $*" >&2
    exit 1
  fi
}

python_bin() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  apt_install python3 python3-venv python3-dev
  echo python3
}

if [ ! -x .venv/bin/python ]; then
  py="$(python_bin)"
  if ! "$py" -m venv .venv 2>/dev/null; then
    apt_install python3-venv
    "$py" -m venv .venv
  fi
fi

stamp=".venv/.workprint-installed"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)-$EXTRAS"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing Workprint and its dependencies into .venv ..." >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -e ".[$EXTRAS]" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  .venv/bin/python -c 'import workprint, fastapi, sqlalchemy, msgspec' \
    || { echo "error: installing Python dependencies failed" >&2; exit 1; }
  echo "$want" > "$stamp"
fi

# The desktop agent (its tests, and the demo's desktop session) runs real X11 programs on a
# virtual screen.
x11=()
for pair in Xvfb:xvfb xdotool:xdotool openbox:openbox xterm:xterm xedit:x11-apps \
            xprop:x11-utils ssh-askpass:ssh-askpass; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || x11+=("${pair#*:}")
done
if [ "${#x11[@]}" -gt 0 ]; then
  echo "installing ${x11[*]} for the desktop agent ..." >&2
  apt_install "${x11[@]}"
fi

# Debian's Chromium drives the simulated team and the browser tests (never a downloaded one);
# Node.js builds and tests the browser SDK.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]} ..." >&2
  apt_install "${need[@]}"
fi
if [ -f sdk/package-lock.json ]; then
  lock="$(sha256sum sdk/package-lock.json | cut -c1-16)"
  if [ ! -f sdk/node_modules/.workprint-lock ] || [ "$(cat sdk/node_modules/.workprint-lock)" != "$lock" ]; then
    echo "installing the SDK's build tools (npm ci) ..." >&2
    (cd sdk && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$lock" > sdk/node_modules/.workprint-lock
  fi
fi
