"""Chapter 5's functional DNA networks in real Keras, for test/io/keras-functional-dna.test.ts.

    .venv/bin/python scripts/keras-dna-functional.py OUT_DIR JOBS.json

Both directions of the round trip in one Python process:

1. Keras -> us: builds the two networks of lib/models/dna-functional.ts in Keras (the same layers,
   names and settings), gives every weight seeded random values, and writes into OUT_DIR, per id
   ("multi-width", "context"): keras-<id>.keras and keras-<id>.h5 (model.save), the fixed inputs
   keras-<id>-in<k>.f32 (one file per model input: one-hot DNA, and for "context" two numbers per
   region) and Keras's predictions keras-<id>-out.f32.
2. us -> Keras: loads each .keras / .h5 file listed in JOBS.json
   ([{"model", "inputs": [{"file", "shape"}], "output"}]) with keras.models.load_model and writes its
   predictions on those inputs to "output".

Prints one JSON line: {"made": [{id, params, layers, input_shapes, output_shape}], "loaded": [{model,
params, layers, inputs, output_shape}]}. Everything is float32 little-endian.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

SEED = 20261203
N = 3  # regions per fixed input


def top(h):
    """The DNA CNN's second stage and dense top, as in the sequential network."""
    h = L.MaxPooling1D(2)(h)
    h = L.Conv1D(64, 5, activation="relu")(h)
    h = L.MaxPooling1D(2)(h)
    return L.Flatten()(h)


def multi_width():
    seq = keras.Input(shape=(200, 4), name="sequence")
    branches = [L.Conv1D(20, w, padding="same", activation="relu", name=f"width_{w}")(seq) for w in (5, 11, 21)]
    h = top(L.Concatenate(name="all_widths")(branches))
    h = L.Dropout(0.3)(L.Dense(100)(h))
    return keras.Model(seq, L.Dense(3, activation="softmax")(h), name="dna_multi_width")


def context():
    seq = keras.Input(shape=(200, 4), name="sequence")
    ctx = keras.Input(shape=(2,), name="context")
    h = L.Conv1D(20, 5, activation="relu")(seq)
    h = top(h)
    c = L.Dense(8, activation="relu", name="context_dense")(ctx)
    j = L.Concatenate(name="sequence_and_context")([h, c])
    j = L.Dropout(0.3)(L.Dense(100)(j))
    return keras.Model([seq, ctx], L.Dense(3, activation="softmax")(j), name="dna_with_context")


BUILDERS = {"multi-width": multi_width, "context": context}


def write_f32(path, array):
    tmp = path + ".tmp"
    np.ascontiguousarray(array, dtype="<f4").tofile(tmp)
    os.replace(tmp, path)


def randomise(model, rng):
    for layer in model.layers:
        values = []
        for w in layer.get_weights():
            fan_in = int(np.prod(w.shape[:-1])) if w.ndim > 1 else 10
            values.append(rng.normal(0.0, 1.0 / np.sqrt(fan_in), w.shape).astype(np.float32))
        if values:
            layer.set_weights(values)


def inputs_for(model, rng):
    out = []
    for t in model.inputs:
        shape = [N] + [int(d) for d in t.shape[1:]]
        if len(shape) == 3:  # one-hot DNA
            out.append(np.eye(4, dtype=np.float32)[rng.integers(0, 4, shape[:2])])
        else:
            out.append(rng.uniform(0.0, 1.5, shape).astype(np.float32))
    return out


def make(out_dir):
    made = []
    for index, (model_id, build) in enumerate(BUILDERS.items()):
        keras.backend.clear_session()
        rng = np.random.default_rng(SEED + index)
        model = build()
        randomise(model, rng)
        xs = inputs_for(model, rng)
        y = np.asarray(model(xs if len(xs) > 1 else xs[0], training=False))
        base = os.path.join(out_dir, f"keras-{model_id}")
        model.save(base + ".keras")
        model.save(base + ".h5")
        for k, x in enumerate(xs):
            write_f32(f"{base}-in{k}.f32", x)
        write_f32(base + "-out.f32", y)
        made.append({"id": model_id, "params": int(model.count_params()), "layers": [layer.name for layer in model.layers],
                     "input_shapes": [list(x.shape) for x in xs], "output_shape": list(y.shape)})
    return made


def load_and_predict(jobs_path):
    with open(jobs_path) as f:
        jobs = json.load(f)
    report = []
    for job in jobs:
        xs = [np.fromfile(i["file"], dtype="<f4").reshape(i["shape"]) for i in job["inputs"]]
        model = keras.models.load_model(job["model"], compile=False)
        y = np.asarray(model(xs if len(xs) > 1 else xs[0], training=False))
        write_f32(job["output"], y)
        report.append({"model": job["model"], "params": int(model.count_params()), "layers": [layer.name for layer in model.layers],
                       "inputs": [t.name for t in model.inputs], "output_shape": list(y.shape)})
    return report


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: keras-dna-functional.py OUT_DIR JOBS.json")
    os.makedirs(sys.argv[1], exist_ok=True)
    result = {"made": make(sys.argv[1]), "loaded": load_and_predict(sys.argv[2])}
    print(json.dumps(result))
