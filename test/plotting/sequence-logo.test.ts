import { test } from "node:test";
import * as assert from "node:assert/strict";
import { consensus, sequenceLogoSvg, showSequenceLogos } from "../../lib/plotting/sequence-logo";
import { setTextSink } from "../../lib/kernel/mime";

const sure = [[1, 0, 0, 0], [0, 0, 0, 1]];
const vague = [[0.25, 0.25, 0.25, 0.25], [0.4, 0.4, 0.1, 0.1]];

test("letters stack by probability, as tall as the information content", () => {
  const svg = sequenceLogoSvg([{ probs: sure, title: "sure" }, { probs: vague, title: "vague" }], { height: 100 });
  // Two full letters of 2 bits (100 px each); the uniform column draws nothing.
  const letters = [...svg.matchAll(/scale\(([\d.]+), ([\d.]+)\)[^>]*fill="(#\w+)"[^>]*>([ACGT])</g)];
  const sureLetters = letters.filter((m) => Math.abs(Number(m[2]) - 100 / 72.9) < 1e-3).map((m) => m[4]);
  assert.deepEqual(sureLetters, ["A", "T"]);
  assert.ok(!letters.some((m) => Number(m[2]) > 100 / 72.9 + 1e-3));
  assert.match(svg, />sure</);
  assert.equal(consensus(sure), "AT");
  assert.equal(consensus(vague), "aa");
  assert.throws(() => sequenceLogoSvg([{ probs: [[0.5, 0.5, 0.5, 0]] }]), /position 1 sums to 1\.5/);
  assert.throws(() => sequenceLogoSvg([]), /at least one panel/);
});

test("showSequenceLogos renders a PNG and a text line per logo", () => {
  const lines: string[] = [];
  setTextSink((l) => lines.push(l));
  try {
    showSequenceLogos([{ probs: sure, title: "filter 1" }]);
  } finally {
    setTextSink(null);
  }
  assert.deepEqual(lines, ["filter 1: AT"]);
});
