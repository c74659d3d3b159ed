/**
 * Which picture goes into which file. Every distinct picture ("original") is a pure function of
 * (seed, set, index), drawn with its own Rng, so any folder can be regenerated on its own and
 * give the same bytes. A few files repeat an earlier picture exactly, as in the course's scraped
 * frames: about 3% within a folder and about 0.8% copied from another class's folder.
 */
import { Rng } from "../../random/rng";
import { FrameContent } from "./scene";
import { ALTDATA_SWAP, RICK_MORTY_FOLDERS, RickMortyFolder, checkScale, rickMortyCounts } from "../../data/rick-morty/layout";

/** The sets originals are drawn for; "extra" holds the frames without Rick added to altdata. */
export type OriginalSet = "rickOnly" | "mortyOnly" | "both" | "neither" | "extra" | "predictions";

const SET_IDS: Record<OriginalSet, number> = { rickOnly: 1, mortyOnly: 2, both: 3, neither: 4, extra: 5, predictions: 6 };

export const SET_CONTENT: Record<OriginalSet, FrameContent | null> = {
  rickOnly: { rick: true, morty: false },
  mortyOnly: { rick: false, morty: true },
  both: { rick: true, morty: true },
  neither: { rick: false, morty: false },
  extra: { rick: false, morty: false },
  predictions: null, // mixed: see planPredictions
};

/** One distinct picture. */
export interface Original {
  set: OriginalSet;
  index: number;
  content: FrameContent;
  width: number;
  height: number;
}

export const WITHIN_FOLDER_COPIES = 0.03;
export const ACROSS_CLASS_COPIES = 0.008;

/** Mixes the user's seed with small integers into a 31-bit seed (a murmur-style hash). */
function mixSeed(seed: number, ...parts: number[]): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (const v of [Math.floor(seed / 2 ** 32), ...parts]) {
    h = Math.imul(h ^ (v | 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h & 0x7fffffff;
}

/** A seed for one original, mixed from the user's seed and the picture's identity. */
export function originalSeed(seed: number, set: OriginalSet, index: number): number {
  return mixSeed(seed, SET_IDS[set], index);
}

/** Key of an original, e.g. "both:17". */
export function originalKey(o: Original): string {
  return `${o.set}:${o.index}`;
}

export type RickMortyPlan = Record<RickMortyFolder, Original[]>;

const CLASS_SETS = ["rickOnly", "mortyOnly", "both", "neither"] as const;

/**
 * The picture in every file of every folder at this seed and scale. Only draws random numbers;
 * nothing is rendered here.
 */
export function planRickMorty(seed: number, scale = 1): RickMortyPlan {
  if (!Number.isInteger(seed)) throw new Error(`Rick and Morty stand-in: the seed must be a whole number, got ${seed}`);
  checkScale(scale);
  const counts = rickMortyCounts(scale);
  const rng = new Rng(mixSeed(seed, 0, 0)); // the plan's own stream
  const own = (set: OriginalSet, index: number): Original => ({ set, index, content: SET_CONTENT[set]!, width: 160, height: 90 });

  const plan = {} as RickMortyPlan;
  CLASS_SETS.forEach((set, f) => {
    const files: Original[] = [];
    for (let i = 0; i < counts[set]; i++) {
      const u = rng.unif();
      if (i > 0 && u < WITHIN_FOLDER_COPIES) {
        files.push(files[rng.index(i)]); // an earlier frame of this folder again
      } else if (f > 0 && u < WITHIN_FOLDER_COPIES + ACROSS_CLASS_COPIES) {
        const other = plan[CLASS_SETS[rng.index(f)]]; // a frame filed under another class
        files.push(other[rng.index(other.length)]);
      } else {
        files.push(own(set, i));
      }
    }
    plan[set] = files;
  });

  // altdata: the same frames regrouped into Rick / not Rick, in a shuffled order.
  const swap = Math.round(ALTDATA_SWAP * scale);
  const ricks = rng.shuffle([...plan.rickOnly, ...plan.both]);
  const extras = Array.from({ length: swap }, (_, i) => own("extra", i));
  plan.altRick = ricks.slice(0, ricks.length - swap);
  plan.altNotRick = rng.shuffle([...plan.mortyOnly, ...plan.neither, ...extras]);
  plan.predictions = planPredictions(rng, counts.predictions);
  for (const k of RICK_MORTY_FOLDERS) {
    if (plan[k].length !== counts[k]) throw new Error(`planRickMorty: internal error, ${k} has ${plan[k].length} of ${counts[k]}`);
  }
  return plan;
}

/**
 * The held-out frames: half with Rick (some with Morty too), half without; one of them is a
 * 225×225 picture, like the odd one in the course's own predictions folder.
 */
function planPredictions(rng: Rng, n: number): Original[] {
  const kinds: OriginalSet[] = ["rickOnly", "both", "mortyOnly", "neither"];
  const mix = Array.from({ length: n }, (_, i) => kinds[i % 4]);
  const order = rng.shuffle(mix);
  const odd = rng.index(n);
  return order.map((k, i) => ({
    set: "predictions",
    index: i,
    content: SET_CONTENT[k]!,
    width: i === odd ? 225 : 160,
    height: i === odd ? 225 : 90,
  }));
}
