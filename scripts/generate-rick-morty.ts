/**
 * Generates the Rick and Morty stand-in frames in the course's folder layout.
 *
 *   npx tsx scripts/generate-rick-morty.ts [--root data/RickandMorty] [--seed 12345] [--scale 1] [--force]
 *
 * Without --force it only fills in what is missing (like ensureRickMortyData in a notebook).
 */
import { DEFAULT_SEED, ensureRickMortyData, generateRickMorty } from "../lib/stand-ins/rick-morty/generate";
import { DEFAULT_ROOT } from "../lib/data/rick-morty/layout";
import { describeRickMortySource } from "../lib/data/rick-morty/source";

interface Args {
  root: string;
  seed: number;
  scale: number;
  force: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { root: DEFAULT_ROOT, seed: DEFAULT_SEED, scale: 1, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--root") args.root = value();
    else if (a === "--seed") args.seed = Number(value());
    else if (a === "--scale") args.scale = Number(value());
    else if (a === "--force") args.force = true;
    else if (a === "--help" || a === "-h") {
      console.log("usage: generate-rick-morty [--root DIR] [--seed N] [--scale F in (0,1]] [--force]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return args;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const log = (m: string): void => console.log(m);
  if (args.force) {
    const r = generateRickMorty({ root: args.root, seed: args.seed, scale: args.scale, log });
    console.log(`wrote ${r.files} files in ${r.seconds.toFixed(1)} s`);
  } else {
    const r = ensureRickMortyData({ root: args.root, seed: args.seed, scale: args.scale, log });
    console.log(`${r.status} in ${r.seconds.toFixed(1)} s`);
  }
  console.log(describeRickMortySource(args.root));
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
