/**
 * Exercise 5.A (chapter 5): plant a binding site of your own in a region and see whether the network
 * notices: the probability of the factor's class should rise, and blanking bases one at a time
 * (dl.mutagenesis) should hurt most inside the planted site.
 */
import * as tf from "@tensorflow/tfjs";
import { mutagenesis, peakInSite } from "../interpret/mutagenesis";
import { CheckReport, NOT_DONE, StopCheck, runCheck } from "./report";
import { asModel, asTensor } from "./values";

export interface Exercise5AArgs {
  model: unknown;
  /** The region before planting, [L, 4] or [1, L, 4]. */
  original: unknown;
  /** Where you planted (0-based start, end exclusive). */
  site: { start: number; end: number } | undefined;
  /** The class of the factor whose site you planted. */
  classIndex: number;
}

const asRows = (t: tf.Tensor): tf.Tensor2D => t.reshape([-1, t.shape[t.rank - 1]]) as tf.Tensor2D;

export function exercise5AReport(planted: unknown, a: Exercise5AArgs): CheckReport {
  return runCheck("5.A", "plant a motif of your own", (items) => {
    if (planted === undefined || planted === null) return NOT_DONE;
    const model = asModel(a.model, "the network");
    const mine = asTensor(planted, "the planted region");
    const before = asTensor(a.original, "the original region");
    if (mine.size !== before.size) throw new StopCheck(`the planted region has shape [${mine.shape.join(", ")}], the original [${before.shape.join(", ")}]: change bases, keep the length`);
    const site = a.site;
    if (site === undefined || !(site.start >= 0) || !(site.end > site.start)) throw new StopCheck("say where you planted: site = { start, end } (0-based, end not included)");
    const rows = tf.tidy(() => asRows(mine).arraySync());
    const old = tf.tidy(() => asRows(before).arraySync());
    const notOneHot = rows.findIndex((r) => !(r.every((v) => v === 0 || v === 1) && r.reduce((s, v) => s + v, 0) === 1));
    if (notOneHot >= 0) throw new StopCheck(`position ${notOneHot} is not one base any more ([${rows[notOneHot].join(", ")}]): write each base as one 1 and three 0s`);
    const changed = rows.map((r, j) => r.some((v, k) => v !== old[j][k]));
    const outside = changed.findIndex((c, j) => c && !(j >= site.start && j < site.end));
    const inside = changed.filter(Boolean).length;
    if (inside === 0) throw new StopCheck("the planted region is the original one: write your motif's bases into it");
    items.push(outside < 0
      ? { ok: true, text: `${inside} bases changed, all within the site you declared (bases ${site.start + 1}-${site.end})` }
      : { ok: false, text: `position ${outside} changed, outside the site you declared (bases ${site.start + 1}-${site.end}); the check can only judge the site if that is where you planted` });
    const [p0, p1] = tf.tidy(() => {
      const both = tf.stack([asRows(before), asRows(mine)]);
      const p = (model.predict(both) as tf.Tensor).arraySync() as number[][];
      return [p[0][a.classIndex], p[1][a.classIndex]];
    });
    items.push(p1 > p0
      ? { ok: true, text: `the network's probability for class ${a.classIndex} rose from ${p0.toFixed(3)} to ${p1.toFixed(3)}` }
      : { ok: false, text: `the probability for class ${a.classIndex} did not rise (${p0.toFixed(3)} to ${p1.toFixed(3)}): is it the motif of that class, on a strand and in an order the network learnt (JASPAR's consensus, e.g. dl.consensus)?` });
    const seq = asRows(mine);
    try {
      const r = mutagenesis({ model, sequence: seq, classIndex: a.classIndex });
      items.push(peakInSite(r.peak, site)
        ? { ok: true, text: `blanking a base hurts most at base ${r.peak + 1}, inside your site: the network found it` }
        : { ok: false, text: `blanking a base hurts most at base ${r.peak + 1}, outside your site (bases ${site.start + 1}-${site.end}): the network relies on something else in this region` });
    } finally {
      seq.dispose();
    }
  });
}
