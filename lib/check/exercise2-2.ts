/**
 * Exercise 2.2 (chapter 5): in-silico mutagenesis written by the student, compared with the
 * library's `dl.mutagenesis` for the same region, and its largest fall compared with the planted site.
 */
import * as tf from "@tensorflow/tfjs";
import { MutagenesisResult, mutagenesis, peakInSite } from "../interpret/mutagenesis";
import { CheckReport, NOT_DONE, StopCheck, runCheck } from "./report";
import { asModel, asNumbers, asTensor } from "./values";

export interface Exercise2_2Args {
  model: unknown;
  /** The region probed: [L, 4] or [1, L, 4]; or all regions with `index`. */
  sequence: unknown;
  /** When `sequence` holds many regions, the row probed. */
  index?: number;
  /** The class whose probability was followed. */
  classIndex: number;
  /** The planted site in that region (0-based start, end exclusive), when known. */
  site?: { start: number; end: number; motif?: string } | null;
}

function argmax(v: number[]): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

export function exercise2_2Report(drop: unknown, args: Exercise2_2Args): CheckReport {
  return runCheck("2.2", "in-silico mutagenesis", (items) => {
    if (drop === undefined || drop === null || (Array.isArray(drop) && drop.length === 0)) return NOT_DONE;
    const mine = asNumbers(drop);
    if (mine === null) throw new StopCheck("the answer should be the list of falls, one number per position (number[]); got something else");
    const model = asModel(args.model, "the network");
    const all = asTensor(args.sequence, "the sequence");
    const one = tf.tidy(() => (args.index === undefined ? all : all.slice([args.index, 0, 0], [1, -1, -1])).reshape([-1, all.shape[all.rank - 1]]));
    let ref: MutagenesisResult;
    try {
      ref = mutagenesis({ model, sequence: one, classIndex: args.classIndex });
    } finally {
      one.dispose();
    }
    const L = ref.drop.length;
    if (mine.length !== L) {
      throw new StopCheck(`your profile has ${mine.length} numbers, the region ${L} positions: one fall per position, drop[j] for blanking position j`);
    }
    items.push({ ok: true, text: `one number per position (${L})` });
    if (mine.some((x) => !Number.isFinite(x))) throw new StopCheck("some of your falls are not numbers (NaN or infinite)");
    const diff = mine.map((x, j) => Math.abs(x - ref.drop[j]));
    const worst = argmax(diff);
    const tolerance = 1e-3;
    if (diff[worst] <= tolerance) {
      items.push({ ok: true, text: `every fall matches dl.mutagenesis for this region (largest difference ${diff[worst].toExponential(1)})` });
    } else if (mine.every((x, j) => Math.abs(x + ref.drop[j]) <= tolerance)) {
      items.push({ ok: false, text: "your falls have the wrong sign: a fall is P(class, region as it is) minus P(class, position blanked), positive where blanking hurts" });
    } else if (mine.every((x, j) => Math.abs(x - ref.mutated[j]) <= tolerance)) {
      items.push({ ok: false, text: `these are the probabilities after blanking, not the falls: subtract each from the probability of the region as it is (${ref.original.toFixed(3)})` });
    } else if (mine.slice(1).every((x, j) => Math.abs(x - ref.drop[j]) <= tolerance) || mine.slice(0, -1).every((x, j) => Math.abs(x - ref.drop[j + 1]) <= tolerance)) {
      items.push({ ok: false, text: "your profile is shifted by one position against dl.mutagenesis: drop[j] must belong to blanking position j (counted from 0)" });
    } else {
      items.push({ ok: false, text: `your falls differ from dl.mutagenesis (position ${worst}: yours ${mine[worst].toFixed(4)}, library ${ref.drop[worst].toFixed(4)}); ` +
        `check that you follow class ${args.classIndex}, blank all four values of one position (0, 0, 0, 0), and predict the region as it is for the reference` });
    }
    const peak = argmax(mine);
    if (args.site) {
      const where = `${args.site.start + 1}-${args.site.end}`;
      if (peakInSite(peak, args.site)) {
        items.push({ ok: true, text: `your largest fall, at base ${peak + 1}, sits on the planted site (bases ${where})` });
      } else if (!peakInSite(ref.peak, args.site)) {
        items.push({ ok: false, text: `the largest fall (base ${peak + 1}) is not on the planted site (bases ${where}), and the library's (base ${ref.peak + 1}) is not either: ` +
          "the network does not point at the site in this region; try a region of the class it calls correctly" });
      } else {
        items.push({ ok: false, text: `your largest fall is at base ${peak + 1}, not on the planted site (bases ${where}) where dl.mutagenesis puts it (base ${ref.peak + 1})` });
      }
    }
  });
}
