"""Execute course notebooks headless through real Jupyter (nbclient + the repo's tslab kernel).

Used both by the main job (execute every chapter, write HTML handouts) and by the notebook tests
(fast mode, no handouts). On the first failing cell it prints the notebook, the cell number, the
cell's source and the real error text (tslab puts its message on the cell's stderr and leaves the
Jupyter error empty), then exits with status 1.

    python scripts/run_notebooks.py notebooks/01-*.ipynb [--html-dir handouts] [--executed-dir DIR]
                                   [--timeout 600] [--fast]
    python scripts/run_notebooks.py --render-only --html-dir handouts handouts/notebooks/*.ipynb

Memory: the runner records the kernel's peak resident memory (VmHWM) and compares it with the
notebook's budget in notebooks/memory-budgets.json (full mode: what a 2 GB pod leaves the kernel; fast
mode: the measured fast-mode peak plus a margin, so the notebook tests catch a regression). A notebook over
its budget fails the run with both figures; --no-memory-budget skips the check.

Handouts open with no network: math is drawn as SVG when they are written and no CDN script is
referenced (scripts/handout_html.py). --render-only writes handouts from notebooks that already ran
(no kernel), e.g. after a change to the handout template.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "tslab"
BUDGETS = ROOT / "notebooks" / "memory-budgets.json"


def memory_budget_mb(path: Path, fast: bool) -> int | None:
    """The kernel memory budget of a notebook in MB for this mode, or None. The budgets are those of
    notebooks/memory-budgets.json for the course's notebooks (a fast-mode budget per notebook, one
    full-mode budget for all unless a notebook has its own); COURSE_MEMORY_BUDGETS names another file,
    which then applies to any notebook it lists (the tests use that)."""
    other = os.environ.get("COURSE_MEMORY_BUDGETS")
    budgets_file = Path(other) if other else BUDGETS
    if not other and path.resolve().parent != (ROOT / "notebooks").resolve():
        return None  # a test fixture or a notebook of one's own
    if not budgets_file.exists():
        return None
    budgets = json.loads(budgets_file.read_text(encoding="utf-8"))
    if fast:
        budget = budgets.get("fast_mb", {}).get(path.name)
        measured_on = budgets.get("fast_mb_node")
        if budget is not None and measured_on is not None and kernel_node_major() not in (None, measured_on):
            budget = round(budget * (1 + budgets.get("fast_mb_other_node_pct", 0) / 100))
        return budget
    return budgets.get("full_mb", {}).get(path.name, budgets.get("full_default_mb"))


def kernel_node_major() -> int | None:
    """The major version of the Node on PATH, which the tslab kernel runs on; None if it cannot be read."""
    try:
        out = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30).stdout
        return int(out.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def cell_error_text(cell) -> str:
    """The useful part of a failed cell's outputs: its stderr stream and any error payload."""
    parts: list[str] = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            head = f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": ")
            if head:
                parts.append(head)
            parts.extend(line for line in out.get("traceback", []) if line.strip())
    return "\n".join(p.rstrip() for p in parts if p.strip()) or "(the kernel reported no message)"


def report_failure(path: Path, nb, index: int | None, reason: str) -> None:
    print(f"\nNOTEBOOK FAILED: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", file=sys.stderr)
    if index is None:
        print(reason, file=sys.stderr)
        return
    cell = nb.cells[index]
    code_number = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    print(f"--- code cell {code_number} (cell {index + 1} of {len(nb.cells)}) ---", file=sys.stderr)
    print(cell.source, file=sys.stderr)
    print("--- error ---", file=sys.stderr)
    print(cell_error_text(cell) if reason == "" else f"{reason}\n{cell_error_text(cell)}", file=sys.stderr)


def execute(path: Path, timeout: int) -> tuple[object, int | None, str]:
    """Run one notebook; returns (notebook, index of failing cell or None, reason)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
        allow_errors=False,
    )
    state = {"index": None, "peak_kb": 0, "cells": []}

    def remember(cell, cell_index, **_):
        state["index"] = cell_index

    def measure(cell=None, cell_index=None, **_):
        hwm, rss = kernel_memory_kb(client)
        state["peak_kb"] = max(state["peak_kb"], hwm)
        if cell_index is not None:
            code_number = sum(1 for c in nb.cells[: cell_index + 1] if c.cell_type == "code")
            state["cells"].append([code_number, round(hwm / 1024), round(rss / 1024)])

    client.on_cell_execute = remember
    client.on_cell_executed = measure
    try:
        client.execute()
    except CellTimeoutError as e:
        return nb, state["index"], f"cell ran longer than {timeout} s ({e.__class__.__name__})"
    except CellExecutionError:
        return nb, state["index"], ""
    except DeadKernelError as e:
        return nb, state["index"], f"the kernel died: {e}"
    except Exception as e:  # noqa: BLE001 - e.g. nbclient's cleanup asserting after a kernel crash
        return nb, state["index"], f"the kernel stopped unexpectedly ({e.__class__.__name__}: {e}); out of memory?"
    finally:
        nb.metadata["course_run"] = {
            "peak_memory_mb": round(state["peak_kb"] / 1024),
            "fast": os.environ.get("COURSE_FAST") == "1",
            # [code cell number, peak so far (VmHWM), resident now (VmRSS)] in MB after each cell:
            # the cell where the peak jumps is the one to look at.
            "memory_by_cell": state["cells"],
        }
    return nb, None, ""


def kernel_memory_kb(client) -> tuple[int, int]:
    """The kernel process's peak resident memory so far (VmHWM) and its resident memory now (VmRSS),
    in kB; 0 where they cannot be read."""
    found = {"VmHWM:": 0, "VmRSS:": 0}
    try:
        pid = client.km.provisioner.process.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":")[0] + ":"
            if key in found:
                found[key] = int(line.split()[1])
    except (AttributeError, OSError, ValueError):
        pass
    return found["VmHWM:"], found["VmRSS:"]


def memory_steps(nb, top: int = 5) -> str:
    """The code cells after which the kernel's peak rose most, largest first: where to look."""
    cells = nb.metadata.get("course_run", {}).get("memory_by_cell", [])
    rises, before = [], 0
    for number, hwm, _rss in cells:
        if hwm > before:
            rises.append((hwm - before, number, hwm))
        before = max(before, hwm)
    rises.sort(reverse=True)
    return ", ".join(f"cell {n}: {h} MB (+{d})" for d, n, h in rises[:top]) or "not recorded"


def write_html(nb, target: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from handout_html import write_handout

    write_handout(nb, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--html-dir", type=Path, help="write an HTML handout per notebook here")
    parser.add_argument("--executed-dir", type=Path, help="write the executed .ipynb here")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per cell")
    parser.add_argument("--fast", action="store_true", help="set COURSE_FAST=1: fewer samples and epochs")
    parser.add_argument("--no-memory-budget", action="store_true",
                        help="do not fail a notebook whose kernel peak memory is over its budget (notebooks/memory-budgets.json)")
    parser.add_argument("--render-only", action="store_true",
                        help="do not execute: write the HTML handouts of notebooks that already ran (needs --html-dir)")
    args = parser.parse_args()
    if args.render_only and not args.html_dir:
        parser.error("--render-only needs --html-dir")

    os.environ["JUPYTER_PATH"] = str(ROOT / "jupyter") + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    if args.fast:
        os.environ["COURSE_FAST"] = "1"
    for d in (args.html_dir, args.executed_dir):
        if d:
            d.mkdir(parents=True, exist_ok=True)

    failures = 0
    for path in args.notebooks:
        path = path.resolve()
        if not path.exists():
            print(f"no such notebook: {path}", file=sys.stderr)
            failures += 1
            continue
        if args.render_only:
            write_html(nbformat.read(path, as_version=4), args.html_dir / (path.stem + ".html"))
            print(f"html {path.name}", flush=True)
            continue
        start = time.time()
        nb, failed_at, reason = execute(path, args.timeout)
        seconds = time.time() - start
        nb.metadata.setdefault("course_run", {})["seconds"] = round(seconds, 1)
        peak = nb.metadata["course_run"].get("peak_memory_mb", 0)
        budget = memory_budget_mb(path, args.fast)
        if budget is not None:
            nb.metadata["course_run"]["memory_budget_mb"] = budget
        over = budget is not None and peak > budget and not args.no_memory_budget
        if failed_at is not None or reason:
            report_failure(path, nb, failed_at, reason)
            failures += 1
        elif over:
            print(f"\nNOTEBOOK OVER ITS MEMORY BUDGET: {path.name}: kernel peak memory {peak} MB, budget {budget} MB "
                  f"({'fast' if args.fast else 'full'} mode, {os.environ.get('COURSE_MEMORY_BUDGETS') or BUDGETS.relative_to(ROOT)}); the cells where it rose "
                  f"(code cell: peak MB): {memory_steps(nb)}", file=sys.stderr)
            failures += 1
        else:
            of = f" of {budget} MB budget" if budget is not None else ""
            print(f"ok   {path.name}  ({seconds:.1f} s, kernel peak memory {peak} MB{of})", flush=True)
        # Keep what ran, failed or not: a handout that shows the error helps more than none.
        if args.executed_dir:
            nbformat.write(nb, args.executed_dir / path.name)
        if args.html_dir:
            write_html(nb, args.html_dir / (path.stem + ".html"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
