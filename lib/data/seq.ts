/** R's `seq(from, to, by)`: from, from + by, ... up to `to` (included when it falls on the grid). */
export function seq(from: number, to: number, by = 1): number[] {
  if (![from, to, by].every(Number.isFinite)) throw new Error("seq: from, to and by must be finite numbers");
  if (by === 0 || (to - from) / by < 0) {
    throw new Error(`seq: by = ${by} cannot lead from ${from} to ${to}`);
  }
  // Count the steps first (with a little slack for rounding) so 0.5-steps land exactly on 200.
  const n = Math.floor((to - from) / by + 1e-10) + 1;
  return Array.from({ length: n }, (_, i) => from + i * by);
}
