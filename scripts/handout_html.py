"""HTML handouts that stand alone: math drawn when the handout is written, nothing fetched from a CDN.

nbconvert's "lab" template leaves TeX in the page for MathJax to typeset in the browser and loads
MathJax, require.js and mermaid from public CDNs, so an offline reader sees `$B_1$` as text. Here:

* markdown (cells and text/markdown outputs) goes through nbconvert's own parser, with its math hooks
  sending each formula to MathJax 4 running in Node (scripts/handout/render-math.ts), which returns
  it as SVG; text/latex outputs get the same treatment. The page needs no script and no font for it.
* the "handout" template (scripts/handout/templates) extends "lab" without the CDN scripts.
* links to another chapter's .ipynb point at its .html, so the handouts folder works as a whole
  wherever it is copied (images are embedded as data: URIs already).

Math delimiters are the ones JupyterLab accepts: $...$, $$...$$, \\(...\\), \\[...\\] and
\\begin{env}...\\end{env}; unlike stock nbconvert, a single backslash works for \\( and \\[ as it
does in JupyterLab.
"""
from __future__ import annotations

import atexit
import html
import json
import re
import subprocess
import sys
from pathlib import Path

from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import (
    IPythonRenderer,
    MarkdownWithMath,
    MathBlockParser,
    MathInlineParser,
    _dotall,
)

try:  # jinja2 >= 3
    from jinja2 import pass_context
except ImportError:  # pragma: no cover
    from jinja2 import contextfilter as pass_context  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "handout" / "templates"
RENDERER = Path(__file__).resolve().parent / "handout" / "render-math.ts"


class MathRenderer:
    """One Node process running MathJax, kept for every formula of every handout of a run."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self.css = ""
        self.errors: list[str] = []

    def _start(self) -> subprocess.Popen:
        if self._proc is None:
            self._proc = subprocess.Popen(
                ["node", "--import", "tsx", str(RENDERER)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf8",
            )
            first = self._proc.stdout.readline()
            if not first:
                raise RuntimeError("the math renderer (scripts/handout/render-math.ts) did not start; see its error above")
            self.css = json.loads(first)["css"]
        return self._proc

    def stylesheet(self) -> str:
        self._start()
        return self.css

    def render(self, tex: str, display: bool, where: str = "") -> str:
        proc = self._start()
        proc.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the math renderer stopped; see its error above")
        reply = json.loads(line)
        if reply["error"]:
            self.errors.append(f"{where}: {reply['error']} in: {tex}")
        if not reply["html"]:  # nothing drawn at all: show the source rather than lose it
            return f'<code class="tex-error">{html.escape(tex)}</code>'
        return reply["html"]

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.wait(timeout=30)
            self._proc = None


# JupyterLab takes \( \) and \[ \] with one backslash; stock nbconvert only with two.
_BLOCK_LATEX = r"(?<!\\)\\\\?\[(?P<math_block_latex>.*?)(?<!\\)\\\\?\]"
_INLINE_LATEX = r"(?<!\\)\\\\?\((?P<math_inline_latex>.*?)(?<!\\)\\\\?\)"


class HandoutBlockParser(MathBlockParser):
    MULTILINE_MATH = _dotall(
        r"(?<!\\)[$]{2}.*?(?<!\\)[$]{2}"
        "|" + r"(?<!\\)\\\\?\[.*?(?<!\\)\\\\?\]"
        "|" + r"\\begin\{(?P<math_env_name>[a-z]*\*?)\}.*?\\end\{(?P=math_env_name)\}"
    )
    SPECIFICATION = {**MathBlockParser.SPECIFICATION, "multiline_math": MULTILINE_MATH}


class HandoutInlineParser(MathInlineParser):
    SPECIFICATION = {
        **MathInlineParser.SPECIFICATION,
        "block_math_latex": _dotall(_BLOCK_LATEX),
        "inline_math_latex": _dotall(_INLINE_LATEX),
    }


_PLACEHOLDER = re.compile("(?:\ue000|&#57344;)(\\d+)(?:\ue001|&#57345;)")  # ElementTree writes them as references
_PLACEHOLDER_IN_ID = re.compile(r"-?%EE%80%80\d+%EE%80%81")
_CHAPTER_LINK = re.compile(r"^(?![a-z][a-z0-9+.-]*:|/)([^#?]*)\.ipynb(?=$|[#?])", re.I)


def chapter_link(url: str) -> str:
    """A relative link to a notebook becomes a link to its handout."""
    return _CHAPTER_LINK.sub(lambda m: m.group(1) + ".html", url)


class HandoutRenderer(IPythonRenderer):
    """nbconvert's markdown renderer with math drawn as SVG and chapter links pointing at handouts."""

    def __init__(self, math: MathRenderer, where: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self._math = math
        self._where = where
        self._drawn: list[str] = []

    # A formula is first a placeholder (two private-use characters around its number) and becomes its
    # SVG in fill_math(): nbconvert re-parses heading HTML with ElementTree to add the anchor, which
    # would rewrite inline SVG into namespaced tags that browsers do not draw.
    def _formula(self, tex: str, display: bool) -> str:
        self._drawn.append(self._math.render(tex, display, self._where))
        return f"\ue000{len(self._drawn) - 1}\ue001"

    def fill_math(self, rendered: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._drawn[int(m.group(1))], rendered)

    def block_math(self, body: str) -> str:
        return self._formula(body.strip(), True)

    def inline_math(self, body: str) -> str:
        return self._formula(body.strip(), False)

    def latex_environment(self, name: str, body: str) -> str:
        return self._formula(f"\\begin{{{name}}}{body}\\end{{{name}}}", True)

    def heading(self, text: str, level: int, **attrs) -> str:
        # The anchor id is made from the heading's text: leave the formulas out of it.
        return _PLACEHOLDER_IN_ID.sub("", super().heading(text, level, **attrs))

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return super().link(text, chapter_link(url), title)

    def block_mermaidjs(self, code: str) -> str:
        print(f"warning: {self._where}: mermaid diagrams are not drawn in handouts (no mermaid.js offline); shown as source", file=sys.stderr)
        return super().block_code(code, info="text")


# Math in a text/latex output, as JupyterLab finds it (the whole output goes to MathJax there).
_LATEX_MATH = re.compile(
    r"(?<!\\)\$\$(?P<d1>.+?)(?<!\\)\$\$"
    r"|(?<!\\)\\\[(?P<d2>.+?)(?<!\\)\\\]"
    r"|(?P<env>\\begin\{(?P<name>[a-zA-Z]*\*?)\}.*?\\end\{(?P=name)\})"
    r"|(?<![$\\])\$(?P<i1>[^$]+?)(?<![$\\])\$"
    r"|(?<!\\)\\\((?P<i2>.+?)(?<!\\)\\\)",
    re.S,
)


_MATH_STYLE = re.compile(r'<style type="text/css">\s*/\* MathJax 4 SVG output \*/.*?</style>', re.S)


class HandoutExporter(HTMLExporter):
    """The "lab" HTML export, offline: see the module's docstring."""

    def __init__(self, math: MathRenderer, **kwargs) -> None:
        super().__init__(template_name="handout", extra_template_basedirs=[str(TEMPLATES)], embed_images=True, **kwargs)
        self._math = math
        self._where = ""

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = HandoutRenderer(
            self._math,
            self._where,
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )
        markdown = MarkdownWithMath(renderer=renderer, block=HandoutBlockParser(), inline=HandoutInlineParser(hard_wrap=False))
        return renderer.fill_math(markdown.render(source))

    def latex2html(self, text: str) -> str:
        """A text/latex output: its math drawn, the rest escaped."""
        out, last = [], 0
        for m in _LATEX_MATH.finditer(text):
            out.append(html.escape(text[last : m.start()]))
            if m.group("env"):
                out.append(self._math.render(m.group("env"), True, self._where))
            else:
                display = m.group("d1") is not None or m.group("d2") is not None
                tex = next(g for g in (m.group("d1"), m.group("d2"), m.group("i1"), m.group("i2")) if g is not None)
                out.append(self._math.render(tex.strip(), display, self._where))
            last = m.end()
        out.append(html.escape(text[last:]))
        return "".join(out)

    def default_filters(self):
        yield from super().default_filters()
        yield ("markdown2html", self.markdown2html)
        yield ("latex2html", self.latex2html)

    def export(self, nb, name: str) -> str:
        self._where = name
        body, _ = self.from_notebook_node(nb, resources={"handout_math_css": self._math.stylesheet()})
        if "<mjx-container" not in body:  # no formula: the page does not need their style sheet
            body = _MATH_STYLE.sub("", body, count=1)
        return body


_math: MathRenderer | None = None


def write_handout(nb, target: Path) -> list[str]:
    """Writes the handout for an executed notebook; returns the TeX errors found (also printed)."""
    global _math
    if _math is None:
        _math = MathRenderer()
        atexit.register(_math.close)
    before = len(_math.errors)
    body = HandoutExporter(_math).export(nb, target.stem)
    target.write_text(body, encoding="utf8")
    errors = _math.errors[before:]
    for e in errors:
        print(f"warning: math error in {e}", file=sys.stderr)
    return errors
