import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  autoencoderModelDir, describeMissingAutoencoder, describeTrainedAutoencoder, findTrainedAutoencoder, listTrainedAutoencoders,
} from "../../lib/course/trained-autoencoders";

function writeModel(dir: string, info: object, withModel = true): void {
  fs.mkdirSync(dir, { recursive: true });
  if (withModel) fs.writeFileSync(path.join(dir, "model.json"), "{}");
  fs.writeFileSync(path.join(dir, "training.json"), JSON.stringify(info));
}

const base = {
  frames: 3957, trainFrames: 1024, valFrames: 256, data: "d", split: "s", seed: 12345, backend: "tensorflow",
  batchSize: 32, epochsRun: 9, bestEpoch: 8, bestValMse: 0.0042, minutes: 24.6, history: {},
};

test("the lookup finds the autoencoder of the task whose fingerprint matches, and nothing else", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "trained-ae-"));
  writeModel(path.join(root, "rick-autoencoder"), { ...base, task: "autoencoder", fingerprint: "aaaa" });
  writeModel(path.join(root, "rick-denoiser"), { ...base, task: "denoising", fingerprint: "aaaa", noise: { stddev: 0.15, seed: 7, clip: [0, 1] } });
  writeModel(path.join(root, "rick-autoencoder-bbbb"), { ...base, task: "autoencoder", fingerprint: "bbbb" });
  writeModel(path.join(root, "rick-cnn"), { ...base, task: "binary", fingerprint: "aaaa" }); // a classifier: not ours
  writeModel(path.join(root, "half-written"), { ...base, task: "autoencoder", fingerprint: "cccc" }, false);
  fs.writeFileSync(path.join(root, "stray.txt"), "x");
  assert.deepEqual(listTrainedAutoencoders([root]).map((m) => path.basename(m.dir)), ["rick-autoencoder", "rick-autoencoder-bbbb", "rick-denoiser"]);
  assert.equal(path.basename(findTrainedAutoencoder("autoencoder", "aaaa", [root])!.dir), "rick-autoencoder");
  assert.equal(path.basename(findTrainedAutoencoder("denoising", "aaaa", [root])!.dir), "rick-denoiser");
  assert.equal(path.basename(findTrainedAutoencoder("autoencoder", "bbbb", [root])!.dir), "rick-autoencoder-bbbb");
  assert.equal(findTrainedAutoencoder("denoising", "bbbb", [root]), null);
  assert.equal(findTrainedAutoencoder("autoencoder", "cccc", [root]), null, "no model.json: not a model");
  assert.equal(findTrainedAutoencoder("autoencoder", "aaaa", [path.join(root, "nowhere")]), null);
});

test("folders: committed only for the stand-in; descriptions say how a model was trained and how to make one", () => {
  assert.equal(autoencoderModelDir("autoencoder", "f00d", true), path.join("models", "rick-autoencoder"));
  assert.equal(autoencoderModelDir("denoising", "f00d", false), path.join("data", "models", "rick-denoiser-f00d"));
  const line = describeTrainedAutoencoder({
    dir: "models/rick-denoiser",
    info: { ...base, task: "denoising", fingerprint: "aaaa", noise: { stddev: 0.15, seed: 7, clip: [0, 1] } },
  });
  assert.match(line, /--task denoising on 1024 frames/);
  assert.match(line, /9 epochs of batch 32/);
  assert.match(line, /sd 0\.15 \(seed 7\)/);
  assert.match(line, /epoch 8, validation MSE 0\.00420/);
  assert.match(describeMissingAutoencoder("denoising", "beef"), /fingerprint beef.*train-autoencoder\.ts --task denoising/);
  assert.doesNotMatch(describeMissingAutoencoder("autoencoder", "beef"), /--task/);
});
