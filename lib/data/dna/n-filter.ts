/**
 * The course's rule for unknown bases: a sequence that holds an N (a base the genome assembly could
 * not call) cannot be one-hot encoded, so it is dropped. The R code does this after encoding, by
 * removing every row whose sum is NA; here it happens before, and the dropped records are reported.
 */
export interface DroppedSequence {
  header: string;
  /** How many N's it held. */
  nCount: number;
}

export interface NFilterResult<T> {
  kept: T[];
  dropped: DroppedSequence[];
}

/** Splits records into those without any N (or n) and those with, keeping the order. */
export function dropSequencesWithN<T extends { header: string; sequence: string }>(records: readonly T[]): NFilterResult<T> {
  const kept: T[] = [];
  const dropped: DroppedSequence[] = [];
  for (const r of records) {
    let n = 0;
    for (let i = 0; i < r.sequence.length; i++) {
      const c = r.sequence.charCodeAt(i);
      if (c === 78 || c === 110) n++;
    }
    if (n === 0) kept.push(r);
    else dropped.push({ header: r.header, nCount: n });
  }
  return { kept, dropped };
}
