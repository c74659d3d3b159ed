/**
 * Binding-site motifs as JASPAR count matrices (rows A, C, G, T; one column per position), the
 * probabilities they imply, and drawing a site from them. The two the chapter plants are
 * MA0078.1 (Sox17, 9 positions) and MA0508.1 (PRDM1, 15 positions).
 */
import { Rng } from "../../random/rng";

/** The bases in one-hot order. */
export const BASES = ["A", "C", "G", "T"] as const;
export type Base = (typeof BASES)[number];

export interface CountMatrix {
  /** JASPAR id, e.g. "MA0078.1". */
  id: string;
  /** Factor name as JASPAR spells it, e.g. "Sox17". */
  name: string;
  /** counts[b][j]: how often base b (A, C, G, T) was seen at position j. */
  counts: [number[], number[], number[], number[]];
}

export const SOX17_MA0078_1: CountMatrix = {
  id: "MA0078.1",
  name: "Sox17",
  counts: [
    [7, 8, 3, 30, 0, 0, 0, 0, 0],
    [9, 8, 18, 0, 1, 0, 0, 0, 17],
    [6, 4, 1, 0, 0, 0, 31, 2, 10],
    [9, 11, 9, 1, 30, 31, 0, 29, 4],
  ],
};

export const PRDM1_MA0508_1: CountMatrix = {
  id: "MA0508.1",
  name: "PRDM1",
  counts: [
    [1779, 1649, 3148, 3486, 4173, 422, 728, 211, 4603, 4161, 4497, 159, 117, 1057, 2042],
    [471, 298, 345, 439, 0, 0, 110, 0, 0, 0, 0, 142, 458, 498, 778],
    [1037, 2331, 688, 442, 430, 4038, 930, 4392, 0, 430, 39, 4186, 520, 2239, 973],
    [1316, 325, 422, 236, 0, 143, 2835, 0, 0, 12, 67, 116, 3508, 809, 810],
  ],
};

/** Number of positions of a count matrix (and a check that its four rows agree). */
export function motifLength(m: CountMatrix): number {
  if (!m || !Array.isArray(m.counts) || m.counts.length !== 4) {
    throw new Error(`motif ${m?.id ?? "?"}: counts must have four rows (A, C, G, T)`);
  }
  const n = m.counts[0].length;
  if (n === 0 || m.counts.some((row) => row.length !== n)) {
    throw new Error(`motif ${m.id}: the four rows must have the same, non-zero length`);
  }
  return n;
}

/**
 * Position probability matrix: probs[j][b], each row summing to 1. `pseudocount` (default 0) is
 * added to every count first, so a base never seen still gets a small chance.
 */
export function motifProbabilities(m: CountMatrix, pseudocount = 0): number[][] {
  const n = motifLength(m);
  if (!(pseudocount >= 0)) throw new Error(`motif ${m.id}: pseudocount must be >= 0, got ${pseudocount}`);
  const out: number[][] = [];
  for (let j = 0; j < n; j++) {
    const col = m.counts.map((row) => {
      const c = row[j];
      if (!(c >= 0) || !Number.isFinite(c)) throw new Error(`motif ${m.id}: count ${c} at position ${j + 1} is not a number >= 0`);
      return c + pseudocount;
    });
    const total = col.reduce((a, b) => a + b, 0);
    if (total <= 0) throw new Error(`motif ${m.id}: position ${j + 1} has no counts`);
    out.push(col.map((c) => c / total));
  }
  return out;
}

/** Draws one base from probabilities over A, C, G, T. */
export function drawBase(rng: Rng, probs: readonly number[]): Base {
  const u = rng.unif();
  let acc = 0;
  for (let b = 0; b < 3; b++) {
    acc += probs[b];
    if (u < acc) return BASES[b];
  }
  return "T";
}

/** Draws one binding site (on the motif's own strand) from its probability matrix. */
export function drawSite(rng: Rng, probs: readonly (readonly number[])[]): string {
  return probs.map((p) => drawBase(rng, p)).join("");
}

const COMPLEMENT: Record<string, string> = { A: "T", C: "G", G: "C", T: "A", N: "N", a: "t", c: "g", g: "c", t: "a", n: "n" };

/** The reverse complement of a DNA string (A<->T, C<->G, read backwards; case kept). */
export function reverseComplement(seq: string): string {
  let out = "";
  for (let i = seq.length - 1; i >= 0; i--) {
    const c = COMPLEMENT[seq[i]];
    if (c === undefined) throw new Error(`reverseComplement: '${seq[i]}' at position ${i + 1} is not A, C, G, T or N`);
    out += c;
  }
  return out;
}

/** The probability matrix of the other strand (positions reversed, A<->T and C<->G swapped). */
export function reverseComplementMatrix(probs: readonly (readonly number[])[]): number[][] {
  return [...probs].reverse().map((p) => [p[3], p[2], p[1], p[0]]);
}

/** Information content (bits) of each position of a probability matrix, as drawn in a sequence logo. */
export function informationContent(probs: readonly (readonly number[])[]): number[] {
  return probs.map((p) => 2 + p.reduce((s, v) => (v > 0 ? s + v * Math.log2(v) : s), 0));
}
