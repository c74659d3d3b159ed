/**
 * The figures models/dna-cnn's README and chapter 5 / solutions-05 quote, for a saved DNA CNN, without
 * running the notebooks: validation accuracy and confusion table, recall per class, calls split by
 * the generator's planted-site record, and how often in-silico mutagenesis puts the largest fall
 * inside the planted site (the first N validation regions with a site per class, as solutions-05 does):
 *
 *   npx tsx scripts/evaluate-dna-cnn.ts [models/dna-cnn] [N=500]
 *
 * Always on the full generated stand-in (data/ChIP) with chapter 5's split.
 */
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../lib/backend/select-backend";
import * as dl from "../lib/index";
import { checkNumber, readArgs } from "./args";

const args = readArgs({ script: "evaluate-dna-cnn", usage: "usage: evaluate-dna-cnn [models/dna-cnn] [N=500]", options: {}, maxPositionals: 2 });
const dir = args.positionals[0] ?? "models/dna-cnn";
const perClassChecked = checkNumber(args.positionals[1] ?? "500", "N", { integer: true, min: 1 });
const perClass = typeof perClassChecked === "number" ? perClassChecked : args.fail(perClassChecked);
(async () => {
  await selectBackend({ quiet: true });
  dl.registerFileRouters();
  const root = dl.chipStandInRoot(1);
  dl.ensureChipData({ root, seed: dl.CHIP_DEFAULT_SEED, scale: 1 });
  const data = dl.loadChipData({ root });
  const split = dl.splitIndices(data.labels.length, 40000, dl.setSeed(12345));
  const valX = dl.takeRows(data.x, split.validation);
  const valLabels = dl.pick(data.labels, split.validation);
  const valNames = dl.pick(data.names, split.validation);
  data.x.dispose();
  const model = await dl.loadModel(dir);
  const prob = model.predict(valX, { batchSize: 1000 }) as tf.Tensor2D;
  const calls = dl.predictedClasses(prob); prob.dispose();
  const cm = dl.confusionMatrix(valLabels, calls, { classNames: data.classNames });
  console.log(`accuracy ${cm.accuracy.toFixed(4)}`); console.log(dl.formatConfusion(cm));
  for (const c of cm.perClass) console.log(`  ${c.name} ${c.correct}/${c.n} ${(100 * c.accuracy).toFixed(1)}%`);
  const sites = dl.readPlantedSites(path.join(root, dl.PLANTED_SITES_FILE));
  const groups = new Map<string, { right: number; n: number }>();
  valNames.forEach((name, i) => {
    const key = `${data.classNames[valLabels[i]]}, ${sites.has(name) ? "with a planted site" : "no planted site"}`;
    const g = groups.get(key) ?? { right: 0, n: 0 }; g.n++; if (calls[i] === valLabels[i]) g.right++; groups.set(key, g);
  });
  for (const [k, g] of [...groups.entries()].sort()) console.log(`${k.padEnd(32)} ${g.n} ${(100 * g.right / g.n).toFixed(1)}%`);
  for (const cls of [0, 1]) {
    const chosen = valLabels.map((_, i) => i).filter((i) => valLabels[i] === cls && sites.has(valNames[i])).slice(0, perClass);
    let hitR = 0, nR = 0, hitW = 0, nW = 0;
    for (const i of chosen) {
      const x = dl.takeRows(valX, [i]);
      const r = dl.mutagenesis({ model, sequence: x, classIndex: cls }); x.dispose();
      const hit = dl.peakInSite(r.peak, sites.get(valNames[i])![0]);
      if (calls[i] === cls) { nR++; if (hit) hitR++; } else { nW++; if (hit) hitW++; }
    }
    console.log(`${data.classNames[cls]} mutagenesis: peak in site ${hitR}/${nR} correctly called (${(100 * hitR / nR).toFixed(1)}%), ${hitW}/${nW} wrongly called`);
  }
})().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
