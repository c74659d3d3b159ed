import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as vm from "vm";
import { DisplayMessage, setDisplaySink } from "../../lib/kernel/mime";
import { plotlyBundle, plotlyJs, PLOTLY_MIME, resetPlotlyLoaded, showPlotly } from "../../lib/plotting/plotly";

const fig = { data: [{ x: [1, 2, 3], y: [1, 4, 9], type: "scatter", name: "a </script> b" }], layout: { title: { text: "Squares" }, height: 300 } };

test("plotly.js is inlined in the first figure only, then reused", () => {
  resetPlotlyLoaded();
  const first = plotlyBundle(fig);
  const second = plotlyBundle(fig);
  const lib = plotlyJs();
  assert.ok(lib.length > 1_000_000, "plotly.js bundle looks too small");
  assert.ok((first["text/html"] as string).includes(lib));
  assert.ok(!(second["text/html"] as string).includes(lib));
  assert.ok((second["text/html"] as string).length < 5000);
  assert.ok((plotlyBundle(fig, { includePlotlyJs: true })["text/html"] as string).includes(lib));
  resetPlotlyLoaded();
  assert.ok(!(plotlyBundle(fig, { includePlotlyJs: false })["text/html"] as string).includes(lib));
});

test("the bundle has Plotly JSON, HTML and text; trace text cannot close the script early", () => {
  const b = plotlyBundle(fig, { includePlotlyJs: false });
  assert.deepEqual(Object.keys(b).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
  assert.deepEqual(b[PLOTLY_MIME], { data: fig.data, layout: fig.layout, config: {} });
  assert.equal(b["text/plain"], "[Plotly figure: Squares; 1 trace(s): scatter]");
  const html = b["text/html"] as string;
  assert.equal(html.match(/<\/script>/g)!.length, 1);
  assert.match(html, /height:300px/);
  const id = /<div id="([^"]+)"/.exec(html)![1];
  assert.ok(html.includes(JSON.stringify(id)));
});

test("the HTML script draws the figure with window.Plotly.newPlot", () => {
  const html = plotlyBundle(fig, { includePlotlyJs: false })["text/html"] as string;
  const script = /<script type="text\/javascript">([\s\S]*)<\/script>/.exec(html)![1];
  const calls: unknown[][] = [];
  const el = { textContent: "placeholder" };
  const window = { Plotly: { newPlot: (...args: unknown[]) => calls.push(args) } };
  vm.runInNewContext(script, { window, document: { getElementById: () => el }, setTimeout });
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], el);
  assert.equal(el.textContent, "", "the placeholder text should be cleared before drawing");
  // Objects made inside the vm have another realm's prototypes: compare them as JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(calls[0][1])), fig.data);
  assert.deepEqual(JSON.parse(JSON.stringify(calls[0][3])), { responsive: true });
});

test("showPlotly displays once; bad figures are rejected", () => {
  const sent: DisplayMessage[] = [];
  setDisplaySink((m) => sent.push(m));
  try {
    showPlotly(fig, { includePlotlyJs: false });
  } finally {
    setDisplaySink(null);
  }
  assert.equal(sent.length, 1);
  assert.throws(() => plotlyBundle({} as never), /needs a data array/);
  assert.throws(() => plotlyBundle({ data: [3 as never] }), /trace 0 must be an object/);
  assert.throws(() => plotlyBundle({ data: [], layout: [] as never }), /layout must be an object/);
});
