/**
 * Sequence logos: one stack of letters per position, the stack as tall as the position's
 * information content (0 to 2 bits) and each letter in proportion to its probability, the likeliest
 * on top. Drawn as SVG and shown as PNG (with the SVG and a text version in the same output).
 */
import { displayBundle } from "../kernel/mime";
import { escapeXml, FONT_FAMILY, svgToPng } from "../display/svg";
import { informationContent } from "../data/dna/motifs";

export const LOGO_COLOURS: Record<string, string> = { A: "#109648", C: "#255C99", G: "#F7B32B", T: "#D62839" };

export interface LogoPanel {
  /** probs[j] = probabilities of A, C, G, T at position j. */
  probs: readonly (readonly number[])[];
  title?: string;
}

export interface SequenceLogoOptions {
  /** Pixels per position (default 28). */
  columnWidth?: number;
  /** Pixels for 2 bits (default 90). */
  height?: number;
  /** Panels per row (default 2). */
  ncol?: number;
}

function checkProbs(p: readonly (readonly number[])[], what: string): void {
  if (p === null || typeof p !== "object" || p.length === 0) throw new Error(`${what}: give at least one position`);
  p.forEach((col, j) => {
    if (col.length !== 4 || col.some((v) => !(v >= 0))) throw new Error(`${what}: position ${j + 1} needs four probabilities >= 0`);
    const s = col[0] + col[1] + col[2] + col[3];
    if (Math.abs(s - 1) > 1e-3) throw new Error(`${what}: position ${j + 1} sums to ${s}, not 1`);
  });
}

// DejaVu Sans Bold: capital height 0.729 em; the four letters are about 0.75 em wide.
const CAP = 0.729;
const ADVANCE = 0.76;
const FONT = 100;

/** SVG of one or more logos laid out in a grid. */
export function sequenceLogoSvg(panels: readonly LogoPanel[], options: SequenceLogoOptions = {}): string {
  if (panels === null || typeof panels !== "object" || panels.length === 0) throw new Error("sequenceLogo: give at least one panel");
  panels.forEach((p, i) => checkProbs(p.probs, `sequenceLogo panel ${i + 1}${p.title ? ` (${p.title})` : ""}`));
  const cw = options.columnWidth ?? 28;
  const h = options.height ?? 90;
  const ncol = options.ncol ?? Math.min(2, panels.length);
  const longest = Math.max(...panels.map((p) => p.probs.length));
  const left = 36;
  const top = 22;
  const bottom = 18;
  const panelW = left + longest * cw + 16;
  const panelH = top + h + bottom;
  const rows = Math.ceil(panels.length / ncol);
  const parts: string[] = [];
  panels.forEach((panel, i) => {
    const ox = (i % ncol) * panelW;
    const oy = Math.floor(i / ncol) * panelH;
    const base = oy + top + h;
    if (panel.title) {
      parts.push(`<text x="${ox + left}" y="${oy + 15}" font-size="13" font-family="${FONT_FAMILY}">${escapeXml(panel.title)}</text>`);
    }
    parts.push(`<line x1="${ox + left - 4}" y1="${oy + top}" x2="${ox + left - 4}" y2="${base}" stroke="#444"/>`);
    for (const bits of [0, 1, 2]) {
      const y = base - (bits / 2) * h;
      parts.push(`<line x1="${ox + left - 8}" y1="${y}" x2="${ox + left - 4}" y2="${y}" stroke="#444"/>`);
      parts.push(`<text x="${ox + left - 10}" y="${y + 4}" font-size="10" text-anchor="end" font-family="${FONT_FAMILY}">${bits}</text>`);
    }
    parts.push(`<text transform="translate(${ox + 10}, ${base - h / 2}) rotate(-90)" font-size="10" text-anchor="middle" font-family="${FONT_FAMILY}">bits</text>`);
    const ic = informationContent(panel.probs);
    panel.probs.forEach((col, j) => {
      const x = ox + left + j * cw;
      parts.push(`<text x="${x + cw / 2}" y="${base + 13}" font-size="9" text-anchor="middle" fill="#666" font-family="${FONT_FAMILY}">${j + 1}</text>`);
      const order = [0, 1, 2, 3].sort((a, b) => col[a] - col[b]);
      let y = base;
      for (const b of order) {
        const lh = (col[b] * ic[j] / 2) * h;
        if (lh < 0.5) continue;
        const letter = "ACGT"[b];
        const sx = (cw * 0.94) / (ADVANCE * FONT);
        const sy = lh / (CAP * FONT);
        parts.push(`<text transform="translate(${x + cw / 2}, ${y}) scale(${sx.toFixed(4)}, ${sy.toFixed(4)})" font-size="${FONT}" ` +
          `font-weight="bold" text-anchor="middle" fill="${LOGO_COLOURS[letter]}" font-family="${FONT_FAMILY}">${letter}</text>`);
        y -= lh;
      }
    });
  });
  const W = ncol * panelW;
  const H = rows * panelH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${parts.join("")}</svg>`;
}

/** The logo as text: the likeliest base per position, lower case where it carries under 1 bit. */
export function consensus(probs: readonly (readonly number[])[]): string {
  const ic = informationContent(probs);
  return probs.map((col, j) => {
    const b = "ACGT"[col.indexOf(Math.max(...col))];
    return ic[j] >= 1 ? b : b.toLowerCase();
  }).join("");
}

/** Shows logos in the notebook (PNG, SVG and a consensus line per panel as text). */
export function showSequenceLogos(panels: readonly LogoPanel[], options: SequenceLogoOptions = {}): void {
  const svg = sequenceLogoSvg(panels, options);
  const text = panels.map((p, i) => `${p.title ?? `logo ${i + 1}`}: ${consensus(p.probs)}`).join("\n");
  displayBundle({ "image/png": svgToPng(svg), "text/plain": text });
}
