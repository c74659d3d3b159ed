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
    # The student edition: every answer replaced by a stub, solutions notebooks left out. This is the
    # first step of `course.sh student`, which goes on to execute every chapter in full (hours of
    # training) for its handouts: the image needs only the notebooks.
    [ -f scripts/make_student_edition.py ] || {
      echo "prepare-course: scripts/make_student_edition.py (the student edition) is not in this tree yet; build with EDITION=teacher" >&2
      exit 1
    }
    .venv/bin/python scripts/make_student_edition.py --out student/notebooks
    compgen -G "student/notebooks/*.ipynb" >/dev/null || { echo "prepare-course: the student edition has no notebooks" >&2; exit 1; }
    rm -rf notebooks && mv student/notebooks notebooks && rm -rf student
    # Nothing with answers stays in the image.
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
