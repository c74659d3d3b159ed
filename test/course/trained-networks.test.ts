/**
 * loadTrainedNetwork: the course's Keras file first, then the network trained on these very frames
 * (fingerprint), then the chapter's fallback or the committed network; a typed record; clear errors;
 * no tensors left behind but the model handed back.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadTrainedNetwork } from "../../lib/course/trained-networks";
import { rickTaskFingerprint, rickTaskFolders, autoencoderFingerprint } from "../../lib/course/trained-models";
import { saveModel } from "../../lib/io/model-files";
import { saveKerasModel } from "../../lib/io/keras/write";
import { courseModelPath } from "../../lib/io/keras/course-models";

before(async () => {
  await tf.setBackend("cpu");
});

/** A tiny model whose one weight is `w`, so the test can tell which folder a model came from. */
function tiny(w: number): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: tf.initializers.constant({ value: w }) }));
  return m;
}

function weightOf(m: tf.LayersModel): number {
  return tf.tidy(() => (m.predict(tf.ones([1, 1])) as tf.Tensor).dataSync()[0]);
}

async function writeModel(dir: string, w: number, record: object | null): Promise<void> {
  const m = tiny(w);
  await saveModel(m, dir);
  m.dispose();
  if (record !== null) fs.writeFileSync(path.join(dir, "training.json"), JSON.stringify(record));
}

/** A Rick and Morty data folder with a few named frames in every folder the tasks read. */
function dataFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "trained-networks-"));
  for (const task of ["binary", "categorical"] as const) {
    for (const f of rickTaskFolders(root, task)) {
      fs.mkdirSync(f.path, { recursive: true });
      for (let i = 1; i <= 3; i++) fs.writeFileSync(path.join(f.path, `${f.name.replace(/ /g, "_")}_${i}.jpg`), `${f.name} ${i}`);
    }
  }
  return root;
}

const base = { data: "d", split: "s", seed: 3, backend: "cpu", batchSize: 100, epochsPlanned: 50, epochsRun: 7, bestEpoch: 6, minutes: 12.4, history: { val_mse: [0.2, 0.1] } };
const cnn = { ...base, frames: 6, classWeight: null, bestValAccuracy: 0.8125, trainAccuracyAtBest: 0.9375, majorityBaselineVal: 0.5, secondsPerEpoch: 60 };

test("order: the course's file, else the network trained on these frames, else the fallback or the committed one", async () => {
  const root = dataFolder();
  const roots = [path.join(root, "models"), path.join(root, "own-models")];
  const fingerprint = rickTaskFingerprint(root, "binary");
  await writeModel(path.join(roots[0], "rick-cnn"), 1, { ...cnn, task: "binary", fingerprint: "0000000000000000" });
  await writeModel(path.join(root, "brief"), 2, null);
  const tensorsBefore = tf.memory().numTensors;

  // Nothing matches: the chapter's fallback, after why and how to make one.
  const brief = await loadTrainedNetwork("binary", { root, roots, fallback: { dir: path.join(root, "brief"), name: "the brief run", from: "above" } });
  assert.equal(brief.source, "fallback");
  assert.equal(weightOf(brief.model), 2);
  assert.equal(brief.record, null);
  const lines = brief.description.split("\n");
  assert.match(lines[0], new RegExp(`^No trained binary model matches these frames \\(fingerprint ${fingerprint}\\)`));
  assert.equal(lines[lines.length - 1], "Going on with the brief run from above.");
  brief.model.dispose();

  // No fallback given: the committed one, said to be NOT trained on these frames.
  const committed = await loadTrainedNetwork("binary", { root, roots });
  assert.equal(committed.source, "committed");
  assert.equal(weightOf(committed.model), 1);
  assert.equal(committed.description,
    `binary: ${path.join(roots[0], "rick-cnn")}, 7 epochs on the cpu backend, kept epoch 6 (validation accuracy 0.813); ` +
    `NOT trained on these frames (none matches their fingerprint ${fingerprint}): read its scores with care`);
  committed.model.dispose();

  // A network trained on these very frames wins over both.
  await writeModel(path.join(roots[1], `rick-cnn-${fingerprint}`), 3, { ...cnn, task: "binary", fingerprint });
  const match = await loadTrainedNetwork("binary", { root, roots, fallback: { dir: path.join(root, "brief"), name: "the brief run" } });
  assert.equal(match.source, "fingerprint");
  assert.equal(weightOf(match.model), 3);
  assert.equal(match.path, path.join(roots[1], `rick-cnn-${fingerprint}`));
  assert.equal(match.description,
    `loaded ${match.path}, trained on these very frames (fingerprint ${fingerprint}):\n` +
    "  7 epochs (seed 3, cpu backend, 12 minutes); best validation accuracy 0.813 at epoch 6 (training accuracy then 0.938)");
  match.model.dispose();

  // The course's own Keras file wins over everything.
  const courseFile = courseModelPath(root, "modelCNN.h5");
  fs.mkdirSync(path.dirname(courseFile), { recursive: true });
  const course = tiny(4);
  await saveKerasModel(course, courseFile);
  course.dispose();
  const fromCourse = await loadTrainedNetwork("binary", { root, roots });
  assert.equal(fromCourse.source, "course");
  assert.equal(fromCourse.name, "the course's modelCNN.h5");
  assert.equal(fromCourse.record, null);
  assert.equal(weightOf(fromCourse.model), 4);
  assert.match(fromCourse.description, /^Using the course's own modelCNN\.h5/);
  fromCourse.model.dispose();

  // The categorical task has no course file nor a record here: the chapter's fallback.
  const none = await loadTrainedNetwork("categorical", { root, roots, fallback: "none" });
  assert.equal(none.model, null);
  assert.match(none.description, /No trained categorical model matches these frames/);

  assert.equal(tf.memory().numTensors, tensorsBefore, "every model disposed: nothing left behind");
  fs.rmSync(root, { recursive: true, force: true });
});

test("the record comes back typed from its folder; autoencoders and chapter 5's DNA CNN too", async () => {
  const root = dataFolder();
  const roots = [path.join(root, "models"), path.join(root, "own-models")];
  const fingerprint = autoencoderFingerprint(root);
  const noise = { stddev: 0.15, seed: 7, clip: [0, 1] };
  await writeModel(path.join(roots[1], `rick-denoiser-${fingerprint}`), 5,
    { ...base, task: "denoising", fingerprint, frames: 9, trainFrames: 6, valFrames: 3, batchSize: 32, bestValMse: 0.0042, noise });
  await writeModel(path.join(roots[0], "dna-cnn"), 6, { ...cnn, optimizer: "adam", optimizerWords: "Adam", state: "s", history: { loss: [1, 0.5] } });

  const denoiser = await loadTrainedNetwork("denoising", { root, roots });
  assert.equal(denoiser.source, "fingerprint");
  assert.equal(denoiser.record?.valFrames, 3);
  assert.deepEqual(denoiser.record?.noise, noise);
  assert.deepEqual(denoiser.record?.history.val_mse, [0.2, 0.1]);
  assert.equal(denoiser.name, `${denoiser.path} (7 epochs)`);
  assert.match(denoiser.description, /--task denoising on 6 frames \(validation 3\) for 7 epochs of batch 32/);
  assert.match(denoiser.description, /sd 0\.15 \(seed 7\).*kept epoch 6, validation MSE 0\.00420$/);
  denoiser.model.dispose();

  const dna = await loadTrainedNetwork("dna", { roots });
  assert.equal(dna.source, "committed");
  assert.equal(weightOf(dna.model), 6);
  assert.equal(dna.record?.trainAccuracyAtBest, 0.9375);
  assert.deepEqual(dna.record?.history.loss, [1, 0.5]);
  assert.equal(dna.description,
    `loaded ${path.join(roots[0], "dna-cnn")}: 7 epochs (cpu backend, 12 minutes); best validation accuracy 0.813 at epoch 6 (training accuracy then 0.938)`);
  dna.model.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

test("a damaged training.json is an error that names it; so is a fallback that is not there", async () => {
  const root = dataFolder();
  const roots = [path.join(root, "models")];
  const fingerprint = rickTaskFingerprint(root, "binary");
  const dir = path.join(roots[0], `rick-cnn-${fingerprint}`);
  await writeModel(dir, 1, null);
  fs.writeFileSync(path.join(dir, "training.json"), "{ half a rec");
  const tensorsBefore = tf.memory().numTensors;
  await assert.rejects(loadTrainedNetwork("binary", { root, roots }), (e: Error) =>
    e.message.startsWith(`${path.join(dir, "training.json")} is damaged: it is not JSON`));
  fs.writeFileSync(path.join(dir, "training.json"), JSON.stringify({ ...cnn, task: "binary", fingerprint, seed: undefined }));
  await assert.rejects(loadTrainedNetwork("binary", { root, roots }), new RegExp(`training\\.json is damaged: it lacks seed \\(number\\)`));
  assert.equal(tf.memory().numTensors, tensorsBefore, "no model loaded when its record is damaged");

  await assert.rejects(loadTrainedNetwork("categorical", { root, roots, fallback: { dir: path.join(root, "nowhere"), name: "the brief run" } }),
    /No trained categorical model matches[\s\S]*Nor is the brief run there \(.*nowhere\)/);
  await assert.rejects(loadTrainedNetwork("categorical", { root, roots }), /There is no committed .*rick-morty-cat either/);
  await assert.rejects(loadTrainedNetwork("binary", {}), /give \{ root \}/);
  fs.rmSync(root, { recursive: true, force: true });
});

test("in fast mode the fallback's description says why no saved model matches", async () => {
  const root = dataFolder();
  const was = process.env.COURSE_FAST;
  process.env.COURSE_FAST = "1";
  try {
    const plain = tiny(1);
    const net = await loadTrainedNetwork("autoencoder", { root, roots: [path.join(root, "models")], fallback: { model: plain, name: "the short run", from: "above" } });
    assert.equal(net.model, plain, "the chapter's own model, not a copy");
    assert.deepEqual(net.description.split("\n").slice(1), [
      "(Fast mode draws a smaller, different set of frames, so no saved model matches them.)",
      "Going on with the short run from above.",
    ]);
    plain.dispose();
  } finally {
    if (was === undefined) delete process.env.COURSE_FAST;
    else process.env.COURSE_FAST = was;
  }
  fs.rmSync(root, { recursive: true, force: true });
});

test("no chapter reads a training record itself: they all go through loadTrainedNetwork", () => {
  const dir = path.join(__dirname, "..", "..", "notebooks");
  const offenders: string[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb"))) {
    const cells = (JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { cells: { cell_type: string; source: string[] }[] }).cells;
    cells.forEach((cell, i) => {
      const code = cell.source.join("");
      if (cell.cell_type === "code" && /training\.json|findTrainedRecord|listTrainedRecords|readTrainingRecord/.test(code)) offenders.push(`${file} cell ${i}`);
    });
  }
  assert.deepEqual(offenders, []);
});
