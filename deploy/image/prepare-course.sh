#!/usr/bin/env bash
# Image build step (run in /opt/course): puts the chosen edition in notebooks/ and lays out home/,
# the tree that deploy/image/course_home.py brings into each student's ~/course on start.
#   bash deploy/image/prepare-course.sh student|teacher
set -euo pipefail
cd "$(dirname "$0")/../.."
COURSE=$PWD
edition=${1:-}

case "$edition" in
  teacher) ;;
  student)
    # The student edition (chapters without answers) is written by `course.sh student`.
    bash scripts/course.sh student
    src=student/notebooks
    [ -d "$src" ] || src=student
    compgen -G "$src/*.ipynb" >/dev/null || { echo "prepare-course: course.sh student wrote no notebooks in $src" >&2; exit 1; }
    rm -rf notebooks && mkdir notebooks && cp "$src"/*.ipynb notebooks/ && rm -rf student
    # Nothing with answers stays in the image: the solutions notebooks go too.
    rm -f notebooks/solutions-*.ipynb
    ;;
  *) echo "prepare-course: the edition is student or teacher, not '$edition'" >&2; exit 2 ;;
esac
echo "$edition" > .edition

# What a student gets: their own copies of the chapters and of the kernelspec (whose launcher starts
# the kernel in the folder it sits in, two levels up), and links to everything that only is read.
rm -rf home && mkdir -p home/data
cp -r notebooks jupyter home/
cp data/README.md home/data/
for name in lib models node_modules tsconfig.json README.md; do ln -s "$COURSE/$name" "home/$name"; done
# The generated stand-ins, read in place (their manifests say they are complete, so nothing is redrawn).
for dir in data/*/; do
  name=$(basename "$dir")
  case "$name" in *.lock|*.stale|*.tmp|models|cache) continue ;; esac
  ln -s "$COURSE/data/$name" "home/data/$name"
done
ls -la home home/data
