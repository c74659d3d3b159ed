/**
 * loadCourseModel: the course's shipped .h5 is used when the course's data folder has it, and the
 * chapter is told so; otherwise null and a line saying the notebook's own model is used. The course's
 * densemodel.h5 is stood in for by a Keras 2 / R keras layout file written by real Keras's weights
 * (scripts/make-keras-fixtures.py), copied into a course-like folder.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { selectBackend } from "../../lib/backend/select-backend";
import { courseModelPath, loadCourseModel } from "../../lib/io/keras/course-models";
import { ensureFixtures, fixture, maxAbsDiff, skipReason } from "./keras-fixtures";

const skip = skipReason();

before(async () => {
  await selectBackend({ prefer: "wasm", quiet: true });
  if (!skip) ensureFixtures();
});

function capture<T>(run: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  return run().then(
    (value) => {
      console.log = log;
      return { value, lines };
    },
    (e) => {
      console.log = log;
      throw e;
    },
  );
}

test("no course file: null, and one line saying the notebook's model is used", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "course-"));
  const { value, lines } = await capture(() => loadCourseModel(root, "densemodel.h5"));
  assert.equal(value, null);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /No densemodel\.h5 from the course in .*data\/models: using the model trained in this notebook/);
  fs.rmSync(root, { recursive: true, force: true });
});

function denseStack(units: number[]): tf.Sequential {
  const m = tf.sequential();
  units.forEach((u, i) => m.add(tf.layers.dense({ units: u, activation: i === units.length - 1 ? "linear" : "relu", ...(i === 0 ? { inputShape: [1] } : {}) })));
  return m;
}

test("the course's densemodel.h5 (R keras layout, a Flatten on the flat input first) is loaded, said so, and predicts as Keras did", { skip }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "course-"));
  const fx = fixture("course-densemodel");
  const target = courseModelPath(root, "densemodel.h5");
  assert.equal(target, path.join(root, "data", "models", "densemodel.h5"));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(fx.dir, "model-k2.h5"), target);
  const before = tf.memory().numTensors;
  const { value, lines } = await capture(() => loadCourseModel(root, "densemodel.h5"));
  assert.ok(value !== null);
  assert.match(lines[0], /Using the course's own densemodel\.h5 .*Flatten → Dense → Dense → Dense, 261 parameters/);
  const x = fx.input();
  const y = value.model.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(await y.data(), fx.expected) <= 1e-5);
  tf.dispose([x, y]);
  value.model.dispose();
  assert.equal(tf.memory().numTensors, before);
  fs.rmSync(root, { recursive: true, force: true });
});

test("like: the course's file is used where it holds the chapter's network, told by its weight shapes", { skip }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "course-"));
  const target = courseModelPath(root, "densemodel.h5");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(fixture("course-densemodel").dir, "model-k2.h5"), target);
  const first = denseStack([100, 120, 1]); // chapter 1's first network: not what the file holds
  const gap = denseStack([10, 20, 1]); // the gap section's network, without the course's no-op Flatten
  const before = tf.memory().numTensors;
  const other = await capture(() => loadCourseModel(root, "densemodel.h5", { like: first }));
  assert.equal(other.value, null);
  assert.match(other.lines[0], /densemodel\.h5 holds another network \(Flatten → Dense → Dense → Dense, 261 parameters\) than this one \(12,441 parameters\): using the model trained in this notebook/);
  assert.equal(tf.memory().numTensors, before, "the unused course model is disposed");
  const same = await capture(() => loadCourseModel(root, "densemodel.h5", { like: gap }));
  assert.ok(same.value !== null);
  assert.match(same.lines[0], /Using the course's own densemodel\.h5/);
  same.value.model.dispose();
  first.dispose();
  gap.dispose();
  fs.rmSync(root, { recursive: true, force: true });
});

test("a course file that cannot be used: the reason is printed and the notebook's model kept (strict: thrown)", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "course-"));
  const target = courseModelPath(root, "modelCNN.h5");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, "not really a model");
  const { value, lines } = await capture(() => loadCourseModel(root, "modelCNN.h5"));
  assert.equal(value, null);
  assert.match(lines[0], /is there but cannot be used here \(.*neither an HDF5 file.*\); using the model trained in this notebook/);
  await assert.rejects(loadCourseModel(root, "modelCNN.h5", { strict: true, quiet: true }), /neither an HDF5 file/);
  fs.rmSync(root, { recursive: true, force: true });
});
