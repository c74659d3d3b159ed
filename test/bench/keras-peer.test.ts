/**
 * The bench's Keras peer must time the same networks as tf.js: rebuilt from each course model's tf.js
 * JSON, every model has the same parameter count and the same layer output shapes in Keras.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as tf from "@tensorflow/tfjs";
import { courseModels } from "../../bench/course-models";
import { runKerasPeer, VENV_PYTHON } from "../../bench/keras-peer";

function kerasInVenv(): boolean {
  if (!fs.existsSync(VENV_PYTHON)) return false;
  const lib = VENV_PYTHON.replace(/bin\/python$/, "lib");
  return fs.readdirSync(lib).some((py) => fs.existsSync(`${lib}/${py}/site-packages/keras`));
}

test("Keras rebuilds every course model with the same parameters and layer shapes", (t) => {
  if (!kerasInVenv()) return t.skip("no Keras in .venv on this machine");
  const peer = runKerasPeer(courseModels, { paramsOnly: true });
  assert.match(peer.version, /^Keras 3\.\d+\.\d+ on tensorflow$/);
  assert.deepEqual(peer.lines.map((l) => l.id), courseModels.map((m) => m.id));
  for (const m of courseModels) {
    const model = m.architecture();
    const line = peer.lines.find((l) => l.id === m.id)!;
    assert.equal(line.params, model.countParams(), `${m.id}: parameters`);
    const shapes = model.layers.map((l) => (l.outputShape as (number | null)[]).slice(1));
    assert.deepEqual(line.layers?.map(([, shape]) => shape), shapes, `${m.id}: layer output shapes`);
    assert.deepEqual(line.layers?.map(([name]) => name), model.layers.map((l) => l.getClassName()), `${m.id}: layer types`);
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, 0);
});
