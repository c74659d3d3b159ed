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

test("the course's densemodel.h5 in its data folder is loaded, said so, and predicts as Keras did", { skip }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "course-"));
  const fx = fixture("regression-dense");
  const target = courseModelPath(root, "densemodel.h5");
  assert.equal(target, path.join(root, "data", "models", "densemodel.h5"));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(fx.dir, "model-k2.h5"), target);
  const before = tf.memory().numTensors;
  const { value, lines } = await capture(() => loadCourseModel(root, "densemodel.h5"));
  assert.ok(value !== null);
  assert.match(lines[0], /Using the course's own densemodel\.h5 .*Dense → Dense → Dense, 12,441 parameters/);
  const x = fx.input();
  const y = value.model.predict(x) as tf.Tensor;
  assert.ok(maxAbsDiff(await y.data(), fx.expected) <= 1e-5);
  tf.dispose([x, y]);
  value.model.dispose();
  assert.equal(tf.memory().numTensors, before);
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
