/**
 * lib/io/keras/layer-table.ts (no Keras needed): the table is complete (every entry has an example
 * here, every example an entry, each tf.js class belongs to one entry) and symmetric (a layer read
 * from a Keras config the table wrote writes the same config again, in both dialects, and keeps the
 * settings of the example it started from). The model walkers read and write through the table, and
 * a layer type it does not hold is refused with an error that names the class and the file.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../lib/backend/select-backend";
import { layerFromKeras, modelFromKerasConfig } from "../../lib/io/keras/config-to-layers";
import { canonicalKerasClass, entryForKeras, entryForTfjs, kerasLayerTypes, LAYER_TABLE, type LayerTableEntry } from "../../lib/io/keras/layer-table";
import { kerasDtype, kerasObject, type Dialect, type Json } from "../../lib/io/keras/layer-settings";
import { kerasLayerConfig, saveKerasModel } from "../../lib/io/keras/write";

before(async () => {
  await selectBackend({ prefer: "cpu", quiet: true });
});

const DIALECTS: Dialect[] = ["keras2", "keras3"];

/** One Keras config per layer type, with settings away from their defaults where the type has any. */
const EXAMPLES: Record<string, (d: Dialect) => Json> = {
  InputLayer: (d) => ({ [d === "keras3" ? "batch_shape" : "batch_input_shape"]: [null, 5, 3], name: "in" }),
  Dense: (d) => ({
    name: "d", trainable: false, units: 7, activation: "tanh", use_bias: false,
    kernel_regularizer: kerasObject(d, "keras.regularizers", "L1L2", { l1: 0.25, l2: 0 }),
  }),
  Conv1D: () => ({ name: "c1", filters: 3, kernel_size: [5], strides: [1], padding: "causal", dilation_rate: [2], activation: "relu" }),
  Conv2D: () => ({ name: "c2", filters: 4, kernel_size: [3, 2], strides: [2, 1], padding: "same", data_format: "channels_first", activation: "elu" }),
  Conv2DTranspose: () => ({ name: "t", filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: "same", activation: "sigmoid" }),
  MaxPooling1D: () => ({ name: "p1", pool_size: [3], strides: [1], padding: "same" }),
  MaxPooling2D: () => ({ name: "p2", pool_size: [3, 3], strides: [2, 2], data_format: "channels_first" }),
  AveragePooling1D: () => ({ name: "a1", pool_size: [4], strides: [2], padding: "valid" }),
  AveragePooling2D: () => ({ name: "a2", pool_size: [2, 3], strides: [1, 1], padding: "same" }),
  GlobalMaxPooling1D: () => ({ name: "g1", data_format: "channels_last" }),
  GlobalMaxPooling2D: () => ({ name: "g2", data_format: "channels_first" }),
  GlobalAveragePooling1D: () => ({ name: "ga1", data_format: "channels_last" }),
  GlobalAveragePooling2D: () => ({ name: "ga2", data_format: "channels_first" }),
  Flatten: () => ({ name: "f", data_format: "channels_first" }),
  Dropout: () => ({ name: "dr", rate: 0.25, noise_shape: [null, 1] }),
  Activation: () => ({ name: "act", activation: "softmax" }),
  Reshape: () => ({ name: "r", target_shape: [2, 6] }),
  BatchNormalization: () => ({ name: "bn", axis: 1, momentum: 0.9, epsilon: 0.01, center: false, scale: true }),
  UpSampling2D: () => ({ name: "up", size: [2, 3], data_format: "channels_first", interpolation: "bilinear" }),
  Add: () => ({ name: "add" }),
  Concatenate: () => ({ name: "cat", axis: 1 }),
  Multiply: () => ({ name: "mul" }),
  Average: () => ({ name: "avg" }),
  Maximum: () => ({ name: "max" }),
  Minimum: () => ({ name: "min" }),
  LeakyReLU: (d) => (d === "keras3" ? { name: "lk", negative_slope: 0.2 } : { name: "lk", alpha: 0.2 }),
  ReLU: () => ({ name: "relu", max_value: 6, negative_slope: 0, threshold: 0 }),
  ELU: () => ({ name: "elu", alpha: 1 }),
  Softmax: () => ({ name: "sm", axis: 1 }),
};

const fail = (what: string): never => {
  throw new Error(`layer-table test: ${what}`);
};

/** A table entry's read, with the settings the model walker gives every layer. */
function readOne(entry: LayerTableEntry, conf: Json): tf.layers.Layer {
  return entry.read(conf, { fail, base: { name: conf.name, trainable: conf.trainable !== false } });
}

/** A table entry's write, with the settings the model walker gives every layer. */
function writeOne(entry: LayerTableEntry, layer: tf.layers.Layer, dialect: Dialect): Json {
  const base = { name: layer.name, trainable: layer.trainable, dtype: kerasDtype(dialect) };
  return entry.write(layer.getConfig() as Json, { fail, dialect, base });
}

test("the table is complete: every entry has an example here and every example an entry, each class in one entry", () => {
  const classes = LAYER_TABLE.map((e) => e.kerasClass);
  assert.deepEqual([...classes].sort(), Object.keys(EXAMPLES).sort());
  assert.equal(new Set(classes).size, classes.length, "a Keras class is in the table twice");
  const tfjs = LAYER_TABLE.map((e) => e.tfjsClass);
  assert.equal(new Set(tfjs).size, tfjs.length, "a tf.js class is in the table twice");
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const e of LAYER_TABLE) {
    assert.equal(entryForKeras(e.kerasClass), e);
    assert.equal(entryForTfjs(e.tfjsClass), e);
    assert.ok(registered[e.tfjsClass] !== undefined, `${e.tfjsClass} is not a tf.js layer class`);
    for (const alias of e.kerasAliases ?? []) {
      assert.equal(entryForKeras(alias), e, `alias ${alias}`);
      assert.equal(canonicalKerasClass(alias), e.kerasClass);
    }
  }
  assert.deepEqual(kerasLayerTypes(), classes);
});

test("the table is symmetric: write(read(x)) is x for a config x the table wrote, in both dialects, and the example's settings survive", () => {
  const before = tf.memory().numTensors;
  for (const entry of LAYER_TABLE) {
    for (const dialect of DIALECTS) {
      const example = EXAMPLES[entry.kerasClass](dialect);
      const where = `${entry.kerasClass} (${dialect})`;
      const first = readOne(entry, example);
      assert.equal(first.getClassName(), entry.tfjsClass, `${where}: read makes a ${first.getClassName()}`);
      const written = writeOne(entry, first, dialect);
      for (const [key, value] of Object.entries(example)) {
        assert.deepEqual(written[key], value, `${where}: ${key} is written as ${JSON.stringify(written[key])}, read as ${JSON.stringify(value)}`);
      }
      const again = writeOne(entry, readOne(entry, written), dialect);
      assert.deepEqual(again, written, `${where}: the written config does not round-trip`);
    }
  }
  assert.equal(tf.memory().numTensors, before, "reading and writing layers left tensors behind");
});

test("the model walkers read and write each layer through the table", () => {
  for (const entry of LAYER_TABLE) {
    if (entry.kerasClass === "InputLayer") continue; // the walkers take the input apart from the layers
    for (const dialect of DIALECTS) {
      const example = EXAMPLES[entry.kerasClass](dialect);
      const viaWalker = kerasLayerConfig(layerFromKeras({ class_name: entry.kerasClass, config: example }, "t.keras"), dialect);
      assert.deepEqual(viaWalker, writeOne(entry, readOne(entry, example), dialect), `${entry.kerasClass} (${dialect})`);
    }
  }
});

test("a functional model's InputLayer round-trips through the table's entry", () => {
  const x = tf.input({ shape: [5, 3], name: "in" });
  const m = tf.model({ inputs: x, outputs: tf.layers.flatten({ name: "f" }).apply(x) as tf.SymbolicTensor, name: "fm" });
  for (const dialect of DIALECTS) {
    const written = kerasLayerConfig(m.layers[0], dialect);
    assert.deepEqual(written, writeOne(entryForTfjs("InputLayer") as LayerTableEntry, m.layers[0], dialect));
    assert.deepEqual(written, { ...EXAMPLES.InputLayer(dialect), dtype: "float32", sparse: false });
  }
  m.dispose();
});

test("a layer type the table does not hold is refused, naming the class and the file, in both directions", async () => {
  const sequential = (layer: Json) => ({ class_name: "Sequential", config: { name: "s", layers: [{ class_name: "InputLayer", config: { name: "in", batch_shape: [null, 4, 2] } }, layer] } });
  assert.throws(() => modelFromKerasConfig(sequential({ class_name: "Mystery", config: { name: "m" } }), "odd.keras"),
    /odd\.keras, layer 'm' \(Mystery\): layer type Mystery has no TensorFlow\.js counterpart/);
  // tf.js has an LSTM, the table has not: the error lists what the table holds.
  assert.throws(() => modelFromKerasConfig(sequential({ class_name: "LSTM", config: { name: "l", units: 2 } }), "odd.h5"), (e: Error) => {
    assert.match(e.message, /^odd\.h5, layer 'l' \(LSTM\): layer type LSTM is not among the types loadKerasModel translates/);
    for (const cls of kerasLayerTypes()) assert.ok(e.message.includes(cls), `the error does not list ${cls}`);
    return true;
  });
  const model = tf.sequential({ layers: [tf.layers.simpleRNN({ units: 2, inputShape: [4, 2], name: "rnn" })] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layer-table-"));
  try {
    for (const ext of [".keras", ".h5"]) {
      const target = path.join(dir, `odd${ext}`);
      await assert.rejects(saveKerasModel(model, target), (e: Error) => {
        assert.ok(e.message.includes(target), `the error does not name ${target}: ${e.message}`);
        assert.match(e.message, /layer 'rnn' \(SimpleRNN\): this layer type has no Keras translation/);
        return true;
      });
      assert.equal(fs.existsSync(target), false, "a refused save wrote a file");
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
});
