/**
 * Run as its own process by peak-memory.ts: reads the frames one way (streamed in batches, or loaded
 * into one tensor), then prints one JSON line with the peak resident memory of this process.
 * Not exported from lib/index.ts (importing it would run it).
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../backend/select-backend";
import { flowFromDirectory } from "../augment/flow-from-directory";
import { loadLabelledFolders } from "../data/images/loaders/load-labelled";
import { peakResidentBytes, type PeakMemoryJob } from "./peak-memory";

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? "null") as PeakMemoryJob;
  if (job === null || typeof job.directory !== "string") throw new Error("peak-memory-child: expected a job as JSON in argv[2]");
  tf.enableProdMode();
  const backend = await selectBackend({ quiet: true });
  const start = Date.now();
  let frames = 0;
  let checksum = 0;
  if (job.mode === "stream") {
    const flows = flowFromDirectory({ directory: job.directory, classes: job.classes, batchSize: job.batchSize, classMode: "categorical", shuffle: false });
    for (const b of flows.training.batches()) {
      frames += b.xs.shape[0];
      checksum += tf.tidy(() => b.xs.mean().dataSync()[0]);
      tf.dispose([b.xs, b.ys!]);
    }
  } else if (job.mode === "load") {
    const all = loadLabelledFolders({ folders: job.classes.map((c, k) => ({ path: `${job.directory}/${c}`, label: k })) });
    frames = all.x.shape[0];
    checksum = tf.tidy(() => all.x.mean().dataSync()[0]) * frames;
    tf.dispose([all.x, all.y]);
  } else if (job.mode !== "baseline") {
    throw new Error(`peak-memory-child: unknown mode ${JSON.stringify(job.mode)}`);
  }
  const result = { mode: job.mode, frames, peakBytes: peakResidentBytes(), seconds: (Date.now() - start) / 1000, backend: backend.name, checksum };
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
