import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { mutagenesis, peakInSite } from "../../lib/interpret/mutagenesis";
import { oneHotDna } from "../../lib/data/dna/one-hot";

tf.enableProdMode();
const KMER = "GATTACA";

/**
 * A hand-built network that answers "class 1" exactly when the sequence holds GATTACA: one conv1d
 * filter that scores +1 per matching base and -1 per other base, biased so only a full match is
 * positive, ReLU, the maximum over positions, and a dense layer to two softmax units.
 */
function kmerModel(length: number): tf.Sequential {
  const k = KMER.length;
  const m = tf.sequential();
  m.add(tf.layers.conv1d({ inputShape: [length, 4], filters: 1, kernelSize: k, activation: "relu" }));
  m.add(tf.layers.globalMaxPooling1d());
  m.add(tf.layers.dense({ units: 2, activation: "softmax" }));
  const kernel = new Float32Array(k * 4).fill(-1);
  for (let j = 0; j < k; j++) kernel[j * 4 + "ACGT".indexOf(KMER[j])] = 1;
  m.layers[0].setWeights([tf.tensor3d(kernel, [k, 4, 1]), tf.tensor1d([-(k - 1)])]);
  m.layers[2].setWeights([tf.tensor2d([[-4, 4]]), tf.tensor1d([2, -2])]);
  return m;
}

function background(length: number, seed: number): string {
  let s = "";
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += "ACGT"[x % 4 === 0 ? 3 : (x >> 8) % 4];
  }
  return s.replace(/GATTACA/g, "GATTTCA");
}

test("on a model keyed on GATTACA the largest drops are exactly the planted k-mer", () => {
  const L = 60;
  const model = kmerModel(L);
  const before = tf.memory().numTensors;
  for (const start of [0, 17, L - KMER.length]) {
    const seq = background(L, start + 3);
    const withSite = seq.slice(0, start) + KMER + seq.slice(start + KMER.length);
    const x = oneHotDna({ sequences: [withSite] });
    const r = mutagenesis({ model, sequence: x, classIndex: 1, batchSize: 16 });
    x.dispose();
    assert.ok(r.original > 0.9, `P(class 1) with the k-mer = ${r.original}`);
    assert.ok(peakInSite(r.peak, { start, end: start + KMER.length }), `peak ${r.peak}, site at ${start}`);
    // Every base of the k-mer matters and nothing else does.
    r.drop.forEach((d, j) => {
      const inside = j >= start && j < start + KMER.length;
      if (inside) assert.ok(d > 0.5, `drop ${d} at ${j} inside the site`);
      else assert.ok(Math.abs(d) < 1e-6, `drop ${d} at ${j} outside the site`);
    });
    assert.equal(r.mutated.length, L);
    // The other class gains what this one loses.
    const x2 = oneHotDna({ sequences: [withSite] });
    const flat = x2.reshape([L, 4]);
    const other = mutagenesis({ model, sequence: flat, classIndex: 0 });
    tf.dispose([x2, flat]);
    assert.ok(other.drop[start] < -0.5);
  }
  assert.equal(tf.memory().numTensors, before, "mutagenesis left tensors behind");
  model.dispose();
});

test("without the k-mer nothing moves; bad arguments are explained", () => {
  const L = 30;
  const model = kmerModel(L);
  const x = oneHotDna({ sequences: [background(L, 9)] });
  const r = mutagenesis({ model, sequence: x, classIndex: 1 });
  assert.ok(r.original < 0.1);
  assert.ok(r.drop.every((d) => Math.abs(d) < 1e-6));
  assert.throws(() => mutagenesis({ model, sequence: x, classIndex: 2 }), /classIndex 2 is outside the model's classes 0..1/);
  const two = oneHotDna({ sequences: [background(L, 1), background(L, 2)] });
  assert.throws(() => mutagenesis({ model, sequence: two, classIndex: 1 }), /one sequence \[L, 4\] or \[1, L, 4\], got shape \[2, 30, 4\]/);
  const short = oneHotDna({ sequences: [background(20, 1)] });
  assert.throws(() => mutagenesis({ model, sequence: short, classIndex: 1 }), /expects length 30, the sequence has 20/);
  tf.dispose([x, two, short]);
  assert.equal(peakInSite(5, { start: 6, end: 9 }), false);
  assert.equal(peakInSite(5, { start: 6, end: 9 }, 1), true);
  model.dispose();
});
