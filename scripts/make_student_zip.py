"""Pack the student edition into one zip to hand out: the kit (library, scripts, kernel spec, trained
models, package files) with notebooks/ holding the student edition and handouts/ its HTML pages.
The teacher's chapters, the solutions notebooks and the tests stay out.

    python scripts/make_student_zip.py [--student-dir student] [--out student/course-student-edition.zip]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a student needs to run the chapters (scripts/course.sh lab) besides the notebooks.
KIT = ["README.md", "package.json", "package-lock.json", "tsconfig.json", "requirements.txt",
       "requirements-tensorflow.txt", "lib/", "scripts/", "jupyter/", "models/", "data/README.md"]
TOP = "course-student-edition"


def kit_files() -> list[str]:
    """The kit's files as git tracks them (so nothing generated or private), else by walking KIT."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", *KIT], cwd=ROOT, capture_output=True, check=True).stdout
        files = [f for f in out.decode().split("\0") if f]
        if files:
            return files
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for k in KIT:
        p = ROOT / k
        if p.is_file():
            files.append(k)
        elif p.is_dir():
            files += [str(f.relative_to(ROOT)) for f in sorted(p.rglob("*")) if f.is_file() and "__pycache__" not in f.parts]
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--student-dir", type=Path, default=ROOT / "student")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    notebooks = sorted((args.student_dir / "notebooks").glob("*.ipynb"))
    if not notebooks:
        print(f"error: no student notebooks in {args.student_dir / 'notebooks'} (run scripts/make_student_edition.py first)", file=sys.stderr)
        return 1
    out = args.out or args.student_dir / "course-student-edition.zip"
    tmp = out.with_name(out.name + ".tmp")
    handouts = args.student_dir / "handouts"
    count = 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for f in kit_files():
            if (ROOT / f).is_file():
                z.write(ROOT / f, f"{TOP}/{f}")
                count += 1
        for nb in notebooks:
            z.write(nb, f"{TOP}/notebooks/{nb.name}")
            count += 1
        if handouts.is_dir():
            for f in sorted(handouts.rglob("*")):
                if f.is_file() and f.suffix in (".html", ".css", ".png", ".svg"):
                    z.write(f, f"{TOP}/handouts/{f.relative_to(handouts)}")
                    count += 1
    tmp.replace(out)
    print(f"{out}: {count} files, {out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
