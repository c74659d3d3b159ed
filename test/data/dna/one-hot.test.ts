import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { decodeOneHot, oneHotDna, oneHotValues } from "../../../lib/data/dna/one-hot";
import { dropSequencesWithN } from "../../../lib/data/dna/n-filter";

test("one-hot golden values: A, C, G, T are columns 0..3, case ignored, shape [N, L, 4]", () => {
  const before = tf.memory().numTensors;
  const x = oneHotDna({ sequences: ["ACGT", "ttga"] });
  assert.deepEqual(x.shape, [2, 4, 4]);
  assert.deepEqual(x.arraySync(), [
    [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
    [[0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0]],
  ]);
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
  const { values } = oneHotValues({ sequences: ["GA"] });
  assert.deepEqual(Array.from(values), [0, 0, 1, 0, 1, 0, 0, 0]);
  assert.equal(decodeOneHot([[0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 1]]), "GNT");
});

test("unequal lengths and letters other than ACGT are errors naming file and record", () => {
  const recs = [
    { header: "chr1:1-5", sequence: "ACGTA", line: 1 },
    { header: "chr1:9-12", sequence: "ACGT", line: 3 },
  ];
  assert.throws(() => oneHotValues({ sequences: recs, source: "SOX17.fa" }),
    /SOX17\.fa: record 'chr1:9-12' \(line 3\) is 4 bases long, but the sequences must all be 5 long/);
  assert.throws(() => oneHotValues({ sequences: recs, source: "SOX17.fa", length: 4 }), /record 'chr1:1-5' \(line 1\) is 5 bases long/);
  assert.throws(() => oneHotValues({ sequences: [{ header: "p2", sequence: "ACRT" }], source: "PRDM1.fa" }),
    /PRDM1\.fa: record 'p2': 'R' at position 3 is not A, C, G or T/);
  assert.throws(() => oneHotValues({ sequences: ["ACNT"] }), /'N' at position 3 is not A, C, G or T \(drop sequences with N first/);
  assert.throws(() => oneHotValues({ sequences: [] }), /no sequences/);
});

test("the course's rule for N: sequences holding any N (or n) are dropped and reported", () => {
  const recs = [
    { header: "a", sequence: "ACGT" },
    { header: "b", sequence: "ANNT" },
    { header: "c", sequence: "GGCC" },
    { header: "d", sequence: "acnt" },
  ];
  const { kept, dropped } = dropSequencesWithN(recs);
  assert.deepEqual(kept.map((r) => r.header), ["a", "c"]);
  assert.deepEqual(dropped, [{ header: "b", nCount: 2 }, { header: "d", nCount: 1 }]);
});
