/**
 * What a person does and sees in a JupyterLab 4 notebook page, for puppeteer: menu commands by
 * their labels, the kernel's status in the status bar, and a report of every code cell (prompt,
 * outputs by MIME type, errors, whether images and charts were drawn). A sampler records how
 * each cell's outputs change over time, to tell an output updated in place from a growing stream.
 */
import type { Page } from "puppeteer-core";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Clicks a top menu ("Run") and then an entry of it ("Run All Cells"), as a person would. */
export async function menu(page: Page, top: string, item: string): Promise<void> {
  const bar = (await page.evaluateHandle((label) =>
    Array.from(document.querySelectorAll<HTMLElement>(".lm-MenuBar-item")).find((e) => e.textContent?.trim() === label) ?? null, top)).asElement();
  if (!bar) throw new Error(`no menu "${top}" in the menu bar`);
  await (bar as import("puppeteer-core").ElementHandle<Element>).click();
  await page.waitForSelector(".lm-Menu", { visible: true, timeout: 5000 });
  const handle = await page.waitForFunction((label) => {
    const items = Array.from(document.querySelectorAll<HTMLElement>(".lm-Menu .lm-Menu-item"));
    return items.find((e) => e.querySelector(".lm-Menu-itemLabel")?.textContent?.trim() === label && !e.classList.contains("lm-mod-disabled")) ?? null;
  }, { timeout: 5000 }, item).catch(async () => {
    const labels = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".lm-Menu .lm-Menu-item")).map((e) => e.querySelector(".lm-Menu-itemLabel")?.textContent?.trim()));
    throw new Error(`no enabled entry "${item}" in the "${top}" menu; it has: ${labels.filter(Boolean).join(" / ")}`);
  });
  const el = handle.asElement();
  if (!el) throw new Error(`no enabled entry "${item}" in the "${top}" menu`);
  await (el as import("puppeteer-core").ElementHandle<Element>).click();
}

/** The kernel part of the status bar, e.g. "TypeScript (course) | Idle". */
export async function kernelStatus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const items = Array.from(document.querySelectorAll(".jp-StatusBar-Item")).map((e) => e.textContent ?? "");
    return items.find((t) => t.includes(" | ")) ?? "";
  });
}

export interface OutputReport {
  mime: string;
  text: string;
  /** Images in the output and how many decoded with a size. */
  images: number;
  decoded: number;
  /** Vega-embed drawings (canvas or svg with a size) in the output (JupyterLab's Vega-Lite renderer). */
  charts: number;
}

export interface CellReport {
  index: number;
  source: string;
  prompt: string;
  outputs: OutputReport[];
}

/** Every code cell of the open notebook, with what it shows now. */
export async function cellReports(page: Page): Promise<CellReport[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell")).map((cell, index) => ({
      index,
      source: Array.from(cell.querySelectorAll(".cm-content .cm-line")).map((l) => l.textContent ?? "").join("\n"),
      prompt: cell.querySelector(".jp-InputPrompt")?.textContent?.trim() ?? "",
      outputs: Array.from(cell.querySelectorAll(".jp-OutputArea-output")).map((o) => {
        const imgs = Array.from(o.querySelectorAll("img"));
        const drawn = Array.from(o.querySelectorAll(".vega-embed canvas, .vega-embed svg")).filter((c) => {
          const r = c.getBoundingClientRect();
          return r.width > 50 && r.height > 50;
        });
        return {
          // Vega's renderer does not mark its output with data-mime-type: name it by what it drew.
          mime: o.getAttribute("data-mime-type") ?? (o.querySelector(".vega-embed") ? "vega-embed" : ""),
          text: (o.textContent ?? "").slice(0, 2000),
          images: imgs.length,
          decoded: imgs.filter((i) => i.complete && i.naturalWidth > 0).length,
          charts: drawn.length,
        };
      }),
    })),
  );
}

/** Starts recording, every 25 ms, each code cell's number of outputs and a fingerprint of their content. */
export async function startSampler(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __samples: { maxOutputs: number[]; states: string[][] }; __sampler: number };
    w.__samples = { maxOutputs: [], states: [] };
    w.__sampler = window.setInterval(() => {
      document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell").forEach((cell, i) => {
        const outs = Array.from(cell.querySelectorAll(".jp-OutputArea-output"));
        w.__samples.maxOutputs[i] = Math.max(w.__samples.maxOutputs[i] ?? 0, outs.length);
        const sig = outs.map((o) => {
          const img = o.querySelector("img");
          return `${o.getAttribute("data-mime-type")}:${img ? img.src.length + img.src.slice(-24) : (o.textContent ?? "").length}`;
        }).join("|");
        const states = (w.__samples.states[i] ??= []);
        if (sig !== "" && states[states.length - 1] !== sig) states.push(sig);
      });
    }, 25);
  });
}

/** Stops the sampler; per code cell, the most outputs seen at once and the distinct states seen in order. */
export async function stopSampler(page: Page): Promise<{ maxOutputs: number[]; states: string[][] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __samples: { maxOutputs: number[]; states: string[][] }; __sampler: number };
    window.clearInterval(w.__sampler);
    return w.__samples;
  });
}

/**
 * Waits until the kernel is idle and no cell is queued or running ("[*]") for `stableMs`.
 * Returns the reports then; throws after `timeoutMs`.
 */
export async function waitUntilSettled(page: Page, timeoutMs: number, stableMs = 2000): Promise<CellReport[]> {
  const deadline = Date.now() + timeoutMs;
  let since = 0;
  for (;;) {
    const status = await kernelStatus(page);
    const cells = await cellReports(page);
    const busy = !/\| Idle/.test(status) || cells.some((c) => c.prompt.includes("*"));
    if (!busy) {
      if (since === 0) since = Date.now();
      if (Date.now() - since >= stableMs) return cells;
    } else since = 0;
    if (Date.now() > deadline) {
      throw new Error(`notebook still busy after ${timeoutMs / 1000} s (status "${status}", prompts ${cells.map((c) => c.prompt).join(" ")})`);
    }
    await sleep(250);
  }
}
