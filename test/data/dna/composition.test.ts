import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { baseComposition } from "../../../lib/data/dna/composition";
import { oneHotDna } from "../../../lib/data/dna/one-hot";

test("base composition: G + C fraction and CpG observed/expected, by hand", () => {
  const before = tf.memory().numTensors;
  // ACGTACGT: GC 4/8; CpG 2; expected C·G/L = 2·2/8 = 0.5 -> ratio 4.
  // CCCCGGGG: GC 1; CpG 1; expected 4·4/8 = 2 -> 0.5.   AATTAATT: no C or G -> 0, 0.
  const x = oneHotDna({ sequences: ["ACGTACGT", "CCCCGGGG", "AATTAATT", "GCGCATAT"] });
  const c = baseComposition(x as tf.Tensor3D);
  const rows = c.arraySync();
  const expected = [[0.5, 4], [1, 0.5], [0, 0], [0.5, 1 / (2 * 2 / 8)]];
  rows.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) < 1e-6, `row ${i} col ${j}: ${v} vs ${expected[i][j]}`)));
  tf.dispose([x, c]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => baseComposition(tf.zeros([2, 5, 3]) as tf.Tensor3D), /expected one-hot DNA \[N, L, 4\]/);
});
