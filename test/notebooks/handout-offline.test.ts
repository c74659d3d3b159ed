/**
 * Handouts stand alone: each one, opened in headless Chromium with every non-file request refused
 * and the folder copied somewhere else, asks for nothing outside the machine and outside its own
 * folder, shows no TeX source where math was written (every formula is drawn), decodes every image,
 * draws every Plotly figure and throws no script error.
 *
 * Checked on: a fixture with every way of writing math (rendered without a kernel, --render-only),
 * chapter 10 and the display fixture executed fresh in fast mode, and every handout in handouts/
 * when that folder exists (after `bash scripts/course.sh handouts`; HANDOUTS_DIR picks another).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { chromiumPath, openOffline } from "./offline-page";

const root = path.resolve(__dirname, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const runner = path.join(root, "scripts", "run_notebooks.py");
const noBrowser = chromiumPath ? false : "chromium is not installed";

/** What the page drew; evaluated inside the handout. */
const PROBE = String.raw`(() => {
  const drawn = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // TeX left as text: $$..$$, $..$, \(..\), \[..\] or \begin{..} in what a reader sees of the prose.
  const tex = /\$\$[\s\S]+?\$\$|\$[^$\n]+?\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]|\\begin\{[a-z]+\*?\}/g;
  const prose = [...document.querySelectorAll(".jp-RenderedMarkdown, .jp-RenderedLatex")];
  const texLeft = prose.flatMap((el) => el.innerText.match(tex) || []);
  const math = [...document.querySelectorAll("mjx-container")];
  const imgs = [...document.querySelectorAll("img")];
  const plots = [...document.querySelectorAll('[id^="tsdl-plotly-"]')];
  const svgOutputs = [...document.querySelectorAll(".jp-RenderedSVG svg")];
  return {
    texLeft,
    math: math.length,
    displayMath: math.filter((m) => m.getAttribute("display") === "true").length,
    mathUndrawn: math.filter((m) => { const s = m.querySelector("svg"); return !s || !drawn(s) || !s.querySelector("use, path, rect"); }).length,
    // MathJax's error box, or the TeX source the export shows when MathJax drew nothing.
    mathErrors: document.querySelectorAll("[data-mjx-error], code.tex-error").length,
    images: imgs.length,
    imagesUndecoded: imgs.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.src.slice(0, 80)),
    plots: plots.length,
    plotsUndrawn: plots.filter((p) => !p.querySelector("svg.main-svg")).map((p) => p.textContent.slice(0, 80)),
    svgUndrawn: svgOutputs.filter((s) => !drawn(s)).length,
    links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
  };
})()`;
/** The page is done once every Plotly figure is drawn (plotly.js is inlined, so this is quick). */
const READY = `[...document.querySelectorAll('[id^="tsdl-plotly-"]')].every((p) => p.querySelector("svg.main-svg"))`;

type Probe = {
  texLeft: string[]; math: number; displayMath: number; mathUndrawn: number; mathErrors: number; images: number;
  imagesUndecoded: string[]; plots: number; plotsUndrawn: string[]; svgUndrawn: number; links: string[];
};

/** Formulas a notebook's markdown cells hold, counted from the source (code spans and fences dropped). */
function formulasIn(notebook: string): number {
  const nb = JSON.parse(fs.readFileSync(notebook, "utf8"));
  let n = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    let s: string = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    s = s.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "").replace(/\\\$/g, "");
    for (const re of [/\$\$[\s\S]+?\$\$/g, /\\\[[\s\S]*?\\\]/g, /\\begin\{([a-z]+\*?)\}[\s\S]*?\\end\{\1\}/g, /\$[^$]+?\$/g, /\\\([\s\S]*?\\\)/g]) {
      n += (s.match(re) || []).length;
      s = s.replace(re, " ");
    }
  }
  return n;
}

/** References in the HTML that would load something from outside, whether or not the page ran them. */
function remoteReferences(html: string): string[] {
  const found: string[] = [];
  const patterns = [
    /<script\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)/gi,
    /<link\b[^>]*\bhref\s*=\s*["']?([^"'\s>]+)/gi,
    /<(?:img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)/gi,
    /\bimport\s*\(\s*["']([^"']+)["']/g,
    /\burl\(\s*["']?((?:https?:)?\/\/[^"')]+)/gi,
    /@import\s+["']([^"']+)["']/gi,
  ];
  for (const re of patterns) for (const m of html.matchAll(re)) if (/^(https?:)?\/\//i.test(m[1])) found.push(m[1]);
  return found;
}

/** Opens one handout offline and checks it (every problem at once); returns the probe for further checks. */
async function checkHandout(file: string, folder: string, notebook?: string): Promise<Probe> {
  const name = path.basename(file);
  const problems: string[] = [];
  const expectNone = (what: string, found: unknown[]) => {
    if (found.length) problems.push(`${what}: ${found.slice(0, 5).map((f) => JSON.stringify(f)).join(", ")}${found.length > 5 ? ` and ${found.length - 5} more` : ""}`);
  };
  expectNone("the HTML refers to resources outside the machine", remoteReferences(fs.readFileSync(file, "utf8")));
  const page = await openOffline(file, PROBE, { ready: READY, settleMs: 20_000 });
  const p = page.probe as Probe;
  expectNone("the page requested something from outside the machine", page.outside);
  expectNone("a local file it refers to is missing", page.missingFiles);
  const base = "file://" + path.resolve(folder) + "/";
  expectNone("it reads files outside its own folder", page.files.filter((u) => !u.startsWith(base)));
  expectNone("script errors on the page", page.pageErrors);
  expectNone("TeX source is shown where math was written", p.texLeft);
  if (p.mathErrors) problems.push(`a formula failed to render (${p.mathErrors})`);
  if (p.mathUndrawn) problems.push(`a formula has no drawing (${p.mathUndrawn})`);
  const expected = notebook ? formulasIn(notebook) : 0;
  if (p.math < expected) problems.push(`${p.math} formulas drawn, the notebook's markdown has ${expected}`);
  expectNone("images that did not decode", p.imagesUndecoded);
  expectNone("Plotly figures not drawn", p.plotsUndrawn);
  if (p.svgUndrawn) problems.push(`SVG outputs with no size (${p.svgUndrawn})`);
  for (const href of p.links) {
    if (/^(file:|\/)/i.test(href)) problems.push(`link ${href} is absolute: it breaks when the folder moves`);
    if (/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(href)) continue;
    const target = path.join(path.dirname(file), decodeURIComponent(href.split("#")[0]));
    if (!fs.existsSync(target)) problems.push(`link ${href} points to nothing in the handouts folder`);
  }
  assert.deepEqual(problems, [], `${name} does not stand alone offline:\n  ${problems.join("\n  ")}`);
  return p;
}

function runNotebooks(args: string[]) {
  const r = spawnSync(python, [runner, ...args], { cwd: root, encoding: "utf8", env: { ...process.env } });
  assert.equal(r.status, 0, `run_notebooks.py ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Copies a folder to a fresh place, so the check sees it the way a student who copied it would. */
function copyElsewhere(dir: string): string {
  const to = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "handouts-copied-")), "handouts");
  fs.cpSync(dir, to, { recursive: true });
  fs.rmSync(dir, { recursive: true, force: true });
  return to;
}

test("every way of writing math is drawn offline, from an executed notebook without a kernel", { skip: noBrowser }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "handout-math-"));
  const fixture = path.join(root, "test", "fixtures", "math.ipynb");
  runNotebooks(["--render-only", "--html-dir", out, fixture]);
  // The fixture links to chapter 10's handout: give it a neighbour so the link check can resolve it.
  fs.writeFileSync(path.join(out, "10-dense-mnist.html"), "<!DOCTYPE html><title>neighbour</title>");
  const folder = copyElsewhere(out);
  const p = await checkHandout(path.join(folder, "math.html"), folder, fixture);
  // Two inline in the prose, one in a heading, one in a table, four displayed ($$, \[ \], align, the
  // text/latex output), one inline in the text/markdown output.
  assert.equal(p.math, 9, "formulas drawn");
  assert.equal(p.displayMath, 4, "display formulas");
  assert.deepEqual(p.links.filter((l) => !l.startsWith("#")), ["10-dense-mnist.html", "10-dense-mnist.html#Weights"], "links to a chapter point at its handout");
  const html = fs.readFileSync(path.join(folder, "math.html"), "utf8");
  assert.match(html, /costs \$5 to print/, "an escaped dollar stays a dollar");
  // Math needs no script: a page of prose and formulas has none (no MathJax, require.js or mermaid loader).
  assert.doesNotMatch(html, /<script\b|require\.js|mermaid|cdnjs/i, "no script is left in the page");
});

test("a TeX error is reported when the handout is written and caught by the page check", { skip: noBrowser }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "handout-bad-math-"));
  const nb = path.join(out, "bad-math.ipynb");
  const cells = [{ cell_type: "markdown", id: "a1", metadata: {}, source: ["A broken formula $\\frac{a$ and an unknown macro $\\nosuchmacro x$."] }];
  fs.writeFileSync(nb, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  const r = runNotebooks(["--render-only", "--html-dir", out, nb]);
  assert.match(r.stderr, /math error in bad-math: Missing close brace in: \\frac\{a/);
  assert.match(r.stderr, /Undefined control sequence \\nosuchmacro/);
  await assert.rejects(checkHandout(path.join(out, "bad-math.html"), out, nb), /a formula failed to render \(2\)/);
});

test("chapter 10 and the display fixture stand alone offline after the folder is copied", { skip: noBrowser }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "handout-run-"));
  const notebooks = [path.join(root, "notebooks", "10-dense-mnist.ipynb"), path.join(root, "test", "fixtures", "display.ipynb")];
  runNotebooks(["--fast", "--timeout", "600", "--html-dir", out, "--executed-dir", path.join(out, "notebooks"), ...notebooks]);
  const folder = copyElsewhere(out);
  const ch10 = await checkHandout(path.join(folder, "10-dense-mnist.html"), folder, path.join(folder, "notebooks", "10-dense-mnist.ipynb"));
  assert.ok(ch10.math > 0 && ch10.displayMath > 0, "chapter 10 has inline and display math drawn");
  const display = await checkHandout(path.join(folder, "display.html"), folder);
  assert.ok(display.images >= 3 && display.plots >= 1, "the display fixture's images and Plotly figure are there");
});

const handoutsDir = path.resolve(root, process.env.HANDOUTS_DIR ?? "handouts");
const written = fs.existsSync(handoutsDir) ? fs.readdirSync(handoutsDir).filter((f) => f.endsWith(".html")).sort() : [];
const noHandouts = written.length === 0 ? `no handouts in ${path.relative(root, handoutsDir) || "."}/ (bash scripts/course.sh handouts writes them)` : false;

test("every handout written to the handouts folder stands alone offline", { skip: noBrowser || noHandouts }, async (t) => {
  for (const f of written) {
    await t.test(f, async () => {
      const nb = path.join(handoutsDir, "notebooks", f.replace(/\.html$/, ".ipynb"));
      await checkHandout(path.join(handoutsDir, f), handoutsDir, fs.existsSync(nb) ? nb : undefined);
    });
  }
});
