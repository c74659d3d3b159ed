/**
 * Rewrites test/house/public-names.txt from lib/index.ts, after a deliberate change to the public API:
 *   node --import tsx test/house/write-public-names.ts && git diff test/house/public-names.txt
 */
import * as fs from "fs";
import * as path from "path";
import { exportedNames } from "./public-api";

const index = fs.readFileSync(path.resolve(__dirname, "..", "..", "lib", "index.ts"), "utf8");
const { values, types } = exportedNames(index);
const lines = [...values.map((v) => `value ${v}`), ...types.map((t) => `type ${t}`)].sort();
const header = "# The public names of lib/index.ts (value or type). test/house/public-api.test.ts compares them with the\n" +
  "# file: a change to the public API changes this list too, on purpose (test/house/write-public-names.ts).\n";
fs.writeFileSync(path.join(__dirname, "public-names.txt"), header + lines.join("\n") + "\n");
console.log(`${lines.length} public names written`);
