import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { planRickMorty, originalKey, WITHIN_FOLDER_COPIES } from "../../../lib/stand-ins/rick-morty/plan";
import { ensureRickMortyData, generateRickMorty, renderOriginal } from "../../../lib/stand-ins/rick-morty/generate";
import { readManifest } from "../../../lib/data/rick-morty/manifest";
import { COURSE_COUNTS, RICK_MORTY_FOLDERS, rickMortyCounts, rickMortyPaths } from "../../../lib/data/rick-morty/layout";
import { DATA_ENV, describeRickMortySource, rickMortyRoot } from "../../../lib/data/rick-morty/source";
import { listFiles } from "../../../lib/data/images/list-files";
import { decodeJpeg } from "../../../lib/data/images/codecs/jpeg";
import { loadImageFolder } from "../../../lib/data/images/loaders/load-images";
import { treeHash } from "../../data/tree-hash";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rick-morty-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const TINY = 0.01; // 9 + 9 + 13 + 22 frames in the four-class folders


test("a frame is a pure function of the seed: same seed, same JPEG bytes; other seed, other bytes", () => {
  const o = { set: "both" as const, index: 3, content: { rick: true, morty: true }, width: 160, height: 90 };
  const a = renderOriginal(7, o);
  assert.ok(a.equals(renderOriginal(7, o)));
  assert.ok(!a.equals(renderOriginal(8, o)));
  assert.ok(!a.equals(renderOriginal(7, { ...o, index: 4 })));
  const img = decodeJpeg(a);
  assert.equal(img.width, 160);
  assert.equal(img.height, 90);
});

test("the plan has the course's counts, some exact repeats, and altdata regroups the same frames", () => {
  const plan = planRickMorty(12345);
  const counts = rickMortyCounts(1);
  assert.deepEqual(counts, { altRick: 2211, altNotRick: 3046, rickOnly: 913, mortyOnly: 858, both: 1300, neither: 2186, predictions: 16 });
  for (const k of RICK_MORTY_FOLDERS) assert.equal(plan[k].length, counts[k]);
  // Repeats within a folder (a few %) and frames filed under two classes.
  const repeats = (xs: readonly { set: string; index: number }[]): number => xs.length - new Set(xs.map((o) => `${o.set}:${o.index}`)).size;
  const within = ["rickOnly", "mortyOnly", "both", "neither"].reduce((s, k) => s + repeats(plan[k as "both"]), 0);
  assert.ok(within > 0.5 * WITHIN_FOLDER_COPIES * 5257 && within < 3 * WITHIN_FOLDER_COPIES * 5257, `within-folder repeats ${within}`);
  const inRick = new Set(plan.altRick.map(originalKey));
  const across = plan.altNotRick.filter((o) => inRick.has(originalKey(o))).length;
  assert.ok(across > 0, "some frames are filed both as Rick and as not Rick");
  // altdata holds only frames of the four-class set (plus two extras without Rick).
  const four = new Set([...plan.rickOnly, ...plan.mortyOnly, ...plan.both, ...plan.neither].map(originalKey));
  assert.equal(plan.altRick.filter((o) => !four.has(originalKey(o))).length, 0);
  assert.deepEqual(plan.altNotRick.filter((o) => !four.has(originalKey(o))).map((o) => o.set), ["extra", "extra"]);
  // Held-out frames: half with Rick, one 225×225.
  assert.equal(plan.predictions.filter((o) => o.content.rick).length, 8);
  assert.equal(plan.predictions.filter((o) => o.width === 225 && o.height === 225).length, 1);
  assert.deepEqual(planRickMorty(12345), plan);
  assert.notDeepEqual(planRickMorty(1).altRick.slice(0, 20), plan.altRick.slice(0, 20));
  assert.throws(() => planRickMorty(1.5), /seed must be a whole number/);
  assert.throws(() => planRickMorty(1, 0), /scale must be in \(0, 1\]/);
  assert.throws(() => planRickMorty(1, 2), /scale must be in \(0, 1\]/);
});

test("generated folders: course layout, counts at a small scale, byte-identical for the same seed", () => {
  const a = path.join(dir, "a");
  const b = path.join(dir, "b");
  const c = path.join(dir, "c");
  generateRickMorty({ root: a, seed: 3, scale: TINY });
  generateRickMorty({ root: b, seed: 3, scale: TINY });
  generateRickMorty({ root: c, seed: 4, scale: TINY });
  const counts = rickMortyCounts(TINY);
  const dirs = rickMortyPaths(a);
  assert.equal(dirs.altRick, path.join(a, "altdata", "AllRickImages"));
  assert.equal(dirs.neither, path.join(a, "data", "ThreeClassModel", "Neither"));
  for (const k of RICK_MORTY_FOLDERS) assert.equal(listFiles(dirs[k], { pattern: "jpg" }).length, counts[k], k);
  assert.equal(counts.rickOnly, Math.round(COURSE_COUNTS.rickOnly * TINY));
  assert.ok(listFiles(dirs.altRick).includes("Rick_1.jpg"));
  assert.deepEqual(listFiles(dirs.predictions).slice(0, 2), ["frame_01.jpg", "frame_02.jpg"]);
  assert.equal(treeHash(a, { skipDotFiles: true }), treeHash(b, { skipDotFiles: true }));
  assert.notEqual(treeHash(a, { skipDotFiles: true }), treeHash(c, { skipDotFiles: true }));
  const m = readManifest(a)!;
  assert.equal(m.complete, true);
  assert.equal(m.seed, 3);
  assert.equal(m.predictions.length, 16);
});

test("the held-out folder has one 225×225 frame: an error by default, resized on request", () => {
  const root = path.join(dir, "a");
  ensureRickMortyData({ root, seed: 3, scale: TINY }); // already there when the test above ran
  const m = readManifest(root)!;
  const odd = m.predictions.find((p) => p.width === 225)!;
  const folder = rickMortyPaths(root).predictions;
  const before = tf.memory().numTensors;
  assert.throws(() => loadImageFolder(folder, { height: 90, width: 160, pattern: "jpg" }), new RegExp(`${odd.file} is 225×225`));
  const r = loadImageFolder(folder, { height: 90, width: 160, pattern: "jpg", onWrongSize: "resize", warn: () => undefined });
  assert.deepEqual(r.x.shape, [16, 90, 160, 3]);
  assert.deepEqual(r.adjusted.map((f) => path.basename(f)), [odd.file]);
  r.x.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("ensureRickMortyData generates once, redoes only an incomplete folder, and never touches foreign frames", () => {
  const root = path.join(dir, "ensure");
  const first = ensureRickMortyData({ root, seed: 5, scale: TINY });
  assert.equal(first.status, "generated");
  const full = treeHash(root, { skipDotFiles: true });
  assert.equal(ensureRickMortyData({ root, seed: 5, scale: TINY }).status, "up to date");

  const both = rickMortyPaths(root).both;
  fs.unlinkSync(path.join(both, "Both_2.jpg"));
  const redo = ensureRickMortyData({ root, seed: 5, scale: TINY });
  assert.equal(redo.status, "generated");
  assert.deepEqual(redo.written, ["both"]);
  assert.equal(treeHash(root, { skipDotFiles: true }), full);

  const other = ensureRickMortyData({ root, seed: 6, scale: TINY });
  assert.equal(other.written.length, RICK_MORTY_FOLDERS.length);
  assert.notEqual(treeHash(root, { skipDotFiles: true }), full);

  // A half-finished run (manifest says incomplete) is redone.
  const manifest = JSON.parse(fs.readFileSync(path.join(root, ".stand-in.json"), "utf8"));
  fs.writeFileSync(path.join(root, ".stand-in.json"), JSON.stringify({ ...manifest, complete: false }));
  assert.equal(ensureRickMortyData({ root, seed: 6, scale: TINY }).status, "generated");

  // Someone's own frames (no manifest): left exactly as they are.
  const real = path.join(dir, "real");
  const rick = path.join(real, "altdata", "AllRickImages");
  fs.mkdirSync(rick, { recursive: true });
  fs.copyFileSync(path.join(rickMortyPaths(root).altRick, "Rick_1.jpg"), path.join(rick, "Rick_1.jpg"));
  const kept = treeHash(real, { skipDotFiles: true });
  const r = ensureRickMortyData({ root: real, seed: 5, scale: TINY });
  assert.equal(r.status, "existing");
  assert.equal(treeHash(real, { skipDotFiles: true }), kept);
  assert.equal(fs.existsSync(path.join(real, ".stand-in.json")), false);
  assert.throws(() => generateRickMorty({ root: real, seed: 5, scale: TINY }), /did not generate .*not overwriting them/);
  assert.equal(treeHash(real, { skipDotFiles: true }), kept);
  assert.match(describeRickMortySource(real), /course's own Rick and Morty frames in .*real \(found in place/);
  assert.match(describeRickMortySource(root), /generated stand-in .* \(seed 6, scale 0\.01, \d+ files\)/);
  assert.match(describeRickMortySource(path.join(dir, "nothing")), /no Rick and Morty frames .* yet/);
});

test("RICK_MORTY_DATA points at real frames: checked, described, never written to", () => {
  const saved = process.env[DATA_ENV];
  try {
    delete process.env[DATA_ENV];
    assert.equal(rickMortyRoot(), path.join("data", "RickandMorty"));
    process.env[DATA_ENV] = path.join(dir, "missing");
    assert.throws(() => rickMortyRoot(), /RICK_MORTY_DATA=.*missing: no such folder/);
    const bare = path.join(dir, "bare");
    fs.mkdirSync(bare, { recursive: true });
    process.env[DATA_ENV] = bare;
    assert.throws(() => rickMortyRoot(), /holds neither altdata\/ nor data\//);
    const real = path.join(dir, "real");
    process.env[DATA_ENV] = real;
    assert.equal(rickMortyRoot(), real);
    assert.match(describeRickMortySource(), /course's own Rick and Morty frames .*\(RICK_MORTY_DATA; 1 files\)/);
    const before = treeHash(real, { skipDotFiles: true });
    const r = ensureRickMortyData({ scale: TINY });
    assert.equal(r.status, "existing");
    assert.equal(r.root, real);
    assert.equal(treeHash(real, { skipDotFiles: true }), before);
  } finally {
    if (saved === undefined) delete process.env[DATA_ENV];
    else process.env[DATA_ENV] = saved;
  }
});
