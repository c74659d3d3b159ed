"""Prove that a change leaves the chapters' printed output alone: execute the notebooks in fast mode
at a git revision and in the working tree, and diff what they printed (stdout, text results, error
text), with timings, memory figures and dates masked. Pictures are compared by count and kind only.

    python scripts/output_diff.py                      # HEAD against the working tree, all notebooks
    python scripts/output_diff.py --before main~3 notebooks/04-inside-a-cnn.ipynb
    python scripts/output_diff.py --before-dir /tmp/before --after-dir /tmp/after   # reuse runs
    python scripts/output_diff.py --before main~5 --after HEAD   # both from clean trees (stand-ins drawn afresh)

The revision runs in a temporary git worktree that borrows this checkout's node_modules, .venv and
built native addon (so only lib/, notebooks/, scripts/ and data code differ). Executed notebooks are
kept under --keep (default tmp/output-diff/) so a second comparison needs no second run. Exits 1 when
any notebook's printed output differs, and prints a unified diff per notebook.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Shared with the revision's worktree: installed, not versioned.
BORROWED = ["node_modules", ".venv", "native/compiled-fit/build", "native/compiled-fit/deps", ".cache"]

# What legitimately changes from run to run. Each pattern's match becomes its replacement.
MASKS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?Z?"), "<date>"),
    (re.compile(r"\b\d+(\.\d+)?\s*(ms|s|sec|seconds?|min|minutes?|h|hours?)\b"), "<time>"),
    (re.compile(r"\b\d+:\d\d(:\d\d)?\b"), "<time>"),
    (re.compile(r"\b\d+(\.\d+)?\s*(B|kB|KB|KiB|MB|MiB|GB|GiB)\b"), "<size>"),
    (re.compile(r"\b\d+(\.\d+)?\s*(steps?|batches|samples|it|examples)/s\b"), "<rate>"),
    (re.compile(r"\b[\d,]+(\.\d+)?\s*(\w+\s)?per s\b"), "<rate>"),
    (re.compile(r"/tmp/[\w./-]+"), "<tmp>"),
    (re.compile(r"\bpid \d+"), "pid <n>"),
]


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def printed(nb_path: Path) -> list[str]:
    """The notebook's printed output, masked, one line per output line, headed by its code cell."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    lines: list[str] = []
    code_number = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        code_number += 1
        lines.append(f"## code cell {code_number}")
        timed_table = False  # below a header whose last column is "seconds", in this cell, that column is a timing
        for out in cell.get("outputs", []):
            kind = out["output_type"]
            if kind == "stream":
                text = "".join(out.get("text", ""))
                for line in text.splitlines():
                    masked = mask(line)
                    if timed_table:
                        masked = re.sub(r"\d+(\.\d+)?\s*$", "<time>", masked)
                    timed_table = timed_table or re.search(r"\bseconds\s*$", line) is not None
                    lines.append(f"[{out.get('name')}] {masked}")
            elif kind in ("execute_result", "display_data"):
                data = out.get("data", {})
                if "text/plain" in data and len(data) == 1:
                    lines += [f"[result] {mask(line)}" for line in "".join(data["text/plain"]).splitlines()]
                else:
                    lines.append("[display] " + ", ".join(sorted(data)))
            elif kind == "error":
                lines.append(f"[error] {out.get('ename')}: {mask(out.get('evalue', ''))}")
    return lines


def execute(tree: Path, notebooks: list[str], out_dir: Path) -> None:
    """Runs the notebooks of `tree` in fast mode, writing the executed copies to out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    python = ROOT / ".venv" / "bin" / "python"
    cmd = [str(python), str(tree / "scripts" / "run_notebooks.py"), "--fast", "--no-memory-budget",
           "--timeout", "1800", "--executed-dir", str(out_dir)] + [str(tree / n) for n in notebooks]
    print(f"executing {len(notebooks)} notebook(s) in {tree} -> {out_dir}", flush=True)
    # A failing notebook is still written (with its error), and then shows up in the diff.
    subprocess.run(cmd, cwd=tree, check=False)


def worktree_at(rev: str, where: Path) -> Path:
    if where.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=ROOT, check=False)
        shutil.rmtree(where, ignore_errors=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(where), rev], cwd=ROOT, check=True)
    for name in BORROWED:
        source = ROOT / name
        if source.exists() and not (where / name).exists():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            (where / name).symlink_to(source)
    return where


def compare(before: Path, after: Path, notebooks: list[str]) -> int:
    differing = 0
    for name in notebooks:
        b, a = before / Path(name).name, after / Path(name).name
        if not b.exists() or not a.exists():
            print(f"MISSING {Path(name).name}: before {'ok' if b.exists() else 'absent'}, after {'ok' if a.exists() else 'absent'}")
            differing += 1
            continue
        diff = list(difflib.unified_diff(printed(b), printed(a), f"before/{b.name}", f"after/{a.name}", lineterm=""))
        if diff:
            differing += 1
            print("\n".join(diff))
        else:
            print(f"same   {b.name}")
    print(f"{differing} of {len(notebooks)} notebook(s) differ")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--before", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--before-dir", type=Path, help="executed notebooks of the revision, from an earlier run")
    parser.add_argument("--after", help="a git revision to run instead of the working tree (say HEAD, once committed):"
                        " it then starts, like the revision before it, with no generated data sets, so lines that say"
                        " a stand-in was generated compare too")
    parser.add_argument("--after-dir", type=Path, help="executed notebooks of the working tree, from an earlier run")
    parser.add_argument("--keep", type=Path, default=ROOT / "tmp" / "output-diff", help="where executed notebooks go")
    args = parser.parse_args()
    args.keep = args.keep.resolve()  # the runs happen in other folders

    notebooks = args.notebooks or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    notebooks = [str(Path(n).resolve().relative_to(ROOT)) if Path(n).is_absolute() else n for n in notebooks]
    os.environ.setdefault("JUPYTER_PATH", str(ROOT / "jupyter"))

    before = args.before_dir
    if before is None:
        before = args.keep / "before"
        tree = worktree_at(args.before, args.keep / "tree")
        try:
            execute(tree, notebooks, before)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    after = args.after_dir
    if after is None:
        after = args.keep / "after"
        if args.after:
            tree = worktree_at(args.after, args.keep / "tree")
            try:
                execute(tree, notebooks, after)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
        else:
            execute(ROOT, notebooks, after)
    return compare(before, after, notebooks)


if __name__ == "__main__":
    sys.exit(main())
