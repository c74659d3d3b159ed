import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { DisplayMessage, setDisplaySink } from "../../lib/display/mime";
import { historyChart, historyValues, plotHistory } from "../../lib/plotting/history";
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
