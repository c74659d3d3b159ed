import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn } from "child_process";
import { saveModel, loadModel, registerFileRouters } from "../../lib/io/model-files";
import { saveWeights, loadWeights } from "../../lib/io/weight-files";

function tinyModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 4, activation: "relu", inputShape: [3] }));
  m.add(tf.layers.dense({ units: 1 }));
  m.compile({ optimizer: "adam", loss: "meanSquaredError" });
  return m;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "course-io-"));
const input = () => tf.tensor2d([[1, 2, 3], [-1, 0, 0.5]]);

test("save and load a model through a folder: same predictions, no leaks", async () => {
  const dir = tmp();
  const model = tinyModel();
  const x = input();
  const before = tf.memory().numTensors;
  await saveModel(model, `file://${dir}`);
  const back = await loadModel(dir);
  const [a, b] = [model.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor];
  assert.deepEqual(await a.data(), await b.data());
  tf.dispose([a, b]);
  back.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.ok(fs.existsSync(path.join(dir, "model.json")));
  // Saving again replaces the weights file instead of piling up old ones.
  await saveModel(model, dir);
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith(".bin")).length, 1);
  model.dispose();
  x.dispose();
});

test("model.save('file://...') and tf.loadLayersModel work once the routers are registered", async () => {
  registerFileRouters();
  const dir = tmp();
  const model = tinyModel();
  await model.save(`file://${dir}`);
  const back = await tf.loadLayersModel(`file://${dir}/model.json`);
  assert.equal(back.countParams(), model.countParams());
  model.dispose();
  back.dispose();
});

test("reads tfjs-node's layout: model.json with a weights.bin beside it", async () => {
  const dir = tmp();
  const model = tinyModel();
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      fs.writeFileSync(path.join(dir, "weights.bin"), Buffer.from(art.weightData as ArrayBuffer));
      const json = {
        modelTopology: art.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: art.weightSpecs }],
        format: art.format,
        generatedBy: art.generatedBy,
        convertedBy: art.convertedBy,
      };
      fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  const back = await loadModel(path.join(dir, "model.json"));
  const x = input();
  const [a, b] = [model.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor];
  assert.deepEqual(await a.data(), await b.data());
  tf.dispose([a, b, x]);
});

test("clear errors for a missing model, broken JSON and a short weights file", async () => {
  const dir = tmp();
  await assert.rejects(loadModel(dir), /model.json is missing/);
  fs.writeFileSync(path.join(dir, "model.json"), "{not json");
  await assert.rejects(loadModel(dir), /not valid JSON/);
  const model = tinyModel();
  await saveModel(model, dir);
  const bin = fs.readdirSync(dir).find((f) => f.endsWith(".bin"))!;
  fs.truncateSync(path.join(dir, bin), 10);
  await assert.rejects(loadModel(dir), /hold 10 bytes but the manifest needs/);
});

test("a process killed while saving never leaves a model that fails to load", async () => {
  const dir = tmp();
  const script = `
    const tf = require("@tensorflow/tfjs");
    const { saveModel } = require(${JSON.stringify(path.resolve("lib/io/model-files.ts"))});
    (async () => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units: 64, inputShape: [256] }));
      for (let i = 0; ; i++) { await saveModel(m, ${JSON.stringify(dir)}); if (i === 0) console.log("saved"); }
    })();`;
  for (let round = 0; round < 4; round++) {
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await new Promise((r) => setTimeout(r, 50 + 70 * round));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const back = await loadModel(dir);
    assert.equal(back.countParams(), 256 * 64 + 64);
    back.dispose();
  }
});

test("weights alone: save, load into a fresh model of the same shape, shape errors", async () => {
  const dir = tmp();
  const file = path.join(dir, "tiny.weights");
  const model = tinyModel();
  await saveWeights(model, file);
  const fresh = tinyModel();
  const before = tf.memory().numTensors;
  await loadWeights(fresh, file);
  assert.equal(tf.memory().numTensors, before);
  const x = input();
  const [a, b] = [model.predict(x) as tf.Tensor, fresh.predict(x) as tf.Tensor];
  assert.deepEqual(await a.data(), await b.data());
  tf.dispose([a, b, x]);
  const other = tf.sequential();
  other.add(tf.layers.dense({ units: 5, inputShape: [3] }));
  other.add(tf.layers.dense({ units: 1 }));
  await assert.rejects(loadWeights(other, file), /shape \[3,4\] in the file, \[3,5\] in the model/);
  await assert.rejects(loadWeights(fresh, path.join(dir, "nope")), /no weights file/);
  fs.writeFileSync(path.join(dir, "bad"), "hello world, not weights");
  await assert.rejects(loadWeights(fresh, path.join(dir, "bad")), /not a weights file/);
});
