/**
 * The "Rounding" sample kind against R itself: test/random/r-sample-rounding.json is printed by
 * scripts/r-sample-rounding-golden.R (Rscript, RNGkind(sample.kind = "Rounding")); CI reads the
 * committed JSON and needs no R.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { Rng, setSeed, restoreMathRandom, sample, runif } from "../../lib/random/rng";
import { splitIndices } from "../../lib/data/split";

type Case = Record<string, number | number[]>;
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, "r-sample-rounding.json"), "utf8")) as Record<string, Case | string>;
const get = (name: string) => golden[name] as Case;
const oneBased = (xs: number[]) => xs.map((i) => i + 1);

test("the golden file came from R", () => {
  assert.match(golden.generated_by as string, /^R version \d/);
});

for (const seed of [1, 42, 123, 12345]) {
  test(`seed ${seed}: R's Rounding permutation of 10, and the uniforms after it`, () => {
    const c = get(`seed${seed}_perm10_then_runif2`);
    const r = new Rng(seed, { sampleKind: "Rounding" });
    assert.deepEqual(oneBased(r.sample(10)), c.perm);
    r.runif(2).forEach((u, i) => assert.ok(Math.abs(u - (c.runif as number[])[i]) < 1e-15, `${u} vs ${(c.runif as number[])[i]}`));
  });
}

test("with replacement and partial samples, Rounding draws R's indices", () => {
  const rep = get("seed2024_replace_6_of_20");
  assert.deepEqual(oneBased(new Rng(2024, { sampleKind: "Rounding" }).sample(6, 20, true)), rep.draws);
  const part = get("seed7_sample_100_size_15");
  assert.deepEqual(oneBased(new Rng(7, { sampleKind: "Rounding" }).sample(100, 15)), part.draws);
});

test("the course's chapter 2 split: 1,681 Rick and 2,320 not Rick in training, as the course prints", () => {
  const c = get("course_rick_split");
  const labels = [...Array(2211).fill(0), ...Array(3046).fill(1)];
  const split = splitIndices(c.n as number, c.n_train as number, new Rng(12345, { sampleKind: "Rounding" }));
  const rick = split.train.filter((i) => labels[i] === 0).length;
  assert.equal(rick, 1681);
  assert.equal(split.train.length - rick, 2320);
  assert.equal(rick, c.train_rick);
  assert.deepEqual(oneBased(split.train.slice(0, 25)), c.first);
  assert.equal(split.train.reduce((a, i) => a + i + 1, 0), c.sum_train);
});

test("the default (Rejection) kind gives R >= 3.6's different split, also from R", () => {
  const c = get("course_rick_split_rejection");
  const split = splitIndices(c.n as number, c.n_train as number, new Rng(12345));
  assert.deepEqual(oneBased(split.train.slice(0, 25)), c.first);
  assert.equal(split.train.filter((i) => i < 2211).length, c.train_rick);
  assert.notEqual(c.train_rick, 1681);
});

test("setSeed passes the kind on to the shared generator, and an unknown kind is refused", () => {
  try {
    setSeed(12345, { sampleKind: "Rounding" });
    assert.deepEqual(oneBased(sample(10)), get("seed12345_perm10_then_runif2").perm);
    runif(1);
    setSeed(12345);
    assert.notDeepEqual(oneBased(sample(10)), get("seed12345_perm10_then_runif2").perm);
  } finally {
    restoreMathRandom();
  }
  assert.throws(() => new Rng(1, { sampleKind: "Round" as never }), /sampleKind must be "Rejection" or "Rounding"/);
  assert.equal(new Rng(1).sampleKind, "Rejection");
});
