/**
 * Interactive Plotly figures (zoom, hover) in a notebook and in its HTML handout.
 *
 * The bundle holds the Plotly JSON (for JupyterLab's plotly renderer, when installed), an HTML
 * fallback that draws the figure with plotly.js, and plain text. plotly.js (several MB) is inlined
 * in the first figure of a kernel session only; later figures wait for `window.Plotly`. A handout
 * made by running the notebook top to bottom therefore carries exactly one copy and works offline.
 */
import * as fs from "fs";
import { randomBytes } from "crypto";
import { displayBundle, MimeBundle } from "../kernel/mime";

/** A Plotly figure as JSON: traces, layout and config (see plotly.js docs). */
export interface PlotlyFigure {
  data: Array<{ [key: string]: unknown }>;
  layout?: { [key: string]: unknown };
  config?: { [key: string]: unknown };
}

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

// Kept on globalThis: tslab may re-load this file between cells, the kernel process stays.
const LOADED_FLAG = "__tsdlPlotlyInlined";
type FlagHolder = { [LOADED_FLAG]?: boolean };

/** Makes the next figure inline plotly.js again (e.g. after reloading the browser page). */
export function resetPlotlyLoaded(): void {
  (globalThis as FlagHolder)[LOADED_FLAG] = false;
}

let plotlySource: string | null = null;

/** The plotly.js browser bundle; the minified package is preferred when installed. */
export function plotlyJs(): string {
  if (plotlySource === null) {
    let file: string | null = null;
    for (const name of ["plotly.js-dist-min", "plotly.js-dist"]) {
      try {
        file = require.resolve(name);
        break;
      } catch {
        // try the next package
      }
    }
    if (file === null) throw new Error("plotly: neither plotly.js-dist-min nor plotly.js-dist is installed (npm install)");
    // A literal "</script" would end the inline <script> element early.
    plotlySource = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return plotlySource;
}

// JSON that is safe inside a <script> element.
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function checkFigure(figure: PlotlyFigure): void {
  if (!figure || typeof figure !== "object" || !Array.isArray(figure.data)) {
    throw new Error("plotly: a figure needs a data array of traces, e.g. {data: [{x: [...], y: [...]}]}");
  }
  figure.data.forEach((trace, i) => {
    if (!trace || typeof trace !== "object" || Array.isArray(trace)) throw new Error(`plotly: trace ${i} must be an object`);
  });
  for (const key of ["layout", "config"] as const) {
    const v = figure[key];
    if (v !== undefined && (typeof v !== "object" || v === null || Array.isArray(v))) {
      throw new Error(`plotly: ${key} must be an object`);
    }
  }
}

/** Options for building a Plotly bundle. */
export interface PlotlyBundleOptions {
  /** Inline plotly.js: true, false, or "auto" = only the first time in this kernel (default). */
  includePlotlyJs?: boolean | "auto";
}

/** The MIME bundle for a figure; with "auto", the first call of a session carries plotly.js. */
export function plotlyBundle(figure: PlotlyFigure, options: PlotlyBundleOptions = {}): MimeBundle {
  checkFigure(figure);
  const mode = options.includePlotlyJs ?? "auto";
  const holder = globalThis as FlagHolder;
  const inline = mode === true || (mode === "auto" && !holder[LOADED_FLAG]);
  const id = "tsdl-plotly-" + randomBytes(6).toString("hex");
  const height = typeof figure.layout?.height === "number" ? figure.layout.height : 450;
  const json = { data: figure.data, layout: figure.layout ?? {}, config: figure.config ?? {} };
  const drawConfig = { responsive: true, ...json.config };
  // The placeholder text shows where scripts do not run (untrusted notebooks, static previews).
  const parts = [
    `<div id="${id}" style="width:100%;height:${height}px;">Interactive Plotly figure: it appears when the ` +
      `notebook is trusted and its cells are run, or in the HTML handout.</div>`,
  ];
  if (inline) parts.push(`<script type="text/javascript">${plotlyJs()}</script>`);
  // Wait for window.Plotly (its <script> may still be loading); after 20 s say why nothing shows.
  parts.push(
    `<script type="text/javascript">(function () {
  var fig = ${scriptJson({ data: json.data, layout: json.layout, config: drawConfig })};
  var tries = 0;
  function draw() {
    var el = document.getElementById(${scriptJson(id)});
    if (!el) return;
    if (window.Plotly) { el.textContent = ""; window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); return; }
    if (++tries < 200) { setTimeout(draw, 100); return; }
    el.textContent = "plotly.js is not loaded on this page: run the notebook from the top, or call resetPlotlyLoaded() and re-run this cell.";
  }
  draw();
})();</script>`,
  );
  if (inline) holder[LOADED_FLAG] = true;
  const title = figure.layout?.title;
  const titleText = typeof title === "string" ? title : title && typeof title === "object" && "text" in title ? String((title as { text: unknown }).text) : "";
  const kinds = [...new Set(figure.data.map((t) => String(t.type ?? "scatter")))].join(", ");
  return {
    [PLOTLY_MIME]: json,
    "text/html": parts.join("\n"),
    "text/plain": `[Plotly figure${titleText ? `: ${titleText}` : ""}; ${figure.data.length} trace(s): ${kinds}]`,
  };
}

/** Shows an interactive Plotly figure. */
export function showPlotly(figure: PlotlyFigure, options: PlotlyBundleOptions = {}): void {
  displayBundle(plotlyBundle(figure, options));
}
