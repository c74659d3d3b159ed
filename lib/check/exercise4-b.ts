/**
 * Exercise 4.B (chapter 4): find a validation frame the network gets wrong and ask Grad-CAM why. The
 * check confirms that the network really gets the frame wrong, that the map is Grad-CAM of the class
 * it chose (compared with `dl.gradCam`), and that a sentence about it was written down.
 */
import * as tf from "@tensorflow/tfjs";
import { gradCam } from "../interpret/grad-cam";
import { CheckReport, NOT_DONE, StopCheck, describeValue, runCheck } from "./report";
import { asModel, asTensor } from "./values";

export interface Exercise4BArgs {
  /** The classifier (softmax over classes). */
  model: unknown;
  /** The validation frames, [n, h, w, 3]. */
  frames: unknown;
  /** The true class of each frame. */
  labels: readonly number[];
  /** What was seen, in a sentence. */
  why?: unknown;
  classNames?: readonly string[];
}

export function exercise4BReport(index: unknown, cam: unknown, a: Exercise4BArgs): CheckReport {
  return runCheck("4.B", "a wrong call, explained", (items) => {
    if (index === undefined || index === null) return NOT_DONE;
    const model = asModel(a.model, "the network");
    const frames = asTensor(a.frames, "the validation frames");
    const count = frames.shape[0];
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count) {
      throw new StopCheck(`the frame should be a row number of the validation frames, 0 to ${count - 1}; got ${describeValue(index)}`);
    }
    const name = (k: number): string => a.classNames?.[k] ?? `class ${k}`;
    const frame = tf.tidy(() => frames.slice([index, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D);
    try {
      const probs = tf.tidy(() => Array.from((model.predict(frame) as tf.Tensor).dataSync()));
      const chosen = probs.indexOf(Math.max(...probs));
      const truth = a.labels[index];
      items.push(chosen !== truth
        ? { ok: true, text: `frame ${index} is a ${name(truth)} frame that the network calls ${name(chosen)} (P = ${probs[chosen].toFixed(2)})` }
        : { ok: false, text: `the network calls frame ${index} right (${name(truth)}, P = ${probs[chosen].toFixed(2)}): pick a frame whose largest probability is not its true class` });
      const map = cam as { heatmap?: unknown; classIndex?: unknown };
      if (cam === undefined || cam === null || !Array.isArray(map.heatmap) || typeof map.classIndex !== "number") {
        items.push({ ok: false, text: `no Grad-CAM map (got ${describeValue(cam)}): keep what dl.gradCam (or the chapter's explain) returned for this frame` });
      } else if (chosen !== truth && map.classIndex === truth) {
        items.push({ ok: false, text: `this map explains the true class, ${name(truth)}; the question is why the network chose ${name(chosen)}: ask for class ${chosen}` });
      } else {
        const ref = gradCam(model, frame, { classIndex: map.classIndex });
        const mine = map.heatmap as number[][];
        const sameShape = mine.length === ref.height && mine.every((row) => Array.isArray(row) && row.length === ref.width);
        const diff = sameShape ? Math.max(...ref.heatmap.flatMap((row, r) => row.map((v, c) => Math.abs(v - mine[r][c])))) : Infinity;
        if (diff > 1e-3) {
          items.push({ ok: false, text: `this map is not Grad-CAM of frame ${index} for class ${map.classIndex}: did it come from another frame or layer?` });
        } else if (map.classIndex !== chosen) {
          items.push({ ok: false, text: `this map explains ${name(map.classIndex)}; the network chose ${name(chosen)}: ask for class ${chosen}` });
        } else {
          items.push({ ok: true, text: `the map is Grad-CAM of the class the network chose; its peak is at row ${ref.peak.row}, column ${ref.peak.col} of ${ref.height} × ${ref.width}` });
        }
      }
    } finally {
      frame.dispose();
    }
    const words = typeof a.why === "string" ? a.why.trim().split(/\s+/).filter(Boolean).length : 0;
    items.push(words >= 4
      ? { ok: true, text: `you wrote down what the map shows: "${(a.why as string).trim().slice(0, 160)}"` }
      : { ok: false, text: "say in a sentence (why4B) where the evidence for the wrong class sits: on a character, on the background, at the edge?" });
  });
}
