/** Exercise 2.1 (chapter 1): a dense network for samples with 5 inputs and 3 outputs. */
import * as tf from "@tensorflow/tfjs";
import { CheckReport, NOT_DONE, runCheck } from "./report";
import { asModel, historyRecord, sampleShape, shapeText } from "./values";

export function exercise2_1Report(model: unknown, history?: unknown): CheckReport {
  return runCheck("2.1", "five inputs, three outputs", (items) => {
    if (model === undefined || model === null) return NOT_DONE;
    const m = asModel(model);
    const inShape = sampleShape(m.inputs[0]);
    const outShape = sampleShape(m.outputs[0]);
    items.push(inShape.length === 1 && inShape[0] === 5
      ? { ok: true, text: "the model takes 5 inputs per sample" }
      : { ok: false, text: `the model takes ${shapeText(inShape)} per sample; the first layer needs inputShape: [5]` });
    items.push(outShape.length === 1 && outShape[0] === 3
      ? { ok: true, text: "it gives 3 outputs per sample" }
      : { ok: false, text: `it gives ${shapeText(outShape)} per sample; the last dense layer needs units: 3` });
    const last = m.layers[m.layers.length - 1];
    const activation = (last.getConfig() as { activation?: string }).activation ?? "linear";
    items.push(activation === "linear"
      ? { ok: true, text: "the output layer is linear, so it can predict any real number" }
      : { ok: false, text: `the output layer uses '${activation}', which squeezes every prediction into a fixed range; the targets are real numbers, so use activation: "linear"` });
    if (inShape.length === 1 && typeof inShape[0] === "number") {
      const shape = tf.tidy(() => (m.predict(tf.zeros([4, inShape[0] as number])) as tf.Tensor).shape);
      items.push(shape.length === 2 && shape[0] === 4 && shape[1] === 3
        ? { ok: true, text: "predicting 4 samples gives a 4 × 3 table, one row of three numbers each" }
        : { ok: false, text: `predicting 4 samples gives shape [${shape.join(", ")}], not [4, 3]` });
    }
    const h = historyRecord(history);
    if (h === null || h.loss === undefined) {
      items.push({ ok: false, text: "no training history: keep what model.fit returned (const history = await model.fit(...)) and pass it to the check" });
    } else if (h.loss.length < 2) {
      items.push({ ok: false, text: `the model trained for ${h.loss.length} epoch; train for at least 2 so that the loss can be seen falling` });
    } else {
      const first = h.loss[0];
      const lastLoss = h.loss[h.loss.length - 1];
      items.push(lastLoss < first
        ? { ok: true, text: `the training loss fell from ${first.toPrecision(3)} to ${lastLoss.toPrecision(3)} over ${h.loss.length} epochs` }
        : { ok: false, text: `the training loss did not fall (${first.toPrecision(3)} to ${lastLoss.toPrecision(3)}): check that x has 5 columns and y 3, and that the model was compiled with a loss such as meanSquaredError` });
    }
  });
}
