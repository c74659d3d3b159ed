/**
 * Fuzz: tf.js model folders (damaged model.json and weights, manifests that point elsewhere) and every
 * saver under hostile conditions: a full disk (an injected ENOSPC after a seeded number of bytes, and a
 * real 64 KiB tmpfs where mount works), a refused permission (injected: CI runs as root), a folder
 * shared with other programs' files. After each failure: one error naming the target, the previous
 * good file still loads, nothing outside the target changed, no scratch file left behind.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { loadModel, saveModel } from "../../lib/io/model-files";
import { loadWeights, saveWeights } from "../../lib/io/weight-files";
import { loadKerasModel } from "../../lib/io/keras/load";
import { saveKerasModel } from "../../lib/io/keras/write";
import { modelCheckpoint } from "../../lib/training/model-checkpoint";
import { baseSeed, caseCount, fixedTruncations, mutants, Rng } from "./mutator";
import { assertSameTree, injectFaults, nodeFs, scratch, smallTmpfs, Tally, treeState, tryBadFile, withSeed } from "./harness";

const root = scratch("saves");
const tallies = { folders: new Tally("tf.js model folders and weights files"), saves: new Tally("savers on full/refused disks"), checkpoints: new Tally("checkpoint callbacks") };
const x = tf.tensor2d([[0.5, -1, 2], [1, 0, -0.25]]);

after(() => {
  x.dispose();
  fs.rmSync(root, { recursive: true, force: true });
  for (const t of Object.values(tallies)) if (t.cases > 0) console.log(t.line());
});

function model(units = 8, seed = 1): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units, activation: "relu", inputShape: [3], kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  m.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return m;
}

async function predict(m: tf.LayersModel): Promise<number[]> {
  const y = m.predict(x) as tf.Tensor;
  const v = Array.from(await y.data());
  y.dispose();
  return v;
}

/** Loads `file` with `load` and checks it predicts `expected`. */
async function stillLoads(file: string, load: (f: string) => Promise<tf.LayersModel>, expected: number[]): Promise<void> {
  const m = await load(file);
  assert.deepEqual(await predict(m), expected, `${file} no longer predicts as the good model did`);
  m.dispose();
}

test("tf.js folders: damaged model.json and weights files are refused with errors that name them", async () => {
  const good = path.join(root, "good-model");
  const m = model();
  await saveModel(m, good);
  m.dispose();
  const json = fs.readFileSync(path.join(good, "model.json"));
  const bin = fs.readdirSync(good).find((f) => f.endsWith(".bin")) as string;
  const weights = fs.readFileSync(path.join(good, bin));
  const cases = [
    ...[...fixedTruncations(json), ...mutants(json, baseSeed() + 5000, caseCount(40))].map((c) => ({ ...c, part: "model.json" })),
    ...[...fixedTruncations(weights), ...mutants(weights, baseSeed() + 6000, caseCount(15))].map((c) => ({ ...c, part: "weights" })),
  ];
  for (const [i, c] of cases.entries()) {
    await withSeed(c.seed, `${c.part}: ${c.what}`, async () => {
      const dir = path.join(root, `folder-${i}`);
      fs.cpSync(good, dir, { recursive: true });
      fs.writeFileSync(path.join(dir, c.part === "model.json" ? "model.json" : bin), c.bytes);
      const mustFail = c.what.startsWith("truncate") || (c.part === "weights" && c.bytes.length !== weights.length);
      tallies.folders.add(await tryBadFile(`${c.part} ${c.what}`, dir, () => loadModel(dir), { mustFail }));
      fs.rmSync(dir, { recursive: true });
    });
  }
});

test("weights files (saveWeights): damaged copies are refused by name or load into the model", async () => {
  const file = path.join(root, "good.weights");
  const m = model();
  await saveWeights(m, file);
  const bytes = fs.readFileSync(file);
  for (const [i, c] of [...fixedTruncations(bytes), ...mutants(bytes, baseSeed() + 5500, caseCount(25))].entries()) {
    await withSeed(c.seed, `weights file: ${c.what}`, async () => {
      const bad = path.join(root, `bad-${i}.weights`);
      fs.writeFileSync(bad, c.bytes);
      tallies.folders.add(await tryBadFile(`weights ${c.what}`, bad, () => loadWeights(m, bad), { mustFail: c.bytes.length !== bytes.length }));
      fs.rmSync(bad);
    });
  }
  // The right file for another model: refused, naming the file.
  const other = model(16);
  tallies.folders.add(await tryBadFile("weights of another model", file, () => loadWeights(other, file), { mustFail: true }));
  other.dispose();
  m.dispose();
});

test("tf.js folders: manifests that point outside the folder, claim huge weights or lack fields are refused unread", async () => {
  const good = path.join(root, "manifest-base");
  const m = model();
  await saveModel(m, good);
  m.dispose();
  const secret = path.join(root, "secret.bin");
  fs.writeFileSync(secret, Buffer.alloc(4 * (3 * 8 + 8 + 8 * 2 + 2), 1));
  const base = JSON.parse(fs.readFileSync(path.join(good, "model.json"), "utf8"));
  const edits: [string, (j: any, dir: string) => void][] = [
    ["a ../ path", (j) => (j.weightsManifest[0].paths = ["../secret.bin"])],
    ["an absolute path", (j) => (j.weightsManifest[0].paths = [secret])],
    ["a link to a file outside", (j, dir) => { fs.symlinkSync(secret, path.join(dir, "link.bin")); j.weightsManifest[0].paths = ["link.bin"]; }],
    ["a path that is a number", (j) => (j.weightsManifest[0].paths = [7])],
    ["the folder itself", (j) => (j.weightsManifest[0].paths = ["."])],
    ["a shape of 2^40 values", (j) => (j.weightsManifest[0].weights[0].shape = [1048576, 1048576])],
    ["a negative shape", (j) => (j.weightsManifest[0].weights[0].shape = [-3, 8])],
    ["an unknown dtype", (j) => (j.weightsManifest[0].weights[0].dtype = "complex64")],
    ["no paths list", (j) => delete j.weightsManifest[0].paths],
    ["a manifest entry that is null", (j) => (j.weightsManifest = [null])],
    ["no modelTopology", (j) => delete j.modelTopology],
    ["a topology with an unknown layer", (j) => (j.modelTopology.config.layers[0].class_name = "NoSuchLayer")],
    ["a topology with no layers", (j) => (j.modelTopology.config.layers = "none")],
    ["JSON null", (j) => { for (const k of Object.keys(j)) delete j[k]; }],
  ];
  for (const [i, [what, edit]] of edits.entries()) {
    const dir = path.join(root, `manifest-${i}`);
    fs.cpSync(good, dir, { recursive: true });
    const j = JSON.parse(JSON.stringify(base));
    edit(j, dir);
    fs.writeFileSync(path.join(dir, "model.json"), what === "JSON null" ? "null" : JSON.stringify(j));
    const reads: string[] = [];
    const realFs = nodeFs();
    const realRead = realFs.readFileSync;
    realFs.readFileSync = (p: unknown, ...rest: unknown[]) => { reads.push(String(p)); return realRead(p, ...rest); };
    try {
      tallies.folders.add(await tryBadFile(`manifest with ${what}`, dir, () => loadModel(dir), { mustFail: true }));
    } finally {
      realFs.readFileSync = realRead;
    }
    assert.ok(!reads.some((r) => path.resolve(r) === secret), `manifest with ${what}: the file outside the folder was read`);
    fs.rmSync(dir, { recursive: true });
  }
  fs.rmSync(secret);
});

test("saving into a shared folder removes only what the previous model.json named", async () => {
  const dir = path.join(root, "shared");
  fs.mkdirSync(dir);
  // Other programs' files, some with names our saver once cleaned up by pattern.
  const theirs = ["notes.tmp", "weights-mine.bin", "weights-1a2b-77-0.bin", ".cache.tmp", "data.csv"];
  for (const f of theirs) fs.writeFileSync(path.join(dir, f), `user file ${f}`);
  const m = model();
  await saveModel(m, dir);
  await saveModel(m, dir);
  await saveKerasModel(m, path.join(dir, "best.h5"));
  await saveKerasModel(m, path.join(dir, "best.keras"));
  await saveWeights(m, path.join(dir, "w.weights"));
  for (const f of theirs) assert.equal(fs.readFileSync(path.join(dir, f), "utf8"), `user file ${f}`, `${f} was touched`);
  const ours = fs.readdirSync(dir).filter((f) => !theirs.includes(f)).sort();
  assert.equal(ours.filter((f) => f.endsWith(".bin")).length, 1, `one weights file of ours: ${ours.join(", ")}`);
  assert.deepEqual(ours.filter((f) => f.startsWith(".")), [], "scratch files left behind");
  // A tfjs-node folder (weights.bin): saving over it replaces the file its model.json named.
  const node = path.join(root, "tfjs-node-folder");
  await saveModel(m, node);
  const first = fs.readdirSync(node).find((f) => f.endsWith(".bin")) as string;
  fs.renameSync(path.join(node, first), path.join(node, "weights.bin"));
  const j = JSON.parse(fs.readFileSync(path.join(node, "model.json"), "utf8"));
  j.weightsManifest[0].paths = ["weights.bin"];
  fs.writeFileSync(path.join(node, "model.json"), JSON.stringify(j));
  fs.writeFileSync(path.join(node, "README.txt"), "keep me");
  await saveModel(m, node);
  assert.deepEqual(fs.readdirSync(node).filter((f) => f === "weights.bin" || f === "README.txt"), ["README.txt"]);
  m.dispose();
});

interface Saver {
  name: string;
  target: (dir: string) => string;
  save: (m: tf.LayersModel, target: string) => Promise<void>;
  load: (target: string) => Promise<tf.LayersModel>;
}

const SAVERS: Saver[] = [
  { name: "saveModel (tf.js folder)", target: (d) => path.join(d, "model"), save: (m, t) => saveModel(m, t), load: loadModel },
  { name: "saveKerasModel .h5", target: (d) => path.join(d, "best.h5"), save: (m, t) => saveKerasModel(m, t), load: loadKerasModel },
  { name: "saveKerasModel .keras", target: (d) => path.join(d, "best.keras"), save: (m, t) => saveKerasModel(m, t), load: loadKerasModel },
  {
    name: "saveWeights", target: (d) => path.join(d, "w.weights"), save: (m, t) => saveWeights(m, t),
    load: async (t) => { const m = model(8, 99); await loadWeights(m, t); return m; },
  },
];

test("full disks (ENOSPC after a seeded number of bytes) and refused permissions: the previous file survives", async () => {
  const rng = new Rng(baseSeed() + 7000);
  for (const saver of SAVERS) {
    const area = path.join(root, `faults-${saver.name.replace(/\W+/g, "-")}`);
    const dir = path.join(area, "target");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(area, "neighbour.txt"), "outside the target");
    const good = model(8, 1);
    const expected = await predict(good);
    const target = saver.target(dir);
    await saver.save(good, target);
    good.dispose();
    const bigger = model(256, 5); // a new model that needs more bytes (over 6,000) than any budget drawn
    const n = caseCount(6);
    for (let i = 0; i < n + 2; i++) {
      const refuse = i >= n; // the last two: permission refused for writing, for folders and files
      const budget = refuse ? undefined : rng.int(6000);
      const what = refuse ? "EACCES on every write" : `ENOSPC after ${budget} bytes`;
      await withSeed(baseSeed() + 7000, `${saver.name}: ${what}`, async () => {
        const outside = treeState(root, (rel) => rel.startsWith(path.relative(root, dir)));
        const before = treeState(dir);
        const o = await tryBadFile(`${saver.name} ${what}`, target, () =>
          injectFaults({ under: dir, writeBudget: budget, refuseWrites: refuse }, () => saver.save(bigger, target)), { mustFail: true });
        assert.match(o.message ?? "", refuse ? /permission denied/ : /disk is full/, `${saver.name}: the cause is not said`);
        assert.match(o.message ?? "", /unchanged/, `${saver.name}: the error does not say the previous file is safe`);
        tallies.saves.add(o);
        assertSameTree(outside, treeState(root, (rel) => rel.startsWith(path.relative(root, dir))), `${saver.name} ${what}`);
        assertSameTree(before, treeState(dir), `${saver.name} ${what} (the target's own folder)`);
        await stillLoads(target, saver.load, expected);
      });
    }
    bigger.dispose();
  }
});

test("a real full disk: a 64 KiB tmpfs (where mount works) never ends with a broken file under the good name", async (t) => {
  const fsmall = smallTmpfs(64);
  if (fsmall === null) {
    t.skip("mount -t tmpfs is not allowed here; the injected ENOSPC cases above cover full disks");
    return;
  }
  try {
    for (const saver of SAVERS) {
      const target = saver.target(fsmall.dir);
      const good = model(8, 1);
      const expected = await predict(good);
      await saver.save(good, target);
      good.dispose();
      // About 100 KB of weights: more than the 64 KiB disk holds.
      const huge = tf.sequential();
      huge.add(tf.layers.dense({ units: 2048, inputShape: [3] }));
      huge.add(tf.layers.dense({ units: 8 }));
      const o = await tryBadFile(`${saver.name} on a full tmpfs`, target, () => saver.save(huge, target), { mustFail: true });
      assert.match(o.message ?? "", /disk is full/);
      tallies.saves.add(o);
      await stillLoads(target, saver.load, expected);
      assert.deepEqual(fs.readdirSync(fsmall.dir).filter((f) => f.startsWith(".")), [], "scratch files left on the full disk");
      huge.dispose();
      fs.rmSync(target, { recursive: true, force: true });
    }
  } finally {
    fsmall.unmount();
  }
});

test("checkpoint callbacks: a save that fails mid-training stops fit with the file and epoch; the best so far still loads", async () => {
  const xs = tf.randomUniform([32, 3], -1, 1, "float32", 3);
  const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 2), "int32"), 2);
  for (const ext of [".h5", ".keras", ""]) {
    const dir = path.join(root, `ckpt${ext || "-folder"}`);
    const target = path.join(dir, `best${ext}`);
    const m = model(8, 11);
    m.compile({ optimizer: tf.train.sgd(0.01), loss: "categoricalCrossentropy" });
    // Epoch 1 saves a good file; from epoch 2 on the disk is full.
    let epoch = 0;
    let snapshot: number[] = [];
    const faultAfterFirst = new (class extends tf.Callback {
      async onEpochEnd(): Promise<void> {
        epoch++;
        if (epoch === 1) snapshot = await predict(this.model as tf.LayersModel);
      }
    })();
    const ckpt = modelCheckpoint({ filepath: target, monitor: "loss", saveBestOnly: false });
    const fit = () => m.fit(xs, ys, { epochs: 3, verbose: 0, callbacks: [faultAfterFirst, ckpt] });
    // The first epoch runs without faults; inject for the rest by wrapping the checkpoint's save.
    const onEpochEnd = ckpt.onEpochEnd.bind(ckpt);
    ckpt.onEpochEnd = async (e, logs) => (e === 0 ? onEpochEnd(e, logs) : injectFaults({ under: dir, writeBudget: 100 }, () => onEpochEnd(e, logs)));
    const o = await tryBadFile(`checkpoint best${ext} on a full disk`, target, fit, { mustFail: true });
    assert.match(o.message ?? "", /ModelCheckpoint, epoch 2: .*disk is full/);
    tallies.checkpoints.add(o);
    await stillLoads(target, ext === "" ? loadModel : loadKerasModel, snapshot);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith(".")), [], "scratch files left behind");
    m.dispose();
  }
  // A refused folder: the first save already fails, with the cause.
  const refused = path.join(root, "ckpt-refused");
  const m = model();
  m.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
  const ckpt = modelCheckpoint({ filepath: path.join(refused, "best.h5"), monitor: "loss" });
  const o = await tryBadFile("checkpoint into a refused folder", path.join(refused, "best.h5"), () =>
    injectFaults({ under: refused, refuseWrites: true }, () => m.fit(xs, ys, { epochs: 1, verbose: 0, callbacks: [ckpt] })), { mustFail: true });
  assert.match(o.message ?? "", /permission denied/);
  tallies.checkpoints.add(o);
  assert.ok(!fs.existsSync(refused), "the refused folder was created anyway");
  m.dispose();
  tf.dispose([xs, ys]);
});
