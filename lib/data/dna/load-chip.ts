/**
 * The course's whole loading step in one call: read SOX17.fa, PRDM1.fa and random.fa, drop the
 * sequences with N, one-hot encode the rest into one tensor [N, 200, 4] (classes in that order) and
 * give each sequence its class (0 = SOX17, 1 = PRDM1, 2 = random).
 */
import * as tf from "@tensorflow/tfjs";
import { readFasta } from "./fasta";
import { dropSequencesWithN, DroppedSequence } from "./n-filter";
import { DnaSequence, oneHotValues } from "./one-hot";
import { CHIP_CLASSES, CHIP_FILES, CHIP_SEQUENCE_LENGTH, chipPaths } from "./layout";

export interface LoadChipArgs {
  /** Folder holding the three files. */
  root: string;
  /** Length every sequence must have (default 200). */
  length?: number;
}

export interface ChipFileSummary {
  file: string;
  className: string;
  /** Records in the file. */
  records: number;
  /** Records kept (no N). */
  kept: number;
  dropped: DroppedSequence[];
}

export interface ChipData {
  /** One-hot sequences [N, length, 4] (A, C, G, T). */
  x: tf.Tensor3D;
  /** Class of each sequence: 0 SOX17, 1 PRDM1, 2 random. */
  labels: number[];
  classNames: string[];
  /** Kept sequences per class. */
  counts: number[];
  /** Record name (header up to the first space) of each sequence. */
  names: string[];
  /** Each sequence as text (upper case), for printing and locating sites. */
  sequences: string[];
  files: ChipFileSummary[];
}

export function loadChipData(args: LoadChipArgs): ChipData {
  const length = args.length ?? CHIP_SEQUENCE_LENGTH;
  const paths = chipPaths(args.root);
  const keptPerClass: DnaSequence[][] = [];
  const labels: number[] = [];
  const names: string[] = [];
  const sequences: string[] = [];
  const files: ChipFileSummary[] = [];
  const counts: number[] = [];
  CHIP_CLASSES.forEach((cls, k) => {
    const file = paths[cls];
    const records = readFasta({ file });
    const { kept, dropped } = dropSequencesWithN(records);
    if (kept.length === 0) throw new Error(`${file}: every one of its ${records.length} records holds an N; nothing left to use`);
    keptPerClass.push(kept);
    for (const r of kept) {
      labels.push(k);
      names.push(r.name);
      sequences.push(r.sequence);
    }
    counts.push(kept.length);
    files.push({ file: CHIP_FILES[cls], className: cls, records: records.length, kept: kept.length, dropped });
  });
  // One array for all classes, each class encoded and copied in turn: at most one class's encoding is
  // held beside it (encoding all classes first held the whole set twice: 2 × 183 MB at full size).
  const n = labels.length;
  const all = new Float32Array(n * length * 4);
  let offset = 0;
  keptPerClass.forEach((kept, k) => {
    const values = oneHotValues({ sequences: kept, source: paths[CHIP_CLASSES[k]], length }).values;
    all.set(values, offset);
    offset += values.length;
  });
  return { x: tf.tensor3d(all, [n, length, 4]), labels, classNames: [...CHIP_CLASSES], counts, names, sequences, files };
}
