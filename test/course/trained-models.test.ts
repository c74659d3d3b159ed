import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fingerprintFolders } from "../../lib/data/images/checks/fingerprint";
import {
  autoencoderModelDir, describeMissingAutoencoder, describeMissingModel, findTrainedRecord, listTrainedRecords, readTrainingRecord, trainedModelDir,
} from "../../lib/course/trained-models";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "trained-models-"));
}

function folderWith(root: string, name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), content);
  return dir;
}

test("a fingerprint is the same for the same bytes and changes with a byte, a name or a file", () => {
  const a = tempDir();
  const b = tempDir();
  const fa = [folderWith(a, "Rick", { "1.jpg": "x", "2.jpg": "y" }), folderWith(a, "Other", { "3.jpg": "z" })];
  const fb = [folderWith(b, "Rick", { "1.jpg": "x", "2.jpg": "y" }), folderWith(b, "Other", { "3.jpg": "z" })];
  const base = fingerprintFolders({ folders: fa });
  assert.equal(base.files, 3);
  assert.match(base.id, /^[0-9a-f]{16}$/);
  assert.equal(fingerprintFolders({ folders: fb }).id, base.id, "other location, same files");

  fs.writeFileSync(path.join(fb[0], "2.jpg"), "Y");
  assert.notEqual(fingerprintFolders({ folders: fb }).id, base.id, "changed byte");
  fs.writeFileSync(path.join(fb[0], "2.jpg"), "y");
  fs.renameSync(path.join(fb[1], "3.jpg"), path.join(fb[1], "4.jpg"));
  assert.notEqual(fingerprintFolders({ folders: fb }).id, base.id, "renamed file");
  fs.renameSync(path.join(fb[1], "4.jpg"), path.join(fb[1], "3.jpg"));
  fs.writeFileSync(path.join(fb[1], "5.jpg"), "w");
  assert.notEqual(fingerprintFolders({ folders: fb }).id, base.id, "added file");
  fs.rmSync(path.join(fb[1], "5.jpg"));
  assert.equal(fingerprintFolders({ folders: fb }).id, base.id, "back as it was");
  assert.notEqual(fingerprintFolders({ folders: [fa[1], fa[0]] }).id, base.id, "folder order is part of it (labels follow it)");
  fs.writeFileSync(path.join(fb[0], "notes.txt"), "ignored");
  assert.equal(fingerprintFolders({ folders: fb }).id, base.id, "non-image files do not count");
});

test("a fingerprint of no images is an error that names the folders", () => {
  const a = tempDir();
  const empty = folderWith(a, "Empty", {});
  assert.throws(() => fingerprintFolders({ folders: [empty] }), /no image files in .*Empty/);
  assert.throws(() => fingerprintFolders({ folders: [] }), /no folders/);
  assert.throws(() => fingerprintFolders({ folders: [path.join(a, "missing")] }), /missing/);
});

function writeModel(dir: string, info: object, withModel = true): void {
  fs.mkdirSync(dir, { recursive: true });
  if (withModel) fs.writeFileSync(path.join(dir, "model.json"), "{}");
  fs.writeFileSync(path.join(dir, "training.json"), JSON.stringify(info));
}

const base = { data: "d", split: "s", seed: 12345, backend: "tensorflow", batchSize: 100, epochsPlanned: 50, epochsRun: 5, bestEpoch: 4, minutes: 3.2, history: {} };
const cnn = { ...base, frames: 20, classWeight: null, bestValAccuracy: 0.8, trainAccuracyAtBest: 0.9, majorityBaselineVal: 0.5 };
const ae = { ...base, frames: 30, trainFrames: 24, valFrames: 6, batchSize: 32, bestValMse: 0.0042 };

test("the lookup finds the record of the task whose fingerprint matches, and nothing else", () => {
  const root = tempDir();
  const committed = path.join(root, "models");
  const own = path.join(root, "data", "models");
  writeModel(path.join(committed, "rick-cnn"), { ...cnn, task: "binary", fingerprint: "aaaa", frames: 10, epochsRun: 3, secondsPerEpoch: 30 });
  writeModel(path.join(own, "rick-cnn-bbbb"), { ...cnn, task: "binary", fingerprint: "bbbb" });
  writeModel(path.join(own, "rick-morty-cat-bbbb"), { ...cnn, task: "categorical", fingerprint: "bbbb", backend: "wasm" });
  writeModel(path.join(own, "rick-autoencoder-bbbb"), { ...ae, task: "autoencoder", fingerprint: "bbbb" });
  writeModel(path.join(own, "no-model"), { ...cnn, task: "binary", fingerprint: "cccc" }, false);
  fs.mkdirSync(path.join(own, "rick-cnn-brief")); // a chapter's checkpoint: a model, no record
  fs.writeFileSync(path.join(own, "rick-cnn-brief", "model.json"), "{}");
  fs.writeFileSync(path.join(own, "stray.txt"), "x");
  const roots = [committed, own];

  assert.deepEqual(listTrainedRecords("binary", roots).map((m) => m.dir), [path.join(committed, "rick-cnn"), path.join(own, "rick-cnn-bbbb")]);
  assert.equal(findTrainedRecord("binary", "aaaa", roots)?.dir, path.join(committed, "rick-cnn"));
  assert.equal(findTrainedRecord("binary", "bbbb", roots)?.dir, path.join(own, "rick-cnn-bbbb"));
  assert.equal(findTrainedRecord("categorical", "bbbb", roots)?.info.backend, "wasm");
  assert.equal(findTrainedRecord("autoencoder", "bbbb", roots)?.info.valFrames, 6);
  assert.equal(findTrainedRecord("denoising", "bbbb", roots), null);
  assert.equal(findTrainedRecord("categorical", "aaaa", roots), null);
  assert.equal(findTrainedRecord("binary", "cccc", roots), null, "a folder without model.json does not count");
});

test("a record that is not JSON, or lacks a field a chapter prints, is an error naming its file", () => {
  const root = tempDir();
  writeModel(path.join(root, "rick-cnn"), { ...cnn, task: "binary", fingerprint: "aaaa" });
  const damaged = path.join(root, "rick-cnn-dddd");
  writeModel(damaged, {});
  fs.writeFileSync(path.join(damaged, "training.json"), '{"task": "binary", "fingerp');
  assert.throws(() => findTrainedRecord("binary", "aaaa", [root]), (e: Error) => e.message.includes(path.join(damaged, "training.json")) && /not JSON/.test(e.message));
  fs.writeFileSync(path.join(damaged, "training.json"), JSON.stringify({ ...cnn, task: "binary", fingerprint: "dddd", epochsRun: "five", bestValAccuracy: undefined }));
  assert.throws(() => findTrainedRecord("binary", "aaaa", [root]), /rick-cnn-dddd.training\.json is damaged: it lacks epochsRun \(number\), bestValAccuracy \(number\|null\)/);
  assert.throws(() => readTrainingRecord(path.join(root, "rick-cnn"), "categorical"), /record of a binary model, not of a categorical one/);
  assert.throws(() => readTrainingRecord(path.join(root, "nowhere"), "dna"), /nowhere.training\.json is missing/);
});

test("models of real frames go to git-ignored data/models, the stand-in's to models/", () => {
  assert.equal(trainedModelDir("binary", "abc", true), path.join("models", "rick-cnn"));
  assert.equal(trainedModelDir("categorical", "abc", false), path.join("data", "models", "rick-morty-cat-abc"));
  assert.equal(autoencoderModelDir("autoencoder", "f00d", true), path.join("models", "rick-autoencoder"));
  assert.equal(autoencoderModelDir("denoising", "f00d", false), path.join("data", "models", "rick-denoiser-f00d"));
});

test("with no matching model the message says how to make one, timed from a model of the same task", () => {
  const root = tempDir();
  writeModel(path.join(root, "rick-morty-cat"), { ...cnn, task: "categorical", fingerprint: "aaaa", frames: 1000, epochsRun: 10, secondsPerEpoch: 12 });
  const msg = describeMissingModel("categorical", "ffff", 5000, "tensorflow", [root]);
  assert.match(msg, /No trained categorical model matches these frames \(fingerprint ffff\)/);
  assert.match(msg, /npx tsx scripts\/train-rick-cnn\.ts --task categorical/);
  assert.match(msg, /about 10 minutes for 10 epochs on the tensorflow backend \(60 s per epoch\)/);
  assert.doesNotMatch(describeMissingModel("binary", "ffff", 5000, "tensorflow", [root]), /--task|It takes/);
  assert.match(describeMissingAutoencoder("denoising", "beef", [root]), /fingerprint beef.*train-autoencoder\.ts --task denoising/);
  assert.doesNotMatch(describeMissingAutoencoder("autoencoder", "beef", [root]), /--task/);
});
