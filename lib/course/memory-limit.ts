/**
 * The memory limit this process runs under, as hubs and Binder set it: a cgroup's `memory.max`
 * (cgroup v2) or `memory.limit_in_bytes` (cgroup v1), the smallest along the process's cgroup and its
 * parents. A chapter compares it with its kernel memory budget (notebooks/memory-budgets.json) and says
 * so in its first cell when the limit is lower, before a training cell gets the kernel killed.
 */
import * as fs from "fs";
import * as path from "path";
import { isFastMode } from "./fast-mode";

export interface MemoryLimit {
  /** The limit in bytes. */
  bytes: number;
  /** The file it was read from. */
  file: string;
}

export interface MemoryLimitSources {
  /** Where the cgroup file systems are mounted. Default `/sys/fs/cgroup` (or `COURSE_CGROUP_ROOT`). */
  cgroupRoot?: string;
  /** The text of `/proc/self/cgroup`. Default: read it (or `COURSE_PROC_CGROUP`, a file to read instead). */
  procCgroup?: string;
}

// A v1 cgroup without a limit reports a huge number (PAGE_COUNTER_MAX pages); anything this large is none.
const NO_LIMIT = 2 ** 60;

function readLimit(file: string): MemoryLimit | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
  if (text === "max" || !/^\d+$/.test(text)) return null;
  const bytes = Number(text);
  return bytes > 0 && bytes < NO_LIMIT ? { bytes, file } : null;
}

/** The cgroup folder and its parents up to the mount point, deepest first. */
function upwards(mount: string, cgroupPath: string): string[] {
  const parts = cgroupPath.split("/").filter((p) => p !== "" && p !== "." && p !== "..");
  const out: string[] = [];
  for (let k = parts.length; k >= 0; k--) out.push(path.join(mount, ...parts.slice(0, k)));
  return out;
}

/** The tightest memory limit found for this process, or null where there is none (or no cgroups). */
export function cgroupMemoryLimit(sources: MemoryLimitSources = {}): MemoryLimit | null {
  const root = sources.cgroupRoot ?? process.env.COURSE_CGROUP_ROOT ?? "/sys/fs/cgroup";
  let proc = sources.procCgroup;
  if (proc === undefined) {
    try {
      proc = fs.readFileSync(process.env.COURSE_PROC_CGROUP ?? "/proc/self/cgroup", "utf8");
    } catch {
      proc = "";
    }
  }
  const found: MemoryLimit[] = [];
  for (const line of proc.split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (m === null) continue;
    const [, controllers, cgroupPath] = m;
    if (controllers === "") {
      // cgroup v2 (the unified hierarchy): at the root on a pure v2 host, under unified/ on a hybrid one.
      for (const mount of [root, path.join(root, "unified")]) {
        for (const dir of upwards(mount, cgroupPath)) {
          const limit = readLimit(path.join(dir, "memory.max"));
          if (limit) found.push(limit);
        }
      }
    } else if (controllers.split(",").includes("memory")) {
      for (const dir of upwards(path.join(root, "memory"), cgroupPath)) {
        const limit = readLimit(path.join(dir, "memory.limit_in_bytes"));
        if (limit) found.push(limit);
      }
    }
  }
  if (found.length === 0) return null;
  return found.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}

/** The full- or fast-mode kernel memory budget of a notebook (notebooks/memory-budgets.json) in MB. */
export function notebookMemoryBudgetMb(notebook: string | undefined, fast: boolean, budgetsFile = defaultBudgetsFile()): number | null {
  let budgets: { full_default_mb?: number; full_mb?: Record<string, number>; fast_mb?: Record<string, number> };
  try {
    budgets = JSON.parse(fs.readFileSync(budgetsFile, "utf8"));
  } catch {
    return null;
  }
  const name = notebook === undefined ? undefined : path.basename(notebook);
  if (fast) {
    const perNotebook = name === undefined ? undefined : budgets.fast_mb?.[name];
    return perNotebook ?? Math.max(0, ...Object.values(budgets.fast_mb ?? {})) ?? null;
  }
  return (name === undefined ? undefined : budgets.full_mb?.[name]) ?? budgets.full_default_mb ?? null;
}

function defaultBudgetsFile(): string {
  return path.resolve(__dirname, "..", "..", "notebooks", "memory-budgets.json");
}

/**
 * One line for a chapter's first cell when the memory limit is lower than the chapter's budget (else
 * null). The notebook is known from JupyterLab (`JPY_SESSION_NAME`); without it the budget shared by
 * all chapters is used.
 */
export function memoryLimitWarning(args: { limit?: MemoryLimit | null; budgetMb?: number | null; fast?: boolean } = {}): string | null {
  const limit = args.limit === undefined ? cgroupMemoryLimit() : args.limit;
  if (limit === null) return null;
  const fast = args.fast ?? isFastMode();
  const budget = args.budgetMb === undefined ? notebookMemoryBudgetMb(process.env.JPY_SESSION_NAME, fast) : args.budgetMb;
  if (budget === null || budget <= 0) return null;
  const limitMb = Math.floor(limit.bytes / (1024 * 1024));
  if (limitMb >= budget) return null;
  const mb = (v: number) => v.toLocaleString("en-US");
  return `Memory: WARNING, this kernel may use at most ${mb(limitMb)} MB (${limit.file}), less than the ${mb(budget)} MB ` +
    `this notebook needs at its peak in ${fast ? "fast" : "full"} mode; the kernel may be stopped in the middle of a cell. ` +
    (fast ? "Ask for more memory (a larger pod or server)." : "Set COURSE_FAST=1 for a smaller run, or ask for more memory (a larger pod or server).");
}
