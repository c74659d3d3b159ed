// Run inside the image, in ~/course, as the student: the compiled-fit addon the image built loads, and
// a small dense model trains through it (one graph per step) on native TensorFlow. Prints one JSON line.
// The library is the image's, loaded from the working folder (so not imported by a path tsc resolves).
import * as path from "path";

const lib = (file: string) => require(path.join(process.cwd(), "lib", file));

async function main(): Promise<void> {
  const choice = await lib("backend/select-backend").selectBackend();
  const tf = require(path.join(process.cwd(), "node_modules", "@tensorflow", "tfjs"));
  const { compiledFit, whyNotCompiled } = lib("training/compiled-fit");
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3], units: 8, activation: "relu" }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ loss: "meanSquaredError", optimizer: "adam" });
  const x = tf.randomNormal([64, 3], 0, 1, "float32", 1);
  const y = x.sum(1, true);
  const why = whyNotCompiled(model, x, y, { epochs: 3, batchSize: 16 });
  const history = await compiledFit(model, x, y, { epochs: 3, batchSize: 16, verbose: 0 });
  console.log(JSON.stringify({ backend: choice.name, why, epochs: history.history.loss.length, loss: history.history.loss }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
