/** boxplotStats / fivenum against R itself (r-boxplot-stats.json, from scripts/golden/r-boxplot-stats.R), and the chart built from them. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { boxplotStats, fivenum, rBoxplot } from "../../lib/plotting/r-boxplot";
import { vegaLiteToSvg } from "../../lib/plotting/vegalite";

interface Case { name: string; x: number[]; coef: [number]; fivenum: number[]; stats: number[]; n: number; conf: number[]; out: number[] }
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, "r-boxplot-stats.json"), "utf8")) as { cases: Case[] };
const near = (a: number[], b: number[], what: string) => {
  assert.equal(a.length, b.length, `${what}: length`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12, `${what}[${i}]: ${v} vs R ${b[i]}`));
};

for (const c of golden.cases) {
  test(`R boxplot.stats: ${c.name}`, () => {
    near(fivenum(c.x), c.fivenum, "fivenum");
    const s = boxplotStats(c.x, c.coef[0]);
    near(s.stats, c.stats, "stats");
    assert.equal(s.n, c.n);
    near(s.conf, c.conf, "conf");
    near(s.out, c.out, "out");
  });
}

test("hinges are not type-7 quantiles: 1..8 has hinges 2.5 and 6.5 (quantile() gives 2.75 and 6.25)", () => {
  const s = boxplotStats([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(s.stats, [1, 2.5, 4.5, 6.5, 8]);
  assert.deepEqual(s.out, []);
});

test("the chart carries R's numbers, draws the outliers, and renders", async () => {
  const c = golden.cases.find((g) => g.name === "outliers_both_sides")!;
  const t = tf.tensor1d([0.1, 0.2, 0.3]);
  const spec = rBoxplot({ groups: { a: c.x, b: t }, yLabel: "probability", title: "test" });
  t.dispose();
  const layers = spec.layer as { data: { values: Record<string, number | string>[] }; mark: { type: string } }[];
  const box = layers[0].data.values[0];
  near([box.lower, box.q1, box.median, box.q3, box.upper] as number[], c.stats, "box row");
  const points = layers[layers.length - 1].data.values.filter((r) => r.group === "a").map((r) => r.value as number);
  near(points, c.out, "outlier points");
  const svg = await vegaLiteToSvg(spec);
  assert.match(svg, /<svg/);
  assert.match(svg, /probability/);
});

test("clear errors", () => {
  assert.throws(() => boxplotStats([]), /no values/);
  assert.throws(() => boxplotStats([1, Infinity]), /not a finite number/);
  assert.throws(() => boxplotStats([1, 2], -1), /coef must be >= 0/);
  assert.throws(() => rBoxplot({ groups: {} }), /give groups/);
  assert.throws(() => rBoxplot({ groups: { a: [] } }), /group 'a' has no values/);
  assert.throws(() => rBoxplot({ groups: { a: [1] }, yDomain: [1, 0] }), /yDomain/);
});
