"""Authoring aid: turn a "percent" script into a notebook for the tslab kernel.

The committed .ipynb files are the chapters people open; this only makes writing them in an
editor easier. Cells start at lines `// %%` (code) or `// %% [markdown]` (markdown, each line
written as a `// ` comment).

    python scripts/percent_to_ipynb.py chapter.ts notebooks/NN-name.ipynb
"""
import hashlib
import json
import re
import sys

MARK = re.compile(r"^// %%( \[markdown\])?\s*$")


def cells_from(text: str):
    cells, kind, lines = [], None, []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(re.sub(r"^// ?", "", l) for l in body.split("\n"))
        if body.strip():
            cells.append((kind, body))

    for line in text.split("\n"):
        m = MARK.match(line)
        if m:
            flush()
            kind, lines = ("markdown" if m.group(1) else "code"), []
        else:
            lines.append(line)
    flush()
    return cells


def notebook(cells, name: str):
    out = []
    for i, (kind, body) in enumerate(cells):
        cid = hashlib.sha1(f"{name}:{i}".encode()).hexdigest()[:8]
        cell = {"cell_type": kind, "id": cid, "metadata": {}, "source": body.splitlines(keepends=True)}
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"name": "tslab", "display_name": "TypeScript (course)", "language": "typescript"},
            "language_info": {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf8") as f:
        nb = notebook(cells_from(f.read()), dst)
    with open(dst, "w", encoding="utf8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{dst}: {len(nb['cells'])} cells")
