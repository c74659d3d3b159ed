/**
 * Command-line flags for the course's scripts (scripts/, bench/), read with Node's own `parseArgs`
 * in strict mode: an unknown flag, a flag without its value or a stray argument stops the script
 * with a usage error that names it (exit code 2), and --help / -h prints the usage line (exit 0).
 *
 *   const args = readArgs({ script: "train-dna-cnn", usage: USAGE, options: { epochs: { type: "string" } } });
 *   const epochs = args.number("epochs", 300, { integer: true, min: 1 });
 *
 * Defaults stay in the script (`args.values.out ?? "models/dna-cnn"`), next to the flag's meaning.
 */
import { parseArgs } from "node:util";

/** One flag: "string" takes a value (--out DIR or --out=DIR), "boolean" does not (--force). */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** What each flag holds after parsing: booleans are false when absent, strings undefined. */
export type FlagValues<F extends FlagSpecs> = {
  [K in keyof F]: F[K]["type"] extends "boolean" ? boolean : string | undefined;
};

/** A wrong command line: the message starts with the script's name and ends with its usage line. */
export class UsageError extends Error {
  constructor(script: string, problem: string, usage: string) {
    super(`${script}: ${problem}\n${usage}`);
    this.name = "UsageError";
  }
}

export interface ArgsSpec<F extends FlagSpecs> {
  /** The script's name as its usage line writes it, e.g. "train-dna-cnn". */
  script: string;
  /** The usage line printed by --help and under every usage error. */
  usage: string;
  options: F;
  /** How many plain (non-flag) arguments the script takes; 0 when absent. */
  maxPositionals?: number;
  /** The arguments to read; process.argv.slice(2) when absent. */
  argv?: readonly string[];
  /** What a usage error does; by default it prints the error and exits with code 2. */
  onUsageError?: (error: UsageError) => never;
}

export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** Smallest allowed value. */
  min?: number;
  /** Values must be above 0 (0 itself is refused). */
  positive?: boolean;
}

export interface ScriptArgs<F extends FlagSpecs> {
  values: FlagValues<F>;
  positionals: string[];
  /** A string flag read as a number (fallback when absent); a value outside the rule is a usage error. */
  number(name: keyof F & string, fallback: number, rule?: NumberRule): number;
  /** A string flag that must be one of `choices` (fallback when absent). */
  choice<C extends string>(name: keyof F & string, choices: readonly C[], fallback: C): C;
  /** Stops with a usage error about `problem`. */
  fail(problem: string): never;
}

function exitWithUsage(error: UsageError): never {
  console.error(error.message);
  process.exit(2);
}

/** A number read from `text` for `what` (a flag or argument name), or why not. */
export function checkNumber(text: string, what: string, rule: NumberRule = {}): number | string {
  const v = text.trim() === "" ? NaN : Number(text);
  const want = rule.integer ? "a whole number" : "a number";
  const bound = rule.positive ? " > 0" : rule.min !== undefined ? ` >= ${rule.min}` : "";
  const ok = Number.isFinite(v) && (!rule.integer || Number.isInteger(v)) && (!rule.positive || v > 0) && (rule.min === undefined || v >= rule.min);
  return ok ? v : `${what} must be ${want}${bound}, got ${text}`;
}

export function readArgs<F extends FlagSpecs>(spec: ArgsSpec<F>): ScriptArgs<F> {
  const onError = spec.onUsageError ?? exitWithUsage;
  const fail = (problem: string): never => onError(new UsageError(spec.script, problem, spec.usage));
  const argv = [...(spec.argv ?? process.argv.slice(2))];
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...spec.options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: (spec.maxPositionals ?? 0) > 0,
    });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) return fail((e as Error).message);
    throw e;
  }
  if (parsed.values.help === true) {
    console.log(spec.usage);
    process.exit(0);
  }
  if (parsed.positionals.length > (spec.maxPositionals ?? 0)) {
    fail(`too many arguments: ${parsed.positionals.join(" ")}`);
  }
  const values = {} as Record<string, string | boolean | undefined>;
  for (const [name, flag] of Object.entries(spec.options)) {
    values[name] = flag.type === "boolean" ? parsed.values[name] === true : (parsed.values[name] as string | undefined);
  }
  const text = (name: string): string | undefined => values[name] as string | undefined;
  return {
    values: values as FlagValues<F>,
    positionals: parsed.positionals,
    number(name, fallback, rule = {}) {
      const t = text(name);
      if (t === undefined) return fallback;
      const v = checkNumber(t, `--${name}`, rule);
      return typeof v === "number" ? v : fail(v);
    },
    choice(name, choices, fallback) {
      const t = text(name);
      if (t === undefined) return fallback;
      const c = choices.find((x) => x === t);
      return c ?? fail(`--${name} must be ${choices.join(" or ")}, got ${t}`);
    },
    fail,
  };
}
