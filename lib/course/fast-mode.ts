/**
 * Fast mode shrinks a chapter (fewer samples, fewer epochs) so the notebook tests can run every
 * chapter in minutes. It is switched on by the environment variable COURSE_FAST=1; cells show
 * both values, e.g. `const epochs = fullOrFast(100, 5)`.
 */
export function isFastMode(): boolean {
  const v = process.env.COURSE_FAST;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** `full` normally, `fast` when COURSE_FAST=1. */
export function fullOrFast<T>(full: T, fast: T): T {
  return isFastMode() ? fast : full;
}
