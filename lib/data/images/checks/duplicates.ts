/**
 * Finding frames that occur more than once. Scraped image sets repeat frames: within a class
 * (harmless but inflating), across classes (the same picture with two labels) and, after a random
 * split, across training and validation, where a repeated frame lets the model be scored on a
 * picture it was trained on (a validation leak).
 */
import * as crypto from "crypto";

/** A hash of decoded pixels: two frames with the same hash hold the same pixels. */
export function hashPixels(pixels: Uint8Array): string {
  return crypto.createHash("sha1").update(pixels).digest("hex");
}

export interface DuplicateInput {
  /** One hash per frame (e.g. `hashes` from the loaders). */
  hashes: readonly string[];
  /** The class of each frame (e.g. `folderIndex`); without it nothing counts as across classes. */
  classes?: readonly (number | string)[];
  /** Names for class values that are indices, used in `describeDuplicates`. */
  classNames?: readonly string[];
  /** A train/validation split of the frame indices; groups spanning both are leaks. */
  split?: { train: readonly number[]; validation: readonly number[] };
  /** File of each frame, for the report. */
  files?: readonly string[];
}

export interface DuplicateGroup {
  hash: string;
  /** Indices of the frames in this group (2 or more), ascending. */
  members: number[];
  /** The distinct classes of the members, in order of first appearance. */
  classes: (number | string)[];
  acrossClasses: boolean;
  /** Members in the training and in the validation part (0 without a split). */
  inTrain: number;
  inValidation: number;
  acrossSplits: boolean;
}

export interface DuplicateReport {
  frames: number;
  /** Every group of identical frames, by first member. */
  groups: DuplicateGroup[];
  /** Frames that repeat an earlier one (sum over groups of size - 1). */
  extraCopies: number;
  /** Groups whose members all share one class. */
  withinClass: number;
  /** Groups with members in different classes: one picture, conflicting labels. */
  acrossClasses: number;
  /** Groups with members in both training and validation. */
  acrossSplits: number;
  /** Validation frames identical to some training frame. */
  leakedValidation: number;
  /** Kept for `describeDuplicates`. */
  files?: readonly string[];
  classNames?: readonly string[];
}

function checkSplit(split: DuplicateInput["split"], n: number): Int8Array {
  // 0 = in neither part, 1 = training, 2 = validation.
  const part = new Int8Array(n);
  if (split === undefined) return part;
  const mark = (indices: readonly number[], value: number, name: string): void => {
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`findDuplicates: ${name} index ${i} is outside 0..${n - 1}`);
      if (part[i] !== 0 && part[i] !== value) throw new Error(`findDuplicates: frame ${i} is in both training and validation`);
      part[i] = value;
    }
  };
  mark(split.train, 1, "training");
  mark(split.validation, 2, "validation");
  return part;
}

/** Groups identical frames and counts repeats within classes, across classes and across the split. */
export function findDuplicates(input: DuplicateInput): DuplicateReport {
  const { hashes, classes, files } = input;
  const n = hashes.length;
  if (classes !== undefined && classes.length !== n) {
    throw new Error(`findDuplicates: ${classes.length} classes for ${n} hashes`);
  }
  if (files !== undefined && files.length !== n) {
    throw new Error(`findDuplicates: ${files.length} files for ${n} hashes`);
  }
  const part = checkSplit(input.split, n);

  const byHash = new Map<string, number[]>();
  hashes.forEach((h, i) => {
    const members = byHash.get(h);
    if (members) members.push(i);
    else byHash.set(h, [i]);
  });

  const groups: DuplicateGroup[] = [];
  for (const [hash, members] of byHash) {
    if (members.length < 2) continue;
    const groupClasses = classes ? [...new Set(members.map((i) => classes[i]))] : [];
    const inTrain = members.filter((i) => part[i] === 1).length;
    const inValidation = members.filter((i) => part[i] === 2).length;
    groups.push({
      hash,
      members,
      classes: groupClasses,
      acrossClasses: groupClasses.length > 1,
      inTrain,
      inValidation,
      acrossSplits: inTrain > 0 && inValidation > 0,
    });
  }
  groups.sort((a, b) => a.members[0] - b.members[0]);

  return {
    frames: n,
    groups,
    extraCopies: groups.reduce((s, g) => s + g.members.length - 1, 0),
    withinClass: groups.filter((g) => !g.acrossClasses).length,
    acrossClasses: groups.filter((g) => g.acrossClasses).length,
    acrossSplits: groups.filter((g) => g.acrossSplits).length,
    leakedValidation: groups.reduce((s, g) => s + (g.inTrain > 0 ? g.inValidation : 0), 0),
    files,
    classNames: input.classNames,
  };
}

/** A short, printable summary of a duplicate report, with a few example groups. */
export function describeDuplicates(report: DuplicateReport, examples = 3): string {
  const name = (c: number | string): string =>
    typeof c === "number" && report.classNames?.[c] !== undefined ? report.classNames[c] : String(c);
  const label = (i: number): string => (report.files ? report.files[i] : `frame ${i}`);
  const lines = [
    `${report.frames} frames: ${report.groups.length} groups of identical frames, ` +
      `${report.extraCopies} frames are copies of another.`,
    `  within one class: ${report.withinClass} groups; across classes (conflicting labels): ${report.acrossClasses} groups`,
  ];
  const hasSplit = report.groups.some((g) => g.inTrain + g.inValidation > 0);
  if (hasSplit) {
    lines.push(
      `  across training and validation: ${report.acrossSplits} groups; ` +
        `${report.leakedValidation} validation frames also appear in training (a leak)`,
    );
  }
  const shown = [...report.groups].sort((a, b) => Number(b.acrossClasses) - Number(a.acrossClasses)).slice(0, examples);
  for (const g of shown) {
    const classes = g.classes.length > 0 ? ` [${g.classes.map(name).join(", ")}]` : "";
    lines.push(`  e.g.${classes}: ${g.members.map(label).join(" = ")}`);
  }
  return lines.join("\n");
}
