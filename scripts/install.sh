#!/usr/bin/env bash
# Installs what is missing on a Debian/Ubuntu machine: system packages, a virtualenv in
# .venv with the project's dependencies, and the compiled translations.
# Usage: scripts/install.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

packages=(python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2)
if [ "$mode" = "test" ]; then
  packages+=(chromium poppler-utils)
fi

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
pip=".venv/bin/pip"
export PIP_DISABLE_PIP_VERSION_CHECK=1
$pip install -q "setuptools<81" wheel
# XStatic-Bootstrap's setup.py still imports pkg_resources: build it against our setuptools.
.venv/bin/python -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('xstatic') and __import__('pathlib').Path(importlib.util.find_spec('xstatic').submodule_search_locations[0], 'pkg', 'bootstrap').is_dir() else 1)" 2>/dev/null \
  || $pip install -q --no-build-isolation "xstatic-bootstrap>=5.3"
if [ "$mode" = "test" ]; then
  $pip install -q ".[test]"
else
  $pip install -q .
fi
rm -rf build ./*.egg-info

echo ">> Compiling translations"
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv
