import { test } from "node:test";
import * as assert from "node:assert/strict";
import { seq } from "../../lib/data/seq";

test("seq follows R", () => {
  const s = seq(0, 200, 0.5);
  assert.equal(s.length, 401);
  assert.equal(s[400], 200);
  assert.deepEqual(seq(1, 2, 0.3), [1, 1.3, 1.6, 1.9]);
  assert.deepEqual(seq(5, 1, -2), [5, 3, 1]);
  assert.deepEqual(seq(3, 3), [3]);
  assert.throws(() => seq(0, 1, -1), /cannot lead/);
  assert.throws(() => seq(0, 1, 0), /cannot lead/);
  assert.throws(() => seq(0, Infinity), /finite/);
});
