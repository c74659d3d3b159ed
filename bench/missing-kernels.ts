/**
 * Finds out which kernels stock wasm lacks for training the course's models: one training step
 * (batch 2, autoencoder on 30x40x3) per model on plain wasm, then the same with
 * registerWasmTrainingKernels(). Run: npx tsx bench/missing-kernels.ts
 */
import * as tf from "@tensorflow/tfjs";
import { autoencoderModel, courseModels, extraModels } from "./course-models";
import { loadWasmBackendPackage, registerWasmTrainingKernels } from "../lib/backend/wasm-training-kernels";

const models = [
  ...courseModels.filter((m) => m.id !== "autoencoder"),
  autoencoderModel([30, 40, 3]),
  ...extraModels,
];

async function trySteps(title: string): Promise<void> {
  console.log(`\n${title}`);
  for (const m of models) {
    const model = m.build();
    const { xs, ys } = m.makeBatch(2, 1);
    try {
      await model.trainOnBatch(xs, ys);
      console.log(`  ok       ${m.label}`);
    } catch (e) {
      console.log(`  FAILED   ${m.label}: ${(e as Error).message.split("\n")[0]}`);
    }
    tf.dispose([xs, ys]);
    model.dispose();
  }
}

async function main(): Promise<void> {
  tf.enableProdMode();
  loadWasmBackendPackage();
  if (!(await tf.setBackend("wasm"))) throw new Error("the wasm backend failed to start");
  await trySteps("stock wasm:");
  console.log(`\nregistered: ${registerWasmTrainingKernels().join(", ")}`);
  await trySteps("wasm with the training kernels:");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
