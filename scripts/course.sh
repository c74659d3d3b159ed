#!/usr/bin/env bash
# One entry point for a fresh machine: installs what is missing, then runs a job.
#   bash scripts/course.sh handouts   execute every chapter and write HTML handouts to handouts/
#   bash scripts/course.sh test       type-check, unit tests and notebook tests (fast mode)
#   bash scripts/course.sh lab        open the chapters in JupyterLab
#   bash scripts/course.sh setup      only install
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# Debian packages: fonts for server-rendered plots, Chromium for the browser check of handouts,
# Fashion-MNIST (real IDX files) for chapter 10 and the IDX reader tests.
APT_PACKAGES=(fonts-dejavu-core chromium dataset-fashion-mnist)

setup_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_node() {
  if [ ! -d node_modules/tslab ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing npm packages"
    npm ci --no-audit --no-fund
  fi
}

setup_python() {
  if [ ! -x .venv/bin/jupyter ] || [ requirements.txt -nt .venv/.installed ]; then
    echo "Installing Jupyter into .venv"
    python3 -m venv .venv
    local index=()
    # Machines of this workplace carry a local PyPI mirror; elsewhere pip's default index is used.
    [ -d /opt/pypi/simple ] && index=(--index-url file:///opt/pypi/simple)
    .venv/bin/pip install -q "${index[@]}" -r requirements.txt
    touch .venv/.installed
  fi
}

setup() { setup_apt; setup_node; setup_python; }

export JUPYTER_PATH="$ROOT/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
case "${1:-}" in
  setup) setup ;;
  handouts)
    setup
    shift
    .venv/bin/python scripts/run_notebooks.py --html-dir handouts --executed-dir handouts/notebooks "$@" notebooks/*.ipynb
    echo "Handouts written to $ROOT/handouts/"
    ;;
  test) setup; npm test ;;
  lab) setup; exec .venv/bin/jupyter lab notebooks ;;
  *) sed -n '2,7p' "$0"; exit 2 ;;
esac
