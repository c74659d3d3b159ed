import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { filterMotifs, matchMotif } from "../../lib/interpret/filter-motifs";
import { oneHotDna } from "../../lib/data/dna/one-hot";
import { reverseComplementMatrix } from "../../lib/data/dna/motifs";

tf.enableProdMode();
const KMER = "GATTACA";

function oneHotRows(s: string): number[][] {
  return s.split("").map((c) => [0, 1, 2, 3].map((b) => ("ACGT".indexOf(c) === b ? 1 : 0)));
}

/** Filter 0 matches GATTACA exactly (only a full match is positive); filter 1 never fires. */
function model(length: number): tf.Sequential {
  const k = KMER.length;
  const m = tf.sequential();
  m.add(tf.layers.conv1d({ inputShape: [length, 4], filters: 2, kernelSize: k, activation: "relu" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 2, activation: "softmax" }));
  const kernel = new Float32Array(k * 4 * 2).fill(-1);
  for (let j = 0; j < k; j++) kernel[(j * 4 + "ACGT".indexOf(KMER[j])) * 2] = 1;
  m.layers[0].setWeights([tf.tensor3d(kernel, [k, 4, 2]), tf.tensor1d([-(k - 1), -100])]);
  return m;
}

test("a filter keyed on GATTACA reads back as GATTACA; a silent filter collects nothing", () => {
  const L = 30;
  const m = model(L);
  const seqs: string[] = [];
  for (let i = 0; i < 12; i++) {
    const bg = "CCCCCCCCCCGGGGGGGGGGCCCCCCCCCC";
    const at = (i * 5) % (L - KMER.length);
    seqs.push(i % 3 === 0 ? bg : bg.slice(0, at) + KMER + bg.slice(at + KMER.length));
  }
  const x = oneHotDna({ sequences: seqs });
  const before = tf.memory().numTensors;
  const motifs = filterMotifs({ model: m, x, batchSize: 5 });
  assert.equal(tf.memory().numTensors, before, "filterMotifs left tensors behind");
  assert.equal(motifs.length, 2);
  assert.equal(motifs[0].sites, 8);
  assert.deepEqual(motifs[0].probs, oneHotRows(KMER));
  assert.equal(motifs[0].maxActivation, 1);
  assert.equal(motifs[1].sites, 0);
  assert.throws(() => filterMotifs({ model: m, x, layer: 1 }), /is a Flatten, not a Conv1D/);
  x.dispose();
  m.dispose();
});

test("matchMotif finds the offset and the strand", () => {
  const motif = [[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25], ...oneHotRows(KMER), [0.25, 0.25, 0.25, 0.25]];
  const core = oneHotRows("TTAC");
  assert.deepEqual(matchMotif(core, motif), { offset: 5, strand: "+", score: 1, overlap: 4 });
  const rc = reverseComplementMatrix(core);
  const hit = matchMotif(rc, motif);
  assert.equal(hit.strand, "-");
  assert.equal(hit.score, 1);
  assert.ok(matchMotif(oneHotRows("CCCC"), motif).score < 0.5);
});
