#!/usr/bin/env bash
# One entry point for a fresh machine: installs what is missing, then runs a job.
#   bash scripts/course.sh handouts   execute every chapter and write HTML handouts to handouts/
#   bash scripts/course.sh student    the student edition in student/: answers stubbed, HTML handouts, a zip
#   bash scripts/course.sh test       type-check, unit tests and notebook tests (fast mode)
#   bash scripts/course.sh lab        open the chapters in JupyterLab
#   bash scripts/course.sh setup      only install
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# Debian packages: fonts for server-rendered plots, Chromium for the browser check of handouts,
# Fashion-MNIST (real IDX files) for chapter 10 and the IDX reader tests.
APT_PACKAGES=(fonts-dejavu-core chromium dataset-fashion-mnist)
# Without root: the packages the chapters need, each with a file that shows it is there. They are
# fetched with apt-get download and unpacked with dpkg-deb -x (neither needs root) into
# .cache/debian/root, where lib/io/debian-files.ts finds them. Chromium (browser tests only) is not.
LOCAL_PACKAGES=(fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
                dataset-fashion-mnist:/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz)
DEBIAN_CACHE="$ROOT/.cache/debian"

setup_apt() {
  if [ "$(id -u)" -ne 0 ]; then setup_apt_local; return; fi
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_apt_local() {
  local missing=() entry
  for entry in "${LOCAL_PACKAGES[@]}"; do
    [ -e "${entry#*:}" ] || [ -e "$DEBIAN_CACHE/root${entry#*:}" ] || missing+=("${entry%%:*}")
  done
  [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ] ||
    echo "Chromium is not installed and needs root (apt-get install chromium): the browser tests will be skipped"
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
    echo "Not installed (no root, no apt-get here): ${missing[*]}; plots lack text / chapter 10 needs FASHION_MNIST_DIR"
    return 0
  fi
  echo "Fetching Debian packages without root into .cache/debian: ${missing[*]}"
  local debs="$DEBIAN_CACHE/debs" apt_dirs=(-o "Dir::State::Lists=$DEBIAN_CACHE/apt/lists" -o "Dir::Cache=$DEBIAN_CACHE/apt/cache")
  rm -rf "$debs" && mkdir -p "$debs"
  # The system's package lists are readable by everyone; where they are missing (images often delete
  # them) apt-get update fills lists of our own in .cache/debian/apt.
  if ! (cd "$debs" && apt-get download -qq "${missing[@]}" >/dev/null 2>&1); then
    mkdir -p "$DEBIAN_CACHE/apt/lists/partial" "$DEBIAN_CACHE/apt/cache/archives/partial"
    if ! { apt-get "${apt_dirs[@]}" update -qq >/dev/null && (cd "$debs" && apt-get "${apt_dirs[@]}" download -qq "${missing[@]}" >/dev/null); }; then
      echo "Could not fetch ${missing[*]} (no Debian archive reachable?): plots lack text / chapter 10 needs FASHION_MNIST_DIR"
      rm -rf "$debs" "$DEBIAN_CACHE/apt"
      return 0
    fi
  fi
  local deb
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$DEBIAN_CACHE/root"; done
  rm -rf "$debs" "$DEBIAN_CACHE/apt"
}

setup_node() {
  if [ ! -d node_modules/tslab ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing npm packages"
    # No install scripts: tfjs-node's would download libtensorflow (which fails; setup_native builds
    # it from the pip wheel instead), and the others only print banners or check prebuilt binaries.
    npm ci --no-audit --no-fund --ignore-scripts
  fi
}

setup_python() {
  local index=()
  # Machines of this workplace carry a local PyPI mirror; elsewhere pip's default index is used.
  [ -d /opt/pypi/simple ] && index=(--index-url file:///opt/pypi/simple)
  if [ ! -x .venv/bin/jupyter ] || [ requirements.txt -nt .venv/.installed ]; then
    echo "Installing Jupyter into .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q "${index[@]}" -r requirements.txt
    touch .venv/.installed
  fi
  # TensorFlow (native tfjs, and Keras as the measured peer): optional, so a platform without a wheel goes on.
  if [ ! -f .venv/.installed-tensorflow ] || [ requirements-tensorflow.txt -nt .venv/.installed-tensorflow ]; then
    echo "Installing TensorFlow into .venv"
    if .venv/bin/pip install -q "${index[@]}" -r requirements-tensorflow.txt >.venv/tensorflow-install.log 2>&1; then
      touch .venv/.installed-tensorflow
    else
      echo "TensorFlow could not be installed here (see .venv/tensorflow-install.log); chapters will use WebAssembly"
    fi
  fi
}

# Native TensorFlow for tfjs: builds tfjs-node's addon against the wheel above (one line either way).
setup_native() { node_modules/.bin/tsx scripts/setup-native-tensorflow.ts; node_modules/.bin/tsx scripts/setup-compiled-fit.ts; }

setup() { setup_apt; setup_node; setup_python; setup_native; }

# Arguments for the home page: link the student edition when `course.sh student` has written it.
student_links() { [ -f student/handouts/index.html ] && echo "--student-dir student" || true; }

export JUPYTER_PATH="$ROOT/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
case "${1:-}" in
  setup) setup ;;
  handouts)
    setup
    shift
    # The home page is written even when a chapter fails: it shows which one, and where.
    status=0
    # Full mode trains for real: one cell may run many minutes (chapter 8's 75 VNN epochs take ~11 min
    # on native TensorFlow and several times that on wasm), so a cell gets up to two hours here.
    .venv/bin/python scripts/run_notebooks.py --timeout 7200 --html-dir handouts --executed-dir handouts/notebooks "$@" notebooks/*.ipynb || status=$?
    .venv/bin/python scripts/write_home_page.py --executed-dir handouts/notebooks --html-dir handouts $(student_links)
    echo "Handouts written to $ROOT/handouts/ (home page: handouts/index.html)"
    exit $status
    ;;
  student)
    setup
    shift
    # The chapters are the teacher's edition; the student's is written from them (answers replaced by
    # stubs), executed as handed out (every check then says "not done yet"), and packed with the kit.
    rm -rf student/notebooks student/handouts
    .venv/bin/python scripts/make_student_edition.py --out student/notebooks
    status=0
    .venv/bin/python scripts/run_notebooks.py --timeout 7200 --html-dir student/handouts --executed-dir student/handouts/notebooks "$@" student/notebooks/*.ipynb || status=$?
    .venv/bin/python scripts/write_home_page.py --executed-dir student/handouts/notebooks --html-dir student/handouts --edition student
    .venv/bin/python scripts/make_student_zip.py --student-dir student
    # The course home page links the student edition too, once both exist.
    if [ -d handouts/notebooks ]; then
      .venv/bin/python scripts/write_home_page.py --executed-dir handouts/notebooks --html-dir handouts $(student_links)
    fi
    echo "Student edition written to $ROOT/student/ (notebooks/, handouts/index.html, course-student-edition.zip)"
    exit $status
    ;;
  test) setup; npm test ;;
  lab) setup; exec .venv/bin/jupyter lab notebooks ;;
  *) sed -n '2,7p' "$0"; exit 2 ;;
esac
