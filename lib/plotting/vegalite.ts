/**
 * Showing Vega-Lite charts. A chart is sent three ways at once: the Vega-Lite JSON (JupyterLab draws
 * it natively), a PNG rendered here on the server (nbconvert handouts, untrusted notebooks, GitHub)
 * and a line of plain text (terminals). Rendering is async in Vega, so callers `await` it.
 *
 * Not named vega.ts on purpose: tslab resolves `require("vega")` against the importing file's own
 * folder first, so a lib/plotting/vega.ts importing "vega" would import itself (stack overflow).
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import { displayBundle, MimeBundle } from "../kernel/mime";
import { svgToPng } from "../display/svg";

/** A Vega-Lite (v5) specification as plain JSON. */
export type VegaLiteSpec = { [key: string]: unknown };

export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

function checkSpec(spec: VegaLiteSpec): void {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new Error("vega: a Vega-Lite spec must be an object");
  }
}

/** Renders a Vega-Lite spec to an SVG document (no browser; text widths are estimated). */
export async function vegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  checkSpec(spec);
  let compiled: vega.Spec;
  try {
    // vega-lite's types insist on its own spec type; ours is plain JSON checked at compile time.
    compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  } catch (e) {
    throw new Error(`vega: invalid Vega-Lite spec: ${(e as Error).message}`);
  }
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options for rendering a chart to PNG. */
export interface VegaPngOptions {
  /** Pixel density: 2 draws at twice the size for sharp text on high-DPI screens (default 2). */
  scale?: number;
}

/** Renders a Vega-Lite spec to PNG bytes, plus the chart's own (CSS pixel) width. */
export async function vegaLiteToPng(spec: VegaLiteSpec, options: VegaPngOptions = {}): Promise<{ png: Buffer; width: number }> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new Error(`vega: scale must be in (0, 8], got ${scale}`);
  const svg = await vegaLiteToSvg(spec);
  const m = /<svg[^>]*\swidth="([\d.]+)"/.exec(svg);
  const width = m ? Math.round(Number(m[1])) : 400;
  return { png: svgToPng(svg, { width: Math.round(width * scale) }), width };
}

function describe(spec: VegaLiteSpec): string {
  const title = spec.title;
  const name = typeof title === "string" ? title : typeof title === "object" && title !== null && "text" in title ? String((title as { text: unknown }).text) : "";
  const data = spec.data as { values?: unknown[] } | undefined;
  const rows = data && Array.isArray(data.values) ? `, ${data.values.length} data rows` : "";
  return `[Vega-Lite chart${name ? `: ${name}` : ""}${rows}]`;
}

/** The MIME bundle for a chart (exposed so tests and other displays can reuse it). */
export async function vegaLiteBundle(spec: VegaLiteSpec): Promise<{ bundle: MimeBundle; metadata: Record<string, unknown> }> {
  const full: VegaLiteSpec = { $schema: SCHEMA, ...spec };
  const { png, width } = await vegaLiteToPng(full);
  return {
    bundle: { [VEGALITE_MIME]: full, "image/png": png, "text/plain": describe(full) },
    // Show the 2x PNG at the chart's own width so it is sharp rather than huge.
    metadata: { "image/png": { width } },
  };
}

/** Shows a Vega-Lite chart in the notebook. Remember to `await` it. */
export async function showVegaLite(spec: VegaLiteSpec): Promise<void> {
  const { bundle, metadata } = await vegaLiteBundle(spec);
  displayBundle(bundle, metadata);
}
