import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { ensureChipData, generateChipStandIn, CHIP_DEFAULT_SETTINGS, CHIP_MOTIFS } from "../../../lib/stand-ins/chip/generate";
import { CHIP_CLASSES, chipCounts, chipPaths, chipStandInRoot } from "../../../lib/data/dna/layout";
import { readChipManifest } from "../../../lib/data/dna/chip-manifest";
import { CHIP_DATA_ENV, chipDataRoot, describeChipSource } from "../../../lib/data/dna/chip-source";
import { readPlantedSites, PLANTED_SITES_FILE } from "../../../lib/data/dna/planted-sites";
import { readFasta } from "../../../lib/data/dna/fasta";
import { loadChipData } from "../../../lib/data/dna/load-chip";
import { motifProbabilities, reverseComplement, SOX17_MA0078_1, PRDM1_MA0508_1 } from "../../../lib/data/dna/motifs";
import { treeHash } from "../../data/tree-hash";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chip-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const SCALE = 0.02;


/** log2 likelihood ratio of a site under a motif versus the stand-in's background. */
function logOdds(site: string, probs: number[][]): number {
  const gc = CHIP_DEFAULT_SETTINGS.gc;
  const bg: Record<string, number> = { A: (1 - gc) / 2, C: gc / 2, G: gc / 2, T: (1 - gc) / 2 };
  let s = 0;
  for (let j = 0; j < site.length; j++) s += Math.log2(probs[j]["ACGT".indexOf(site[j])] / bg[site[j]]);
  return s;
}

test("same seed, same files; another seed, other files", () => {
  const a = path.join(dir, "a");
  const b = path.join(dir, "b");
  const c = path.join(dir, "c");
  generateChipStandIn({ root: a, seed: 5, scale: SCALE });
  generateChipStandIn({ root: b, seed: 5, scale: SCALE });
  generateChipStandIn({ root: c, seed: 6, scale: SCALE });
  assert.equal(treeHash(a), treeHash(b));
  assert.notEqual(treeHash(a), treeHash(c));
});

test("the course's layout and counts (scaled), real FASTA, GC near 43%, N records dropped on reading", () => {
  const root = path.join(dir, "a");
  const m = readChipManifest(root);
  assert.ok(m !== null && m.complete && m.seed === 5 && m.scale === SCALE);
  const want = chipCounts(SCALE);
  const data = loadChipData({ root });
  assert.deepEqual(data.x.shape, [want.SOX17 + want.PRDM1 + want.random, 200, 4]);
  assert.deepEqual(data.counts, [want.SOX17, want.PRDM1, want.random]);
  const random = data.files[2];
  assert.equal(random.records, want.random + Math.round(CHIP_DEFAULT_SETTINGS.withN * SCALE));
  assert.ok(random.dropped.length > 0 && random.dropped.every((d) => d.nCount > 0));
  assert.equal(data.files[0].dropped.length, 0);
  const text = data.sequences.join("");
  const gc = (text.match(/[GC]/g) ?? []).length / text.length;
  assert.ok(Math.abs(gc - 0.43) < 0.01, `GC ${gc}`);
  // Soft-masked stretches are written in lower case and read as upper case.
  const raw = fs.readFileSync(chipPaths(root).PRDM1, "utf8");
  assert.match(raw, /[acgt]{20}/);
  assert.doesNotMatch(data.sequences.join(""), /[acgt]/);
  // One-hot rows agree with the text.
  const first = (tf.tidy(() => data.x.slice([0, 0, 0], [1, 200, 4]).reshape([200, 4]).arraySync()) as number[][]);
  assert.equal(first.map((r) => "ACGT"[r.indexOf(1)]).join(""), data.sequences[0]);
  data.x.dispose();
});

test("every planted site is where planted-sites.bed says, drawn from its JASPAR motif on the given strand", () => {
  const root = path.join(dir, "a");
  const sites = readPlantedSites(path.join(root, PLANTED_SITES_FILE));
  const byName = new Map<string, string>();
  const classOf = new Map<string, string>();
  for (const c of CHIP_CLASSES) {
    for (const r of readFasta({ file: chipPaths(root)[c] })) {
      byName.set(r.name, r.sequence);
      classOf.set(r.name, c);
    }
  }
  const probs: Record<string, number[][]> = {
    "Sox17_MA0078.1": motifProbabilities(SOX17_MA0078_1),
    "PRDM1_MA0508.1": motifProbabilities(PRDM1_MA0508_1),
  };
  let n = 0;
  const scores: number[] = [];
  const perClass: Record<string, number> = { SOX17: 0, PRDM1: 0, random: 0 };
  for (const [record, list] of sites) {
    const seq = byName.get(record);
    assert.ok(seq !== undefined, `site on unknown record ${record}`);
    for (const s of list) {
      const p = probs[s.motif];
      assert.ok(p !== undefined, `unknown motif ${s.motif}`);
      assert.equal(s.end - s.start, p.length);
      const written = seq.slice(s.start, s.end);
      const site = s.strand === "+" ? written : reverseComplement(written);
      // JASPAR gives some bases zero counts, so a site drawn from it never holds them ...
      for (let j = 0; j < site.length; j++) {
        if (site[j] !== "N") assert.ok(p[j]["ACGT".indexOf(site[j])] > 0, `${record}: base ${site[j]} at motif position ${j + 1}`);
      }
      // ... and it is likelier under the motif than under the background.
      if (!written.includes("N")) {
        const score = logOdds(site, p);
        assert.ok(score > 0, `${record}: site ${site} scores ${score}`);
        scores.push(score);
      }
      n++;
      perClass[classOf.get(record)!]++;
    }
    if (classOf.get(record) !== "random") {
      assert.equal(list.length, 1);
      assert.equal(list[0].motif.split("_")[0].toUpperCase(), classOf.get(record));
    }
  }
  const want = chipCounts(SCALE);
  // Most peaks hold a site, some none; a few random regions hold one too.
  assert.ok(perClass.SOX17 > 0.7 * want.SOX17 && perClass.SOX17 < 0.9 * want.SOX17, `SOX17 sites ${perClass.SOX17}`);
  assert.ok(perClass.PRDM1 > 0.7 * want.PRDM1 && perClass.PRDM1 < 0.9 * want.PRDM1);
  assert.ok(perClass.random > 0 && perClass.random < 0.1 * want.random);
  assert.ok(n > 0);
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  assert.ok(mean > 8, `mean log-odds of planted sites ${mean}`);
  assert.ok(CHIP_MOTIFS.SOX17 === SOX17_MA0078_1);
});

test("ensureChipData: generates once, then up to date; fast scale gets its own folder", () => {
  assert.equal(chipStandInRoot(1), path.join("data", "ChIP"));
  assert.notEqual(chipStandInRoot(0.1), chipStandInRoot(1));
  const root = path.join(dir, "ensure");
  assert.equal(ensureChipData({ root, scale: SCALE }).status, "generated");
  const h = treeHash(root);
  assert.equal(ensureChipData({ root, scale: SCALE }).status, "up to date");
  assert.equal(treeHash(root), h);
  // Another seed regenerates; an interrupted run (complete: false) is redone.
  assert.equal(ensureChipData({ root, scale: SCALE, seed: 99 }).status, "generated");
  const m = readChipManifest(root)!;
  fs.writeFileSync(path.join(root, ".stand-in.json"), JSON.stringify({ ...m, complete: false }));
  assert.equal(ensureChipData({ root, scale: SCALE, seed: 99 }).status, "generated");
  assert.match(describeChipSource(root), /generated stand-in .*\(seed 99, scale 0\.02;/);
});

test("real data is never written: a folder of .fa files without manifest, and CHIP_DATA", () => {
  const real = path.join(dir, "real");
  fs.mkdirSync(real);
  for (const c of CHIP_CLASSES) fs.writeFileSync(chipPaths(real)[c], `>${c}_1\n${"ACGT".repeat(50)}\n`);
  const h = treeHash(real);
  assert.throws(() => generateChipStandIn({ root: real, scale: SCALE }), /did not generate .* not overwriting/);
  assert.equal(ensureChipData({ root: real, scale: SCALE }).status, "existing");
  const old = process.env[CHIP_DATA_ENV];
  try {
    process.env[CHIP_DATA_ENV] = real;
    const r = ensureChipData({ scale: SCALE });
    assert.deepEqual([r.root, r.status], [real, "existing"]);
    assert.match(describeChipSource(real), /course's own ChIP-seq regions .* \(CHIP_DATA\)/);
    const d = loadChipData({ root: chipDataRoot() });
    assert.deepEqual(d.counts, [1, 1, 1]);
    d.x.dispose();
    process.env[CHIP_DATA_ENV] = path.join(dir, "missing");
    assert.throws(() => chipDataRoot(), /CHIP_DATA=.*missing: no such folder/);
    fs.unlinkSync(chipPaths(real).random);
    process.env[CHIP_DATA_ENV] = real;
    assert.throws(() => chipDataRoot(), /lacks random\.fa/);
  } finally {
    if (old === undefined) delete process.env[CHIP_DATA_ENV];
    else process.env[CHIP_DATA_ENV] = old;
  }
  assert.notEqual(treeHash(real), h); // only because the test removed a file itself
});

test("loadChipData: a file of unequal lengths or odd letters fails naming file and record; no tensors leak on failure", () => {
  const bad = path.join(dir, "bad");
  fs.mkdirSync(bad);
  const paths = chipPaths(bad);
  fs.writeFileSync(paths.SOX17, `>s1\n${"A".repeat(200)}\n`);
  fs.writeFileSync(paths.PRDM1, `>p1\n${"C".repeat(200)}\n>p2 short\n${"C".repeat(150)}\n`);
  fs.writeFileSync(paths.random, `>r1\n${"G".repeat(200)}\n`);
  const before = tf.memory().numTensors;
  assert.throws(() => loadChipData({ root: bad }), /PRDM1\.fa: record 'p2 short' \(line 3\) is 150 bases long/);
  fs.writeFileSync(paths.PRDM1, `>p1\n${"C".repeat(199)}Y\n`);
  assert.throws(() => loadChipData({ root: bad }), /PRDM1\.fa: record 'p1' \(line 1\): 'Y' at position 200/);
  fs.writeFileSync(paths.PRDM1, `>p1\n${"N".repeat(200)}\n`);
  assert.throws(() => loadChipData({ root: bad }), /PRDM1\.fa: every one of its 1 records holds an N/);
  assert.equal(tf.memory().numTensors, before);
});
