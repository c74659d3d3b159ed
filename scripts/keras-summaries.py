"""Keras's own summary() of the models that test/display/summary.test.ts builds in tf.js, built here in
the same order in one fresh session, so Keras numbers the layers as tf.js does (dense, dense_1, ...).

    .venv/bin/python scripts/keras-summaries.py      -> JSON list of {"id", "text"} on stdout

The text is Keras 3's table (drawn with box characters, 250 characters wide so that nothing wraps);
the test compares its content (rows, shapes, counts) with ours, not its drawing.
"""
import io
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["COLUMNS"] = "250"  # rich, which draws Keras 3's table, wraps at the terminal width otherwise

import keras  # noqa: E402
from keras import layers as L  # noqa: E402


def seq(shape, stack):
    return keras.Sequential([keras.Input(shape=shape)] + stack)


def regression_dense():
    return seq((1,), [L.Dense(100, activation="relu"), L.Dense(120, activation="relu"), L.Dense(1)])


def rick_cnn():
    return seq((90, 160, 3), [
        L.Conv2D(20, 5, activation="relu"), L.MaxPooling2D(2), L.Conv2D(20, 5, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 5, activation="relu"), L.MaxPooling2D(2), L.Flatten(), L.Dense(100, activation="relu"),
        L.Dropout(0.3), L.Dense(1, activation="sigmoid")])


def course_autoencoder():
    """The course's modelAE as its summary shows it: each convolution followed by an Activation layer."""
    stack = []
    for cls, filters in [(L.Conv2D, 20), (L.Conv2D, 20), (L.Conv2D, 64), (L.Conv2DTranspose, 64),
                         (L.Conv2DTranspose, 20), (L.Conv2DTranspose, 20)]:
        stack += [cls(filters, 5), L.Activation("relu")]
    stack += [L.Conv2D(3, 5, padding="same"), L.Activation("sigmoid")]
    return seq((90, 160, 3), stack)


def functional_chain():
    x = keras.Input(shape=(784,))
    h = L.Activation("relu")(L.Dense(128)(x))
    return keras.Model(x, L.Dense(10, activation="softmax")(h))


def functional_branched():
    x = keras.Input(shape=(200, 4))
    branches = [L.GlobalMaxPooling1D()(L.Conv1D(8, w, activation="relu")(x)) for w in (5, 11, 21)]
    c = L.Concatenate()(branches)
    return keras.Model(x, L.Dense(3, activation="softmax")(c))


def with_batch_norm():
    m = seq((28, 28, 1), [L.Conv2D(8, 3), L.BatchNormalization(), L.Flatten(), L.Dense(10)])
    m.layers[0].trainable = False
    return m


MODELS = [("regression-dense", regression_dense), ("rick-cnn", rick_cnn), ("course-autoencoder", course_autoencoder),
          ("functional-chain", functional_chain), ("functional-branched", functional_branched),
          ("batch-norm-frozen", with_batch_norm)]


def main():
    out = []
    for model_id, build in MODELS:
        model = build()
        buf = io.StringIO()
        model.summary(line_length=250, print_fn=lambda line, **kw: buf.write(line + "\n"))
        out.append({"id": model_id, "text": buf.getvalue()})
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
