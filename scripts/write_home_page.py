"""The course home page, handouts/index.html, written from the executed notebooks.

    .venv/bin/python scripts/write_home_page.py [--executed-dir handouts/notebooks] [--html-dir handouts]

For each chapter, in order: its title and what it teaches (the first paragraph of its first
markdown cell), the data the run used and the backend (the chapter's own "Data: " and "Backend: "
lines), fast or full mode, how long it ran and the kernel's peak memory against its budget (as
scripts/run_notebooks.py records them in the executed notebook), whether it ran without errors, its headline figure beside the course's, and links to its
handout, to each exercise in it and to the handout of its solutions. Links are relative, the page has
no script and fetches nothing, so the handouts folder still works wherever it is copied.

A chapter can name its headline figure itself by printing a line "Headline: <text>"; otherwise the
figure is found in its printed output by the patterns in HEADLINES below.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Headline:
    """Where a chapter prints its main result, and what the course reported for the same thing."""

    label: str
    patterns: list[str]  # regular expressions; group 1 is the figure; the last match in the output wins
    course: str


# Keyed by the chapter's number (the digits its file name starts with).
HEADLINES: dict[str, Headline] = {
    "01": Headline("best validation MSE (square root)", [r"best val_mse ([\d.]+) at epoch"],
                   "about 0.8, the MSE late in training"),
    "02": Headline("validation accuracy, Rick or not Rick (CNN)",
                   [r"validation accuracy of the loaded network: ([\d.]+)", r"best validation accuracy of the brief run: ([\d.]+)"],
                   "0.88 for the CNN at epoch 43, 0.62 for the dense network"),
    "03": Headline("validation accuracy, four classes", [r"accuracy ([\d.]+); per class"], "not given"),
    "04": Headline("validation accuracy of the network inspected", [r"categorical accuracy ([\d.]+)", r"accuracy ([\d.]+);"], "not given"),
    "05": Headline("validation accuracy, SOX17 / PRDM1 / random", [r"validation accuracy ([\d.]+) \(always"],
                   "about 0.70"),
    "06": Headline("validation accuracy with more data (last epoch)", [r"last epoch: training [\d.]+, validation ([\d.]+)"], "not given"),
    "07": Headline("lowest validation MSE of the autoencoder", [r"lowest validation MSE ([\d.]+)"], "not given"),
    "08": Headline("test accuracy of the CNN, deer / frog / truck", [r"^accuracy ([\d.]+) \(course"], "0.91 (AUC 0.94)"),
    "09": Headline("test accuracy, MNIST convnet", [r"test accuracy of the trained convnet: ([\d.]+)", r"test accuracy ([\d.]+)"],
                   "not given"),
    "10": Headline("test accuracy, dense network", [r"test accuracy[ :]+([\d.]+)", r"accuracy[ :]+([\d.]+)"], "not given"),
}
GENERIC = Headline("accuracy", [r"(?:validation|test) accuracy[^\d\n]{0,40}([01]\.\d{2,4})"], "not given")


@dataclass
class Chapter:
    stem: str
    number: str | None  # "01", or None for a notebook that is not numbered
    solutions_of: str | None  # "01" for solutions-01
    title: str
    summary: str
    backend: str | None
    mode: str | None
    data: list[str]
    seconds: float | None
    peak_mb: int | None
    budget_mb: int | None  # the kernel memory budget the run was held to (notebooks/memory-budgets.json)
    error: str | None
    headline: tuple[str, str, str] | None  # label, our figure, the course's
    exercises: list[tuple[str, str]] = field(default_factory=list)  # (heading text, anchor id or "")
    handout: bool = False


def text_of(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def output_lines(nb: dict) -> list[str]:
    """Every line the code cells printed (stdout streams and text/plain results)."""
    lines: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                lines.extend(text_of({"source": out.get("text", "")}).splitlines())
            elif out.get("output_type") in ("execute_result", "display_data"):
                plain = out.get("data", {}).get("text/plain")
                if plain:
                    lines.extend(text_of({"source": plain}).splitlines())
    return lines


def first_error(nb: dict) -> str | None:
    """The first code cell that failed, as 'code cell N: message', or None. tslab leaves Jupyter's
    error empty and prints the message on the cell's stderr, so that is read first."""
    n = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        n += 1
        outs = cell.get("outputs", [])
        errors = [o for o in outs if o.get("output_type") == "error"]
        for out in outs:
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = text_of({"source": out.get("text", "")})
                m = re.search(r"^\s*(\w*Error\b.*|.*error TS\d+.*)$", text, re.M)
                if m:
                    return f"code cell {n}: {m.group(1).strip()[:200]}"
        if errors:
            what = f"{errors[0].get('ename', '')}: {errors[0].get('evalue', '')}".strip(": ")
            return f"code cell {n}: {what or 'an error'}"
    return None


def run_seconds(nb: dict) -> float | None:
    """The run's seconds as scripts/run_notebooks.py records them (metadata course_run, kernel start
    included); for a notebook run some other way, from the first cell's start to the last cell's end
    by Jupyter's execution timestamps."""
    recorded = nb.get("metadata", {}).get("course_run", {}).get("seconds")
    if isinstance(recorded, (int, float)):
        return float(recorded)
    starts: list[dt.datetime] = []
    ends: list[dt.datetime] = []
    for cell in nb.get("cells", []):
        timing = cell.get("metadata", {}).get("execution", {})
        for key, bucket in (("iopub.status.busy", starts), ("iopub.execute_input", starts),
                            ("iopub.status.idle", ends), ("shell.execute_reply", ends)):
            if key in timing:
                try:
                    bucket.append(dt.datetime.fromisoformat(timing[key].replace("Z", "+00:00")))
                except ValueError:
                    pass
    if not starts or not ends:
        return None
    return max(0.0, (max(ends) - min(starts)).total_seconds())


def plain(md: str) -> str:
    """Markdown emphasis, code marks and links reduced to their text."""
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"(\*\*|__|\*|`)", "", md)
    return md


def title_and_summary(nb: dict, fallback: str) -> tuple[str, str]:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        lines = text_of(cell).strip().splitlines()
        title = fallback
        if lines and lines[0].startswith("#"):
            title = plain(lines[0].lstrip("#").strip())
            lines = lines[1:]
        paragraph: list[str] = []
        for line in lines:
            if line.strip() == "":
                if paragraph:
                    break
                continue
            if line.lstrip().startswith(("#", "**", "1.", "-", "*")) and not paragraph:
                continue
            paragraph.append(line.strip())
        return title, plain(" ".join(paragraph))
    return fallback, ""


def exercises_in(nb: dict) -> list[str]:
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in text_of(cell).splitlines():
                m = re.match(r"^#+\s*(Exercises?\b.*)$", line.strip())
                if m:
                    out.append(m.group(1).strip())
    return out


class HeadingIds(HTMLParser):
    """Collects (id, text) of every h1–h6 with an id in a handout."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._id: str | None = None
        self._text: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._id = dict(attrs).get("id")
            self._text = []
            self._depth = 1
        elif self._depth:
            self._depth += 1

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._id is not None:
            self.found.append((self._id, "".join(self._text).replace("¶", "").strip()))
            self._id = None
            self._depth = 0

    def handle_data(self, data):
        if self._id is not None:
            self._text.append(data)


def anchors(handout: Path) -> list[tuple[str, str]]:
    if not handout.exists():
        return []
    p = HeadingIds()
    p.feed(handout.read_text(encoding="utf-8"))
    return p.found


def headline_of(number: str | None, lines: list[str]) -> tuple[str, str, str] | None:
    for line in reversed(lines):
        if line.startswith("Headline: "):
            return ("headline", line[len("Headline: "):].strip(), HEADLINES[number].course if number in HEADLINES else "not given")
    spec = HEADLINES.get(number or "", GENERIC)
    for pattern in spec.patterns + ([] if spec is GENERIC else GENERIC.patterns):
        hits = [m for line in lines for m in [re.search(pattern, line)] if m]
        if hits:
            return (spec.label, hits[-1].group(1).rstrip("."), spec.course)
    return None


def read_chapter(path: Path, html_dir: Path) -> Chapter:
    nb = json.loads(path.read_text(encoding="utf-8"))
    stem = path.stem
    m = re.match(r"^(\d+)", stem)
    s = re.match(r"^solutions-(\d+)", stem)
    title, summary = title_and_summary(nb, stem)
    lines = output_lines(nb)
    backend = next((l[len("Backend: "):].strip() for l in lines if l.startswith("Backend: ")), None)
    mode = next((l[len("Mode: "):].split(": ")[0].strip() for l in lines if l.startswith("Mode: ")), None)
    data: list[str] = []
    for l in lines:
        if l.startswith("Data: ") and l[len("Data: "):].strip() not in data:
            data.append(l[len("Data: "):].strip())
    handout = html_dir / f"{stem}.html"
    ids = anchors(handout)
    exercises = []
    for ex in exercises_in(nb):
        anchor = next((i for i, t in ids if t == ex), "")
        exercises.append((ex, anchor))
    number = m.group(1) if m else None
    return Chapter(
        stem=stem, number=number, solutions_of=s.group(1) if s else None, title=title, summary=summary,
        backend=backend, mode=mode, data=data, seconds=run_seconds(nb),
        peak_mb=nb.get("metadata", {}).get("course_run", {}).get("peak_memory_mb") or None,
        budget_mb=nb.get("metadata", {}).get("course_run", {}).get("memory_budget_mb") or None, error=first_error(nb),
        headline=headline_of(number or (s.group(1) if s else None), lines), exercises=exercises, handout=handout.exists(),
    )


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "not recorded"
    if s < 60:
        return f"{s:.0f} s"
    m, sec = divmod(round(s), 60)
    if m < 60:
        return f"{m} min {sec:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


CSS = """
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } .sub { color: #555; margin-top: 0; }
.chapter { border: 1px solid #ccd; border-radius: 6px; padding: 0.8rem 1.1rem; margin: 1rem 0; }
.chapter h2 { margin: 0 0 0.3rem 0; font-size: 1.25rem; } .chapter h2 a { text-decoration: none; }
.teaches { margin: 0.2rem 0 0.6rem 0; }
table.facts { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
table.facts th { text-align: left; vertical-align: top; width: 9rem; color: #444; font-weight: 600; padding: 0.15rem 0.6rem 0.15rem 0; }
table.facts td { padding: 0.15rem 0; }
.ok { color: #17692b; } .bad { color: #a11; font-weight: 600; }
.figure { font-weight: 600; } .course { color: #555; }
ul.links { margin: 0.3rem 0 0 0; padding-left: 1.2rem; }
footer { color: #666; font-size: 0.85rem; margin-top: 2rem; }
"""


def esc(s: str) -> str:
    return html.escape(s, quote=True)


def link(href: str, text: str) -> str:
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def chapter_html(c: Chapter, solutions: list[Chapter]) -> str:
    href = f"{c.stem}.html"
    head = link(href, c.title) if c.handout else esc(c.title) + " <small>(no handout)</small>"
    rows = []
    status = f'<span class="bad">stopped with an error in {esc(c.error)}</span>' if c.error else '<span class="ok">every cell ran without an error</span>'
    memory = f", kernel peak memory {c.peak_mb:,} MB" if c.peak_mb else ""
    if c.peak_mb and c.budget_mb:
        verdict = ('<span class="bad">over its budget</span>' if c.peak_mb > c.budget_mb
                   else '<span class="ok">within its budget</span>')
        memory += f" of {c.budget_mb:,} MB budget ({verdict})"
    rows.append(("Run", f"{status}; ran for {esc(fmt_seconds(c.seconds))}{memory}" + (f"; mode {esc(c.mode)}" if c.mode else "")))
    rows.append(("Data", "<br>".join(esc(d) for d in c.data) if c.data else "no data set (or none reported)"))
    rows.append(("Backend", esc(c.backend) if c.backend else "not reported"))
    if c.headline:
        label, ours, course = c.headline
        rows.append(("Result", f'{esc(label)}: <span class="figure">{esc(ours)}</span> '
                               f'<span class="course">(the course: {esc(course)})</span>'))
    links = []
    for ex, anchor in c.exercises:
        target = f"{href}#{anchor}" if anchor else href
        links.append(link(target, ex) + " (in this handout)")
    for s in solutions:
        links.append(link(f"{s.stem}.html", s.title) + ("" if not s.error else ' <span class="bad">(stopped with an error)</span>'))
    facts = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    extra = f'<ul class="links">{"".join(f"<li>{l}</li>" for l in links)}</ul>' if links else ""
    return (f'<section class="chapter" id="{esc(c.stem)}"><h2>{head}</h2>'
            f'<p class="teaches">{esc(c.summary)}</p><table class="facts">{facts}</table>{extra}</section>')


def editions_html(html_dir: Path, student_dir: Path, chapters: list[Chapter]) -> str:
    """Links from the teacher's home page to the student edition (handouts without answers, and the zip)."""
    rel = lambda p: os.path.relpath(p, html_dir).replace(os.sep, "/")
    items = [f"<li>Teacher's edition: this page; the chapters' answers sit between <code>BEGIN SOLUTION</code> / "
             f"<code>END SOLUTION</code> lines in <code>notebooks/</code>, and the longer worked solutions are linked under each chapter.</li>"]
    index = student_dir / "handouts" / "index.html"
    chapter_links = [link(rel(student_dir / "handouts" / f"{c.stem}.html"), c.number or c.stem)
                     for c in chapters if c.solutions_of is None and (student_dir / "handouts" / f"{c.stem}.html").exists()]
    items.append(f"<li>Student edition, without answers: {link(rel(index), 'its home page')}"
                 + (f"; chapters {', '.join(chapter_links)}" if chapter_links else "") + "</li>")
    zips = sorted(student_dir.glob("*.zip"))
    if zips:
        items.append(f"<li>{link(rel(zips[0]), 'The student edition as one zip')} to hand out "
                     f"({zips[0].stat().st_size / 1e6:.1f} MB: the kit with the student notebooks and their handouts)</li>")
    return f'<section class="editions" id="editions"><h2>Editions</h2><ul class="links">{"".join(items)}</ul></section>'


def write_home_page(executed_dir: Path, html_dir: Path, out: Path, edition: str = "teacher", student_dir: Path | None = None) -> list[Chapter]:
    notebooks = sorted(executed_dir.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no executed notebooks in {executed_dir}")
    chapters = [read_chapter(p, html_dir) for p in notebooks]
    numbered = sorted((c for c in chapters if c.number is not None), key=lambda c: (int(c.number or 0), c.stem))
    solutions = [c for c in chapters if c.solutions_of is not None]
    others = [c for c in chapters if c.number is None and c.solutions_of is None]
    used: set[str] = set()
    parts = []
    for c in numbered:
        mine = [s for s in solutions if s.solutions_of is not None and int(s.solutions_of) == int(c.number or -1)]
        used.update(s.stem for s in mine)
        parts.append(chapter_html(c, mine))
    for c in [s for s in solutions if s.stem not in used] + others:
        parts.append(chapter_html(c, []))
    failed = [c for c in chapters if c.error]
    over = [c for c in chapters if c.peak_mb and c.budget_mb and c.peak_mb > c.budget_mb]
    modes = sorted({c.mode.split(":")[0] for c in chapters if c.mode})
    backends = sorted({c.backend.split(" (")[0] for c in chapters if c.backend})
    total = sum(c.seconds or 0 for c in chapters)
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    summary = (f"{len(numbered)} chapters and {len(solutions)} solution notebooks, run on {when} "
               f"({', '.join(modes) or 'mode not reported'}; backend {', '.join(backends) or 'not reported'}; "
               f"{fmt_seconds(total)} in all). "
               + (f'<span class="bad">{len(failed)} stopped with an error.</span>' if failed else '<span class="ok">All ran without an error.</span>')
               + (f' <span class="bad">{len(over)} went over their memory budget.</span>' if over else ""))
    title = "course handouts" if edition == "teacher" else "course handouts, student edition"
    if edition == "student":
        parts.insert(0, '<section class="editions" id="editions"><p>The student edition: each exercise cell says what to '
                        'write (<code>YOUR CODE HERE</code>), and the cell after it checks the answer. Until then it says '
                        '"not done yet".</p></section>')
    if student_dir is not None:
        parts.insert(0, editions_html(html_dir, student_dir, chapters))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Deep learning in TypeScript: {title}</title><style>{CSS}</style></head>
<body><h1>Deep learning in TypeScript: {title}</h1>
<p class="sub" id="summary">{summary}</p>
{''.join(parts)}
<footer>Each title opens the chapter's handout, written from the same run. "Data" and "Backend" are what the
chapter itself reported; a stand-in is a generated data set in the course's layout, used where the real
one cannot be shipped (see data/README.md in the kit for how to use the real data).</footer>
</body></html>
"""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return chapters


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--executed-dir", type=Path, default=ROOT / "handouts" / "notebooks")
    parser.add_argument("--html-dir", type=Path, default=ROOT / "handouts")
    parser.add_argument("--out", type=Path, help="default: <html-dir>/index.html")
    parser.add_argument("--edition", choices=["teacher", "student"], default="teacher")
    parser.add_argument("--student-dir", type=Path, help="link the student edition written there (scripts/course.sh student)")
    args = parser.parse_args()
    out = args.out or args.html_dir / "index.html"
    chapters = write_home_page(args.executed_dir, args.html_dir, out, args.edition, args.student_dir)
    print(f"home page {out} ({len(chapters)} notebooks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
