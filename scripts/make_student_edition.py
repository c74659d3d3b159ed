"""Write the student edition of the chapters: every answer replaced by a stub, outputs cleared.

The chapters in notebooks/ are the teacher's edition and the one source. In a code cell, the lines from
`// ### BEGIN SOLUTION` to `// ### END SOLUTION` are the answer; text after `BEGIN SOLUTION:` on the first
line says what to write, and becomes the stub `// YOUR CODE HERE: <that text>` at the same indent. This
is the region nbgrader's ClearSolutions replaces too (it looks for "BEGIN SOLUTION" / "END SOLUTION" in
a line), so a teacher using nbgrader gets the same cells with nbgrader's own stub. Declarations stay
outside the region, so the stubbed cells still type-check and later cells still run.

The solutions-NN notebooks are longer worked solutions for the teacher and are left out. Metadata
keeps nbgrader's cell records (grade ids, points, locks: no answers in them) and nothing else.

    python scripts/make_student_edition.py [--out student/notebooks] [notebooks/NN-*.ipynb ...]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "BEGIN SOLUTION"
END = "END SOLUTION"
DEFAULT_STUB = "your answer"


class SolutionMarkerError(ValueError):
    pass


def stub_source(source: str, where: str) -> tuple[str, int]:
    """The cell's source with each solution region replaced by its stub; and how many regions there were."""
    out: list[str] = []
    regions = 0
    inside = False
    for n, line in enumerate(source.split("\n"), 1):
        if BEGIN in line:
            if inside:
                raise SolutionMarkerError(f"{where}, line {n}: {BEGIN} inside an open solution")
            inside = True
            regions += 1
            indent = re.match(r"\s*", line).group(0)
            what = line.split(BEGIN, 1)[1].lstrip(" :").strip() or DEFAULT_STUB
            out.append(f"{indent}// YOUR CODE HERE: {what}")
        elif END in line:
            if not inside:
                raise SolutionMarkerError(f"{where}, line {n}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise SolutionMarkerError(f"{where}: {BEGIN} is never closed by {END}")
    return "\n".join(out), regions


def as_lines(text: str) -> list[str]:
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def student_notebook(nb: dict, name: str) -> tuple[dict, int]:
    regions = 0
    cells = []
    for k, cell in enumerate(nb["cells"]):
        src = "".join(cell.get("source", []))
        meta = {"nbgrader": cell["metadata"]["nbgrader"]} if "nbgrader" in cell.get("metadata", {}) else {}
        new = {"cell_type": cell["cell_type"], "metadata": meta}
        if cell["cell_type"] == "code":
            src, r = stub_source(src, f"{name}, cell {k + 1}")
            regions += r
            if r and not meta.get("nbgrader", {}).get("solution"):
                raise SolutionMarkerError(f"{name}, cell {k + 1}: a solution region in a cell without nbgrader solution metadata")
            new.update(execution_count=None, outputs=[])
        elif BEGIN in src:
            raise SolutionMarkerError(f"{name}, cell {k + 1}: solution markers in a {cell['cell_type']} cell")
        new["source"] = as_lines(src)
        if "id" in cell:
            new["id"] = cell["id"]
        cells.append(new)
    keep = {k: nb["metadata"][k] for k in ("kernelspec", "language_info") if k in nb.get("metadata", {})}
    return {"cells": cells, "metadata": keep, "nbformat": nb["nbformat"], "nbformat_minor": nb["nbformat_minor"]}, regions


def teacher_chapters() -> list[Path]:
    return sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith("solutions-"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter in notebooks/ (not the solutions-NN notebooks)")
    parser.add_argument("--out", type=Path, default=ROOT / "student" / "notebooks")
    args = parser.parse_args()
    sources = args.notebooks or teacher_chapters()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sources:
        nb = json.loads(path.read_text(encoding="utf-8"))
        try:
            student, regions = student_notebook(nb, path.name)
        except SolutionMarkerError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        (args.out / path.name).write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.name}: {regions} answer{'s' if regions != 1 else ''} replaced by stubs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
