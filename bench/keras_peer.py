"""The Keras peer of `npm run bench`: times one training step of the very models the bench built in
TensorFlow.js, rebuilt in Keras from the tf.js model JSON (so there is one definition of each model:
lib/models/course-architectures.ts).

    .venv/bin/python bench/keras_peer.py SPEC.json                 (written by bench/train-step.ts)
    .venv/bin/python bench/keras_peer.py SPEC.json --params-only   (build only: {"id", "params", "layers"})
    .venv/bin/python bench/keras_peer.py SPEC.json --eager         (also each model with run_eagerly=True)
    .venv/bin/python bench/keras_peer.py SPEC.json --xla           (also each model with XLA the other way)

Keras compiles with jit_compile="auto" by default; each line says what it resolved to ("jit"), and with
--xla the model is timed again with XLA forced the other way, so the bench can compare with the faster.

SPEC.json: [{id, topology, loss, optimizer, batch, inputShape, target, classes, steps}]. Prints one JSON
line per model: {"id", "ms", "steps", "params"}; warm-up steps as the bench does them on tf.js.
"""
from __future__ import annotations

import inspect
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import keras  # noqa: E402

# tf.js snake_case config keys that carry the architecture (initialisers and the rest do not change speed)
ARCH_KEYS = {
    "units", "activation", "filters", "kernel_size", "strides", "padding", "pool_size", "rate",
    "use_bias", "name", "data_format", "dilation_rate", "target_shape", "input_dim", "output_dim",
}
LOSSES = {
    "meanSquaredError": "mean_squared_error",
    "binaryCrossentropy": "binary_crossentropy",
    "categoricalCrossentropy": "categorical_crossentropy",
}


def layer_from_tfjs(entry: dict) -> keras.layers.Layer:
    cls = getattr(keras.layers, entry["class_name"])
    accepted = set(inspect.signature(cls.__init__).parameters)
    cfg = {k: v for k, v in entry["config"].items() if k in ARCH_KEYS and k in accepted}
    return cls(**cfg)


def build(spec: dict, eager: bool = False, jit: bool | str = "auto") -> keras.Model:
    layers = spec["topology"]["config"]["layers"]
    model = keras.Sequential([keras.Input(shape=tuple(spec["inputShape"]))] + [layer_from_tfjs(e) for e in layers])
    # run_eagerly: op by op, as tf.js runs (no graph: no fusion or layout rewrites), to see what graph mode buys
    model.compile(optimizer=spec["optimizer"], loss=LOSSES[spec["loss"]], run_eagerly=eager, jit_compile=False if eager else jit)
    return model


def batch(spec: dict, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = spec["batch"]
    xs = rng.random((n, *spec["inputShape"]), dtype=np.float32)
    target = spec["target"]
    if target == "regression":
        ys = np.sqrt(100 * xs.reshape(n, -1)[:, :1])
    elif target == "binary":
        ys = rng.integers(0, 2, (n, 1)).astype(np.float32)
    elif target == "onehot":
        ys = np.eye(spec["classes"], dtype=np.float32)[rng.integers(0, spec["classes"], n)]
    else:
        ys = xs.copy()
    return xs, ys


def time_steps(spec: dict, eager: bool = False, jit: bool | str = "auto") -> dict:
    model = build(spec, eager, jit)
    xs, ys = batch(spec, np.random.default_rng(42))
    t0 = time.perf_counter()
    model.train_on_batch(xs, ys)  # first call traces and compiles the step
    first = (time.perf_counter() - t0) * 1000
    model.train_on_batch(xs, ys)
    t1 = time.perf_counter()
    model.train_on_batch(xs, ys)
    second = (time.perf_counter() - t1) * 1000
    warmups = 2 if second < 200 else 0
    for _ in range(warmups):
        model.train_on_batch(xs, ys)
    times = []
    for _ in range(spec["steps"]):
        s = time.perf_counter()
        model.train_on_batch(xs, ys)
        times.append((time.perf_counter() - s) * 1000)
    return {"id": spec["id"], "ms": statistics.median(times), "steps": len(times), "params": model.count_params(), "firstMs": first, "eager": eager,
            "jit": bool(model.jit_compile), "jitAsked": jit}


def main() -> int:
    specs = json.load(open(sys.argv[1]))
    params_only = "--params-only" in sys.argv[2:]
    print(json.dumps({"keras": keras.__version__, "backend": keras.backend.backend()}), flush=True)
    for spec in specs:
        if params_only:
            model = build(spec)
            layers = [[type(l).__name__, list(l.output.shape[1:])] for l in model.layers]
            print(json.dumps({"id": spec["id"], "params": model.count_params(), "layers": layers}), flush=True)
        else:
            line = time_steps(spec)
            print(json.dumps(line), flush=True)
            if "--xla" in sys.argv[2:]:
                print(json.dumps(time_steps(spec, jit=not line["jit"])), flush=True)
            if "--eager" in sys.argv[2:]:
                print(json.dumps(time_steps(spec, eager=True)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
