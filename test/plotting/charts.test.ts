import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { boxPlot, heatmap, lineChart, rocChart } from "../../lib/plotting/charts";
import { vegaLiteToSvg } from "../../lib/plotting/vegalite";

tf.enableProdMode();

type Rows = { values: Record<string, unknown>[] };
const rows = (spec: Record<string, unknown>) => (spec.data as Rows).values;

test("lineChart: long-format rows per series, lines and points, legend in series order, renders", async () => {
  const xs = [0, 25, 50, 100];
  const before = tf.memory().numTensors;
  const pred = tf.tensor1d(xs.map((x) => Math.sqrt(x) + 0.1));
  const spec = lineChart({
    title: "fit",
    series: [
      { name: "truth", x: xs, y: xs.map(Math.sqrt) },
      { name: "prediction", x: xs, y: pred },
      { name: "data", x: [10, 20], y: [3, 4.5], mark: "point" },
    ],
    xDomain: [20, 80],
    bands: [{ from: 40, to: 60, label: "gap" }],
  });
  pred.dispose();
  assert.equal(tf.memory().numTensors, before);
  const r = rows(spec);
  assert.equal(r.length, 10);
  assert.deepEqual(r.filter((d) => d.series === "prediction").map((d) => d.y), Array.from(new Float32Array(xs.map((x) => Math.sqrt(x) + 0.1))));
  const layers = spec.layer as { mark: { type: string }; encoding?: { x: { scale?: { domain?: number[] } }; color?: { sort: string[] } } }[];
  assert.deepEqual(layers.map((l) => l.mark.type), ["rect", "text", "line", "point"]);
  assert.deepEqual(layers[2].encoding!.x.scale!.domain, [20, 80]);
  assert.deepEqual(layers[2].encoding!.color!.sort, ["truth", "prediction", "data"]);
  const svg = await vegaLiteToSvg(spec);
  for (const label of ["truth", "prediction", "data", "gap", "fit"]) assert.ok(svg.includes(`>${label}<`), `missing ${label}`);
});

test("lineChart rejects bad input", () => {
  assert.throws(() => lineChart({ series: [] }), /at least one series/);
  assert.throws(() => lineChart({ series: [{ name: "a", x: [1, 2], y: [1] }] }), /'a' has 2 x values but 1 y values/);
  assert.throws(() => lineChart({ series: [{ name: "a", x: [1], y: [1] }, { name: "a", x: [1], y: [1] }] }), /two series are named 'a'/);
  assert.throws(() => lineChart({ series: [{ name: "a", x: [1], y: [NaN] }] }), /element 0 is not a number/);
  assert.throws(() => lineChart({ series: [{ name: "a", x: [1], y: [1] }], yDomain: [2, 1] }), /min < max/);
  const m = tf.zeros([2, 2]);
  assert.throws(() => lineChart({ series: [{ name: "a", x: [1, 2, 3, 4], y: m }] }), /expected a 1-D tensor/);
  m.dispose();
});

test("boxPlot: one box per group in the given order", async () => {
  const spec = boxPlot({ groups: { deer: [0.1, 0.2, 0.3, 0.9], frog: [0.5], truck: new Float32Array([0.2, 0.4]) }, yLabel: "probability" });
  assert.equal(rows(spec).length, 7);
  assert.deepEqual((spec.encoding as { x: { sort: string[] } }).x.sort, ["deer", "frog", "truck"]);
  assert.ok((await vegaLiteToSvg(spec)).includes(">truck<"));
  assert.throws(() => boxPlot({ groups: {} }), /give groups/);
  assert.throws(() => boxPlot({ groups: { a: [] } }), /group 'a' has no values/);
});

test("heatmap: cells with their values, labels checked", async () => {
  const spec = heatmap({ values: [[5, 1], [2, 7]], rowLabels: ["Rick", "Not Rick"], colLabels: ["Rick", "Not Rick"] });
  assert.deepEqual(rows(spec).map((d) => d.value), [5, 1, 2, 7]);
  assert.deepEqual(rows(spec)[1], { row: "Rick", col: "Not Rick", value: 1 });
  const svg = await vegaLiteToSvg(spec);
  assert.ok(svg.includes(">7<") && svg.includes(">Not Rick<"));
  const t = tf.tensor2d([[1, 2, 3]]);
  assert.equal(rows(heatmap({ values: t })).length, 3);
  t.dispose();
  assert.throws(() => heatmap({ values: [[1, 2], [3]] }), /same, non-zero length/);
  assert.throws(() => heatmap({ values: [[1]], rowLabels: ["a", "b"] }), /2 row labels for 1 rows/);
  assert.throws(() => heatmap({ values: [[1, Infinity]] }), /\[0\]\[1\] is not a finite number/);
  assert.throws(() => heatmap({ values: [] }), /non-empty 2-D array/);
});

test("rocChart: the curve in point order, AUC in the legend, the diagonal underneath", async () => {
  const spec = rocChart({ curves: [{ name: "CNN", fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1], auc: 0.875 }] });
  const r = rows(spec);
  assert.deepEqual(r.map((d) => d.i), [0, 1, 2, 3]);
  assert.equal(r[0].series, "CNN (AUC 0.875)");
  const layers = spec.layer as { mark: { type: string; strokeDash?: number[] } }[];
  assert.ok(layers[0].mark.strokeDash);
  assert.ok((await vegaLiteToSvg(spec)).includes("CNN (AUC 0.875)"));
  assert.throws(() => rocChart({ curves: [{ name: "x", fpr: [0, 1.5], tpr: [0, 1] }] }), /rate 1.5 outside \[0, 1\]/);
  assert.throws(() => rocChart({ curves: [] }), /at least one curve/);
});
