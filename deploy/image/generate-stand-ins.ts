/**
 * Generates, at build time, the stand-in data sets the chapters read in full mode, so that a student's
 * first run finds them in place (the image links them into each student's data/ folder).
 *
 *   npx tsx deploy/image/generate-stand-ins.ts [--scale 1]
 *
 * Each is made with the seed its chapters ask for: the Rick and Morty frames and the ChIP regions with
 * their generators' defaults, the CIFAR stand-in with the seed chapter 8 passes (read from the notebook,
 * so a changed seed there cannot leave the image with pictures the chapter would redraw).
 */
import * as fs from "fs";
import * as path from "path";
import { ensureRickMortyData } from "../../lib/stand-ins/rick-morty/generate";
import { ensureChipData } from "../../lib/stand-ins/chip/generate";
import { cifarStandInRoot, ensureCifarData } from "../../lib/stand-ins/cifar/generate";

const ROOT = path.resolve(__dirname, "..", "..");

/** The seed chapter 8 passes to ensureCifarDataAsync. */
export function chapterCifarSeed(notebookFile: string): number {
  const nb = JSON.parse(fs.readFileSync(notebookFile, "utf8")) as { cells: { source: string[] | string }[] };
  const code = nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source)).join("\n");
  const m = /ensureCifarData(?:Async)?\(\{\s*seed:\s*(\d+)/.exec(code);
  if (!m) throw new Error(`${notebookFile}: no ensureCifarDataAsync({ seed: N, ... }) call found to take the seed from`);
  return Number(m[1]);
}

function main(): void {
  const i = process.argv.indexOf("--scale");
  const scale = i >= 0 ? Number(process.argv[i + 1]) : 1;
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], not ${process.argv[i + 1]}`);
  process.chdir(ROOT); // the generators' default folders are relative: data/...
  const t0 = Date.now();
  const rick = ensureRickMortyData({ scale, log: (m) => console.log(m) });
  console.log(`Rick and Morty stand-in: ${rick.root} (${rick.status}, ${rick.seconds.toFixed(0)} s)`);
  const chip = ensureChipData({ scale, log: (m) => console.log(m) });
  console.log(`ChIP stand-in: ${chip.root} (${chip.status}, ${chip.seconds.toFixed(0)} s)`);
  const seed = chapterCifarSeed(path.join(ROOT, "notebooks", "08-deer-frogs-trucks.ipynb"));
  const cifar = ensureCifarData({ root: cifarStandInRoot(scale), seed, scale, log: (m) => console.log(m) });
  console.log(`CIFAR stand-in: ${cifar.root} (${cifar.status}, seed ${seed}, ${cifar.seconds.toFixed(0)} s)`);
  console.log(`Stand-ins ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

if (require.main === module) main();
