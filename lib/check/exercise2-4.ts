/**
 * Exercise 2.4 (chapter 7): a denoising autoencoder. The check runs the student's network on the
 * student's held-back noisy frames and compares the result with the clean ones.
 */
import * as tf from "@tensorflow/tfjs";
import { reconstructionError } from "../evaluate/reconstruction";
import { CheckReport, NOT_DONE, StopCheck, runCheck } from "./report";
import { asModel, asTensor, sampleShape, shapeText } from "./values";

export interface Exercise2_4Frames {
  /** Held-back frames as they are, [n, 90, 160, 3] in 0..1. */
  clean: unknown;
  /** The same frames with noise added. */
  noisy: unknown;
}

export function exercise2_4Report(denoiser: unknown, frames: Exercise2_4Frames): CheckReport {
  return runCheck("2.4", "a denoising autoencoder", (items) => {
    if (denoiser === undefined || denoiser === null) return NOT_DONE;
    const m = asModel(denoiser, "the denoiser");
    const inShape = sampleShape(m.inputs[0]);
    const outShape = sampleShape(m.outputs[0]);
    if (inShape.join(",") !== outShape.join(",")) {
      throw new StopCheck(`the network turns ${shapeText(inShape)} into ${shapeText(outShape)}; a denoiser gives back a frame of the size it was given`);
    }
    items.push({ ok: true, text: `the network gives back a frame of the size it takes (${shapeText(inShape)})` });
    if (frames === undefined || frames === null || frames.clean === undefined || frames.noisy === undefined) {
      throw new StopCheck("pass held-back frames to test on: { clean: ..., noisy: ... }");
    }
    const clean = asTensor(frames.clean, "the clean frames");
    const noisy = asTensor(frames.noisy, "the noisy frames");
    if (clean.shape.join(",") !== noisy.shape.join(",")) {
      throw new StopCheck(`the clean frames are [${clean.shape.join(", ")}] and the noisy ones [${noisy.shape.join(", ")}]: make the noisy ones from the same frames`);
    }
    if (clean.shape.slice(1).join(",") !== inShape.join(",")) {
      throw new StopCheck(`the frames are [${clean.shape.join(", ")}], the network takes ${shapeText(inShape)} per frame`);
    }
    const [lo, hi, moved] = tf.tidy(() => [noisy.min().dataSync()[0], noisy.max().dataSync()[0], tf.sub(noisy, clean).abs().mean().dataSync()[0]]);
    if (moved < 1e-4) throw new StopCheck("the noisy frames are the clean ones: add noise (e.g. dl.addGaussianNoise or tf.randomNormal with a seed)");
    items.push(lo >= 0 && hi <= 1
      ? { ok: true, text: "the noisy frames stay within 0..1, like the pictures the network's sigmoid output can draw" }
      : { ok: false, text: `the noisy frames range from ${lo.toFixed(2)} to ${hi.toFixed(2)}: clip them to 0..1 (tf.clipByValue), since the network's sigmoid output only reaches 0..1` });
    const denoised = tf.tidy(() => m.predict(noisy, { batchSize: 8 }) as tf.Tensor);
    try {
      const noisyErr = reconstructionError(clean, noisy);
      const outErr = reconstructionError(clean, denoised);
      const better = outErr.perFrame.filter((e, i) => e < noisyErr.perFrame[i]).length;
      items.push(outErr.mse < noisyErr.mse
        ? { ok: true, text: `the denoised frames are closer to the clean ones (MSE ${outErr.mse.toFixed(4)}, ${outErr.meanPsnr.toFixed(1)} dB) than the noisy ones were ` +
            `(MSE ${noisyErr.mse.toFixed(4)}, ${noisyErr.meanPsnr.toFixed(1)} dB); better for ${better} of ${clean.shape[0]} frames` }
        : { ok: false, text: `the denoised frames are not closer to the clean ones (MSE ${outErr.mse.toFixed(4)}) than the noisy ones were (MSE ${noisyErr.mse.toFixed(4)}): ` +
            (outErr.mse > 3 * noisyErr.mse
              ? "the network's output is far from any frame; if you went on training a trained network, use a small learning rate " +
                "(e.g. optimizer: tf.train.adam(1e-4)), since the default one undoes what it learnt in a step or two"
              : "check that you trained noisy → clean (not clean → clean or noisy → noisy), and train longer or start from the trained autoencoder's weights") });
    } finally {
      denoised.dispose();
    }
  });
}
