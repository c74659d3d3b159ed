/**
 * How much memory reading a set of frames takes: each way of reading runs in a fresh Node process
 * (peak-memory-child.ts), which reports its peak resident set size (VmHWM in /proc/self/status, the
 * high-water mark the kernel keeps; `process.resourceUsage().maxRSS` elsewhere). A separate process per
 * way keeps one measurement from inheriting the other's heap.
 *
 * - "stream": every frame once through `flowFromDirectory`, one batch at a time;
 * - "load": every frame into one tensor with `loadLabelledFolders` (as chapters 2 and 3 do);
 * - "baseline": only start up (Node, tf.js and its backend), the floor under both.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export type PeakMemoryMode = "stream" | "load" | "baseline";

export interface PeakMemoryJob {
  mode: PeakMemoryMode;
  /** The folder holding the class folders. */
  directory: string;
  /** Class folder names under it. */
  classes: string[];
  /** Batch size when streaming. */
  batchSize: number;
}

export interface PeakMemoryArgs {
  mode: PeakMemoryMode;
  directory: string;
  classes: readonly string[];
  /** Default 100. */
  batchSize?: number;
  /** Give up after this many seconds (default 900). */
  timeoutSeconds?: number;
}

export interface PeakMemoryResult {
  mode: PeakMemoryMode;
  /** Frames read (0 for the baseline). */
  frames: number;
  /** Peak resident memory of the process, in bytes. */
  peakBytes: number;
  /** Seconds spent reading (after start-up). */
  seconds: number;
  /** The tf.js backend the process used. */
  backend: string;
}

/** This process's peak resident memory in bytes. */
export function peakResidentBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const CHILD = path.join(__dirname, "peak-memory-child.ts");

/** Reads the frames one way in a fresh process and returns its peak memory (see the module comment). */
export function measurePeakMemory(args: PeakMemoryArgs): PeakMemoryResult {
  if (!["stream", "load", "baseline"].includes(args.mode)) {
    throw new Error(`measurePeakMemory: mode must be "stream", "load" or "baseline", got ${JSON.stringify(args.mode)}`);
  }
  if (!Array.isArray(args.classes) || args.classes.length === 0) throw new Error("measurePeakMemory: give the class folders to read");
  const job: PeakMemoryJob = { mode: args.mode, directory: path.resolve(args.directory), classes: [...args.classes], batchSize: args.batchSize ?? 100 };
  const r = spawnSync(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(job)], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: (args.timeoutSeconds ?? 900) * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error) throw new Error(`measurePeakMemory (${args.mode}): could not run the measuring process: ${r.error.message}`);
  if (r.status !== 0) {
    const why = (r.stderr || "").trim().split("\n").slice(-3).join(" / ") || `exit status ${r.status}, signal ${r.signal}`;
    throw new Error(`measurePeakMemory (${args.mode}) failed: ${why}`);
  }
  const line = r.stdout.trim().split("\n").pop() ?? "";
  let out: PeakMemoryResult;
  try {
    out = JSON.parse(line) as PeakMemoryResult;
  } catch {
    throw new Error(`measurePeakMemory (${args.mode}): the measuring process printed no result (${line.slice(0, 200)})`);
  }
  return { mode: out.mode, frames: out.frames, peakBytes: out.peakBytes, seconds: out.seconds, backend: out.backend };
}
