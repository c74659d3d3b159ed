/**
 * lib/plotting/loess.ts against R's own loess (test/plotting/loess-golden.json, made by
 * scripts/golden/loess.R on R 4.2): equal to R's direct computation to 1e-9, and within a small
 * distance of R's default interpolated surface (what ggplot2 draws) on history-like series.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { evenGrid, loess } from "../../lib/plotting/loess";

interface Case { name: string; span: number; degree: 1 | 2; x: number[]; y: number[]; at: number[]; direct: number[]; interpolate: number[] }
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, "loess-golden.json"), "utf8")) as { cases: Case[] };

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

for (const c of golden.cases) {
  test(`${c.name}: as R's loess(surface = "direct") to 1e-9, near R's interpolated one`, () => {
    const ours = loess(c.x, c.y, c.at, { span: c.span, degree: c.degree });
    assert.ok(maxDiff(ours, c.direct) < 1e-9, `direct: ${maxDiff(ours, c.direct)}`);
    const range = Math.max(...c.y) - Math.min(...c.y);
    assert.ok(maxDiff(ours, c.interpolate) < 0.05 * range, `interpolate: ${maxDiff(ours, c.interpolate)} of range ${range}`);
    assert.deepEqual(evenGrid(c.x[0], c.x[c.x.length - 1]).map((v) => v.toFixed(9)), c.at.map((v) => v.toFixed(9)));
  });
}

test("a quadratic is reproduced exactly by degree 2; bad input is refused with a reason", () => {
  const x = Array.from({ length: 15 }, (_, i) => i);
  const y = x.map((v) => 3 - 2 * v + 0.5 * v * v);
  const at = [0, 2.5, 7, 14];
  assert.ok(maxDiff(loess(x, y, at), at.map((v) => 3 - 2 * v + 0.5 * v * v)) < 1e-9);
  assert.throws(() => loess([1, 2], [1], [1]), /x has 2 values, y 1/);
  assert.throws(() => loess([1, 1, 1], [1, 2, 3], [1]), /at least 3 distinct x values, got 1/);
  assert.throws(() => loess(x, y, at, { span: 0 }), /span must be positive/);
});
