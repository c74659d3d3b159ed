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
import { readArgs } from "./args";

interface Args {
  root: string;
  seed: number;
  scale: number;
  force: boolean;
}

const USAGE = "usage: generate-rick-morty [--root DIR] [--seed N] [--scale F in (0,1]] [--force]";

function readFlags(): Args {
  const args = readArgs({
    script: "generate-rick-morty",
    usage: USAGE,
    options: { root: { type: "string" }, seed: { type: "string" }, scale: { type: "string" }, force: { type: "boolean" } },
  });
  return {
    root: args.values.root ?? DEFAULT_ROOT,
    seed: args.number("seed", DEFAULT_SEED, { integer: true }),
    scale: args.number("scale", 1, { positive: true }),
    force: args.values.force,
  };
}

function main(): void {
  const args = readFlags();
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
