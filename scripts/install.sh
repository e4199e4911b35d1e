#!/usr/bin/env bash
# Installs what is missing on a Debian/Ubuntu machine: system packages, a virtualenv in .venv
# with the exact versions of the lock files, the front-end packages of package-lock.json, and the
# compiled translations.
# Usage: scripts/install.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

packages=(python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2)
if [ "$mode" = "test" ]; then
  packages+=(chromium poppler-utils)
fi
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo ">> Installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo ">> Creating the virtualenv .venv"
  "$python" -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
lock=requirements.txt
[ "$mode" = "test" ] && lock=requirements-test.txt
# Skip the installer when the virtualenv already has exactly this lock (a second run is instant).
stamp=".venv/.installed-$(sha256sum "$lock" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo ">> Installing the Python packages of $lock"
  .venv/bin/python -m pip install -q --upgrade pip setuptools wheel
  .venv/bin/python -m pip install -q -r "$lock"
  rm -f .venv/.installed-* && touch "$stamp"
fi

# The test mode also takes the development packages (axe-core, for the accessibility checks).
npm_mode="--omit=dev"
[ "$mode" = "test" ] && npm_mode="--include=dev"
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json "node_modules/.lock-installed$npm_mode"; then
  echo ">> Installing the front-end packages of package-lock.json"
  npm ci "$npm_mode" --ignore-scripts --no-audit --no-fund --loglevel=error
  rm -f node_modules/.lock-installed*
  cp package-lock.json "node_modules/.lock-installed$npm_mode"
fi

echo ">> Compiling translations"
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
