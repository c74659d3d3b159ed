/**
 * One-hot DNA: each base becomes four numbers in the order A, C, G, T (A = [1,0,0,0], C = [0,1,0,0],
 * G = [0,0,1,0], T = [0,0,0,1]), so N sequences of length L make a tensor [N, L, 4] whose last axis
 * plays the part of an image's colour channels. Only A, C, G and T can be encoded; drop sequences
 * with N first (n-filter.ts). Errors name the file and record.
 */
import * as tf from "@tensorflow/tfjs";

/** Column of each base in the one-hot encoding. */
export const BASE_INDEX: Readonly<Record<string, number>> = { A: 0, C: 1, G: 2, T: 3 };

export interface DnaSequence {
  /** Header or name, for error messages. */
  header: string;
  sequence: string;
  /** 1-based line of the header in its file, if known. */
  line?: number;
}

export interface OneHotArgs {
  /** The sequences (all of the same length), as records or plain strings. */
  sequences: readonly (DnaSequence | string)[];
  /** Where they came from (a file name), for error messages. */
  source?: string;
  /** Required length; default the length of the first sequence. */
  length?: number;
}

function label(s: DnaSequence | string, i: number, source: string | undefined): string {
  const where = source === undefined ? "" : `${source}: `;
  if (typeof s === "string") return `${where}sequence ${i + 1}`;
  return `${where}record '${s.header}'` + (s.line === undefined ? "" : ` (line ${s.line})`);
}

/**
 * Encodes the sequences into one Float32Array of N * L * 4 values (row-major [N, L, 4]). Case is
 * ignored. Throws on a letter other than A, C, G, T, or on a sequence whose length differs.
 */
export function oneHotValues(args: OneHotArgs): { values: Float32Array; n: number; length: number } {
  const seqs = args.sequences;
  if (!Array.isArray(seqs) || seqs.length === 0) throw new Error(`${args.source ?? "oneHotDna"}: no sequences to encode`);
  const text = (s: DnaSequence | string): string => (typeof s === "string" ? s : s.sequence);
  const length = args.length ?? text(seqs[0]).length;
  if (!Number.isInteger(length) || length <= 0) throw new Error(`oneHotDna: length must be a positive whole number, got ${length}`);
  const values = new Float32Array(seqs.length * length * 4);
  seqs.forEach((s, i) => {
    const seq = text(s);
    if (seq.length !== length) {
      throw new Error(`${label(s, i, args.source)} is ${seq.length} bases long, but the sequences must all be ${length} long ` +
        `(the first one is ${text(seqs[0]).length}); trim or pad them to one length first`);
    }
    const offset = i * length * 4;
    for (let j = 0; j < length; j++) {
      const b = BASE_INDEX[seq[j].toUpperCase()];
      if (b === undefined) {
        const hint = seq[j].toUpperCase() === "N" ? " (drop sequences with N first: dropSequencesWithN)" : "";
        throw new Error(`${label(s, i, args.source)}: '${seq[j]}' at position ${j + 1} is not A, C, G or T${hint}`);
      }
      values[offset + j * 4 + b] = 1;
    }
  });
  return { values, n: seqs.length, length };
}

/** One-hot tensor [N, L, 4] of the sequences (see oneHotValues). */
export function oneHotDna(args: OneHotArgs): tf.Tensor3D {
  const { values, n, length } = oneHotValues(args);
  return tf.tensor3d(values, [n, length, 4], "float32");
}

/** The sequence a one-hot [L, 4] array spells; an all-zero position reads as 'N'. */
export function decodeOneHot(rows: readonly (readonly number[])[]): string {
  return rows.map((r, j) => {
    if (r.length !== 4) throw new Error(`decodeOneHot: position ${j + 1} has ${r.length} values, expected 4`);
    const max = Math.max(...r);
    return max <= 0 ? "N" : "ACGT"[r.indexOf(max)];
  }).join("");
}
