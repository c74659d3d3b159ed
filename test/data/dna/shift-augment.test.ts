import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { SequenceShifter, shiftOneHot, shiftSequence } from "../../../lib/data/dna/shift-augment";
import { decodeOneHot, oneHotDna } from "../../../lib/data/dna/one-hot";
import { Rng } from "../../../lib/random/rng";

tf.enableProdMode();

function randomDna(rng: Rng, n: number): string {
  return Array.from({ length: n }, () => "ACGT"[rng.index(4)]).join("");
}

test("shiftSequence moves the text and fills with N, keeping the length", () => {
  assert.equal(shiftSequence("ACGTAC", 2), "NNACGT");
  assert.equal(shiftSequence("ACGTAC", -2), "GTACNN");
  assert.equal(shiftSequence("ACGTAC", 0), "ACGTAC");
  assert.throws(() => shiftSequence("ACGT", 4), /moves a 4 bp sequence entirely out/);
  assert.throws(() => shiftSequence("ACGT", 1.5), /whole numbers/);
});

test("shiftOneHot on 200 bp windows equals the shifted text, per sequence, with all-zero columns coming in", () => {
  const rng = new Rng(11);
  const seqs = Array.from({ length: 5 }, () => randomDna(rng, 200));
  const shifts = [0, 7, -7, 150, -199];
  const before = tf.memory().numTensors;
  const x = oneHotDna({ sequences: seqs });
  const y = shiftOneHot(x, shifts);
  assert.deepEqual(y.shape, [5, 200, 4]);
  const rows = y.arraySync() as number[][][];
  rows.forEach((r, i) => assert.equal(decodeOneHot(r), shiftSequence(seqs[i], shifts[i]), `sequence ${i}, shift ${shifts[i]}`));
  const sums = tf.tidy(() => Array.from(y.sum([1, 2]).dataSync()));
  assert.deepEqual(sums, shifts.map((s) => 200 - Math.abs(s)), "no base is changed, only moved out");
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before);
  const z = oneHotDna({ sequences: seqs });
  assert.throws(() => shiftOneHot(z, [1, 2]), /5 sequences but 2 shifts/);
  z.dispose();
});

test("SequenceShifter draws seeded shifts within ±maxShift, using the whole range", () => {
  const a = new SequenceShifter({ maxShift: 20, seed: 3 }).drawShifts(2000);
  assert.deepEqual(a, new SequenceShifter({ maxShift: 20, seed: 3 }).drawShifts(2000));
  assert.notDeepEqual(a, new SequenceShifter({ maxShift: 20, seed: 4 }).drawShifts(2000));
  assert.equal(Math.min(...a), -20);
  assert.equal(Math.max(...a), 20);
  assert.equal(new Set(a).size, 41);
  assert.ok(Math.abs(a.reduce((s, v) => s + v, 0) / a.length) < 1.5, "centred on no shift");
  assert.deepEqual(new SequenceShifter({ maxShift: 0 }).drawShifts(5), [0, 0, 0, 0, 0]);
  assert.throws(() => new SequenceShifter({ maxShift: -1 }), /maxShift must be a whole number/);
  const x = tf.zeros([2, 10, 4]);
  assert.throws(() => new SequenceShifter({ maxShift: 10 }).shiftBatch(x), /not shorter than the 10 bp/);
  x.dispose();
});

test("a planted site 100 bp from the edges stays whole under shifts of up to 20 bp", () => {
  const rng = new Rng(5);
  const site = "ACCATTGTTC";
  const seqs = Array.from({ length: 50 }, () => {
    const s = randomDna(rng, 200);
    return s.slice(0, 95) + site + s.slice(105);
  });
  const x = oneHotDna({ sequences: seqs });
  const y = new SequenceShifter({ maxShift: 20, seed: 9 }).shiftBatch(x);
  const rows = y.arraySync() as number[][][];
  rows.forEach((r) => assert.ok(decodeOneHot(r).includes(site)));
  tf.dispose([x, y]);
});

test("dataset: every epoch new shifts and order, labels stay with their sequences, trains without leaks", async () => {
  const rng = new Rng(2);
  const n = 24;
  // class k = sequences made of one repeated base, so the label can be read back from the pixels
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const seqs = labels.map((k) => "ACG"[k].repeat(50));
  const x = oneHotDna({ sequences: seqs });
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 3).toFloat();
  const shifter = new SequenceShifter({ maxShift: 5, seed: 1 });
  const ds = shifter.dataset(x, y, { batchSize: 10 });
  const epochs: string[] = [];
  for (let e = 0; e < 2; e++) {
    const it = await ds.iterator();
    const seen: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const { xs, ys } = r.value as { xs: tf.Tensor3D; ys: tf.Tensor2D };
      const base = tf.tidy(() => Array.from(xs.sum(1).argMax(1).dataSync()));
      const lab = tf.tidy(() => Array.from(ys.argMax(1).dataSync()));
      assert.deepEqual(base, lab, "label matches the sequence");
      seen.push(tf.tidy(() => Array.from(xs.sum([1, 2]).dataSync()).join(",")));
      tf.dispose([xs, ys]);
    }
    epochs.push(seen.join("|"));
  }
  assert.notEqual(epochs[0], epochs[1], "new shifts each epoch");
  const model = tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [50, 4], filters: 2, kernelSize: 5 }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: "softmax" })] });
  model.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
  await model.fitDataset(ds, { epochs: 1, verbose: 0 });
  const before = tf.memory().numTensors;
  await model.fitDataset(ds, { epochs: 2, verbose: 0 });
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  tf.dispose([x, y]);
  assert.ok(rng.unif() >= 0);
});
