/**
 * Fuzz: Keras .h5 and .keras files. Damaged copies of valid files (ours, and real Keras's when the
 * .venv has Keras) must load or be refused with one error that names the file, with no HDF5-DIAG on
 * stderr; after each bad file a good one still loads in the same process and predicts as before.
 * Bombs (a dataset that claims 512 MiB in a small file, a deflated entry that inflates 1000-fold)
 * are refused before anything is allocated: the wasm heap and the process do not grow.
 */
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as path from "path";
import { loadKerasModel, loadKerasWeights } from "../../lib/io/keras/load";
import { saveKerasModel } from "../../lib/io/keras/write";
import { h5wasm, writeHdf5 } from "../../lib/io/keras/hdf5";
import { writeZip } from "../../lib/io/keras/keras-archive";
import { baseSeed, caseCount, fixedTruncations, mutants, Rng, type Mutant } from "./mutator";
import { scratch, Tally, tryBadFile, withSeed } from "./harness";
import { buildZip, unzip } from "./zip";
import { ensureFixtures, skipReason, FIXTURES } from "../io/keras-fixtures";

const dir = scratch("keras");
const tallies = { h5: new Tally("Keras .h5"), keras: new Tally("Keras .keras"), bombs: new Tally("Keras bombs"), configs: new Tally("Keras configs") };
const x = tf.tensor2d([[0.5, -1, 2], [1, 0, -0.25]]);
let reference: Float32Array;
const goodH5 = path.join(dir, "good.h5");
const goodKeras = path.join(dir, "good.keras");

function model(): tf.LayersModel {
  const m = tf.sequential({ name: "fuzzed" });
  m.add(tf.layers.dense({ units: 8, activation: "relu", inputShape: [3], name: "hidden" }));
  m.add(tf.layers.dense({ units: 2, activation: "softmax", name: "out" }));
  return m;
}

async function predict(m: tf.LayersModel): Promise<Float32Array> {
  const y = m.predict(x) as tf.Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

/** The good file still loads in this process, and predicts as it did. */
async function goodStillLoads(file: string): Promise<void> {
  const m = await loadKerasModel(file);
  assert.deepEqual(await predict(m), reference, `${file} no longer predicts as before`);
  m.dispose();
}

before(async () => {
  const m = model();
  reference = await predict(m);
  await saveKerasModel(m, goodH5);
  await saveKerasModel(m, goodKeras);
  m.dispose();
});

after(() => {
  x.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const t of Object.values(tallies)) if (t.cases > 0) console.log(t.line());
});

/** Bases: our own files, and real Keras's (mnist-dense) when the fixtures can be had. */
function bases(ext: ".h5" | ".keras"): string[] {
  const ours = ext === ".h5" ? [goodH5] : [goodKeras];
  if (skipReason() !== false) return ours;
  ensureFixtures();
  const k = path.join(FIXTURES, "mnist-dense");
  return ext === ".h5" ? [...ours, path.join(k, "model.h5"), path.join(k, "model-k2.h5")] : [...ours, path.join(k, "model.keras")];
}

async function runMutants(tally: Tally, base: string, cases: Mutant[], good: string): Promise<void> {
  const ext = path.extname(base);
  const bytes = fs.readFileSync(base);
  for (const [i, c] of cases.entries()) {
    await withSeed(c.seed, `${path.basename(base)}: ${c.what}`, async () => {
      const file = path.join(dir, `m-${path.basename(base, ext)}-${tally.cases}-${i}${ext}`);
      fs.writeFileSync(file, c.bytes);
      const truncated = c.what.startsWith("truncate") && c.bytes.length < bytes.length;
      tally.add(await tryBadFile(`${tally.category} ${c.what}`, file, () => loadKerasModel(file), { mustFail: truncated }));
      fs.rmSync(file);
      await goodStillLoads(good);
    });
  }
}

test("Keras .h5: truncations at 0, 1 byte, 10 %, 50 %, 99 % and one byte short, then seeded bit flips and rewrites", async () => {
  for (const base of bases(".h5")) {
    const bytes = fs.readFileSync(base);
    await runMutants(tallies.h5, base, [...fixedTruncations(bytes), ...mutants(bytes, baseSeed(), caseCount(30))], goodH5);
  }
});

test("Keras .h5: the HDF5 signature followed by garbage, and a file of zeros, say what they are", async () => {
  const rng = new Rng(baseSeed());
  const garbage = Buffer.concat([fs.readFileSync(goodH5).subarray(0, 8), Buffer.from(Array.from({ length: 4096 }, () => rng.int(256)))]);
  for (const [name, bytes] of [["garbage.h5", garbage], ["zeros.h5", Buffer.alloc(4096)], ["empty.h5", Buffer.alloc(0)]] as const) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    tallies.h5.add(await tryBadFile(`h5 ${name}`, file, () => loadKerasModel(file), { mustFail: true }));
    await goodStillLoads(goodH5);
  }
});

test("Keras .keras: truncations, then seeded damage anywhere in the archive", async () => {
  for (const base of bases(".keras")) {
    const bytes = fs.readFileSync(base);
    await runMutants(tallies.keras, base, [...fixedTruncations(bytes), ...mutants(bytes, baseSeed() + 1000, caseCount(25))], goodKeras);
  }
});

test("Keras .keras: damaged weights inside an archive whose checksums are right name the .keras file", async () => {
  const entries = unzip(fs.readFileSync(goodKeras));
  const weights = entries.get("model.weights.h5") as Buffer;
  const inner = [...fixedTruncations(weights), ...mutants(weights, baseSeed() + 2000, caseCount(15))];
  for (const [i, c] of inner.entries()) {
    await withSeed(c.seed, `inner weights: ${c.what}`, async () => {
      const file = path.join(dir, `inner-${i}.keras`);
      const rebuilt = [...entries].map(([name, data]) => ({ name, data: name === "model.weights.h5" ? c.bytes : data }));
      fs.writeFileSync(file, writeZip(rebuilt));
      const truncated = c.what.startsWith("truncate");
      tallies.keras.add(await tryBadFile(`inner ${c.what}`, file, () => loadKerasModel(file), { mustFail: truncated }));
      await goodStillLoads(goodH5);
      await goodStillLoads(goodKeras);
    });
  }
});

/** Bytes of wasm memory h5wasm holds now. */
async function wasmHeap(): Promise<number> {
  const h5 = (await h5wasm()) as unknown as { Module: { HEAPU8: Uint8Array } };
  return h5.Module.HEAPU8.length;
}

test("bombs: a dataset claiming 512 MiB in a small .h5, and deflated entries that claim or hide 1000-fold growth", async () => {
  // A weights-only file (Keras 2 layout) whose one dataset is chunked, gzip-filtered and resized to
  // 512 MiB without writing a chunk: HDF5 hands out zeros for all of it if asked.
  const bomb = path.join(dir, "bomb.h5");
  await writeHdf5(bomb, (f) => {
    f.create_attribute("layer_names", ["hidden"], [1]);
    const g = f.create_group("hidden");
    g.create_attribute("weight_names", ["hidden/kernel:0", "hidden/bias:0"], [2]);
    const inner = g.create_group("hidden");
    const ds = inner.create_dataset({
      name: "kernel:0", data: new Float32Array(3 * 8), shape: [3, 8], dtype: "<f", maxshape: [null, null], chunks: [1024, 1024], compression: 9,
    } as never);
    (ds as unknown as { resize(s: number[]): void }).resize([16384, 8192]);
    inner.create_dataset({ name: "bias:0", data: new Float32Array(8), shape: [8], dtype: "<f" });
  }, {});
  const heapBefore = await wasmHeap();
  const m = model();
  const size = fs.statSync(bomb).size;
  const outcome = await tryBadFile(`h5 bomb (${size} bytes)`, bomb, () => loadKerasWeights(m, bomb), { mustFail: true });
  assert.match(outcome.message ?? "", /would decode to 536870912 bytes/);
  assert.ok((await wasmHeap()) - heapBefore < 16 * 2 ** 20, "the wasm heap grew for the bomb");
  tallies.bombs.add(outcome);
  m.dispose();
  await goodStillLoads(goodH5);

  // .keras whose config.json says it inflates to 128 MiB (from 8 KiB): refused before inflating.
  const entries = unzip(fs.readFileSync(goodKeras));
  const cases: [string, Buffer][] = [
    ["honest-bomb.keras", buildZip([
      { name: "metadata.json", data: entries.get("metadata.json") as Buffer },
      { name: "config.json", data: Buffer.alloc(8 * 2 ** 20, 0x20), deflate: true, claimedSize: 128 * 2 ** 20 },
      { name: "model.weights.h5", data: entries.get("model.weights.h5") as Buffer },
    ])],
    // ... and one that lies, claiming 1 KiB: inflating stops at the claim.
    ["lying-bomb.keras", buildZip([
      { name: "config.json", data: Buffer.alloc(8 * 2 ** 20, 0x20), deflate: true, claimedSize: 1024 },
      { name: "model.weights.h5", data: entries.get("model.weights.h5") as Buffer },
    ])],
    // Weights that truly inflate 1000-fold (72 MiB from 72 KiB), saying so.
    ["weights-bomb.keras", buildZip([
      { name: "config.json", data: entries.get("config.json") as Buffer },
      { name: "model.weights.h5", data: Buffer.alloc(72 * 2 ** 20), deflate: true },
    ])],
  ];
  for (const [name, bytes] of cases) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    const rss = process.memoryUsage().arrayBuffers;
    const o = await tryBadFile(`${name} (${bytes.length} bytes)`, file, () => loadKerasModel(file), { mustFail: true });
    assert.ok(process.memoryUsage().arrayBuffers - rss < 8 * 2 ** 20, `${name}: memory grew while refusing it`);
    tallies.bombs.add(o);
    await goodStillLoads(goodKeras);
  }
});

/** Seeded damage to a JSON config: a key removed, a value nulled, a type changed, a list emptied. */
function damageConfig(config: unknown, seed: number): { what: string; config: unknown } {
  const rng = new Rng(seed);
  const copy = JSON.parse(JSON.stringify(config));
  const spots: { parent: Record<string, unknown> | unknown[]; key: string | number; where: string }[] = [];
  const walk = (v: unknown, where: string) => {
    if (Array.isArray(v)) v.forEach((c, i) => { spots.push({ parent: v, key: i, where: `${where}[${i}]` }); walk(c, `${where}[${i}]`); });
    else if (v !== null && typeof v === "object") {
      for (const [k, c] of Object.entries(v)) { spots.push({ parent: v as Record<string, unknown>, key: k, where: `${where}.${k}` }); walk(c, `${where}.${k}`); }
    }
  };
  walk(copy, "config");
  const spot = rng.pick(spots);
  const action = rng.pick(["delete", "null", "string", "number", "empty", "negative"] as const);
  const p = spot.parent as Record<string | number, unknown>;
  if (action === "delete") {
    if (Array.isArray(spot.parent)) spot.parent.splice(spot.key as number, 1);
    else delete p[spot.key];
  } else if (action === "null") p[spot.key] = null;
  else if (action === "string") p[spot.key] = "x";
  else if (action === "number") p[spot.key] = 7;
  else if (action === "empty") p[spot.key] = Array.isArray(p[spot.key]) ? [] : {};
  else p[spot.key] = -3;
  return { what: `${action} ${spot.where}`, config: copy };
}

test("configs: seeded damage to config.json (.keras) and model_config (.h5) gives sentences, not TypeErrors", async () => {
  const entries = unzip(fs.readFileSync(goodKeras));
  const config = JSON.parse((entries.get("config.json") as Buffer).toString("utf8"));
  const h5Config = await (await import("../../lib/io/keras/hdf5")).withHdf5(goodH5, (f) => JSON.parse(String(f.attrs["model_config"].value)));
  const n = caseCount(40);
  for (let i = 0; i < n; i++) {
    const seed = baseSeed() + 3000 + i;
    const { what, config: damaged } = damageConfig(config, seed);
    await withSeed(seed, `config.json: ${what}`, async () => {
      const file = path.join(dir, `config-${i}.keras`);
      const rebuilt = [...entries].map(([name, data]) => ({ name, data: name === "config.json" ? Buffer.from(JSON.stringify(damaged)) : data }));
      fs.writeFileSync(file, writeZip(rebuilt));
      tallies.configs.add(await tryBadFile(`config.json ${what}`, file, () => loadKerasModel(file)));
    });
  }
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    const seed = baseSeed() + 4000 + i;
    const { what, config: damaged } = damageConfig(h5Config, seed);
    await withSeed(seed, `model_config: ${what}`, async () => {
      const file = path.join(dir, `config-${i}.h5`);
      // The good file's weights with the damaged config: written with HDF5 directly.
      const m = await loadKerasModel(goodH5);
      await saveKerasModel(m, file);
      m.dispose();
      const { h5wasm: load } = await import("../../lib/io/keras/hdf5");
      const h5 = await load();
      const f = new h5.File(file, "a");
      f.delete_attribute("model_config");
      f.create_attribute("model_config", JSON.stringify(damaged));
      f.close();
      tallies.configs.add(await tryBadFile(`model_config ${what}`, file, () => loadKerasModel(file)));
    });
  }
  await goodStillLoads(goodH5);
});

test("after the HDF5 library aborts on a file, the next file is read by a fresh wasm instance", async () => {
  // A real abort needs a file that makes the C library call abort(); the error it raises is simulated here.
  const { withHdf5 } = await import("../../lib/io/keras/hdf5");
  const first = await h5wasm();
  await assert.rejects(withHdf5(goodH5, () => { throw new Error("Aborted(native code called abort())"); }),
    (e: Error) => e.message.startsWith(`${goodH5}: HDF5 failed while reading it: it is damaged`));
  assert.notEqual(await h5wasm(), first, "the aborted instance was kept");
  await goodStillLoads(goodH5);
  await goodStillLoads(goodKeras);
});
