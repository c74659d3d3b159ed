/**
 * What a student sees in JupyterLab: the real JupyterLab from .venv, the repo's kernel, Debian's
 * Chromium driven like a person would (menus, clicks), in fast mode.
 *
 * 1. Chapter 1, Run ▸ Run All Cells: the kernel is the repo's TypeScript kernel, every cell runs and
 *    none shows an error, the live training panel is one output replaced in place while `fit` runs,
 *    Vega-Lite charts are drawn by JupyterLab's renderer and images decode.
 * 2. A fixture with a fit that would run for a day: Kernel ▸ Interrupt Kernel stops the training
 *    within seconds, the kernel stays the same and alive, and the next cell runs.
 * 3. A fixture that draws a data set (long work that is not training): its progress line is one
 *    output that changes in place while the work runs and ends on the closing line.
 *
 * Screenshots go to tmp/artifacts/jupyterlab/ (git-ignored). JupyterLab runs on a snapshot of lib/
 * and the kernelspec with copies of the notebooks, so nothing is written back into the repo.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { Page } from "puppeteer-core";
import { chromiumPath, snapshotProject, startBrowser, startLab, Lab, processesMentioning } from "./jupyterlab";
import { CellReport, cellReports, kernelStatus, menu, startSampler, stopSampler, waitUntilSettled } from "./lab-page";

const root = path.resolve(__dirname, "..", "..");
const artifacts = path.join(root, "tmp", "artifacts", "jupyterlab");
const jupyter = path.join(root, ".venv", "bin", "jupyter");
const skip = !chromiumPath ? "chromium is not installed" : !fs.existsSync(jupyter) ? ".venv has no JupyterLab (bash scripts/course.sh setup)" : false;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function openNotebook(page: Page, lab: Lab, file: string): Promise<void> {
  const rel = path.relative(lab.root, file).split(path.sep).map(encodeURIComponent).join("/");
  await page.goto(`${lab.base}/lab/tree/${rel}?reset&token=${lab.token}`, { waitUntil: "load", timeout: 60_000 });
  await page.waitForSelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell", { timeout: 60_000 });
  // The kernel starts with the notebook; wait until it says it is idle.
  const deadline = Date.now() + 90_000;
  while (!/\| Idle/.test(await kernelStatus(page))) {
    if (Date.now() > deadline) throw new Error(`kernel not idle after 90 s: "${await kernelStatus(page)}"`);
    await sleep(250);
  }
}

async function sessionFor(lab: Lab, file: string): Promise<{ kernel: { id: string; name: string; execution_state: string } }> {
  const rel = path.relative(lab.root, file).split(path.sep).join("/");
  const sessions = (await lab.api("/api/sessions")) as { path: string; kernel: { id: string; name: string; execution_state: string } }[];
  const s = sessions.find((x) => x.path === rel);
  assert.ok(s, `no session for ${rel}: ${JSON.stringify(sessions)}`);
  return s!;
}

function errorsIn(cells: CellReport[]): string[] {
  const out: string[] = [];
  for (const c of cells) {
    for (const o of c.outputs) {
      if (/stderr|error/.test(o.mime) || /^\s*(\w*Error|Uncaught|UnhandledPromiseRejection)/m.test(o.text)) {
        out.push(`cell ${c.index + 1} [${o.mime}]: ${o.text.slice(0, 300)}`);
      }
    }
  }
  return out;
}

async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

test("JupyterLab in Chromium: chapter 1 runs cleanly with live progress and charts; Kernel > Interrupt stops a long fit; long data work shows one progress line", { skip, timeout: 20 * 60_000 }, async () => {
  // JupyterLab serves a snapshot of the tree (see snapshotProject): the repo's notebooks are never
  // written to, and edits made to lib/ while the test runs cannot break its kernel.
  const work = snapshotProject(root);
  const chapter = path.join(work, "01-regression.ipynb");
  const longFit = path.join(work, "long-fit.ipynb");
  const workProgress = path.join(work, "work-progress.ipynb");
  fs.copyFileSync(path.join(root, "notebooks", "01-regression.ipynb"), chapter);
  fs.copyFileSync(path.join(root, "test", "fixtures", "long-fit.ipynb"), longFit);
  fs.copyFileSync(path.join(root, "test", "fixtures", "work-progress.ipynb"), workProgress);
  let lab: Lab | null = null;
  let browser: Awaited<ReturnType<typeof startBrowser>> | null = null;
  let page: Page | null = null;
  const started = Date.now();
  fs.rmSync(artifacts, { recursive: true, force: true });
  try {
    lab = await startLab(work, { COURSE_FAST: "1" }, jupyter);
    browser = await startBrowser();
    page = await browser.browser.newPage();

    // ---- chapter 1 ----
    await openNotebook(page, lab, chapter);
    const kernelName = await page.$eval(".jp-KernelName", (e) => e.textContent?.trim() ?? "");
    assert.equal(kernelName, "TypeScript (course)", "the notebook toolbar names the repo's kernel");
    const session = await sessionFor(lab, chapter);
    assert.equal(session.kernel.name, "tslab");
    // The running kernel process is the repo's launcher (jupyter/kernels/tslab/launch.js).
    const kernelPids = processesMentioning(path.join(lab.home, "runtime"));
    const cmdlines = kernelPids.map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" "));
    assert.ok(cmdlines.some((c) => c.includes(path.join(work, "jupyter", "kernels", "tslab", "launch.js"))),
      `no kernel process started from the repo's kernelspec: ${cmdlines.join(" ; ")}`);

    await startSampler(page);
    await menu(page, "Run", "Run All Cells");
    const cells = await waitUntilSettled(page, 10 * 60_000, 3000);
    const samples = await stopSampler(page);
    await shot(page, "01-regression.png");
    fs.writeFileSync(path.join(artifacts, "01-regression-cells.json"), JSON.stringify({ cells, samples }, null, 1));

    const notRun = cells.filter((c) => !/^\[\d+\]:$/.test(c.prompt));
    assert.deepEqual(notRun.map((c) => `cell ${c.index + 1}: ${c.prompt}`), [], "every code cell ran");
    assert.deepEqual(errorsIn(cells), [], "no cell shows an error");
    const all = cells.flatMap((c) => c.outputs);
    assert.ok(all.some((o) => /Backend: /.test(o.text)), "the backend line is shown");

    // The first fit: one output, replaced in place several times (starting line, then panels).
    const fit = cells.find((c) => c.source.includes("trainingProgress") && c.source.includes("const history"));
    assert.ok(fit, "found the first fit cell");
    assert.equal(samples.maxOutputs[fit!.index], 1, "the training panel never became more than one output");
    const states = samples.states[fit!.index] ?? [];
    assert.ok(states.length >= 3, `the panel changed in place while fit ran (states seen: ${states.join(" → ")})`);
    assert.equal(fit!.outputs.length, 1);
    assert.equal(fit!.outputs[0].mime, "image/png");
    assert.equal(fit!.outputs[0].decoded, 1, "the final panel is a decoded picture");

    // Vega-Lite charts: drawn by JupyterLab's Vega renderer, not shown as text.
    const chartCells = cells.filter((c) => c.source.includes("showVegaLite") || c.source.includes("plotHistory") || c.source.includes("dl.plot("));
    assert.ok(chartCells.length >= 3, "chapter 1 has its charts");
    for (const c of chartCells) {
      const vl = c.outputs.filter((o) => o.mime === "vega-embed");
      assert.ok(vl.length >= 1, `cell ${c.index + 1} shows a Vega-Lite chart (has ${c.outputs.map((o) => o.mime).join(", ")})`);
      assert.ok(vl.every((o) => o.charts >= 1), `cell ${c.index + 1}: the chart is drawn`);
      assert.ok(!c.outputs.some((o) => o.mime === "text/plain" || /"\$schema"|vega-lite/.test(o.text)), `cell ${c.index + 1}: no chart shown as text`);
    }
    const images = all.reduce((n, o) => n + o.images, 0);
    const decoded = all.reduce((n, o) => n + o.decoded, 0);
    assert.ok(images >= 2, `images in the outputs: ${images}`);
    assert.equal(decoded, images, "every image decodes");
    await lab.api(`/api/kernels/${session.kernel.id}`, "DELETE"); // free the CPU for the next part

    // ---- interrupting a long fit ---- (in a new tab: leaving a notebook with unsaved outputs asks first)
    await page.close();
    page = await browser.browser.newPage();
    await openNotebook(page, lab, longFit);
    const before = await sessionFor(lab, longFit);
    await startSampler(page);
    await menu(page, "Run", "Run All Cells");
    // Wait until the fit is visibly running: its panel has been redrawn at least twice.
    const fitIndex = 2;
    const runningBy = Date.now() + 120_000;
    for (;;) {
      const s = await page.evaluate(() => (window as unknown as { __samples: { states: string[][] } }).__samples.states);
      if ((s[fitIndex] ?? []).filter((x) => x.startsWith("image/png")).length >= 2) break;
      if (Date.now() > runningBy) throw new Error(`the long fit did not start drawing its panel: ${JSON.stringify(s)}`);
      await sleep(200);
    }
    await shot(page, "long-fit-running.png");
    const interruptedAt = Date.now();
    await menu(page, "Kernel", "Interrupt Kernel");
    const afterInterrupt = await waitUntilSettled(page, 60_000, 1000);
    const fitEndedMs = Date.now() - interruptedAt;
    assert.match(afterInterrupt[fitIndex].prompt, /^\[\d+\]:$/, "the fit cell ended");
    assert.ok(afterInterrupt[fitIndex].outputs.some((o) => /Interrupted/.test(o.text)), "the fit cell says it was interrupted");

    // The next cell: select it and run it from the Run menu.
    const next = (await page.$$(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell"))[fitIndex + 1];
    await (await next.$(".jp-InputPrompt"))!.click();
    await menu(page, "Run", "Run Selected Cell and Do not Advance");
    const finalCells = await waitUntilSettled(page, 60_000, 1000);
    const samples2 = await stopSampler(page);
    await shot(page, "long-fit-after-interrupt.png");
    fs.writeFileSync(path.join(artifacts, "long-fit-cells.json"), JSON.stringify({ cells: finalCells, samples: samples2 }, null, 1));
    const check = finalCells[fitIndex + 1];
    assert.match(check.prompt, /^\[\d+\]:$/, "the next cell ran");
    assert.deepEqual(errorsIn([check]), []);
    const line = check.outputs.map((o) => o.text).join("\n").split("\n").find((l) => l.trim().startsWith("{"));
    assert.ok(line, `the check cell printed its report: ${JSON.stringify(check.outputs)}`);
    const r = JSON.parse(line!) as {
      startedAt: number; epochsThen: number; epochsLater: number; status: string; tensors: number;
      stop: { at: number; epoch: number; batch: number } | null;
    };
    assert.ok(r.epochsThen > 0, "some epochs ran before the interrupt");
    assert.equal(r.epochsLater, r.epochsThen, "no epoch finished in the 3 s after the next cell began: training had stopped");
    // When the fit noticed the interrupt and stopped (recorded in the kernel), against the click.
    assert.ok(r.stop !== null, "the fit was stopped by the interrupt (not by anything else)");
    const stoppedWithinMs = r.stop!.at - interruptedAt;
    assert.ok(stoppedWithinMs >= 0 && stoppedWithinMs < 5000, `training stopped ${stoppedWithinMs} ms after Kernel > Interrupt`);
    assert.ok(r.startedAt >= r.stop!.at, "the next cell ran after training had stopped");
    assert.match(r.status, /^Interrupted after epoch \d+\/1000000/);
    const after = await sessionFor(lab, longFit);
    assert.equal(after.kernel.id, before.kernel.id, "the same kernel is still running");
    assert.equal(after.kernel.execution_state, "idle");

    // ---- long work that is not training: one progress line, changed in place ----
    await page.close();
    page = await browser.browser.newPage();
    await openNotebook(page, lab, workProgress);
    await startSampler(page);
    await menu(page, "Run", "Run All Cells");
    // A screenshot of the line while it is live (once it has been redrawn), for a person to look at.
    for (const by = Date.now() + 60_000; Date.now() < by; await sleep(50)) {
      const s = await page.evaluate(() => (window as unknown as { __samples: { states: string[][] } }).__samples.states);
      if ((s[1] ?? []).length >= 2) break;
    }
    await shot(page, "work-progress-running.png");
    const progressCells = await waitUntilSettled(page, 5 * 60_000, 2000);
    const progressSamples = await stopSampler(page);
    await shot(page, "work-progress.png");
    fs.writeFileSync(path.join(artifacts, "work-progress-cells.json"), JSON.stringify({ cells: progressCells, samples: progressSamples }, null, 1));
    assert.deepEqual(errorsIn(progressCells), [], "no cell shows an error");
    const drawIndex = 1;
    const draw = progressCells[drawIndex];
    assert.ok(draw.source.includes("generateCifarStandInAsync"), "found the drawing cell");
    assert.equal(progressSamples.maxOutputs[drawIndex], 1, "one output the whole time, not a growing stream");
    const drawStates = progressSamples.states[drawIndex] ?? [];
    assert.ok(drawStates.length >= 3, `the line changed in place while the work ran (states seen: ${drawStates.join(" → ")})`);
    assert.equal(draw.outputs.length, 1);
    assert.match(draw.outputs[0].text.trim(), /^Drew 9,000 pictures in [\d.]+ s \([\d,]+ per s\)$/, "the closing line stays");
    assert.match(progressCells[drawIndex + 1].outputs.map((o) => o.text).join(""), /drawn: 1500 test pictures/, "the next cell ran");

    fs.writeFileSync(path.join(artifacts, "timings.json"), JSON.stringify({
      totalSeconds: (Date.now() - started) / 1000, fitCellEndedMs: fitEndedMs, trainingStoppedMs: stoppedWithinMs,
      nextCellStartedMs: r.startedAt - interruptedAt,
      epochsBeforeInterrupt: r.epochsThen,
    }, null, 1));
  } catch (e) {
    if (page) await shot(page, "failure.png").catch(() => undefined);
    if (lab) fs.writeFileSync(path.join(artifacts, "jupyterlab.log"), lab.log());
    throw e;
  } finally {
    await browser?.close();
    await lab?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
