/** Reading lib/index.ts's export lines, for test/house/public-api.test.ts and write-public-names.ts. */

/** The names lib/index.ts exports, from its `export { … } from` and `export type { … } from` lines. */
export function exportedNames(source: string): { values: string[]; types: string[] } {
  const values: string[] = [];
  const types: string[] = [];
  for (const m of source.matchAll(/^export (type )?\{([^}]*)\} from "[^"]+";$/gm)) {
    const names = m[2].split(",").map((n) => n.trim()).filter((n) => n !== "");
    (m[1] ? types : values).push(...names);
  }
  return { values: values.sort(), types: types.sort() };
}
