/** For tests: one hash over every file under a folder (relative names and bytes), to compare whole generated sets. */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

export function treeHash(root: string, options: { skipDotFiles?: boolean } = {}): string {
  const h = crypto.createHash("sha1");
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!(options.skipDotFiles === true && e.name.startsWith("."))) h.update(p.slice(root.length)).update(fs.readFileSync(p));
    }
  };
  walk(root);
  return h.digest("hex");
}
