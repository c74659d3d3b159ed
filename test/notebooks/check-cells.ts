/** Reading the exercise checks' output out of an executed notebook (teacher and student edition tests). */

/** The exercise-check cells (`dl.check.…`) of an executed notebook, with what they printed. */
export function checkCells(executedJson: string): { source: string; output: string }[] {
  if (executedJson === "") return [];
  const nb = JSON.parse(executedJson) as { cells: { cell_type: string; source: string | string[]; outputs?: { text?: string | string[] }[] }[] };
  const text = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : t ?? "");
  return nb.cells
    .filter((c) => c.cell_type === "code" && /^dl\.check\.\w+\(/m.test(text(c.source)))
    .map((c) => ({ source: text(c.source), output: (c.outputs ?? []).map((o) => text(o.text)).join("") }));
}
