import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Rng, setSeed, restoreMathRandom, runif, sample } from "../../lib/random/rng";

// Golden values printed by R 4.x (default Mersenne-Twister, sample.kind = "Rejection").
test("runif matches R's set.seed streams", () => {
  const close = (got: number[], want: number[]) =>
    got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 5e-8, `${g} vs ${want[i]}`));
  close(new Rng(123).runif(3), [0.2875775, 0.7883051, 0.4089769]);
  close(new Rng(42).runif(3), [0.914806, 0.9370754, 0.2861395]);
  close(new Rng(12345).runif(1), [0.7209039]);
});

test("sample() gives R's permutations (as 0-based indices)", () => {
  assert.deepEqual(new Rng(123).sample(10).map((i) => i + 1), [3, 10, 2, 8, 6, 9, 1, 7, 5, 4]);
  assert.deepEqual(new Rng(42).sample(10).map((i) => i + 1), [1, 5, 10, 8, 2, 4, 6, 9, 7, 3]);
});

test("a permutation holds every index once, and a seed repeats it", () => {
  const p = new Rng(7).sample(5257);
  assert.equal(new Set(p).size, 5257);
  assert.deepEqual(new Rng(7).sample(5257), p);
  assert.notDeepEqual(new Rng(8).sample(5257), p);
});

test("index() stays in range and sampling with replacement can repeat", () => {
  const r = new Rng(1);
  const xs = r.sample(3, 200, true);
  assert.ok(xs.every((x) => x >= 0 && x < 3));
  assert.equal(new Set(xs).size, 3);
});

test("normals have about the right mean and spread", () => {
  const z = new Rng(99).rnorm(20000, 5, 2);
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
  assert.ok(Math.abs(mean - 5) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.05, `sd ${sd}`);
});

test("setSeed makes the shared stream and Math.random repeat", () => {
  try {
    setSeed(12345);
    const a = [runif(2), sample(6), Math.random()];
    setSeed(12345);
    const b = [runif(2), sample(6), Math.random()];
    assert.deepEqual(a, b);
  } finally {
    restoreMathRandom();
  }
});

test("bad arguments get clear errors", () => {
  assert.throws(() => new Rng(1.5), /seed must be an integer/);
  assert.throws(() => new Rng(1).sample(3, 4), /without replacement/);
  assert.throws(() => new Rng(1).runif(-1), /whole number/);
  assert.throws(() => new Rng(1).index(0), /positive integer/);
  assert.throws(() => new Rng(1).runif(2, 5, 1), /must not be below/);
});
