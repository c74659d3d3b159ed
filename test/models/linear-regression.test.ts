import { test } from "node:test";
import * as assert from "node:assert/strict";
import { fitLinear } from "../../lib/models/linear-regression";

test("recovers a known line and matches hand-computed least squares", () => {
  const fit = fitLinear([0, 1, 2, 3], [1, 3, 5, 7]);
  assert.ok(Math.abs(fit.slope - 2) < 1e-12 && Math.abs(fit.intercept - 1) < 1e-12);
  assert.ok(Math.abs(fit.rSquared - 1) < 1e-12);
  assert.deepEqual(fit.predict([10]), [21]);
  // y = (1, 2, 2): slope 0.5, intercept 7/6, R² = 0.75 (worked by hand).
  const g = fitLinear([0, 1, 2], [1, 2, 2]);
  assert.ok(Math.abs(g.slope - 0.5) < 1e-12 && Math.abs(g.intercept - 7 / 6) < 1e-12 && Math.abs(g.rSquared - 0.75) < 1e-12);
});

test("bad input is refused clearly", () => {
  assert.throws(() => fitLinear([1, 2], [1]), /2 x values but 1 y values/);
  assert.throws(() => fitLinear([1], [1]), /at least two/);
  assert.throws(() => fitLinear([3, 3], [1, 2]), /slope is undefined/);
  assert.throws(() => fitLinear([1, NaN], [1, 2]), /finite/);
});
