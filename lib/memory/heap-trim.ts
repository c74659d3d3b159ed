/**
 * Hands glibc's free heap pages back to the system every few seconds while the kernel waits (between
 * cells, during awaited work), through the compiled-fit addon's `trimMemory` (malloc_trim). Large
 * predictions and decodes free hundreds of MB that glibc would otherwise keep in the heap, so each
 * later cell would start from them; the compiled fit already trims after every epoch.
 */
import { loadGraphAddon } from "../backend/graph-addon";

let timer: NodeJS.Timeout | null = null;

export interface TrimHeapArgs {
  /** Milliseconds between trims (default 2,000). */
  everyMs?: number;
  /** What to call (default: the addon's trimMemory); tests pass their own. */
  trim?: () => unknown;
}

/** Starts the periodic trim (once per kernel); false when there is nothing to call (no addon). */
export function trimHeapPeriodically(args: TrimHeapArgs = {}): boolean {
  let trim = args.trim;
  if (trim === undefined) {
    const addon = loadGraphAddon();
    if (typeof addon === "string") return false;
    trim = () => addon.trimMemory();
  }
  if (timer === null) {
    timer = setInterval(trim, args.everyMs ?? 2000);
    timer.unref(); // never keeps a script alive
  }
  return true;
}
