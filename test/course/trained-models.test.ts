import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fingerprintFolders } from "../../lib/data/images/checks/fingerprint";
import { describeMissingModel, findTrainedModel, listTrainedModels, trainedModelDir } from "../../lib/course/trained-models";

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

function writeModel(dir: string, info: object): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "model.json"), "{}");
  fs.writeFileSync(path.join(dir, "training.json"), JSON.stringify(info));
}

test("the lookup finds the model of the task whose fingerprint matches, and nothing else", () => {
  const root = tempDir();
  const committed = path.join(root, "models");
  const own = path.join(root, "data", "models");
  writeModel(path.join(committed, "rick-cnn"), { task: "binary", fingerprint: "aaaa", frames: 10, backend: "tensorflow", epochsRun: 3, secondsPerEpoch: 30 });
  writeModel(path.join(own, "rick-cnn-bbbb"), { task: "binary", fingerprint: "bbbb", frames: 20, backend: "tensorflow", epochsRun: 5 });
  writeModel(path.join(own, "rick-morty-cat-bbbb"), { task: "categorical", fingerprint: "bbbb", frames: 20, backend: "wasm", epochsRun: 5 });
  writeModel(path.join(own, "broken"), { task: "binary" }); // no fingerprint: not a usable record
  fs.mkdirSync(path.join(own, "no-model"));
  fs.writeFileSync(path.join(own, "no-model", "training.json"), JSON.stringify({ task: "binary", fingerprint: "cccc" }));
  const roots = [committed, own];

  assert.equal(listTrainedModels(roots).length, 3);
  assert.equal(findTrainedModel("binary", "aaaa", roots)?.dir, path.join(committed, "rick-cnn"));
  assert.equal(findTrainedModel("binary", "bbbb", roots)?.dir, path.join(own, "rick-cnn-bbbb"));
  assert.equal(findTrainedModel("categorical", "bbbb", roots)?.info.backend, "wasm");
  assert.equal(findTrainedModel("categorical", "aaaa", roots), null);
  assert.equal(findTrainedModel("binary", "cccc", roots), null, "a folder without model.json does not count");
});

test("models of real frames go to git-ignored data/models, the stand-in's to models/", () => {
  assert.equal(trainedModelDir("binary", "abc", true), path.join("models", "rick-cnn"));
  assert.equal(trainedModelDir("categorical", "abc", false), path.join("data", "models", "rick-morty-cat-abc"));
});

test("with no matching model the message says how to make one", () => {
  const msg = describeMissingModel("categorical", "ffff", 5071, "wasm");
  assert.match(msg, /No trained categorical model matches these frames \(fingerprint ffff\)/);
  assert.match(msg, /npx tsx scripts\/train-rick-cnn\.ts --task categorical/);
});
