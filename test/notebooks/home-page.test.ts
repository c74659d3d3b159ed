/**
 * The course home page (handouts/index.html) as the main job writes it: two small chapters and a
 * solutions notebook executed through real Jupyter by scripts/run_notebooks.py (one of them fails on
 * purpose), then scripts/write_home_page.py, then the page opened in Chromium with the network cut
 * off. Checked: every figure on the page is the one in the executed notebooks, the failure is shown,
 * links are relative and lead to handouts and headings that exist, nothing outside the folder is
 * requested.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { chromiumPath, openOffline } from "./offline-page";
import { startBrowser } from "./jupyterlab";

const root = path.resolve(__dirname, "..", "..");
const python = path.join(root, ".venv", "bin", "python");
const artifacts = path.join(root, "tmp", "artifacts", "home-page");
const skip = !chromiumPath ? "chromium is not installed" : !fs.existsSync(python) ? ".venv is missing (bash scripts/course.sh setup)" : false;

type Nb = { cells: { cell_type: string; outputs?: { output_type: string; name?: string; text?: string | string[] }[] }[] };

function printed(file: string): string[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as Nb;
  return nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === "stream" && o.name === "stdout")
    .flatMap((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "").split("\n")));
}

test("the home page lists every chapter with what its run printed, and its links work offline", { skip, timeout: 10 * 60_000 }, async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "course-home-"));
  try {
    const src = path.join(out, "src");
    fs.mkdirSync(src);
    fs.copyFileSync(path.join(root, "test", "fixtures", "home", "01-tiny.ipynb"), path.join(src, "01-tiny.ipynb"));
    fs.copyFileSync(path.join(root, "test", "fixtures", "home", "solutions-01.ipynb"), path.join(src, "solutions-01.ipynb"));
    fs.copyFileSync(path.join(root, "test", "fixtures", "broken.ipynb"), path.join(src, "02-broken.ipynb"));
    // The main job's two steps, on these notebooks.
    const run = spawnSync(python, [path.join(root, "scripts", "run_notebooks.py"), "--timeout", "300", "--html-dir", out,
      "--executed-dir", path.join(out, "notebooks"), ...["01-tiny", "02-broken", "solutions-01"].map((n) => path.join(src, `${n}.ipynb`))],
    { cwd: root, encoding: "utf8", env: { ...process.env, COURSE_FAST: "1" } });
    assert.match(run.stdout, /ok +01-tiny\.ipynb/, run.stdout + run.stderr);
    assert.match(run.stdout, /ok +solutions-01\.ipynb/, run.stdout + run.stderr);
    assert.equal(run.status, 1, "02-broken fails, as it should");
    const home = spawnSync(python, [path.join(root, "scripts", "write_home_page.py"), "--executed-dir", path.join(out, "notebooks"), "--html-dir", out],
      { cwd: root, encoding: "utf8" });
    assert.equal(home.status, 0, home.stdout + home.stderr);
    const index = path.join(out, "index.html");
    assert.ok(fs.existsSync(index));

    // What the runs printed, to compare with the page.
    const lines = printed(path.join(out, "notebooks", "01-tiny.ipynb"));
    const backend = lines.find((l) => l.startsWith("Backend: "))!.slice("Backend: ".length);
    const best = /best val_mse ([\d.]+) at epoch/.exec(lines.join("\n"))![1];

    const probe = `(() => {
      const sections = [...document.querySelectorAll("section.chapter")].map((s) => ({
        id: s.id,
        title: s.querySelector("h2")?.innerText ?? "",
        text: s.innerText,
        links: [...s.querySelectorAll("a")].map((a) => ({ text: a.innerText, href: a.getAttribute("href") })),
      }));
      return { sections, summary: document.getElementById("summary")?.innerText ?? "", scripts: document.scripts.length };
    })()`;
    const report = await openOffline(index, probe);
    assert.deepEqual(report.outside, [], "the page asks for nothing outside the machine");
    assert.deepEqual(report.missingFiles, []);
    assert.deepEqual(report.pageErrors, []);
    const page = report.probe as {
      sections: { id: string; title: string; text: string; links: { text: string; href: string }[] }[]; summary: string; scripts: number;
    };
    assert.equal(page.scripts, 0);
    // Chapters in order, then nothing else: the solutions belong to chapter 1.
    assert.deepEqual(page.sections.map((s) => s.id), ["01-tiny", "02-broken"]);
    const [one, two] = page.sections;
    assert.match(one.title, /Chapter 1 · A tiny chapter for the home-page test/);
    assert.match(one.text, /A straight line learnt by a one-unit network/);
    assert.doesNotMatch(one.text, /More text that is not the summary/);
    const meta = JSON.parse(fs.readFileSync(path.join(out, "notebooks", "01-tiny.ipynb"), "utf8")).metadata.course_run;
    const ran = /every cell ran without an error; ran for (?:(\d+) min )?(\d+) s, kernel peak memory ([\d,]+) MB; mode FAST/.exec(one.text);
    assert.ok(ran, one.text);
    assert.ok(Math.abs(Number(ran![1] ?? 0) * 60 + Number(ran![2]) - meta.seconds) <= 1, `run time ${ran![0]} vs recorded ${meta.seconds} s`);
    assert.equal(Number(ran![3].replace(/,/g, "")), meta.peak_memory_mb);
    assert.match(one.text, /Data\s+40 seeded points of y = 2x \+ 1, made in this notebook/);
    assert.ok(one.text.includes(backend), `the backend line of the run: ${backend}`);
    assert.ok(one.text.includes(`best validation MSE (square root): ${best}`), `the headline figure ${best} in: ${one.text}`);
    assert.match(one.text, /the course: about 0\.8, the MSE/);
    assert.match(two.text, /stopped with an error in code cell 2: .*deliberate failure 42/);
    assert.match(page.summary, /2 chapters and 1 solution notebooks/);
    assert.match(page.summary, /1 stopped with an error/);

    // Links: relative, to files in the folder, and to headings that exist in them.
    const hrefs = one.links.map((l) => l.href);
    assert.deepEqual(hrefs.map((h) => h.split("#")[0]), ["01-tiny.html", "01-tiny.html", "solutions-01.html"]);
    const exercise = one.links.find((l) => /Exercise 1\.1/.test(l.text))!;
    const anchor = decodeURIComponent(exercise.href.split("#")[1] ?? "");
    assert.ok(anchor !== "", "the exercise link points at its heading");
    const handout = fs.readFileSync(path.join(out, "01-tiny.html"), "utf8");
    assert.ok(handout.includes(`id="${exercise.href.split("#")[1]}"`), `01-tiny.html has a heading with id ${anchor}`);
    assert.match(one.links[2].text, /Solutions · the tiny chapter/);
    for (const s of page.sections) {
      for (const l of s.links) {
        assert.doesNotMatch(l.href, /^([a-z]+:|\/)/i, `relative link: ${l.href}`);
        assert.ok(fs.existsSync(path.join(out, l.href.split("#")[0])), `link target exists: ${l.href}`);
      }
    }
    // A picture of the page for people (tmp/artifacts/home-page/index.png).
    const b = await startBrowser();
    try {
      const p = await b.browser.newPage();
      await p.goto(`file://${index}`, { waitUntil: "load" });
      fs.mkdirSync(artifacts, { recursive: true });
      await p.screenshot({ path: path.join(artifacts, "index.png"), fullPage: true });
    } finally {
      await b.close();
    }
    // The linked handouts open offline too.
    const solutions = await openOffline(path.join(out, "solutions-01.html"), "document.body.innerText");
    assert.deepEqual(solutions.outside, []);
    assert.match(String(solutions.probe), /three points: 3, 5, 7/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(path.join(root, "data", "models", "home-page-test"), { recursive: true, force: true });
  }
});
