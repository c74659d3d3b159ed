import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { DisplayMessage, setDisplaySink } from "../../lib/kernel/mime";
import { finalEpochText, historyChart, historyValues, plotHistory } from "../../lib/plotting/history";
import { loess } from "../../lib/plotting/loess";

const loessAt = (y: number[], at: number[]) => loess(y.map((_, i) => i + 1), y, at);
import { vegaLiteToSvg } from "../../lib/plotting/vegalite";

tf.enableProdMode();

type Row = { epoch: number; value: number; metric: string; data: string };

test("a real fit's history becomes one panel per metric, loss first, training and validation", async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: "sgd", loss: "meanSquaredError", metrics: ["mae"] });
  const x = tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7], [8, 1]);
  const h = await model.fit(x, x, { epochs: 3, validationSplit: 0.25, verbose: 0 });
  const spec = historyChart(h);
  const rows = (spec.data as { values: Row[] }).values;
  assert.equal(rows.length, 12);
  const facet = spec.facet as { row: { sort: string[] } };
  assert.deepEqual(facet.row.sort, ["loss", "mae"]);
  const valLoss = rows.filter((r) => r.metric === "loss" && r.data === "validation");
  assert.deepEqual(valLoss.map((r) => r.epoch), [1, 2, 3]);
  assert.deepEqual(valLoss.map((r) => r.value), h.history.val_loss);
  const svg = await vegaLiteToSvg(spec);
  for (const t of ["loss", "mae", "training", "validation", "epoch"]) assert.ok(svg.includes(`>${t}<`), `missing ${t}`);
  x.dispose();
  model.dispose();
});

test("plain objects work, metrics can be picked, values are checked", () => {
  const hist = { acc: [0.5, 0.6], loss: [1, 0.8], val_acc: [0.4, 0.5] };
  assert.deepEqual(historyValues({ history: hist }), hist);
  const spec = historyChart(hist, { metrics: ["acc"], title: "run 1" });
  assert.equal((spec.data as { values: Row[] }).values.length, 4);
  assert.equal(spec.title, "run 1");
  assert.throws(() => historyChart(hist, { metrics: ["mse"] }), /no metric 'mse' in the history; it has loss, acc/);
  assert.throws(() => historyValues({}), /history is empty/);
  assert.throws(() => historyValues({ loss: 3 } as never), /'loss' should be a list/);
  assert.throws(() => historyValues({ loss: ["x"] } as never), /'loss' epoch 1 is not a number/);
});

test("plotHistory shows a chart", async () => {
  const sent: DisplayMessage[] = [];
  setDisplaySink((m) => sent.push(m));
  try {
    await plotHistory({ loss: [1, 0.5] });
  } finally {
    setDisplaySink(null);
  }
  assert.equal(sent.length, 1);
  assert.ok("image/png" in sent[0].data && "application/vnd.vegalite.v5+json" in sent[0].data);
});

test("as R keras draws it: points for every epoch, a LOESS smooth from ten epochs on, ggplot's colours", () => {
  const loss = [0.9, 0.7, 0.6, 0.52, 0.47, 0.44, 0.41, 0.4, 0.38, 0.37, 0.36, 0.355];
  const short = historyChart({ loss: loss.slice(0, 9), val_loss: loss.slice(0, 9) });
  const shortRows = (short.data as { values: (Row & { kind: string })[] }).values;
  assert.ok(shortRows.every((r) => r.kind === "point"), "under ten epochs: points only, as R");
  const spec = historyChart({ loss, val_loss: loss.map((v) => v + 0.1) });
  const rows = (spec.data as { values: (Row & { kind: string })[] }).values;
  const smooth = rows.filter((r) => r.kind === "smooth" && r.data === "training");
  assert.equal(smooth.length, 80, "ggplot2 evaluates the smooth at 80 points");
  assert.equal(smooth[0].epoch, 1);
  assert.equal(smooth[79].epoch, 12);
  const expected = loessAt(loss, [1, 12]);
  assert.ok(Math.abs(smooth[0].value - expected[0]) < 1e-12 && Math.abs(smooth[79].value - expected[1]) < 1e-12);
  const layers = (spec.spec as { layer: { encoding: Record<string, { scale?: { range: string[] } }> }[] }).layer;
  assert.deepEqual(layers[1].encoding.fill.scale!.range, ["#F8766D", "#00BFC4"]);
  assert.equal(historyChart({ loss }, { smooth: false }).data && (historyChart({ loss }, { smooth: false }).data as { values: Row[] }).values.length, 12);
});

test("the Final epoch lines: R's layout (names right-aligned, 4 significant digits), training then validation", () => {
  const text = finalEpochText({ val_loss: [0.5, 0.04445], val_accuracy: [0.9, 0.98771], loss: [0.6, 0.046321], accuracy: [0.8, 0.98531] });
  assert.equal(text, ["", "Final epoch (plot to see history):", "        loss: 0.04632", "    accuracy: 0.9853", "    val_loss: 0.04445", "val_accuracy: 0.9877"].join("\n"));
  assert.match(finalEpochText({ loss: [1234.5678] }), /loss: 1,235$/);
  // tf.js's camelCase metric names are written as Keras writes them.
  assert.match(finalEpochText({ loss: [1], binaryAccuracy: [0.5], val_binaryAccuracy: [0.25] }), /\n    binary_accuracy: 0\.5\nval_binary_accuracy: 0\.25$/);
  const facet = historyChart({ loss: [1, 2], binaryAccuracy: [0.5, 0.6] }).facet as { row: { sort: string[] } };
  assert.deepEqual(facet.row.sort, ["loss", "binary_accuracy"]);
});
