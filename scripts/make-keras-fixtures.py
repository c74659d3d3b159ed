"""Keras files written by real Keras, for the tests of lib/io/keras.

    .venv/bin/python scripts/make-keras-fixtures.py [OUT_DIR]       (default data/cache/keras-fixtures)
    .venv/bin/python scripts/make-keras-fixtures.py --predict JOBS.json

The first form builds each course architecture (the same layers as lib/models/course-architectures.ts;
the tests check that layer for layer) in Keras, gives every weight, biases included, seeded random
values, and writes per architecture into OUT_DIR/<id>/:

    model.keras       Keras 3 archive (model.save)
    model.h5          legacy HDF5 as Keras writes it (model.save(".h5"): model_config + model_weights)
    model-k2.h5       the same weights in the layout Keras 2 / R keras wrote (Sequential only; see below)
    weights.weights.h5  weights only, Keras 3 layout (model.save_weights)
    weights-k2.h5     weights only, Keras 2 layout (Keras's own legacy writer)
    input.f32, output.f32, meta.json   fixed inputs, Keras's predictions on them, shapes

model-k2.h5: Keras 3 can no longer write the Keras 2 layout, and no Keras 2 is installed, so this
script rewrites the legacy file with h5py the way Keras 2.2 / R keras laid it out (layer configs with
batch_input_shape and dtype strings, no InputLayer entry, weights named "<layer>/kernel:0" stored as
fixed-length byte strings). The predictions stay Keras's own.

OUT_DIR/extras/ holds a model with a layer type TensorFlow.js lacks (UnitNormalization) and a copy
of mnist-convnet's .keras packed with deflate instead of stored.

The second form loads each listed .keras or .h5 file with Keras and writes its predictions on the
job's input (JOBS.json: [{"model", "input", "shape", "output"}, ...]) and prints what it loaded: the
tests use it to check that the files we write load in Keras and predict as ours do.

Everything is float32 little-endian. A file "stamp" in OUT_DIR holds the hash of this script (sha256, first 16 hex digits), so the
tests regenerate the fixtures whenever the script changes.
"""
import hashlib
import json
import os
import sys
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import h5py  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

SEED = 20240611


def sequential(input_shape, stack):
    return keras.Sequential([keras.Input(shape=input_shape)] + stack)


def regression_dense():
    return sequential((1,), [L.Dense(100, activation="relu"), L.Dense(120, activation="relu"), L.Dense(1, activation="linear")])


def rick_dense():
    return sequential((90, 160, 3), [L.Flatten(), L.Dense(100, activation="relu"), L.Dense(120, activation="relu"),
                                     L.Dense(1, activation="sigmoid")])


def rick_cnn(outputs=1, activation="sigmoid"):
    return sequential((90, 160, 3), [
        L.Conv2D(20, 5, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(20, 5, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 5, activation="relu"), L.MaxPooling2D(2),
        L.Flatten(), L.Dense(100, activation="relu"), L.Dropout(0.3), L.Dense(outputs, activation=activation)])


def conv_autoencoder():
    return sequential((90, 160, 3), [
        L.Conv2D(20, 5, activation="relu"), L.Conv2D(20, 5, activation="relu"), L.Conv2D(64, 5, activation="relu"),
        L.Conv2DTranspose(64, 5, activation="relu"), L.Conv2DTranspose(20, 5, activation="relu"),
        L.Conv2DTranspose(20, 5, activation="relu"), L.Conv2D(3, 5, padding="same", activation="sigmoid")])


def dna_cnn():
    return sequential((200, 4), [
        L.Conv1D(20, 5, activation="relu"), L.MaxPooling1D(2), L.Conv1D(64, 5, activation="relu"), L.MaxPooling1D(2),
        L.Flatten(), L.Dense(100), L.Dropout(0.3), L.Dense(3, activation="softmax")])


def cifar_cnn():
    return sequential((32, 32, 3), [
        L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2), L.Conv2D(64, 3, activation="relu", name="Conv_last"),
        L.MaxPooling2D(2), L.Flatten(), L.Dense(128, activation="relu"), L.Dropout(0.2),
        L.Dense(128, activation="relu"), L.Dropout(0.2), L.Dense(3, activation="softmax")])


def mnist_dense():
    return sequential((784,), [L.Dense(128), L.Activation("relu"), L.Dense(10), L.Activation("softmax")])


def mnist_convnet():
    return sequential((28, 28, 1), [
        L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2), L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"), L.Flatten(), L.Dense(64, activation="relu"), L.Dense(10, activation="softmax")])


def mnist_dense_functional():
    """Chapter 10's network written with the functional API."""
    x = keras.Input(shape=(784,), name="pixels")
    h = L.Dense(128, name="hidden")(x)
    h = L.Activation("relu")(h)
    y = L.Dense(10, activation="softmax", name="digit")(h)
    return keras.Model(x, y, name="mnist_functional")


def branched_functional():
    """A functional graph with a shared input, two branches and merge layers (Add, Concatenate)."""
    x = keras.Input(shape=(12, 12, 2))
    a = L.Conv2D(4, 3, padding="same", activation="relu")(x)
    b = L.Conv2D(4, 1, padding="same")(x)
    s = L.Add()([a, b])
    p = L.AveragePooling2D(2)(s)
    g = L.GlobalMaxPooling2D()(s)
    f = L.Flatten()(p)
    c = L.Concatenate()([f, g])
    y = L.Dense(2, activation="tanh")(c)
    return keras.Model(x, y)


def course_densemodel():
    """The course's densemodel.h5 (R keras 2.7, chapter 1's gap section): layer_flatten(input_shape = 1)
    first, which Keras accepts on a flat input and tf.js's own Flatten refuses."""
    return sequential((1,), [L.Flatten(), L.Dense(10, activation="relu"), L.Dense(20, activation="relu"),
                             L.Dense(1, activation="linear")])


def flatten_functional():
    """Flatten on a flat input inside a functional model."""
    x = keras.Input(shape=(5,))
    y = L.Dense(3, activation="tanh")(L.Flatten()(x))
    return keras.Model(x, y)


def keras_only_settings():
    """Settings Keras accepts and tf.js refuses as they stand: weight constraints, a Dropout noise
    shape, and the activation layers LeakyReLU / ReLU(max_value) / ELU / Softmax."""
    C = keras.constraints
    return sequential((8, 8, 2), [
        L.Conv2D(4, 3, kernel_constraint=C.NonNeg(), bias_constraint=C.UnitNorm()), L.LeakyReLU(negative_slope=0.1),
        L.Dropout(0.3, noise_shape=(None, 1, 1, 4)), L.Flatten(),
        L.Dense(8, kernel_constraint=C.MaxNorm(2.0)), L.ReLU(max_value=0.5),
        L.Dense(6, kernel_constraint=C.MinMaxNorm(0.5, 1.5)), L.ELU(), L.Dense(3), L.Softmax()])


# id -> builder (the tests pair each id with its lib/models/course-architectures.ts builder)
ARCHITECTURES = {
    "regression-dense": regression_dense,
    "rick-dense": rick_dense,
    "rick-cnn": rick_cnn,
    "rick-cnn-multilabel": lambda: rick_cnn(2, "sigmoid"),
    "rick-cnn-categorical": lambda: rick_cnn(3, "softmax"),
    "conv-autoencoder": conv_autoencoder,
    "dna-cnn": dna_cnn,
    "cifar-cnn": cifar_cnn,
    "mnist-dense": mnist_dense,
    "mnist-convnet": mnist_convnet,
    "mnist-dense-functional": mnist_dense_functional,
    "branched-functional": branched_functional,
    # Files Keras loads that tf.js's own layers refuse (lib/io/keras/keras-translate.ts)
    "course-densemodel": course_densemodel,
    "flatten-functional": flatten_functional,
    "keras-only-settings": keras_only_settings,
}


def randomise(model, rng):
    """Seeded weights of a sensible scale; biases non-zero so that loading them is tested too."""
    for layer in model.layers:
        values = []
        for w in layer.get_weights():
            if w.ndim == 1:
                values.append(rng.normal(0.0, 0.1, w.shape).astype(np.float32))
            else:
                fan_in = int(np.prod(w.shape[:-1]))
                values.append(rng.normal(0.0, 1.0 / np.sqrt(fan_in), w.shape).astype(np.float32))
        if values:
            layer.set_weights(values)


def keras2_layer_config(layer_conf, batch_input_shape=None):
    """One Keras 3 layer config rewritten as Keras 2.2 wrote it."""
    conf = dict(layer_conf["config"])
    conf.pop("build_config", None)
    conf.pop("quantization_config", None)
    conf.pop("optional", None)
    if isinstance(conf.get("dtype"), dict):
        conf["dtype"] = conf["dtype"]["config"]["name"]
    for key, value in list(conf.items()):
        if isinstance(value, dict) and "class_name" in value:
            conf[key] = {"class_name": value["class_name"], "config": value.get("config", {})}
    if batch_input_shape is not None:
        conf["batch_input_shape"] = batch_input_shape
    return {"class_name": layer_conf["class_name"], "config": conf}


def write_keras2_layout(src_h5, dst_h5, model):
    """Rewrite a Keras 3 legacy .h5 of a Sequential model in the Keras 2 / R keras layout."""
    with h5py.File(src_h5, "r") as src:
        config = json.loads(src.attrs["model_config"])
    stack = config["config"]["layers"]
    assert stack[0]["class_name"] == "InputLayer"
    batch_shape = stack[0]["config"]["batch_shape"]
    k2_layers = [keras2_layer_config(c, batch_shape if i == 0 else None) for i, c in enumerate(stack[1:])]
    k2_config = {"class_name": "Sequential", "config": {"name": config["config"]["name"], "layers": k2_layers}}
    fixed = lambda names: np.array([n.encode("utf8") for n in names], dtype="S") if names else np.array([], dtype="S1")
    tmp = dst_h5 + ".tmp"
    with h5py.File(tmp, "w") as dst:
        dst.attrs["keras_version"] = np.bytes_(b"2.2.4")
        dst.attrs["backend"] = np.bytes_(b"tensorflow")
        dst.attrs["model_config"] = np.bytes_(json.dumps(k2_config).encode("utf8"))
        weights = dst.create_group("model_weights")
        weights.attrs["layer_names"] = fixed([layer.name for layer in model.layers])
        weights.attrs["keras_version"] = np.bytes_(b"2.2.4")
        weights.attrs["backend"] = np.bytes_(b"tensorflow")
        for layer in model.layers:
            g = weights.create_group(layer.name)
            names = [f"{layer.name}/{v.name}:0" for v in layer.weights]
            g.attrs["weight_names"] = fixed(names)
            for name, v in zip(names, layer.get_weights()):
                g.create_dataset(name, data=v)
    os.replace(tmp, dst_h5)


def write_f32(path, array):
    tmp = path + ".tmp"
    np.ascontiguousarray(array, dtype="<f4").tofile(tmp)
    os.replace(tmp, path)


def make_one(out_dir, arch_id, build, index):
    keras.backend.clear_session()  # layer names start afresh (dense, dense_1, ...), as in a new R session
    rng = np.random.default_rng(SEED + index)
    model = build()
    randomise(model, rng)
    folder = os.path.join(out_dir, arch_id)
    os.makedirs(folder, exist_ok=True)
    input_shape = [2] + [int(d) for d in model.input_shape[1:]]
    x = rng.uniform(0.0, 1.0, input_shape).astype(np.float32)
    y = np.asarray(model(x, training=False))
    model.save(os.path.join(folder, "model.keras"))
    model.save(os.path.join(folder, "model.h5"))
    model.save_weights(os.path.join(folder, "weights.weights.h5"))
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(os.path.join(folder, "weights-k2.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    is_sequential = isinstance(model, keras.Sequential)
    if is_sequential:
        write_keras2_layout(os.path.join(folder, "model.h5"), os.path.join(folder, "model-k2.h5"), model)
    write_f32(os.path.join(folder, "input.f32"), x)
    write_f32(os.path.join(folder, "output.f32"), y)
    meta = {
        "id": arch_id,
        "keras_version": keras.__version__,
        "sequential": is_sequential,
        "input_shape": input_shape,
        "output_shape": [int(d) for d in y.shape],
        "layers": [layer.name for layer in model.layers],
        "params": int(model.count_params()),
    }
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)


def script_hash():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def make_extras(out_dir):
    """Files for the error paths: a layer type TensorFlow.js lacks, and a .keras packed with deflate."""
    keras.backend.clear_session()
    folder = os.path.join(out_dir, "extras")
    os.makedirs(folder, exist_ok=True)
    odd = sequential((6,), [L.Dense(4), L.UnitNormalization(), L.Dense(1)])
    odd.save(os.path.join(folder, "unit-normalization.keras"))
    odd.save(os.path.join(folder, "unit-normalization.h5"))
    src = os.path.join(out_dir, "mnist-convnet", "model.keras")
    tmp = os.path.join(folder, "deflated.keras.tmp")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item.filename))
    os.replace(tmp, os.path.join(folder, "deflated.keras"))


def make_all(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for index, (arch_id, build) in enumerate(ARCHITECTURES.items()):
        make_one(out_dir, arch_id, build, index)
        print(f"{arch_id}: written", flush=True)
    make_extras(out_dir)
    with open(os.path.join(out_dir, "stamp"), "w") as f:
        f.write(script_hash())


def predict(jobs_path):
    """Each job: {"model": path, "input": path.f32, "shape": [...], "output": path.f32}."""
    with open(jobs_path) as f:
        jobs = json.load(f)
    report = []
    for job in jobs:
        x = np.fromfile(job["input"], dtype="<f4").reshape(job["shape"])
        model = keras.models.load_model(job["model"], compile=False)
        y = np.asarray(model(x, training=False))
        write_f32(job["output"], y)
        report.append({"model": job["model"], "output_shape": [int(d) for d in y.shape],
                       "layers": [layer.name for layer in model.layers], "params": int(model.count_params())})
    print(json.dumps(report))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--predict":
        if len(sys.argv) != 3:
            sys.exit("usage: make-keras-fixtures.py --predict JOBS.json")
        predict(sys.argv[2])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--stamp":
        print(script_hash())
    else:
        make_all(sys.argv[1] if len(sys.argv) > 1 else os.path.join("data", "cache", "keras-fixtures"))
