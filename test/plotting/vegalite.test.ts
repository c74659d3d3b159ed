import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Resvg } from "@resvg/resvg-js";
import { DisplayMessage, setDisplaySink } from "../../lib/kernel/mime";
import { fontOptions, svgToPng } from "../../lib/display/svg";
import { showVegaLite, vegaLiteBundle, vegaLiteToSvg, VEGALITE_MIME } from "../../lib/plotting/vegalite";
import { pngSize } from "../display/png-decode";

const spec = {
  title: "Squares",
  data: { values: [1, 2, 3, 4].map((x) => ({ x, y: x * x })) },
  mark: "line",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
};

test("a chart renders to SVG with its title and marks", async () => {
  const svg = await vegaLiteToSvg(spec);
  assert.match(svg, /^<svg/);
  assert.ok(svg.includes(">Squares<"), "title text missing");
  assert.ok(svg.includes("<path"), "no line drawn");
});

test("the bundle has Vega-Lite JSON, a 2x PNG shown at 1x, and text", async () => {
  const { bundle, metadata } = await vegaLiteBundle(spec);
  assert.deepEqual(Object.keys(bundle).sort(), [VEGALITE_MIME, "image/png", "text/plain"].sort());
  assert.equal((bundle[VEGALITE_MIME] as { $schema: string }).$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assert.equal(bundle["text/plain"], "[Vega-Lite chart: Squares, 4 data rows]");
  const width = (metadata["image/png"] as { width: number }).width;
  const size = pngSize(bundle["image/png"] as Buffer);
  assert.ok(width > 100);
  assert.equal(size.width, 2 * width);
  assert.ok(size.height > 100);
});

test("showVegaLite sends one display message", async () => {
  const sent: DisplayMessage[] = [];
  setDisplaySink((m) => sent.push(m));
  try {
    await showVegaLite(spec);
  } finally {
    setDisplaySink(null);
  }
  assert.equal(sent.length, 1);
  assert.equal(typeof sent[0].data["image/png"], "string"); // base64
});

test("text is actually drawn: a font is installed (Debian: fonts-dejavu-core, or setup's copy without root)", () => {
  const svg = (text: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="22" font-family="sans-serif" font-size="20">${text}</text></svg>`;
  const ink = (s: string) => {
    const px = new Resvg(s, { font: fontOptions() }).render().pixels;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    return n;
  };
  assert.equal(ink(svg("")), 0);
  assert.ok(ink(svg("loss 0.25")) > 50, "no text pixels: install a font package such as fonts-dejavu-core");
  // And through our own renderer (white background, so look for dark pixels).
  assert.ok(svgToPng(svg("loss")).length > svgToPng(svg("")).length);
});

test("invalid specs and SVGs give clear errors", async () => {
  await assert.rejects(vegaLiteToSvg([] as unknown as Record<string, unknown>), /must be an object/);
  await assert.rejects(vegaLiteToSvg({ mark: "no-such-mark", data: { values: [] } }), /invalid Vega-Lite spec/);
  assert.throws(() => svgToPng("hello"), /expected an SVG document/);
  assert.throws(() => svgToPng("<svg xmlns='http://www.w3.org/2000/svg' width='2' height='2'/>", { width: 0 }), /width must be a positive integer/);
});
