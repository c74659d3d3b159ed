/**
 * Chapter 5's functional DNA networks (filters of several widths side by side; a second input of
 * context) go through real Keras both ways, in .keras and .h5: Keras loads the files we write and
 * predicts what we predict, and we load the files Keras writes and predict what Keras predicts
 * (scripts/keras-dna-functional.py, one Python process for both directions). The Keras networks are
 * built with the same layers as lib/models/dna-functional.ts, which this also checks.
 */
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../lib/backend/select-backend";
import { loadKerasModel } from "../../lib/io/keras/load";
import { saveKerasModel } from "../../lib/io/keras/write";
import { dnaContextCnn, dnaMultiWidthCnn } from "../../lib/models/dna-functional";
import { setSeed, restoreMathRandom } from "../../lib/random/rng";
import { kerasUnavailable, maxAbsDiff, readF32, writeF32 } from "./keras-fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const PYTHON = path.join(ROOT, ".venv", "bin", "python");
const SCRIPT = path.join(ROOT, "scripts", "keras-dna-functional.py");
const TOLERANCE = 1e-5;
const skip = kerasUnavailable() ?? false;
const out = fs.mkdtempSync(path.join(os.tmpdir(), "keras-dna-functional-"));

before(async () => {
  await selectBackend({ prefer: "wasm", quiet: true });
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

const IDS = ["multi-width", "context"] as const;
type Id = (typeof IDS)[number];

function build(id: Id): tf.LayersModel {
  return id === "multi-width" ? dnaMultiWidthCnn() : dnaContextCnn();
}

/** Seeded inputs for a model: one-hot DNA for [200, 4] inputs, numbers in [0, 1.5) for context. */
function inputsFor(model: tf.LayersModel, seed: number): tf.Tensor[] {
  return model.inputs.map((t, k) => {
    const shape = [4, ...(t.shape.slice(1) as number[])];
    return tf.tidy(() => (shape.length === 3
      ? tf.oneHot(tf.randomUniform(shape.slice(0, 2), 0, 4, "int32", seed + k), 4).toFloat()
      : tf.randomUniform(shape, 0, 1.5, "float32", seed + k)));
  });
}

async function predict(model: tf.LayersModel, xs: tf.Tensor[]): Promise<Float32Array> {
  const y = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

/** The layer classes of a model in order, from its Keras-style description (for comparing architectures). */
function layerClasses(model: tf.LayersModel): string[] {
  return model.layers.map((l) => l.getClassName());
}

test("the functional DNA networks go from us to Keras and from Keras to us, .keras and .h5, same predictions", { skip }, async () => {
  setSeed(7);
  try {
    const tensorsBefore = tf.memory().numTensors;
    const ours = new Map<string, { model: tf.LayersModel; xs: tf.Tensor[]; y: Float32Array }>();
    const jobs: { model: string; inputs: { file: string; shape: number[] }[]; output: string }[] = [];
    for (const [i, id] of IDS.entries()) {
      const model = build(id);
      const xs = inputsFor(model, 100 + 10 * i);
      const y = await predict(model, xs);
      ours.set(id, { model, xs, y });
      const inputs = xs.map((x, k) => {
        const file = path.join(out, `ours-${id}-in${k}.f32`);
        writeF32(file, x.dataSync() as Float32Array);
        return { file, shape: x.shape };
      });
      for (const ext of [".keras", ".h5"]) {
        const file = path.join(out, `ours-${id}${ext}`);
        await saveKerasModel(model, file);
        // Our own loader reads our file back to the same numbers.
        const back = await loadKerasModel(file);
        assert.deepEqual(await predict(back, xs), y, `${id}${ext} read back here`);
        assert.deepEqual(back.inputs.map((t) => t.shape), model.inputs.map((t) => t.shape));
        back.dispose();
        jobs.push({ model: file, inputs, output: path.join(out, `ours-${id}${ext}.keras-out.f32`) });
      }
    }
    const jobsFile = path.join(out, "jobs.json");
    fs.writeFileSync(jobsFile, JSON.stringify(jobs));
    const r = spawnSync(PYTHON, [SCRIPT, out, jobsFile], {
      encoding: "utf8", env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3", CUDA_VISIBLE_DEVICES: "" }, maxBuffer: 1 << 26,
    });
    assert.equal(r.status, 0, `Keras failed (exit ${r.status}):\n${(r.stderr || "").slice(-4000)}`);
    const lines = r.stdout.trim().split("\n");
    const report = JSON.parse(lines[lines.length - 1]) as {
      made: { id: Id; params: number; layers: string[]; input_shapes: number[][]; output_shape: number[] }[];
      loaded: { model: string; params: number; inputs: string[]; output_shape: number[] }[];
    };

    // us -> Keras: Keras loads our files (both inputs kept, by name) and predicts as we do.
    const measured: string[] = [];
    report.loaded.forEach((rep, i) => {
      const id = path.basename(rep.model).startsWith("ours-multi-width") ? "multi-width" : "context";
      const mine = ours.get(id)!;
      const d = maxAbsDiff(readF32(jobs[i].output), mine.y);
      measured.push(`${path.basename(rep.model)} ${d.toExponential(1)}`);
      assert.ok(d <= TOLERANCE, `${rep.model}: Keras predicts ${d} away from us`);
      assert.equal(rep.params, mine.model.countParams());
      assert.deepEqual(rep.inputs, mine.model.inputLayers.map((l) => l.name), `${rep.model}: inputs by name`);
    });

    // Keras -> us: we load Keras's files and predict what Keras predicted.
    for (const made of report.made) {
      const mine = ours.get(made.id)!;
      assert.equal(made.params, mine.model.countParams(), `${made.id}: Keras's network has our parameter count`);
      const xs = made.input_shapes.map((s, k) => tf.tensor(readF32(path.join(out, `keras-${made.id}-in${k}.f32`)), s));
      const expected = readF32(path.join(out, `keras-${made.id}-out.f32`));
      for (const ext of [".keras", ".h5"]) {
        const theirs = await loadKerasModel(path.join(out, `keras-${made.id}${ext}`));
        assert.deepEqual(layerClasses(theirs).sort(), layerClasses(mine.model).sort(), `${made.id}${ext}: same layer types`);
        assert.equal(theirs.inputs.length, mine.model.inputs.length);
        const d = maxAbsDiff(await predict(theirs, xs), expected);
        measured.push(`keras-${made.id}${ext} ${d.toExponential(1)}`);
        assert.ok(d <= TOLERANCE, `keras-${made.id}${ext}: we predict ${d} away from Keras`);
        theirs.dispose();
      }
      tf.dispose(xs);
    }
    console.log(`max |difference|: ${measured.join(", ")}`);
    for (const { model, xs } of ours.values()) {
      model.dispose();
      tf.dispose(xs);
    }
    assert.equal(tf.memory().numTensors, tensorsBefore, "tensors left behind");
  } finally {
    restoreMathRandom();
  }
});
